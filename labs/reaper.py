"""The harness is the reaper of everything its run starts, so that it can return only when
all of it has exited and been reaped.

A daemon started with `setsid cmd &` outlives the block that started it; when it exits,
its parent is long gone and the kernel hands it to init. Here init (PID 1) may take a
second to reap it: until then `pgrep dockerd` still finds it, and a harness that reported
"the host is as it was" would have been wrong. With PR_SET_CHILD_SUBREAPER the harness
takes init's place for its own descendants: every orphan of the run becomes the harness's
child, the harness reaps it, and teardown waits until no descendant is left.

The harness's own subprocess.Popen children (blocks, daemons, the watcher) are reaped by
their Popen objects, never here: reaping one here would take its exit status away.
"""
from __future__ import annotations

import ctypes
import os
import time

from . import procs

PR_SET_CHILD_SUBREAPER = 36

# The pids this process must leave to their Popen objects while it reaps orphans (the
# harness sets it: its blocks', daemons' and watcher's bash; a sweep has none).
managed = set


def become_subreaper() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux 3.4+)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _parents() -> dict:
    """{pid: (ppid, state)} of every process."""
    out = {}
    for pid in procs.pids():
        st = procs.stat(pid)
        if st:
            out[pid] = (st[1], st[0])
    return out


def descendants(root=None, table=None, skip=()) -> dict:
    """{pid: state} of every descendant of root (default: this process), zombies included,
    not following the subtrees of `skip`."""
    root = root or os.getpid()
    table = table if table is not None else _parents()
    kids = {}
    for pid, (ppid, _) in table.items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = {}, list(kids.get(root, []))
    while todo:
        pid = todo.pop()
        if pid in skip or pid in out:
            continue
        out[pid] = table[pid][1]
        todo += kids.get(pid, [])
    return out


def reap(keep=(), table=None) -> list:
    """Reap this process's zombie children, except `keep` (Popen-managed pids).
    Returns the pids reaped."""
    me = os.getpid()
    table = table if table is not None else _parents()
    done = []
    for pid, (ppid, state) in table.items():
        if ppid == me and state == "Z" and pid not in keep:
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    done.append(pid)
            except ChildProcessError:
                pass
    return done


def wait_descendants_gone(timeout: float, keep=()) -> dict:
    """Reap orphans until no descendant is left but `keep` and their subtrees, or timeout.
    Returns {pid: state} of the descendants still there."""
    deadline = time.monotonic() + timeout
    while True:
        table = _parents()
        reap(keep, table)
        left = descendants(table=_parents(), skip=set(keep))
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.02)


def wait_reaped(pids: dict, timeout: float, zombies_only=False) -> list:
    """Wait until each {pid: start time} has left /proc entirely (a zombie that init, or
    whoever is its parent, has reaped). With zombies_only, a listed process still alive
    is not waited for: only those that died and are not reaped yet. Returns the pids
    still there."""
    deadline = time.monotonic() + timeout
    while True:
        reap(managed())                 # those that are this process's own orphans
        left = []
        for p, start in pids.items():
            st = procs.stat(p)
            if st is None or (start is not None and st[3] != start):
                continue
            if zombies_only and st[0] not in ("Z", "X"):
                continue
            left.append(p)
        if not left or time.monotonic() >= deadline:
            return sorted(left)
        time.sleep(0.02)
