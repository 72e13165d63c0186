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


class Locked(Exception):
    """Another run holds a lock we need (exit status 75)."""


class Locks:
    """Hold flock(2) locks: one per lab, one per `locks:` entry, and a shared 'all' lock
    that `sweep --all` takes exclusively (so it never sweeps under a running lab)."""

    def __init__(self):
        self.fds = []

    def take(self, name: str, holder: dict, shared=False, exclusive_all=False):
        path = state_root() / "locks" / f"{name}.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                os.close(fd)
                raise
            who = _read_holder(path)
            os.close(fd)
            raise Locked(name, who) from None
        if not shared:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(holder).encode(), 0)
        self.fds.append(fd)

    def release(self):
        for fd in self.fds:
            try:
                os.close(fd)
            except OSError:
                pass
        self.fds = []


def _read_holder(path):
    try:
        return json.loads(Path(path).read_text() or "{}")
    except (OSError, ValueError):
        return {}


def describe_holder(who: dict) -> str:
    if not who:
        return "another run"
    since = who.get("started", "")
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
        out.append(info)
    return out


def dead_runs(lab=None):
    return [r for r in runs() if not r["alive"] and (lab is None or r.get("lab") == lab)]
