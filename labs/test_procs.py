"""procs: ending processes by PID (TERM -> wait -> KILL -> wait), only the run's own."""
from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

from labs import procs

# Ignores SIGTERM (as a daemon with a handler that never exits would), says when it is ready.
STUBBORN = 'trap "" TERM; : > "$READY"; while :; do sleep 0.05; done'


def start_stubborn(tmp_path: Path, run_id: str, name="ready"):
    ready = tmp_path / name
    p = subprocess.Popen(["bash", "--noprofile", "--norc", "-c", STUBBORN],
                         env=dict(os.environ, LAB_RUN_ID=run_id, READY=str(ready)),
                         start_new_session=True)
    end = time.monotonic() + 10
    while not ready.exists():
        assert time.monotonic() < end, "the stubborn process never started"
        time.sleep(0.02)
    return p


def test_kill_pids_reports_nothing_alive_once_a_term_trapping_process_died(tmp_path):
    rid = "test-procs-" + uuid.uuid4().hex[:8]
    p = start_stubborn(tmp_path, rid)
    try:
        found = procs.with_run_ids([rid])
        assert p.pid in found
        t0 = time.monotonic()
        left = procs.kill_pids(found, grace=0.3)
        assert left == [], f"reported alive after SIGKILL: {left}"
        assert time.monotonic() - t0 < 0.3 + procs.KILL_WAIT
        assert not procs.alive(p.pid)
        assert p.wait(timeout=5) == -signal.SIGKILL          # it took SIGKILL, not SIGTERM
    finally:
        procs.signal_group(p.pid, signal.SIGKILL)
        p.wait()


def test_kill_pids_spares_a_process_of_another_run(tmp_path):
    ours, theirs = ("test-procs-" + uuid.uuid4().hex[:8] for _ in range(2))
    p = start_stubborn(tmp_path, theirs)
    try:
        # The table says `ours`, the process carries `theirs`: never signalled.
        assert procs.kill_pids({p.pid: ours}, grace=0.1) == []
        assert p.poll() is None and procs.alive(p.pid)
    finally:
        procs.signal_group(p.pid, signal.SIGKILL)
        p.wait()


def test_stop_groups_says_how_each_group_ended(tmp_path):
    rid = "test-procs-" + uuid.uuid4().hex[:8]
    stubborn = start_stubborn(tmp_path, rid)
    polite = subprocess.Popen(["sleep", "100"], start_new_session=True)
    gone = subprocess.Popen(["true"], start_new_session=True)
    gone.wait()
    try:
        how = procs.stop_groups([stubborn.pid, polite.pid, gone.pid], grace=0.3,
                                reap=lambda: (stubborn.poll(), polite.poll()))
        assert how == {stubborn.pid: "SIGKILL", polite.pid: "SIGTERM", gone.pid: "gone"}
        assert stubborn.wait(timeout=5) == -signal.SIGKILL
        assert polite.wait(timeout=5) == -signal.SIGTERM
    finally:
        for p in (stubborn, polite):
            procs.signal_group(p.pid, signal.SIGKILL)
            p.wait()


def _cgroup(path: Path):
    path.mkdir(parents=True, exist_ok=True)
    (path / "cgroup.procs").write_text("")


def test_cgroup_dirs_on_pure_v2_include_top_level_cgroups(tmp_path, monkeypatch):
    root = tmp_path / "cgroup"
    for d in ("", "system.slice", "system.slice/cron.service", "lab-x-1", "lab-x-1/c1"):
        _cgroup(root / d)
    monkeypatch.setattr(procs, "CGROUP_ROOT", str(root))
    assert procs.cgroup_dirs() == [str(root / d) for d in
                                   ("lab-x-1", "lab-x-1/c1", "system.slice", "system.slice/cron.service")]
    assert procs.cgroup_dirs("lab-x") == [str(root / "lab-x-1"), str(root / "lab-x-1/c1")]


def test_cgroup_dirs_on_v1_walk_each_hierarchy_not_the_links(tmp_path, monkeypatch):
    root = tmp_path / "cgroup"
    for d in ("cpu,cpuacct", "cpu,cpuacct/lab-x-1", "memory", "memory/docker/lab-x-2", "unified"):
        _cgroup(root / d)
    (root / "cpu").symlink_to("cpu,cpuacct")
    monkeypatch.setattr(procs, "CGROUP_ROOT", str(root))
    assert procs.cgroup_dirs() == [str(root / d) for d in
                                   ("cpu,cpuacct/lab-x-1", "memory/docker", "memory/docker/lab-x-2")]
    assert procs.cgroup_dirs("lab-x") == [str(root / "cpu,cpuacct/lab-x-1"),
                                          str(root / "memory/docker/lab-x-2")]
