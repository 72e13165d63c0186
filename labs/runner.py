"""Run one lab: requirements, lock, sweep, blocks in one logical shell session, daemons,
timeouts, signals, teardown on every path, leak check, record.

The harness process never runs lab code itself: every block is a `bash` in its own
session (setsid), so a timeout or Ctrl-C ends exactly that block's process group, and
teardown still runs afterwards. The ledger entry under /run/lab-harness/ lets the next
run clean up after a harness killed with kill -9.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import re
import select
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from . import ledger, leaks, pidwatch, procs, reaper, requires, session, sweep, watcher
from .live import Live
from .match import clean, diff as make_diff, output_matches
from .normalize import Normalizer

EXIT = {"passed": 0, "failed": 1, "skipped": 77, "refused": 75, "malformed": 2}
SIGNAL_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGHUP: 129}
KILL_GRACE = 2.0          # seconds between SIGTERM and SIGKILL for a block
DAEMON_GRACE = 5.0        # ... and for a daemon (lab format)
LOG_TAIL = 40             # daemon log lines kept in the transcript
MAX_OUTPUT = 2_000_000    # bytes of a block's output kept (head and tail)
SETTLE = 3.0              # seconds the run's processes may take to exit after teardown
REAP_EVERY = 0.2          # seconds between reaping the run's orphans while a block runs


@dataclass
class BlockResult:
    name: str
    role: str
    line: int
    status: str = "not run"   # passed failed timeout interrupted "not run" started stopped died
    duration: float = 0.0
    exit: Optional[int] = None
    output: str = ""          # normalized: what the transcript shows
    raw: str = ""             # secrets masked, not normalized: what a failing run prints
    message: str = ""
    commands: list = field(default_factory=list)
    diff: str = ""
    transcript: bool = False


@dataclass
class RunResult:
    lab: object
    run_id: str
    status: str = "failed"
    exit: int = 1
    date: str = ""
    duration: float = 0.0
    blocks: list = field(default_factory=list)
    failure: str = ""
    reason: str = ""
    leaks: list = field(default_factory=list)
    noticed: list = field(default_factory=list)
    swept: list = field(default_factory=list)
    measurements: dict = field(default_factory=dict)
    signal: Optional[int] = None
    partial: bool = False     # --until or --keep: not a verification
    timings: dict = field(default_factory=dict)   # seconds per phase (for `labs bench`)


class Reporter:
    """Live progress: one line per block with its status and elapsed time (verbose: the
    block's line first, its output under it as it comes, then the result line)."""

    def __init__(self, stream=None, verbose=0):
        self.s = stream or sys.stdout
        self.tty = hasattr(self.s, "isatty") and self.s.isatty()
        self.verbose = verbose

    def _write(self, text):
        """Progress is a courtesy: a closed pipe (`| head`) must never stop a teardown."""
        if self.s is None:
            return
        try:
            self.s.write(text)
            self.s.flush()
        except (OSError, ValueError):
            self.s = None

    def say(self, text=""):
        self._write(text + "\n")

    def start(self, role, name):
        if self.verbose:
            self.say(f"  ..    {role:8} {name}")
        elif self.tty:
            self._write(f"  ..    {role:8} {name}")

    def done(self, r: BlockResult, extra=""):
        mark = {"passed": "ok", "started": "ok", "stopped": "ok", "failed": "FAIL",
                "interrupted": "INTR", "timeout": "TIME", "died": "DIED"}.get(r.status, r.status.upper())
        if r.status == "not run":
            mark = "--"
        took = f"{r.duration:6.2f}s" if r.status not in ("not run",) else ""
        line = f"  {mark:5} {r.role:8} {r.name:28} {took} {extra}".rstrip()
        self.say(("\r\033[K" if self.tty and not self.verbose else "") + line)


def _now_iso():
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            if size <= MAX_OUTPUT:
                data = f.read()
            else:
                head = f.read(MAX_OUTPUT // 2)
                f.seek(size - MAX_OUTPUT // 2)
                data = head + b"\n[... output cut: %d bytes ...]\n" % (size - MAX_OUTPUT) + f.read()
    except OSError:
        return ""
    return data.decode("utf-8", "replace")


def _shown_lines(expected, lines, plain):
    """The normalized lines, except where a number taken for a pid is literally what the
    expected output says: that line is shown as printed."""
    if len(plain) != len(lines):
        return lines
    want = set(expected)
    return [p if a != p and p in want and a not in want else a for a, p in zip(lines, plain)]


def _tail(text: str, n=LOG_TAIL, norm=None) -> str:
    """The last n lines of text, after a line saying how many were left out; norm, if
    given, is applied to those lines only (a daemon's log can be megabytes)."""
    lines = text.splitlines()
    if len(lines) <= n:
        return norm(text) if norm else text
    kept = "\n".join(lines[-n:]) + "\n"
    return f"[... {len(lines) - n} earlier lines ...]\n" + (norm(kept) if norm else kept)


class Daemon:
    def __init__(self, block, result, proc, log):
        self.block, self.result, self.proc, self.log = block, result, proc, log
        self.pidfd = os.pidfd_open(proc.pid)
        self.status = "running"
        self.started = time.monotonic()
        self.started_ns = time.monotonic_ns()

    def close(self):
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None


class Runner:
    def __init__(self, lab, keep=False, until=None, record_dir=None, stream=None, verbose=0,
                 wait_lock=0.0):
        self.lab = lab
        self.wait_lock = wait_lock      # seconds to wait for a busy lock before refusing
        self.keep = keep
        self.until = until
        self.record_dir = Path(record_dir) if record_dir else lab.dir
        self.out = Reporter(stream, verbose)
        self.live = Live(self.out, lambda text: self.norm.mask(text), daemons=verbose >= 2) \
            if verbose else None
        self.signal = None
        self.phase = "setup"
        self.daemons = []
        self.failed_block = None

    # --- the whole run -------------------------------------------------------------------

    def run(self) -> RunResult:
        lab = self.lab
        self.run_id = ledger.new_run_id(lab.name)
        res = self.result = RunResult(lab=lab, run_id=self.run_id, date=_now_iso())
        res.partial = bool(self.keep or self.until)
        res.blocks = [BlockResult(b.name, b.role, b.line, transcript=b.is_transcript)
                      for b in lab.blocks]
        self.by_name = {r.name: r for r in res.blocks}
        self.out.say(f"lab {lab.name}: {lab.title}")

        missing = requires.missing(lab, cache_dir=str(ledger.state_root()))
        if missing:
            res.status, res.exit = "skipped", EXIT["skipped"]
            res.reason = "; ".join(missing)
            for m in missing:
                self.out.say(f"  skipped: {m}")
            return res

        holder = ledger.holder(lab.name, self.run_id)
        busy = self._take_locks(holder)
        if busy:
            res.status, res.exit = "refused", EXIT["refused"]
            res.reason = busy
            self.out.say(f"  refused: {res.reason}; try again when it is done")
            return res

        t0 = time.monotonic()
        self.rd = ledger.register(self.run_id, {"lab": lab.name, "prefix": lab.prefix,
                                                "lab_dir": str(lab.dir), "started": holder["started"],
                                                "kept": False})
        old = self._install_signals()
        self.lab_tmp = None
        self.current = None            # the block's bash being waited for
        self.watcher = None
        reaper.become_subreaper()
        reaper.managed = self._keep_pids
        self.watch = pidwatch.PidWatch(self.run_id)
        try:
            self._start_watcher()
            self.watch.start()
            self._run_phases(res)
        finally:
            self.watch.stop()
            res.duration = round(time.monotonic() - t0, 3)
            self._restore_signals(old)
            for d in self.daemons:
                d.close()
            if self.keep:
                ledger.update(self.run_id, kept=True)
            else:
                ledger.forget(self.run_id)
            self._stop_watcher()
            self.locks.release()
        return res

    def _take_locks(self, holder):
        """The run's locks (ledger.take_run_locks), waiting up to --wait seconds for a run
        holding one, and up to sweep.WATCHER_WAIT for a killed run's watcher (or a lock whose
        holder is gone and not yet replaced by its watcher): that one is done in seconds.
        Returns None once taken, else what holds them."""
        lab = self.lab
        self.locks = ledger.Locks()
        give_up = time.monotonic() + self.wait_lock
        watcher_give_up = None
        waiting = None
        while True:
            try:
                ledger.take_run_locks(self.locks, lab, holder)
                return None
            except ledger.Locked as e:
                name, who = e.args
            what = "this lab" if name == f"lab-{lab.name}" else f"lock '{name.removeprefix('res-')}'"
            if name == "all":
                what = "the host (a `sweep --all` is running)"
            busy = f"{what} is in use by {ledger.describe_holder(who)}"
            limit = give_up
            if ledger.taking_over(who):
                if watcher_give_up is None:
                    watcher_give_up = time.monotonic() + sweep.WATCHER_WAIT
                limit = max(limit, watcher_give_up)
            if time.monotonic() >= limit:
                return busy
            if busy != waiting:
                self.out.say(f"  wait   {busy} (waiting up to {max(0, limit - time.monotonic()):.0f} s)")
                waiting = busy
            time.sleep(0.2 if ledger.taking_over(who) else 0.5)

    # --- the watcher -----------------------------------------------------------------------

    def _start_watcher(self):
        """The process that tears the run down if this one is killed (labs/watcher.py)."""
        r, self.watcher_pipe = os.pipe()
        held = [f"{fd}:{int(excl)}" for fd, _, excl in self.locks.held]
        env = {k: v for k, v in os.environ.items() if k != "LAB_RUN_ID"}
        try:
            self.watcher = subprocess.Popen(
                [sys.executable, "-m", "labs.watcher", self.run_id, self.lab.name, self.lab.prefix]
                + held, stdin=r, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                pass_fds=self.locks.fds, start_new_session=True, env=env,
                cwd=str(Path(__file__).resolve().parent.parent))     # where `labs` imports from
        except OSError as e:         # the run goes on; a kill -9 is then left to `sweep`
            self.out.say(f"  note  no watcher ({e}): if this run is killed, run `python -m labs sweep`")
            os.close(self.watcher_pipe)
            return
        finally:
            os.close(r)
        ledger.update(self.run_id, watcher_pid=self.watcher.pid,
                      watcher_start=procs.start_time(self.watcher.pid))

    def _stop_watcher(self):
        """Tell the watcher the run ended here, and wait until it has let go of the locks."""
        if self.watcher is None:
            return
        try:
            os.write(self.watcher_pipe, watcher.DONE)
        except OSError:
            pass
        os.close(self.watcher_pipe)
        try:
            self.watcher.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.watcher.kill()
            self.watcher.wait()

    def _keep_pids(self):
        """The Popen children not reaped yet, which only their Popen may reap."""
        keep = {d.proc.pid for d in self.daemons if d.proc.returncode is None}
        for p in (self.current, self.watcher):
            if p is not None and p.returncode is None:
                keep.add(p.pid)
        return keep

    def _run_phases(self, res):
        lab = self.lab
        tick = self._ticker(res.timings)
        try:
            res.swept = sweep.sweep_lab(lab, exclude_run=self.run_id)
            for s in res.swept:
                self.out.say(f"  swept  {s}")
            tick("sweep")
            self.before = leaks.snapshot()
            tick("snapshot")
            self.lab_tmp = tempfile.mkdtemp(prefix=lab.prefix + "-", dir="/tmp")
            os.chmod(self.lab_tmp, 0o755)
            os.mkdir(os.path.join(self.lab_tmp, "logs"))
            ledger.update(self.run_id, lab_tmp=self.lab_tmp)
            self._prepare()
            self.deadline = time.monotonic() + lab.timeout
            self.phase = "run"
            tick("prepare")
            self._run_blocks()
            tick("blocks")
        except Exception:
            self._fail(None, "harness error:\n" + traceback.format_exc())
        finally:
            self.phase = "teardown"
            try:
                if self.keep:
                    self._print_kept()
                else:
                    tick(None)
                    self._teardown()
                    tick("teardown")
            except Exception:
                self._fail(None, "harness error during teardown:\n" + traceback.format_exc())
            if not self.keep:
                try:
                    self._leak_check()
                    tick("leak check")
                except Exception:
                    self._fail(None, "harness error during the leak check:\n" + traceback.format_exc())
                if self.lab_tmp:
                    err = sweep.remove_tree(self.lab_tmp)
                    if err:
                        self.out.say(f"  could not remove {self.lab_tmp} entirely: {err}")
        res.measurements = self._measurements()
        if self.signal:
            res.signal = self.signal
            res.status, res.exit = "interrupted", SIGNAL_EXIT.get(self.signal, 130)
        elif res.failure:
            res.status, res.exit = "failed", EXIT["failed"]
        else:
            res.status, res.exit = "passed", EXIT["passed"]

    @staticmethod
    def _ticker(timings):
        last = [time.monotonic()]

        def tick(name):
            now = time.monotonic()
            if name:
                timings[name] = round(now - last[0], 4)
            last[0] = now
        return tick

    # --- preparing the session -------------------------------------------------------------

    def _prepare(self):
        lab, rd = self.lab, self.rd
        (rd / "daemons").mkdir(exist_ok=True)
        (rd / "prelude.sh").write_text(session.prelude(lab.secrets))
        self.state_file = str(rd / "state.start.sh")
        Path(self.state_file).write_text(session.empty_state(self.lab_tmp))
        env = session.clean_env(LAB=lab.name, LAB_DIR=str(lab.dir), LAB_TMP=self.lab_tmp,
                                LAB_PREFIX=lab.prefix, LAB_RUN_ID=self.run_id,
                                LAB_HARNESS_DIR=str(rd))
        self.env = env
        try:
            rel = os.path.relpath(lab.path)
            self.dollar0 = rel if not rel.startswith("..") else str(lab.path)
        except ValueError:
            self.dollar0 = str(lab.path)
        self.norm = Normalizer(secrets=[os.environ.get(s, "") for s in lab.secrets],
                               paths={self.lab_tmp: "$LAB_TMP", str(lab.dir): "$LAB_DIR"})

    # --- signals ---------------------------------------------------------------------------

    def _install_signals(self):
        self.sig_r, self.sig_w = os.pipe()
        os.set_blocking(self.sig_r, False)
        os.set_blocking(self.sig_w, False)
        old = {"wakeup": signal.set_wakeup_fd(self.sig_w, warn_on_full_buffer=False)}
        for s in SIGNAL_EXIT:
            old[s] = signal.signal(s, self._on_signal)
        return old

    def _on_signal(self, signum, frame):
        if self.signal is None:
            self.signal = signum
        if self.phase == "teardown":
            try:
                os.write(2, b"\n  (signal received: finishing teardown first; kill -9 would leave "
                            b"state for `python -m labs sweep`)\n")
            except OSError:
                pass

    def _restore_signals(self, old):
        signal.set_wakeup_fd(old.pop("wakeup"))
        for s, h in old.items():
            signal.signal(s, h)
        os.close(self.sig_r)
        os.close(self.sig_w)

    def _drain(self):
        try:
            while os.read(self.sig_r, 512):
                pass
        except (BlockingIOError, OSError):
            pass

    # --- waiting ---------------------------------------------------------------------------

    def _wait(self, proc, deadline, interruptible=True):
        """Wait for a block's bash: 'done', 'timeout', 'interrupted' or 'daemon' (one died)."""
        pfd = os.pidfd_open(proc.pid)
        try:
            poller = select.poll()
            poller.register(pfd, select.POLLIN)
            poller.register(self.sig_r, select.POLLIN)
            watched = {}
            for d in self.daemons:
                if d.status == "running" and d.pidfd is not None:
                    poller.register(d.pidfd, select.POLLIN)
                    watched[d.pidfd] = d
            while True:
                if interruptible and self.signal:
                    return "interrupted"
                left = deadline - time.monotonic()
                if left <= 0:
                    return "timeout"
                if self.live:
                    self.live.poll()
                    left = min(left, 0.1)
                reaper.reap(self._keep_pids())
                left = min(left, REAP_EVERY)
                for fd, _ in poller.poll(max(1, int(left * 1000) + 1)):
                    if fd == pfd:
                        proc.wait()
                        return "done"
                    if fd == self.sig_r:
                        self._drain()
                    elif fd in watched:
                        d = watched.pop(fd)
                        poller.unregister(fd)
                        self._daemon_exited(d)
                        if d.status == "died" and self.phase == "run":
                            return "daemon"
        finally:
            os.close(pfd)

    def _end_block(self, proc):
        """SIGTERM the block's process group (bash saves its state on the way out), then
        SIGKILL whatever is left of the group."""
        procs.signal_group(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=KILL_GRACE)
        except subprocess.TimeoutExpired:
            pass
        procs.signal_group(proc.pid, signal.SIGKILL)
        proc.wait()

    # --- blocks ----------------------------------------------------------------------------

    def _run_blocks(self):
        blocks = self.lab.run_blocks
        for k, b in enumerate(blocks):
            r = self.by_name[b.name]
            if self.result.failure or self.signal:
                break
            if time.monotonic() >= self.deadline:
                self._fail(r, f"the run took longer than its timeout ({self.lab.timeout:g} s)")
                break
            if b.role == "daemon":
                self._start_daemon(b, r)
            else:
                self._run_block(k, b, r, self.deadline)
            if not self.result.failure and not self.signal:
                self._check_daemons()
            if self.until and b.name == self.until:
                self.out.say(f"  stopped after {b.name} (--until)")
                break
        for r in self.result.blocks:
            if r.role != "teardown" and r.status == "not run":
                self.out.done(r)

    def _script_for(self, k, b):
        if b.is_transcript:
            return session.transcript_block(k, self.state_file, b.commands)
        return session.script_block(k, self.state_file, b.source, b.body_line,
                                    errexit=b.role != "teardown")

    def _run_block(self, k, b, r, run_deadline, interruptible=True):
        rd = self.rd
        self.out.start(b.role, b.name)
        t0 = time.monotonic()
        t0_ns = time.monotonic_ns()
        deadline = min(t0 + b.timeout, run_deadline) if run_deadline else t0 + b.timeout
        out_path = rd / f"b{k}.out"
        with open(out_path, "wb") as f:
            proc = subprocess.Popen(session.bash_argv(self._script_for(k, b), self.dollar0),
                                    stdin=subprocess.DEVNULL, stdout=f,
                                    stderr=subprocess.STDOUT, start_new_session=True,
                                    env=self.env, cwd=self.lab_tmp)
        self.current = proc
        if self.live:
            self.live.start_block(rd, k, b)
        how = self._wait(proc, deadline, interruptible)
        if how != "done":
            self._end_block(proc)
        self.current = None
        if self.live:
            self.live.end_block()
        r.duration = round(time.monotonic() - t0, 3)
        r.exit = proc.returncode
        self.norm.add_pids([proc.pid])
        self.watch.sync()
        self.block_pids = self.watch.pids_during(t0_ns)     # alive at some moment of this block
        if any(d.status == "running" for d in self.daemons):   # their children's PIDs too
            self.norm.add_pids(procs.with_run_ids([self.run_id]))
        state = rd / f"state.{k}.sh"
        try:
            if state.read_text().endswith("# state complete\n"):
                self.state_file = str(state)
        except OSError:
            pass
        self._read_secrets(k)
        if b.is_transcript:
            self._judge_transcript(k, b, r)
        else:
            raw = _read_text(out_path)
            self._learn_pids(raw)
            r.raw = self.norm.mask(raw)
            r.output = self.norm(raw, self.block_pids)
            r.status = "passed" if proc.returncode == 0 else "failed"
            if r.status == "failed" and b.role != "teardown":
                r.message = f"{self.lab.path}:{b.line}: {b.role} {b.name} exited with status {proc.returncode}"
        if how == "timeout":
            r.status = "timeout"
            limit = b.timeout if deadline == t0 + b.timeout else self.lab.timeout
            what = "block" if deadline == t0 + b.timeout else "whole run"
            r.message = (f"{self.lab.path}:{b.line}: {b.role} {b.name} timed out: the {what} "
                         f"limit is {limit:g} s")
        elif how == "interrupted":
            r.status = "interrupted"
            r.message = f"interrupted by {signal.Signals(self.signal).name} during {b.role} {b.name}"
        elif how == "daemon":
            r.status = "interrupted"
            r.message = f"stopped because a daemon died during {b.role} {b.name}"
        if b.role == "teardown":
            self.out.done(r, "" if r.status == "passed" else f"(exit {r.exit}: reported, not judged)")
            return
        self.out.done(r)
        if r.status != "passed" and how != "daemon":
            self._fail(r, r.message)

    def _judge_transcript(self, k, b, r):
        rd = self.rd
        shown, failed = [], None
        for i, c in enumerate(b.commands):
            rc_file = rd / f"b{k}.{i}.rc"
            entry = {"command": c.text, "line": c.line, "expected_rc": c.expected_rc}
            try:
                rc = int(rc_file.read_text().strip())
            except (OSError, ValueError):
                entry["status"] = "not run"
                r.commands.append(entry)
                continue
            raw = _read_text(rd / f"b{k}.{i}.out")
            self._learn_pids(raw)
            actual = self.norm(raw, self.block_pids)
            lines = actual.splitlines()
            plain = self.norm(raw, self.block_pids, bare_pids=False).splitlines()
            ok_out = output_matches(c.expected, lines, plain)
            lines = _shown_lines(c.expected, lines, plain)
            actual = "\n".join(lines) + ("\n" if actual.endswith("\n") else "")
            entry.update(rc=rc, output=actual, status="passed" if ok_out and rc == c.expected_rc else "failed")
            r.commands.append(entry)
            cmd_shown = "$ " + c.text.replace("\n", "\n> ")
            shown.append(cmd_shown + "\n" + "\n".join(clean(lines)) + ("\n" if clean(lines) else "")
                         + (f"[{rc}]\n" if rc != 0 else ""))
            r.raw += cmd_shown + "\n" + self.norm.mask(raw) + (f"[{rc}]\n" if rc else "")
            if failed is None and entry["status"] == "failed":
                failed = (c, rc, lines)
        r.output = "".join(shown)
        ran = [e for e in r.commands if e["status"] != "not run"]
        if failed:
            c, rc, lines = failed
            r.status = "failed"
            if rc != c.expected_rc:
                r.message = f"{self.lab.path}:{c.line}: `{c.text.splitlines()[0]}` exited with status {rc}, expected {c.expected_rc}"
            else:
                r.message = f"{self.lab.path}:{c.line}: `{c.text.splitlines()[0]}`: output differs from the expected output"
            r.diff = make_diff(c.expected, lines)
        elif len(ran) < len(b.commands):
            c = b.commands[len(ran)]
            r.status = "failed"
            r.message = (f"{self.lab.path}:{c.line}: the shell ended before `{c.text.splitlines()[0]}` "
                         f"(exit status {r.exit})")
            shell = _read_text(rd / f"b{k}.out").strip()     # bash's own words, e.g. a syntax error
            if shell:
                r.message += ":\n" + self.norm.mask(shell)
        else:
            r.status = "passed"

    def _learn_pids(self, raw):
        """Numbers in the output that are live processes of this run are PIDs for the rest
        of the run, not only in this block's window (pidwatch): a container's pid printed
        now may be printed again by a later block."""
        nums = {int(x) for x in re.findall(r"(?<![\d.])\d{2,7}(?![\d.])", raw)}
        if not nums:
            return
        live = {p for p in nums if os.path.isdir(f"/proc/{p}")}
        self.norm.add_pids(p for p in live if procs.run_id_of(p) == self.run_id)

    def _read_secrets(self, k):
        if not self.lab.secrets:
            return
        try:
            values = (self.rd / f"secrets.{k}").read_bytes().split(b"\0")
        except OSError:
            return
        self.norm.add_secrets(v.decode("utf-8", "replace") for v in values)

    # --- daemons ---------------------------------------------------------------------------

    def _start_daemon(self, b, r):
        log = Path(self.lab_tmp) / "logs" / f"{b.name}.log"
        t0 = time.monotonic()
        with open(log, "ab") as f:
            script = session.daemon_block(self.state_file, b.source, b.body_line)
            proc = subprocess.Popen(session.bash_argv(script, self.dollar0),
                                    stdin=subprocess.DEVNULL, stdout=f,
                                    stderr=subprocess.STDOUT, start_new_session=True,
                                    env=self.env, cwd=self.lab_tmp)
        (self.rd / "daemons" / f"{b.name}.pid").write_text(f"{proc.pid}\n")
        self.daemons.append(Daemon(b, r, proc, log))
        if self.live:
            self.live.add_daemon(b.name, log)
        self.norm.add_pids([proc.pid])
        r.status = "started"
        r.duration = round(time.monotonic() - t0, 3)
        self.out.done(r, f"pid {proc.pid}, log $LAB_TMP/logs/{b.name}.log")

    def _daemon_exited(self, d):
        d.proc.wait()
        d.close()
        stopped = (self.rd / "daemons" / f"{d.block.name}.stopped").exists()
        d.result.exit = d.proc.returncode
        if stopped or self.phase != "run":
            d.status = d.result.status = "stopped"
        else:
            d.status = d.result.status = "died"
            log = _read_text(d.log)
            d.result.raw = self.norm.mask(log)
            how = (f"exit status {d.proc.returncode}" if d.proc.returncode >= 0
                   else f"killed by {signal.Signals(-d.proc.returncode).name}")
            self._fail(d.result, f"{self.lab.path}:{d.block.line}: daemon {d.block.name} died ({how}); "
                                 f"its log $LAB_TMP/logs/{d.block.name}.log ends with:\n"
                                 + _tail(d.result.raw, 30))
            self.out.done(d.result, how)

    def _check_daemons(self):
        for d in self.daemons:
            if d.status == "running" and d.proc.poll() is not None:
                self._daemon_exited(d)

    def _stop_daemons(self):
        running = [d for d in self.daemons if d.status == "running"]
        for d in running:
            if d.proc.poll() is not None:
                self._daemon_exited(d)
        running = [d for d in running if d.status == "running"]
        if running:
            how = procs.stop_groups([d.proc.pid for d in reversed(running)], grace=DAEMON_GRACE,
                                    reap=lambda: [d.proc.poll() for d in running])
            for d in running:
                d.proc.poll()
                d.status = d.result.status = "stopped"
                d.result.exit = d.proc.returncode
                d.close()
                self.out.say(f"  ok    stop     {d.block.name:28} {how[d.proc.pid]}")
        if self.live:
            self.live.poll(final=True)
        if self.daemons:
            self.watch.sync()
        for d in self.daemons:
            log = _read_text(d.log)
            pids = self.watch.pids_during(d.started_ns, tops={d.proc.pid})
            d.result.output = _tail(log, norm=functools.partial(self.norm, pids=pids))
            if not d.result.raw:
                d.result.raw = self.norm.mask(log)
            d.result.duration = round(time.monotonic() - d.started, 3)

    # --- teardown, leaks -------------------------------------------------------------------

    def _teardown(self):
        blocks = self.lab.teardown_blocks
        if self.lab_tmp is None:
            return
        if blocks:
            self.out.say("  teardown")
        base = len(self.lab.run_blocks)
        try:
            for i, b in enumerate(blocks):
                r = self.by_name[b.name]
                try:
                    self._run_block(base + i, b, r, None, interruptible=False)
                except Exception:      # a harness bug must not skip the next teardown block
                    r.status, r.message = "failed", "harness error:\n" + traceback.format_exc()
                    self._fail(None, f"harness error in teardown {b.name}:\n" + traceback.format_exc())
        finally:
            self._stop_daemons()

    def _print_kept(self):
        self.out.say("  --keep: teardown not run; the state is left for you:")
        self.out.say(f"    LAB_TMP={self.lab_tmp}")
        resume = self.rd / "resume.sh"
        keys = ("LAB", "LAB_DIR", "LAB_TMP", "LAB_PREFIX", "LAB_RUN_ID", "LAB_HARNESS_DIR")
        resume.write_text("".join(f"export {k}={shlex.quote(self.env[k])}\n" for k in keys)
                          + f". {shlex.quote(str(self.rd / 'prelude.sh'))}\n"
                          + f". {shlex.quote(self.state_file)}\n")
        self.out.say(f"    continue by hand in a root bash: . {resume}")
        for d in self.daemons:
            if d.status == "running":
                self.out.say(f"    daemon {d.block.name}: pid {d.proc.pid}, log {d.log}")
        for b in self.lab.teardown_blocks:
            self.out.say(f"    teardown {b.name} would run:")
            for line in b.source.splitlines():
                self.out.say(f"      {line}")
        self.out.say(f"    clean up with: python -m labs sweep {self.lab.name}")

    def _leak_check(self):
        """First wait until every process the run started has exited and been reaped
        (daemons that a teardown block stopped may still be exiting, and orphans are ours
        to reap), then compare the host with the snapshot. Whatever is left is a leak:
        it is ended and reaped, and its things removed, before this returns."""
        if self.lab_tmp is None:
            return
        keep = self._keep_pids()
        left = reaper.wait_descendants_gone(SETTLE, keep)
        found = leaks.stray_processes(self.run_id, self.lab.prefix)
        listed = {int(x.name.split()[0]) for x in found}
        found += [leaks.Leak("process", f"{pid} {procs.comm(pid)}", "ours")
                  for pid, state in sorted(left.items()) if pid not in listed and state != "Z"]
        gone, noticed = leaks.compare(self.before, leaks.snapshot(), self.lab.prefix, self.lab_tmp)
        found += gone
        self.result.leaks = [str(x) for x in found]
        self.result.noticed = [f"{x.kind} {x.name}" for x in noticed]
        if noticed:
            self.out.say("  note  appeared during the run, named without lab- (another program's, or a "
                         "lab breaking the naming rule; not judged):")
            for x in noticed:
                self.out.say(f"          {x.kind:8} {x.name}")
        if not found:
            self.out.say("  ok    leak check: the host is as it was")
            return
        self.out.say("  LEAK  the run left these behind:")
        for x in found:
            self.out.say(f"          {x}")
        self._fail(None, "leak check: the run left " + ", ".join(f"{x.kind} {x.name}" for x in found))
        cleaned = self._end_run_processes()
        cleaned += sweep.sweep_prefix(self.lab.prefix, keep_paths=(self.lab_tmp,),
                                      extra_tmp={x.name for x in found if x.kind == "tmp"},
                                      own_run=self.run_id)
        cleaned += self._end_descendants()
        still = reaper.wait_descendants_gone(procs.KILL_WAIT, keep)
        cleaned += [f"process {p} ({procs.comm(p)}) still alive after SIGKILL" for p, st in
                    sorted(still.items()) if st != "Z"]
        for c in cleaned:
            self.out.say(f"  swept  {c}")

    def _end_run_processes(self):
        """End, by PID, the processes still carrying the run's id."""
        pids = procs.with_run_ids([self.run_id])
        if pids:
            procs.kill_pids(pids)
        return [f"process {p}" for p in sorted(pids)]

    def _end_descendants(self):
        """End, by PID, the harness's descendants still alive (but its Popen children):
        what the run started that carries neither its id nor a prefixed cgroup."""
        keep = self._keep_pids()
        rest = {p: procs.start_time(p) for p, st in reaper.descendants(skip=keep).items() if st != "Z"}
        if not rest:
            return []
        done = [f"process {p} ({procs.comm(p)})" for p in sorted(rest)]
        procs.terminate(list(rest), lambda p: procs.alive(p, rest[p]), procs.kill_pid, KILL_GRACE,
                        reap=lambda: reaper.reap(keep))
        return done

    # --- results -------------------------------------------------------------------------

    def _fail(self, r, message):
        if not self.result.failure:
            self.result.failure = message
            self.failed_block = r

    def _measurements(self):
        out = {}
        try:
            lines = (self.rd / "records.tsv").read_text().splitlines()
        except (OSError, AttributeError):
            return out
        for line in lines:
            k, _, v = line.partition("\t")
            v = self.norm.mask(v) if hasattr(self, "norm") else v
            try:
                out[k] = int(v) if re.fullmatch(r"-?\d+", v) else float(v) if re.fullmatch(
                    r"-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?", v) else v
            except ValueError:
                out[k] = v
        return out


def report_failure(res: RunResult, runner: Runner, out: Reporter):
    """The failing block's full output, and the expected/actual diff of a transcript."""
    if res.status != "failed":
        return
    r = runner.failed_block
    out.say("")
    out.say(res.failure)
    if r is not None and r.role != "daemon":
        if r.diff:
            out.say("")
            out.say(r.diff)
        if r.raw.strip():
            out.say("")
            out.say(f"--- full output of {r.role} {r.name} ---")
            out.say(r.raw.rstrip("\n"))
            out.say(f"--- end of output ---")
