"""Find and end processes by PID only, and only those a lab run started.

A run's processes are recognised by LAB_RUN_ID=<id> in /proc/<pid>/environ: every process
a block starts inherits it. Other engineers' daemons on the same host never carry it.
Container processes do not inherit it; they are recognised by the lab's prefixed cgroups
(below).
"""
from __future__ import annotations

import errno
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


KILL_WAIT = 2.0     # how long a SIGKILLed process may take to be gone


def _wait_gone(left, still_there, timeout, reap=None):
    """Poll until every target is gone or `timeout` seconds passed; returns those left."""
    deadline = time.monotonic() + timeout
    while True:
        if reap:
            reap()
        left = [t for t in left if still_there(t)]
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.02)


def terminate(targets, still_there, send, grace, reap=None, kill_wait=KILL_WAIT):
    """TERM -> wait -> KILL -> wait, the one way every kind of target is ended.

    still_there(t): t is alive and still the target (the same process, still the run's
    or in the lab's cgroup); it is asked before each signal and while waiting, so a PID
    that was reused meanwhile is never signalled. send(t, sig) signals t. reap(), if
    given, is called while waiting (to collect the caller's own children).
    Returns (termed, killed, alive): the targets sent SIGTERM, those that needed SIGKILL,
    and those still there after the final wait."""
    termed = [t for t in targets if still_there(t)]
    for t in termed:
        send(t, signal.SIGTERM)
    left = _wait_gone(termed, still_there, grace, reap)
    killed = [t for t in left if still_there(t)]
    for t in killed:
        send(t, signal.SIGKILL)
    alive_after = _wait_gone(killed, still_there, kill_wait, reap) if killed else []
    return termed, killed, alive_after


def kill_pid(pid: int, sig) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def stop_groups(pgids, grace=5.0, reap=None):
    """SIGTERM each process group, SIGKILL what is left after `grace` seconds.
    Returns {pgid: "SIGTERM" | "SIGKILL" | "gone"}."""
    how = {g: "gone" for g in pgids}
    termed, killed, _ = terminate(pgids, group_alive, signal_group, grace, reap)
    how.update({g: "SIGTERM" for g in termed})
    how.update({g: "SIGKILL" for g in killed})
    return how


def kill_pids(found: dict, grace=2.0):
    """End processes {pid: run_id} by PID: SIGTERM, then SIGKILL after grace.
    Each PID is re-checked to still carry its run id (and to be the same process) right
    before each signal. Returns the PIDs still alive after SIGKILL and a final wait."""
    starts = {p: start_time(p) for p in found}

    def ours(pid):
        return alive(pid, starts[pid]) and run_id_of(pid) == found[pid]

    return sorted(terminate(list(found), ours, kill_pid, grace)[2])


# --- processes in a lab's own cgroups ------------------------------------------------------
# Container processes started by a lab's dockerd/containerd/runc do not inherit LAB_RUN_ID
# (the runtime builds their environment from config.json). They are found instead by the
# cgroup they live in: a lab names its cgroups with its prefix (`--cgroup-parent /lab-nn`,
# runc's `cgroupsPath`), so a process in such a cgroup, in any hierarchy, is the lab's.

CGROUP_ROOT = "/sys/fs/cgroup"


def cgroup_hierarchies():
    """Mounted hierarchies under CGROUP_ROOT (v1 controllers, the v2 `unified` one, or
    CGROUP_ROOT itself on a pure v2 host)."""
    if os.path.isfile(os.path.join(CGROUP_ROOT, "cgroup.procs")):
        return [CGROUP_ROOT]
    try:
        names = sorted(os.listdir(CGROUP_ROOT))
    except OSError:
        return []
    out = []
    for n in names:
        p = os.path.join(CGROUP_ROOT, n)
        if not os.path.islink(p) and os.path.isfile(os.path.join(p, "cgroup.procs")):
            out.append(p)
    return out


def named_with(path: str, prefix: str) -> bool:
    """A path (a cgroup's below its hierarchy, a mount point) with a component named with
    prefix."""
    return any(w.startswith(prefix) for w in path.split("/") if w)


def cgroup_dirs(prefix=None) -> list:
    """Every cgroup directory in every hierarchy (the hierarchies' roots excepted; on a
    pure v2 host the top-level cgroups are included), sorted. Given prefix, only those whose
    path below the hierarchy has a component named with it (children of a `lab-nn` parent
    included)."""
    out = []
    for base in cgroup_hierarchies():
        for root, dirs, _ in os.walk(base):
            for d in dirs:
                full = os.path.join(root, d)
                if prefix is None or named_with(full[len(base):], prefix):
                    out.append(full)
    return sorted(out)


def cgroup_members(cgroup_dir: str):
    try:
        with open(os.path.join(cgroup_dir, "cgroup.procs")) as f:
            return [int(x) for x in f.read().split()]
    except (OSError, ValueError):
        return []


def in_prefixed_cgroup(pid: int, prefix: str):
    """The first cgroup path of pid (from /proc/PID/cgroup) named with prefix, or None."""
    try:
        with open(f"/proc/{pid}/cgroup") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    for line in lines:
        path = line.split(":", 2)[-1]
        if named_with(path, prefix):
            return path
    return None


def cgroup_processes(prefix: str, exclude=()) -> dict:
    """{pid: cgroup dir} of live processes in the prefixed cgroups (the first dir found)."""
    me = os.getpid()
    found = {}
    for d in cgroup_dirs(prefix):
        for pid in cgroup_members(d):
            if pid != me and pid not in exclude and pid not in found and alive(pid):
                found[pid] = d
    return found


def thaw_cgroups(prefix: str):
    """A frozen process cannot die: thaw the prefixed freezer cgroups (v1 freezer.state,
    v2 cgroup.freeze) before killing what is in them."""
    for d in cgroup_dirs(prefix):
        for name, value in (("freezer.state", "THAWED"), ("cgroup.freeze", "0")):
            p = os.path.join(d, name)
            try:
                with open(p) as f:
                    state = f.read().strip()
                if state not in ("THAWED", "0"):
                    with open(p, "w") as f:
                        f.write(value)
            except OSError:
                pass


def kill_cgroup_processes(found: dict, prefix: str, grace=2.0):
    """End processes {pid: cgroup dir} by PID: SIGTERM, SIGKILL after grace (a container's
    pid 1 ignores SIGTERM without a handler). Each PID is re-checked to still be in a
    cgroup named with prefix right before each signal. Returns the PIDs still alive."""
    thaw_cgroups(prefix)
    starts = {p: start_time(p) for p in found}

    def ours(pid):
        return alive(pid, starts[pid]) and in_prefixed_cgroup(pid, prefix) is not None

    return sorted(terminate(list(found), ours, kill_pid, grace)[2])


def remove_cgroups(dirs, wait=2.0) -> list:
    """rmdir each cgroup dir, deepest first; a dir whose last process is still exiting
    is retried for up to `wait` seconds. Returns (dir, error or None) pairs."""
    out = []
    for d in sorted(dirs, key=lambda p: (-p.count("/"), p)):
        deadline = time.monotonic() + wait
        while True:
            try:
                os.rmdir(d)
                out.append((d, None))
                break
            except FileNotFoundError:
                break
            except OSError as e:
                if e.errno != errno.EBUSY or time.monotonic() >= deadline:
                    out.append((d, e.strerror))
                    break
                time.sleep(0.05)
    return out
