"""Find and end processes by PID only, and only those a lab run started.

A run's processes are recognised by LAB_RUN_ID=<id> in /proc/<pid>/environ: every process
a block starts inherits it. Other engineers' daemons on the same host never carry it.
"""
from __future__ import annotations

import os
import signal
import time


def pids():
    for d in os.listdir("/proc"):
        if d.isdigit():
            yield int(d)


def stat(pid: int):
    """(state, ppid, pgrp, starttime) or None when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            s = f.read().decode("utf-8", "replace")
    except OSError:
        return None
    rest = s[s.rfind(")") + 2:].split()
    return rest[0], int(rest[1]), int(rest[2]), int(rest[19])


def start_time(pid: int):
    st = stat(pid)
    return st[3] if st else None


def alive(pid: int, started=None) -> bool:
    """Running (not a zombie), and the same process if its start time is given."""
    st = stat(pid)
    if st is None or st[0] in ("Z", "X"):
        return False
    return started is None or st[3] == started


def comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read().split(b"\0")
        text = " ".join(a.decode("utf-8", "replace") for a in args if a)
        if 'LAB_HARNESS_DIR/prelude.sh' in text:
            return "bash (a lab block)"
        if text:
            text = text.splitlines()[0]
            return text if len(text) <= 100 else text[:97] + "..."
        with open(f"/proc/{pid}/comm") as f:
            return "[" + f.read().strip() + "]"
    except OSError:
        return "?"


def run_id_of(pid: int):
    """The LAB_RUN_ID in a process's environment, or None."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            env = f.read()
    except OSError:
        return None
    i = env.find(b"LAB_RUN_ID=")
    if i < 0:
        return None
    if i > 0 and env[i - 1] != 0:
        i = env.find(b"\0LAB_RUN_ID=")
        if i < 0:
            return None
        i += 1
    end = env.find(b"\0", i)
    return env[i + 11:end if end >= 0 else None].decode("ascii", "replace")


def with_run_ids(run_ids, exclude=()):
    """{pid: run_id} of live processes whose environment carries one of run_ids."""
    run_ids = set(run_ids)
    found = {}
    me = os.getpid()
    for pid in pids():
        if pid == me or pid in exclude:
            continue
        rid = run_id_of(pid)
        if rid in run_ids and alive(pid):
            found[pid] = rid
    return found


def all_run_ids():
    """{pid: run_id} for every live process carrying any LAB_RUN_ID."""
    found = {}
    for pid in pids():
        rid = run_id_of(pid)
        if rid and alive(pid):
            found[pid] = rid
    return found


def group_alive(pgid: int) -> bool:
    """Any non-zombie process left in process group pgid."""
    try:
        os.kill(-pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    for pid in pids():
        st = stat(pid)
        if st and st[2] == pgid and st[0] not in ("Z", "X"):
            return True
    return False


def signal_group(pgid: int, sig) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop_groups(pgids, grace=5.0, reap=None):
    """SIGTERM each process group, SIGKILL what is left after `grace` seconds.
    Returns {pgid: "SIGTERM" | "SIGKILL" | "gone"}."""
    how = {}
    for g in pgids:
        if group_alive(g):
            signal_group(g, signal.SIGTERM)
            how[g] = "SIGTERM"
        else:
            how[g] = "gone"
    deadline = time.monotonic() + grace
    left = [g for g in pgids if how[g] == "SIGTERM"]
    while left and time.monotonic() < deadline:
        if reap:
            reap()
        left = [g for g in left if group_alive(g)]
        if left:
            time.sleep(0.02)
    for g in left:
        signal_group(g, signal.SIGKILL)
        how[g] = "SIGKILL"
    end = time.monotonic() + 2
    while left and time.monotonic() < end:
        if reap:
            reap()
        left = [g for g in left if group_alive(g)]
        if left:
            time.sleep(0.02)
    return how


def kill_pids(found: dict, grace=2.0):
    """End processes {pid: run_id} by PID: SIGTERM, then SIGKILL after grace.
    Each PID is re-checked to still carry its run id right before each signal."""
    for pid, rid in found.items():
        if run_id_of(pid) == rid:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + grace
    left = dict(found)
    while left and time.monotonic() < deadline:
        left = {p: r for p, r in left.items() if alive(p) and run_id_of(p) == r}
        if left:
            time.sleep(0.02)
    for pid, rid in left.items():
        if run_id_of(pid) == rid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    return sorted(left)
