"""The harness end to end: tiny labs in labs/tests/fixtures run through `python -m labs`,
as a user would, and the host is checked afterwards (namespaces, processes, temp dirs)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from labs import procs

ROOT = Path(__file__).resolve().parent.parent
FIX = Path(__file__).resolve().parent / "tests" / "fixtures"
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (network namespaces, mounts)")


def run(name, tmp_path, *args, env=None, timeout=60):
    e = dict(os.environ, HXT_OUT=str(tmp_path))
    e.update(env or {})
    r = subprocess.run([sys.executable, "-m", "labs", "run", str(FIX / name),
                        "--record-dir", str(tmp_path / "rec"), *args],
                       cwd=ROOT, env=e, capture_output=True, text=True, timeout=timeout)
    return r


def start(name, tmp_path, env=None):
    e = dict(os.environ, HXT_OUT=str(tmp_path))
    e.update(env or {})
    return subprocess.Popen([sys.executable, "-m", "labs", "run", str(FIX / name),
                             "--record-dir", str(tmp_path / "rec")],
                            cwd=ROOT, env=e, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def kill_9_once_started(name, tmp_path):
    """Run the fixture lab `name` and kill -9 the harness once its step says `started`."""
    p = start(name, tmp_path)
    try:
        wait_for(tmp_path / "started")
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=10)
    finally:
        if p.poll() is None:
            p.kill()


def wait_for(path: Path, timeout=20):
    end = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < end, f"{path} never appeared"
        time.sleep(0.02)


def record(tmp_path):
    return json.loads((tmp_path / "rec" / "record.json").read_text())


def netns():
    try:
        return set(os.listdir("/run/netns"))
    except OSError:
        return set()


def run_processes(prefix):
    """Live processes whose LAB_RUN_ID starts with prefix (a fixture's name)."""
    return {p: r for p, r in procs.all_run_ids().items() if r.startswith(prefix + "-")}


def lab_tmp_dirs(prefix):
    return [n for n in os.listdir("/tmp") if n.startswith(prefix)]


@needs_root
def test_passing_lab_carries_the_session_and_normalizes(tmp_path):
    r = run("pass", tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "passed: pass" in r.stdout
    rec = record(tmp_path)
    assert rec["status"] == "passed"
    assert [b["status"] for b in rec["blocks"]] == ["passed", "stopped", "passed", "passed", "passed", "passed"]
    assert rec["measurements"] == {"answer": 42, "name": "deep thought"}
    assert rec["source_hash"].startswith("sha256:")
    assert rec["versions"].get("iproute2")
    nb = nbformat.read(tmp_path / "rec" / "transcript.ipynb", as_version=4)
    nbformat.validate(nb)
    cells = {c.metadata["lab"]["name"]: c for c in nb.cells if c.cell_type == "code"}
    out = cells["transcript"].outputs[0]["text"]
    assert "$ greet world\nhello world\n" in out
    assert "1 yes work" in out                       # variable, exported variable, cwd
    assert "at <TIME>, mac <MAC> in $LAB_TMP" in out
    assert "[1]" in out                              # the expected non-zero status
    assert "$ cat <<EOF\n> continued\n> EOF\ncontinued\n" in out   # continuation lines
    assert cells["sleeper"].outputs[0]["text"] == "sleeper starts\n"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# Set up")
    assert "lab-hxt-pass-a" not in netns()
    assert not lab_tmp_dirs("lab-hxt-pass")


def test_failing_step_runs_teardown_and_exits_1(tmp_path):
    r = run("fail", tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "fixtures/fail/lab.md:14:" in r.stdout      # path:line of the failing command
    assert "-the answer is 42\n+the answer is 41" in r.stdout
    rec = record(tmp_path)
    status = {b["name"]: b["status"] for b in rec["blocks"]}
    assert status == {"one": "passed", "two": "failed", "three": "not run", "teardown-1": "passed",
                      "teardown-2": "passed"}
    nb = nbformat.read(tmp_path / "rec" / "transcript.ipynb", as_version=4)
    td = [c for c in nb.cells if c.cell_type == "code" and c.metadata["lab"]["role"] == "teardown"]
    assert td[0].outputs[0]["text"] == "teardown ran after step one ran\n"
    assert td[1].outputs[0]["text"] == "teardown goes on after a failed command\n"   # no errexit
    assert not lab_tmp_dirs("lab-hxt-fail")


def test_step_timeout_ends_the_step_and_tears_down(tmp_path):
    r = run("timeout", tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "step slow timed out: the block limit is 1 s" in r.stdout
    assert "before the sleep" in r.stdout
    assert (tmp_path / "teardown").read_text() == "teardown ran\n"
    assert {b["name"]: b["status"] for b in record(tmp_path)["blocks"]}["after"] == "not run"
    assert not run_processes("timeout")


def test_daemon_that_dies_fails_the_run_with_its_log(tmp_path):
    r = run("daemon-dies", tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "daemon flaky died (exit status 3)" in r.stdout
    assert "flaky: unknown flag --no-such-flag" in r.stdout
    assert (tmp_path / "teardown").read_text() == "teardown ran\n"
    status = {b["name"]: b["status"] for b in record(tmp_path)["blocks"]}
    assert status["flaky"] == "died" and status["flaky-answers"] == "interrupted"


def test_missing_command_skips_with_the_package(tmp_path):
    r = run("needs", tmp_path)
    assert r.returncode == 77, r.stdout + r.stderr
    assert "hxt-no-such-command" in r.stdout and "hxt-no-such-package" in r.stdout
    assert "must not run" not in r.stdout
    assert record(tmp_path)["status"] == "skipped"


def test_malformed_lab_exits_2_with_path_and_line(tmp_path):
    r = run("malformed", tmp_path)
    assert r.returncode == 2
    assert "fixtures/malformed/lab.md:10: unknown block role 'stpe'" in r.stderr
    assert not (tmp_path / "rec").exists()


def test_sigint_mid_step_tears_down_and_second_run_is_refused(tmp_path):
    p = start("interrupt", tmp_path)
    try:
        wait_for(tmp_path / "started")
        second = run("interrupt", tmp_path)
        assert second.returncode == 75, second.stdout
        assert "refused: this lab is in use" in second.stdout
        other = run("fail", tmp_path)                    # another lab holding the same lock
        assert other.returncode == 75, other.stdout
        assert "lock 'hxt-lock' is in use by lab interrupt" in other.stdout
        sweep_all = subprocess.run([sys.executable, "-m", "labs", "sweep", "--all"], cwd=ROOT,
                                   capture_output=True, text=True)
        assert sweep_all.returncode == 0, sweep_all.stdout + sweep_all.stderr   # sweeps around it
        assert f"kept   lab interrupt: left alone, in use by lab interrupt (harness pid {p.pid}," \
            in sweep_all.stdout                          # names who holds the lock
        p.send_signal(signal.SIGINT)
        out, _ = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 130, out
    assert "INTR  step     wait-for-signal" in out
    assert (tmp_path / "teardown").read_text() == "teardown ran\n"
    assert "leak check: the host is as it was" in out
    assert not run_processes("interrupt")            # the step's sleep and the daemon are gone
    assert not (tmp_path / "rec" / "record.json").exists()   # an interrupted run records nothing


@needs_root
def test_leak_check_fails_a_lab_that_leaves_a_namespace(tmp_path):
    r = run("leak", tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "LEAK" in r.stdout
    assert "netns    lab-hxt-leak-a" in r.stdout
    assert "sleep 1000" in r.stdout                  # the stray background process
    assert "tmp      /tmp/lab-hxt-leak-stray" in r.stdout
    assert "lab-hxt-leak-a" not in netns()            # and then it was cleaned up
    assert not os.path.exists("/tmp/lab-hxt-leak-stray")
    assert not run_processes("leak")
    assert record(tmp_path)["leaks"]


def watcher_log(run_id):
    from labs import watcher
    return watcher.log_path(run_id).read_text()


@needs_root
def test_after_kill_9_the_watcher_tears_down_and_an_immediate_rerun_waits_for_it(tmp_path):
    by_hand = Path("/tmp/lab-hxt-crash-byhand")       # someone's own work, named like the lab
    (by_hand / "rootfs").mkdir(parents=True, exist_ok=True)
    (by_hand / "notes.txt").write_text("keep me\n")
    subprocess.run(["mount", "-t", "tmpfs", "hxt-byhand", str(by_hand / "rootfs")], check=True)
    try:
        p = start("crash", tmp_path)
        wait_for(tmp_path / "started")
        left = run_processes("crash")
        assert len(left) >= 2                        # the daemon and the step's sleep
        dead_run = set(left.values()).pop()
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=10)
        r = run("crash", tmp_path, env={"HXT_QUICK": "1"})     # at once
        assert (by_hand / "notes.txt").read_text() == "keep me\n"
        assert os.path.ismount(by_hand / "rootfs")
    finally:
        subprocess.run(["umount", str(by_hand / "rootfs")])
        subprocess.run(["rm", "-rf", str(by_hand)])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "  wait   this lab is in use by " in r.stdout    # the killed run's watcher, or nobody yet
    # the dead run's own teardown ran with its saved state, then the generic sweep
    log = watcher_log(dead_run)
    assert f"swept  teardown teardown-1 of dead run {dead_run} (exit 0)" in log
    assert f"teardown ran in run {dead_run}\n" in (tmp_path / "teardown").read_text()
    assert "swept  mount /tmp/lab-hxt-crash-" in log
    for pid in left:
        assert f"swept  process {pid} " in log
        assert not os.path.exists(f"/proc/{pid}")     # gone, and reaped
    assert not run_processes("crash")
    assert "lab-hxt-crash-a" not in netns()
    assert not lab_tmp_dirs("lab-hxt-crash")


@needs_root
def test_until_and_keep_leave_state_then_sweep_cleans(tmp_path):
    r = run("crash", tmp_path, "--until", "setup-1", "--keep", env={"HXT_QUICK": "1"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "teardown setup" not in r.stdout and "ip netns del lab-hxt-crash-a" in r.stdout
    resume = r.stdout.split("continue by hand in a root bash: . ")[1].split()[0]
    probe = subprocess.run(["bash", "-c", f". {resume}; echo \"$UNMOUNT|$LAB_PREFIX|$(type -t lab_wait)|$PWD\""],
                           capture_output=True, text=True)
    assert probe.stdout.startswith("1|lab-hxt-crash|function|/tmp/lab-hxt-crash-"), probe.stdout + probe.stderr
    assert "lab-hxt-crash-a" in netns()
    assert not (tmp_path / "rec" / "record.json").exists()
    s = subprocess.run([sys.executable, "-m", "labs", "sweep", str(FIX / "crash")], cwd=ROOT,
                       capture_output=True, text=True)
    assert s.returncode == 0, s.stdout + s.stderr
    assert "lab-hxt-crash-a" not in netns()
    assert not lab_tmp_dirs("lab-hxt-crash")


def test_list_shows_every_lab_and_its_last_result():
    from labs import LABS_ROOT, record
    from labs.labfile import find_labs
    r = subprocess.run([sys.executable, "-m", "labs", "list"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["LAB", "POST", "RUNS", "HERE", "LAST", "RESULT"]
    labs = find_labs(LABS_ROOT)
    assert len(labs) == len(list(LABS_ROOT.glob("*/lab.md"))) >= 6   # every lab, listed once
    assert len([l for l in lines if not l.startswith(" ")]) == len(labs) + 1   # (missing requirements indented)
    for d in labs:
        row = next(l for l in lines if l.startswith(d.name + " "))
        rec = record.load(d)
        assert (rec["status"] if rec else "never run") in row


def test_bash_syntax_error_points_at_the_lab_md_line(tmp_path):
    r = run("syntax-error", tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "fixtures/syntax-error/lab.md:9: the shell ended before `if then fi`" in r.stdout
    assert "fixtures/syntax-error/lab.md: -c: line 9: syntax error near unexpected token `then'" in r.stdout
    nb = nbformat.read(tmp_path / "rec" / "transcript.ipynb", as_version=4)
    assert nb.cells[0].outputs[0]["text"] == "$ echo one\none\n"    # the first command ran


def _cgroup_orphan(tmp_path):
    """The pid (and its start time) and cgroup dir of the fixture's process without LAB_RUN_ID."""
    pid = int((tmp_path / "cgpid").read_text())
    return pid, procs.start_time(pid), (tmp_path / "cgdir").read_text().strip()


@needs_root
def test_sweep_right_after_kill_9_returns_when_the_labs_cgroups_are_empty(tmp_path):
    p = start("cgroup", tmp_path)
    try:
        wait_for(tmp_path / "started")
        pid, started, cg = _cgroup_orphan(tmp_path)
        assert procs.alive(pid, started) and procs.run_id_of(pid) is None   # like a container
        dead_run = set(run_processes("cgroup").values()).pop()
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=10)
        r = subprocess.run([sys.executable, "-m", "labs", "sweep", "--all"], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
        if procs.alive(pid, started):
            os.kill(pid, signal.SIGKILL)
    assert r.returncode == 0, r.stdout + r.stderr
    assert not os.path.exists(f"/proc/{pid}")                  # at the moment sweep returned
    assert not os.path.exists(os.path.dirname(cg))
    log = watcher_log(dead_run)
    assert f"swept  process {pid} (sleep 1000) in cgroup {cg}\n" in log
    assert log.index(f"swept  cgroup {cg}\n") < log.index(f"swept  cgroup {os.path.dirname(cg)}\n")
    again = subprocess.run([sys.executable, "-m", "labs", "sweep", "--all"], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "hxt-cg" not in again.stdout                          # nothing left the second time


@needs_root
def test_leak_check_finds_and_ends_a_process_in_the_labs_cgroup(tmp_path):
    r = run("cgroup", tmp_path, env={"HXT_QUICK": "1"})       # teardown forgets the process
    pid, started, cg = _cgroup_orphan(tmp_path)
    try:
        assert r.returncode == 1, r.stdout + r.stderr
        assert f"process  {pid} sleep 1000 (in cgroup {cg})" in r.stdout
        assert f"cgroup   {cg}" in r.stdout
        assert f"swept  process {pid} (sleep 1000) in cgroup {cg}" in r.stdout
        assert not procs.alive(pid, started)
        assert not os.path.exists(os.path.dirname(cg))
    finally:
        if procs.alive(pid, started):
            os.kill(pid, signal.SIGKILL)


def test_failing_probe_skips_with_its_stderr_and_list_shows_it(tmp_path):
    r = run("probe", tmp_path)
    assert r.returncode == 77, r.stdout + r.stderr
    reason = "probe check.sh: no widget here: install hxt-widget (HXT_WIDGET=1 pretends)"
    assert f"skipped: probe: {reason}" in r.stdout
    assert "the widget works" not in r.stdout
    assert record(tmp_path)["reason"] == reason
    ls = subprocess.run([sys.executable, "-m", "labs", "list", str(FIX / "probe")], cwd=ROOT,
                        capture_output=True, text=True)
    assert ls.returncode == 0, ls.stderr
    assert ls.stdout.splitlines()[1].split()[:3] == ["probe", "-", "no"]
    assert f"- {reason}" in ls.stdout


def test_passing_probes_run_in_the_lab_folder_and_the_lab_runs(tmp_path):
    r = run("probe", tmp_path, env={"HXT_WIDGET": "1"})
    assert r.returncode == 0, r.stdout + r.stderr        # `test -f lab.md` passed: cwd is the lab's
    assert record(tmp_path)["status"] == "passed"


@needs_root
def test_pids_of_processes_gone_before_their_block_ends_are_placeholders(tmp_path):
    r = run("pids", tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    nb = nbformat.read(tmp_path / "rec" / "transcript.ipynb", as_version=4)
    cells = {c.metadata["lab"]["name"]: c for c in nb.cells if c.cell_type == "code"}
    out = cells["short-lived"].outputs[0]["text"]
    assert "I was <PID>\n" in out and "no run id, <PID>\n" in out
    assert "mtu 1500, port 2379, 31000 bytes\n" in out
    assert cells["script"].outputs[0]["text"] == "recorded as <PID>\n"
    assert cells["parent"].outputs[0]["text"] == "my child was <PID>\n"     # a daemon's log too


def test_verbose_run_streams_each_blocks_output_under_its_line(tmp_path):
    p = subprocess.Popen([sys.executable, "-m", "labs", "run", str(FIX / "live"), "-v",
                          "--record-dir", str(tmp_path / "rec")], cwd=ROOT,
                         env=dict(os.environ, HXT_OUT=str(tmp_path)),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        seen = []
        for line in p.stdout:                      # the block is still waiting for `go`
            seen.append(line)
            if line.strip() == "first line":
                break
        assert "  ..    step     talk\n" in seen and "          first line\n" == seen[-1], seen
        assert not any("second line" in l or "ok    step     talk" in l for l in seen)
        (tmp_path / "go").touch()
        rest, _ = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, "".join(seen) + rest
    lines = rest.splitlines()
    i = lines.index("          second line")
    assert lines[i + 1] == "          no newline at the end"
    assert lines[i + 2].startswith("  ok    step     talk")
    assert "          $ echo \"from a transcript\"\n          from a transcript\n  ok    step     quiet" in rest
    assert "daemon says hi" not in "".join(seen) + rest      # daemons' logs: -vv only


def test_default_run_is_concise_and_vv_adds_daemon_logs(tmp_path):
    (tmp_path / "go").touch()
    quiet = run("live", tmp_path)
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    assert "first line" not in quiet.stdout and "from a transcript" not in quiet.stdout
    loud = run("live", tmp_path, "-vv")
    assert loud.returncode == 0, loud.stdout + loud.stderr
    assert "          [talker] daemon says hi\n" in loud.stdout


def test_wait_runs_a_lab_once_the_lock_it_shares_is_free(tmp_path):
    holder = start("interrupt", tmp_path)
    waiter = None
    try:
        wait_for(tmp_path / "started")
        waiter = subprocess.Popen([sys.executable, "-m", "labs", "run", str(FIX / "fail"), "--wait", "60",
                                   "--record-dir", str(tmp_path / "rec-fail")], cwd=ROOT,
                                  env=dict(os.environ, HXT_OUT=str(tmp_path)),
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        first = [waiter.stdout.readline(), waiter.stdout.readline()]
        assert first[1].startswith("  wait   lock 'hxt-lock' is in use by lab interrupt"), first
        holder.send_signal(signal.SIGINT)
        holder.communicate(timeout=30)
        rest, _ = waiter.communicate(timeout=60)
    finally:
        for p in (holder, waiter):
            if p and p.poll() is None:
                p.kill()
    assert waiter.returncode == 1, "".join(first) + rest    # it ran (and failed, as that lab does)
    assert "FAILED: fail" in rest
