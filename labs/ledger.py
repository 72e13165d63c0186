"""The run ledger and the locks, under /run/lab-harness/ (tmpfs-like: gone at reboot,
together with everything a run could have left).

runs/<run id>/run.json says which harness process owns a run; when that process is dead
the run is dead, and `sweep` may end the processes carrying its run id. Locks are flock(2)
files: the kernel drops them when the harness dies, even by kill -9.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import secrets as _secrets
import shutil
import time
from pathlib import Path

from . import procs


def state_root() -> Path:
    root = Path(os.environ.get("LAB_HARNESS_STATE") or
                ("/run/lab-harness" if os.geteuid() == 0 else f"/tmp/.lab-harness-{os.getuid()}"))
    (root / "runs").mkdir(parents=True, exist_ok=True)
    (root / "locks").mkdir(parents=True, exist_ok=True)
    return root


def new_run_id(lab: str) -> str:
    return f"{lab}-{time.strftime('%Y%m%d-%H%M%S')}-{_secrets.token_hex(3)}"


WATCHER_ROLE = "watcher"     # a lock's holder after the run that took it was killed


class Locked(Exception):
    """Another run holds a lock we need (exit status 75)."""


class Locks:
    """Hold flock(2) locks: one per lab, one per `locks:` entry, and a shared 'all' lock
    that `sweep --all` takes exclusively (so it never sweeps under a running lab).

    A lock file names its current holder or nobody: an exclusive holder writes itself
    into it and empties it before letting go, and a holder that died without emptying it
    (kill -9) is read as nobody. A shared lock names nobody (it has many holders: the
    ledger says which runs are alive)."""

    def __init__(self):
        self.held = []             # (fd, path, exclusive)

    def take(self, name: str, holder: dict, shared=False):
        path = state_root() / "locks" / f"{name}.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                os.close(fd)
                raise
            who = read_holder(path)
            os.close(fd)
            raise Locked(name, who) from None
        if not shared:
            _write_holder(fd, holder)
        self.held.append((fd, path, not shared))

    @property
    def fds(self):
        return [fd for fd, _, _ in self.held]

    def rename_holder(self, holder: dict):
        """Say in every exclusive lock that `holder` holds it now (a dead run's watcher)."""
        for fd, _, exclusive in self.held:
            if exclusive:
                _write_holder(fd, holder)

    def release(self):
        for fd, _, exclusive in self.held:
            try:
                if exclusive:
                    os.ftruncate(fd, 0)       # still ours: nobody reads a stale holder
                os.close(fd)
            except OSError:
                pass
        self.held = []


def holder(lab: str, run_id=None, role=None) -> dict:
    """What a lock file says about the process holding it (this one)."""
    pid = os.getpid()
    who = {"lab": lab, "pid": pid, "pid_start": procs.start_time(pid),
           "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    if run_id:
        who["run_id"] = run_id
    if role:
        who["role"] = role
    return who


def _write_holder(fd, who: dict):
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(who).encode(), 0)


def read_holder(path) -> dict:
    """The holder a lock file names, or {} (nobody, or a holder that is gone)."""
    try:
        who = json.loads(Path(path).read_text() or "{}")
    except (OSError, ValueError):
        return {}
    pid = who.get("pid")
    if not isinstance(pid, int) or not procs.alive(pid, who.get("pid_start")):
        return {}
    return who


def taking_over(who: dict) -> bool:
    """A lock held by a killed run's watcher, or by nobody named: a harness just killed,
    whose watcher has not written itself in yet. Either is gone in seconds: wait."""
    return not who or who.get("role") == WATCHER_ROLE


def describe_holder(who: dict) -> str:
    if not who:
        return "another run"
    since = who.get("started", "")
    if who.get("role"):
        return f"{who['role']} of lab {who.get('lab', '?')} (pid {who.get('pid', '?')}, since {since})"
    return f"lab {who.get('lab', '?')} (harness pid {who.get('pid', '?')}, since {since})"


def take_run_locks(locks: Locks, lab, holder):
    """The lab's own lock, its `locks:`, and the shared 'all' lock; raise Locked."""
    try:
        locks.take("all", holder, shared=True)
        locks.take(f"lab-{lab.name}", holder)
        for name in lab.locks:
            locks.take(f"res-{name}", holder)
    except Locked:
        locks.release()
        raise


# --- runs ---------------------------------------------------------------------------------

def run_dir(run_id: str) -> Path:
    return state_root() / "runs" / run_id


def register(run_id: str, info: dict) -> Path:
    d = run_dir(run_id)
    d.mkdir(parents=True, exist_ok=True)
    info = dict(info, run_id=run_id, pid=os.getpid(), pid_start=procs.start_time(os.getpid()))
    tmp = d / "run.json.tmp"
    tmp.write_text(json.dumps(info, indent=1))
    tmp.rename(d / "run.json")
    return d


def update(run_id: str, **changes):
    p = run_dir(run_id) / "run.json"
    info = json.loads(p.read_text())
    info.update(changes)
    p.write_text(json.dumps(info, indent=1))


def forget(run_id: str):
    shutil.rmtree(run_dir(run_id), ignore_errors=True)


def runs():
    """Every run in the ledger, with 'alive' telling whether its harness still runs."""
    out = []
    for d in sorted((state_root() / "runs").iterdir()):
        try:
            info = json.loads((d / "run.json").read_text())
        except (OSError, ValueError):
            info = {"run_id": d.name, "pid": None}
        info["dir"] = str(d)
        pid = info.get("pid")
        info["alive"] = bool(pid) and procs.alive(pid, info.get("pid_start"))
        w = info.get("watcher_pid")
        info["watched"] = bool(w) and procs.alive(w, info.get("watcher_start"))
        out.append(info)
    return out


def dead_runs(lab=None):
    """Runs whose harness is gone, but those whose watcher is still tearing them down."""
    return [r for r in runs() if not r["alive"] and not r["watched"]
            and (lab is None or r.get("lab") == lab)]
