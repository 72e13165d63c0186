"""Remove what crashed runs left: processes of dead runs (by PID, found by their
LAB_RUN_ID), processes in cgroups named with a lab's prefix (containers, which carry no
LAB_RUN_ID), then namespaces, links, mounts, cgroups, iptables rules and /tmp entries
named with the prefix. Only `lab-` names; never anything of a live run.
"""
from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import time

from pathlib import Path

from . import ledger, leaks, procs, reaper, session
from .labfile import LabError, parse_lab
from .session import which

DAEMON_GRACE = 5.0     # as for a daemon at teardown: SIGTERM, then SIGKILL
KILL_GRACE = 2.0
REAP_WAIT = 5.0        # seconds for init (or the harness) to reap what was killed


def _run(args):
    r = subprocess.run(args, capture_output=True, text=True)
    return r.returncode == 0, (r.stderr or r.stdout).strip()


def sweep_dead_runs(dead=None, forget=True) -> list:
    """End the processes of dead runs, run their lab's teardown blocks with the state they
    saved (so lab-specific cleanup happens too), forget those runs (unless not `forget`).
    `dead`: their ledger entries (default: every dead run). Returns what was done."""
    done = []
    if dead is None:
        dead = ledger.dead_runs()
    if not dead:
        return done
    ids = {r["run_id"] for r in dead}
    found = procs.with_run_ids(ids)
    for pid, rid in sorted(found.items()):
        done.append(f"process {pid} ({procs.comm(pid)}) of dead run {rid}")
    started = {p: procs.start_time(p) for p in found}
    # What their teardown blocks may end (containers, in the prefix's cgroups): a zombie
    # leaves its cgroup at once, so it is known now or never; waited for below.
    ended_by_teardown = {}
    for prefix in {r.get("prefix") for r in dead if r.get("prefix")}:
        ended_by_teardown.update({p: procs.start_time(p) for p in procs.cgroup_processes(prefix)})
    left = procs.kill_pids(found, grace=DAEMON_GRACE) if found else []
    for r in dead:
        done += teardown_dead_run(r)
    found = procs.with_run_ids(ids)          # anything those teardown blocks started
    started.update({p: procs.start_time(p) for p in found})
    left += procs.kill_pids(found) if found else []
    # Their parent died with the harness: init reaps them, and they count until it has.
    reaper.wait_reaped({p: s for p, s in started.items() if p not in left}, REAP_WAIT)
    reaper.wait_reaped(ended_by_teardown, REAP_WAIT, zombies_only=True)
    for pid in sorted(set(left)):
        done.append(f"process {pid} still alive after SIGKILL (uninterruptible?)")
    if forget:
        for r in dead:
            ledger.forget(r["run_id"])
            done.append(f"ledger entry of dead run {r['run_id']}")
    return done


def _state_index(p: Path) -> int:
    k = p.name.split(".")[1]
    return int(k) if k.isdigit() else -1


def teardown_dead_run(run: dict) -> list:
    """The teardown blocks of a dead run's lab, run with the last state that run saved, as
    its own teardown would have run them (no errexit, each block whatever the others did)."""
    d = Path(run.get("dir", ""))
    lab_tmp, lab_dir = run.get("lab_tmp"), run.get("lab_dir")
    if not (d / "prelude.sh").is_file() or not lab_tmp or not os.path.isdir(lab_tmp) or not lab_dir:
        return []
    try:
        lab = parse_lab(lab_dir)
    except LabError:
        return []
    if lab.name != run.get("lab") or not lab.teardown_blocks:
        return []
    states = sorted((p for p in d.glob("state.*.sh")
                     if p.read_text(errors="replace").endswith("# state complete\n")), key=_state_index)
    if not states:
        return []
    env = session.clean_env(LAB=lab.name, LAB_DIR=str(lab.dir), LAB_TMP=lab_tmp, LAB_PREFIX=lab.prefix,
                            LAB_RUN_ID=run["run_id"], LAB_HARNESS_DIR=str(d))
    done = []
    for i, b in enumerate(lab.teardown_blocks):
        script = session.script_block(90000 + i, str(states[-1]), b.source, b.body_line, errexit=False)
        with open(d / f"sweep-teardown.{i}.out", "wb") as out:
            p = subprocess.Popen(session.bash_argv(script, str(lab.path)), stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                 env=env, cwd=lab_tmp)
        try:
            p.wait(timeout=b.timeout)
            done.append(f"teardown {b.name} of dead run {run['run_id']} (exit {p.returncode})")
        except subprocess.TimeoutExpired:
            procs.stop_groups([p.pid], grace=KILL_GRACE)
            p.wait()
            done.append(f"teardown {b.name} of dead run {run['run_id']}: timed out after {b.timeout:g} s")
    return done


def harness_tmp(path: str, prefix: str) -> bool:
    """A /tmp entry the harness made as some run's LAB_TMP: <prefix...>-XXXXXXXX (mkdtemp)
    holding logs/. Anything else named lab-* in /tmp (someone's work by hand) is kept."""
    name = os.path.basename(path)
    return bool(re.fullmatch(re.escape(prefix) + r"[a-z0-9-]*-[a-z0-9_]{8}", name)) and \
        os.path.isdir(os.path.join(path, "logs")) and not os.path.islink(path)


def _tmp_entry(path: str):
    """/tmp/<entry> for a path under /tmp, else None."""
    parts = path.split("/")
    return "/tmp/" + parts[2] if len(parts) > 2 and parts[1] == "tmp" else None


def sweep_cgroup_processes(prefix: str, own_run=None) -> list:
    """End, by PID, the processes in cgroups named with prefix: containers a lab's
    dockerd/containerd/runc started, which carry no LAB_RUN_ID. A process carrying the id
    of another live run is never touched (it is that run's)."""
    found = procs.cgroup_processes(prefix)
    live = None
    for pid in list(found):
        rid = procs.run_id_of(pid)
        if rid and rid != own_run:
            if live is None:
                live = {r.get("run_id") for r in ledger.runs() if r["alive"]}
            if rid in live:
                del found[pid]
    if not found:
        return []
    done = [f"process {pid} ({procs.comm(pid)}) in cgroup {d}" for pid, d in sorted(found.items())]
    started = {p: procs.start_time(p) for p in found}
    left = procs.kill_cgroup_processes(found, prefix, grace=KILL_GRACE)
    for pid in left:
        done.append(f"process {pid} still alive after SIGKILL (uninterruptible?)")
    reaper.wait_reaped({p: s for p, s in started.items() if p not in left}, REAP_WAIT)
    return done


def sweep_prefix(prefix: str, keep_paths=(), extra_tmp=(), report_kept=False, own_run=None) -> list:
    """Remove every namespace, root link, mount, cgroup dir and iptables rule whose name
    starts with prefix, and the runs' temp dirs (harness_tmp, or listed in extra_tmp);
    first end the processes left in the prefix's cgroups. Returns a line per thing
    removed or not removable."""
    if not re.fullmatch(r"lab-[a-z0-9-]*", prefix):
        raise ValueError(f"sweep_prefix: {prefix!r} is not a lab- prefix")
    done = []
    try:
        tmp = [os.path.join("/tmp", n) for n in sorted(os.listdir("/tmp")) if n.startswith(prefix)]
    except OSError:
        tmp = []
    ours = {p for p in tmp if p not in keep_paths and (harness_tmp(p, prefix) or p in extra_tmp)}
    kept = [p for p in tmp if p not in ours and p not in keep_paths]
    done += sweep_cgroup_processes(prefix, own_run)
    ip = which("ip")
    # network namespaces
    try:
        names = sorted(os.listdir("/run/netns"))
    except OSError:
        names = []
    for n in names:
        if n.startswith(prefix) and ip:
            ok, err = _run([ip, "netns", "del", n])
            done.append(f"netns {n}" + ("" if ok else f": could not delete: {err}"))
    # links of the root namespace
    try:
        links = sorted(os.listdir("/sys/class/net"))
    except OSError:
        links = []
    for n in links:
        if n.startswith(prefix) and ip and os.path.exists(f"/sys/class/net/{n}"):
            ok, err = _run([ip, "link", "del", n])
            done.append(f"link {n}" + ("" if ok else f": could not delete: {err}"))
    # mounts (deepest first), lazily: a busy mount is detached, not left
    for m in sorted({m for m in leaks.mounts() if procs.named_with(m, prefix)},
                    key=lambda p: -p.count("/")):
        if any(m == k or m.startswith(k + "/") for k in keep_paths):
            continue
        if _tmp_entry(m) is not None and _tmp_entry(m) not in ours:
            continue                       # under someone's own /tmp/lab-* dir: theirs
        ok, err = _run(["umount", "-l", m])
        done.append(f"mount {m}" + ("" if ok else f": could not unmount: {err}"))
    # cgroup dirs (deepest first); they go only when no process is left in them
    for d, err in procs.remove_cgroups(procs.cgroup_dirs(prefix)):
        done.append(f"cgroup {d}" + (f": could not remove: {err}" if err else ""))
    done += _sweep_rules(prefix)
    for p in sorted(ours):
        err = remove_tree(p)
        done.append(f"tmp {p}" + (f": {err}" if err else ""))
    if report_kept:
        for p in kept:
            done.append(f"tmp {p}: left alone (not a run's temp dir: made by hand?)")
    return done


def _sweep_rules(prefix):
    done = []
    for tool in ("iptables", "ip6tables"):
        tool_exe = which(tool)
        if not tool_exe:
            continue
        chains = []
        for table, line in leaks.saved_rules(tool):
            if line.startswith(":") and line[1:].startswith(prefix):
                chains.append((table, line[1:].split()[0]))
            elif line.startswith("-A ") and leaks.owner("iptables", line, prefix) == "ours":
                args = shlex.split(line)[1:]
                ok, err = _run([tool_exe, "-t", table, "-D"] + args)
                done.append(f"{tool} -t {table} {line}" + ("" if ok else f": could not delete: {err}"))
        for table, chain in chains:
            _run([tool_exe, "-t", table, "-F", chain])
            ok, err = _run([tool_exe, "-t", table, "-X", chain])
            done.append(f"{tool} -t {table} chain {chain}" + ("" if ok else f": could not delete: {err}"))
    return done


def remove_tree(path: str):
    """rm -r that never leaves its file system: mounts below are lazily unmounted first,
    and a directory on another device (a mount that appeared meanwhile) is skipped.
    Returns None or an error message."""
    path = os.path.abspath(path)
    for m in sorted((m for m in leaks.mounts() if m.startswith(path.rstrip("/") + "/")),
                    key=lambda p: -p.count("/")):
        _run(["umount", "-l", m])
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISDIR(st.st_mode):
        try:
            os.unlink(path)
            return None
        except OSError as e:
            return str(e)
    errors = []

    def walk(d, dev):
        try:
            entries = list(os.scandir(d))
        except OSError as e:
            errors.append(str(e))
            return
        for e in entries:
            try:
                if e.is_dir(follow_symlinks=False):
                    if e.stat(follow_symlinks=False).st_dev != dev:
                        errors.append(f"{e.path} is another file system: left alone")
                        continue
                    walk(e.path, dev)
                    os.rmdir(e.path)
                else:
                    os.unlink(e.path)
            except FileNotFoundError:
                pass
            except OSError as ex:
                errors.append(f"{e.path}: {ex.strerror}")

    walk(path, st.st_dev)
    try:
        os.rmdir(path)
    except FileNotFoundError:
        pass
    except OSError as e:
        errors.append(f"{path}: {e.strerror}")
    return "; ".join(errors[:3]) if errors else None


def sweep_lab(lab, exclude_run=None, report_kept=False) -> list:
    """What a run of `lab` does first (holding the lab's lock): end processes of its dead
    runs, then remove everything named with its prefix."""
    return _sweep_dead_runs_and_prefix(ledger.dead_runs(lab.name), lab.prefix, report_kept,
                                       exclude_run)


def sweep_all() -> list:
    """Everything `lab-` of dead runs (the caller holds the 'all' lock exclusively)."""
    return _sweep_dead_runs_and_prefix(ledger.dead_runs(), "lab-", report_kept=True)


WATCHER_WAIT = 120.0     # seconds to wait for a killed run's watcher to finish its teardown


def known_labs(labs_root) -> dict:
    """{lab name: prefix} of the labs under labs_root and of every run in the ledger (a
    lab run from another folder, such as a test fixture)."""
    from .labfile import find_labs
    found = {}
    for r in ledger.runs():
        if r.get("lab") and r.get("prefix"):
            found.setdefault(r["lab"], r["prefix"])
    for d in find_labs(labs_root):
        try:
            lab = parse_lab(d)
        except LabError:
            continue
        found.setdefault(lab.name, lab.prefix)
    return found


def take_lab_lock(locks, name: str, who: dict, say=None, wait=WATCHER_WAIT):
    """The lab's own lock for a sweep (with the 'all' lock shared): taken at once, or after
    the watcher of a killed run of that lab has finished its teardown (waiting up to
    `wait` s). Returns None when taken, else the holder (a live run: leave it alone)."""
    give_up = time.monotonic() + wait
    told = False
    while True:
        try:
            locks.take(f"lab-{name}", who)
            return None
        except ledger.Locked as e:
            holder = e.args[1]
            if not ledger.taking_over(holder) or time.monotonic() >= give_up:
                return holder or {"lab": name}
            if say and not told:
                say(f"waiting for the {ledger.describe_holder(holder)} to finish its teardown")
                told = True
            time.sleep(0.2)


def sweep_everything(labs_root, say=None) -> tuple:
    """`sweep --all`, safe whatever else runs. With no run in progress (the 'all' lock taken
    exclusively): every `lab-` thing of dead runs. Otherwise, lab by lab, under each lab's
    own lock: a lab that is running is left alone (and named), one whose killed run is
    still being torn down by its watcher is waited for, then swept. Returns (lines done,
    lines about what was left alone)."""
    locks = ledger.Locks()
    try:
        locks.take("all", ledger.holder("sweep", role="sweep --all"))
        return sweep_all(), []
    except ledger.Locked:
        pass
    finally:
        locks.release()
    done, left = [], []
    for name, prefix in sorted(known_labs(labs_root).items()):
        locks = ledger.Locks()
        try:
            locks.take("all", {}, shared=True)
            holder = take_lab_lock(locks, name, ledger.holder("sweep", role="sweep"), say)
            if holder is not None:
                left.append(f"lab {name}: left alone, in use by {ledger.describe_holder(holder)}")
                continue
            done += _sweep_dead_runs_and_prefix(ledger.dead_runs(name), prefix, report_kept=True)
        except ledger.Locked:          # `sweep --all` elsewhere holds 'all' exclusively
            left.append(f"lab {name}: left alone, another sweep --all is running")
        finally:
            locks.release()
    return done, left


def _sweep_dead_runs_and_prefix(dead, prefix, report_kept, exclude_run=None) -> list:
    """sweep_dead_runs of `dead` (but exclude_run, the caller's own), then sweep_prefix,
    which also removes the temp dirs of every run in `dead`."""
    done = sweep_dead_runs([r for r in dead if exclude_run is None or r.get("run_id") != exclude_run])
    return done + sweep_prefix(prefix, extra_tmp={r["lab_tmp"] for r in dead if r.get("lab_tmp")},
                               report_kept=report_kept)
