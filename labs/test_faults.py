"""Fault injection: whatever goes wrong in a run, the host at the moment the command
returns is the host before it. The fixture lab labs/tests/fixtures/faults makes one of
everything the leak check knows (a namespace, root links, a mount, a cgroup with a
container-like process in it, a firewall rule, a setsid daemon slow to stop, a daemon
block); HXT_FAULT breaks one thing. Each case compares a snapshot taken before the command
with one taken the instant it returned: no waiting, so a process still exiting (or a
zombie not reaped yet) fails the case."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from labs import leaks, ledger, procs

ROOT = Path(__file__).resolve().parent.parent
LAB = Path(__file__).resolve().parent / "tests" / "fixtures" / "faults"
PREFIX = "lab-hxt-fm"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (namespaces, mounts, cgroups, iptables)")


def _comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def host() -> dict:
    """What the leak check compares, plus every process of the fixture: named hxt-fm-*
    (zombies too), carrying a run id of the lab, or in its cgroups."""
    snap = leaks.snapshot()
    found = {f"{pid} {_comm(pid)}" for pid in procs.pids() if _comm(pid).startswith("hxt-fm")}
    found |= {f"{pid} {procs.comm(pid)}" for pid, rid in procs.all_run_ids().items()
              if rid.startswith("faults-")}
    found |= {f"{pid} {procs.comm(pid)}" for pid in procs.cgroup_processes(PREFIX)}
    snap["process"] = found
    return snap


def assert_as_before(before, after, out=""):
    left, _ = leaks.compare(before, after, PREFIX)
    assert not left, "left behind: " + ", ".join(str(x) for x in left) + "\n" + out
    left = sorted(after["process"] - before["process"])
    assert not left, "processes left: " + ", ".join(
        f"{x} (state, ppid: {procs.stat(int(x.split()[0]))[:2] if procs.stat(int(x.split()[0])) else 'gone'})"
        for x in left) + f"\n{out}"
    assert not [n for n in after["tmp"] if n.startswith("/tmp/" + PREFIX)], out
    assert not [r for r in ledger.runs() if r.get("lab") == "faults"], out      # nothing to sweep
    for name in ("lab-faults", "all"):                # a lock names its holder or nobody
        assert ledger.read_holder(ledger.state_root() / "locks" / f"{name}.lock") == {}, name


def command(tmp_path, *args, fault=""):
    env = dict(os.environ, HXT_OUT=str(tmp_path), HXT_FAULT=fault)
    return [sys.executable, "-m", "labs", *args], env


def run(tmp_path, fault="", *extra):
    argv, env = command(tmp_path, "run", str(LAB), "--record-dir", str(tmp_path / "rec"), *extra,
                        fault=fault)
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def start(tmp_path, fault=""):
    argv, env = command(tmp_path, "run", str(LAB), "--record-dir", str(tmp_path / "rec"), fault=fault)
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def wait_for(path: Path, timeout=30):
    end = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < end, f"{path} never appeared"
        time.sleep(0.01)


@pytest.fixture
def before():
    snap = host()
    assert not [n for n in snap["tmp"] if n.startswith("/tmp/" + PREFIX)], "a fixture run is in progress"
    return snap


@pytest.mark.parametrize("fault, failing", [
    ("setup", "setup-1 exited with status 1"),
    ("step", "step work exited with status 1"),
    ("check", "check everything-is-there exited with status 1"),
    ("daemon", "daemon ticker died (exit status 3)"),
    ("teardown", "leak check: the run left process"),
    ("timeout", "step slow timed out: the block limit is 1 s"),
    ("daemon-dies", "daemon ticker died (exit status 0)"),
])
def test_a_failing_run_leaves_the_host_as_it_was(tmp_path, before, fault, failing):
    r = run(tmp_path, fault)
    after = host()
    assert r.returncode == 1, r.stdout + r.stderr
    assert failing in r.stdout
    assert_as_before(before, after, r.stdout)


def test_a_passing_run_leaves_the_host_as_it_was(tmp_path, before):
    r = run(tmp_path)
    after = host()
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ok    leak check: the host is as it was" in r.stdout
    assert_as_before(before, after, r.stdout)


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("where", ["step", "teardown"])
def test_a_signal_leaves_the_host_as_it_was(tmp_path, before, sig, code, where):
    p = start(tmp_path, f"hang-{where}")
    try:
        wait_for(tmp_path / ("started" if where == "step" else "teardown-started"))
        p.send_signal(sig)
        out, _ = p.communicate(timeout=60)
        after = host()
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == code, out
    assert "ok    leak check: the host is as it was" in out
    assert_as_before(before, after, out)
    again = run(tmp_path)                          # and an immediate rerun works
    assert again.returncode == 0, again.stdout + again.stderr
    assert_as_before(before, host(), again.stdout)


def _kill_9_mid_step(tmp_path):
    p = start(tmp_path, "hang-step")
    try:
        wait_for(tmp_path / "started")
        assert [x for x in host()["process"] if "hxt-fm-bash" in x]    # the setsid daemon runs
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=10)
    finally:
        if p.poll() is None:
            p.kill()


def test_kill_9_alone_the_watcher_leaves_the_host_as_it_was(tmp_path, before):
    _kill_9_mid_step(tmp_path)
    lock = ledger.state_root() / "locks" / "lab-faults.lock"
    end = time.monotonic() + 60
    while [r for r in ledger.runs() if r.get("lab") == "faults"] or ledger.read_holder(lock):
        assert time.monotonic() < end, "the watcher never finished"
        time.sleep(0.05)
    assert_as_before(before, host())        # no rerun, no sweep: the temp dir is gone too


def test_kill_9_then_an_immediate_rerun_leaves_the_host_as_it_was(tmp_path, before):
    _kill_9_mid_step(tmp_path)
    r = run(tmp_path)
    after = host()
    assert r.returncode == 0, r.stdout + r.stderr
    assert_as_before(before, after, r.stdout)


def test_kill_9_then_sweep_leaves_the_host_as_it_was(tmp_path, before):
    _kill_9_mid_step(tmp_path)
    argv, env = command(tmp_path, "sweep", "--all")         # what `make sweep` runs
    r = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    after = host()
    assert r.returncode == 0, r.stdout + r.stderr
    assert_as_before(before, after, r.stdout)


def test_two_runs_at_once_one_refused_and_the_host_as_it_was(tmp_path, before):
    first, second = start(tmp_path, "slow"), start(tmp_path, "slow")
    try:
        outs = [p.communicate(timeout=60)[0] for p in (first, second)]
        after = host()
    finally:
        for p in (first, second):
            if p.poll() is None:
                p.kill()
    assert sorted([first.returncode, second.returncode]) == [0, 75], outs
    refused = outs[[first.returncode, second.returncode].index(75)]
    assert "refused: this lab is in use by lab faults (harness pid " in refused
    assert_as_before(before, after, "\n".join(outs))
