"""A run's watcher: cleans up after a harness that was killed (kill -9, OOM) at once,
instead of leaving the lab's namespaces, daemons and temp dir to the next sweep.

The harness starts it right after taking its locks, in a session of its own (a Ctrl-C at
the terminal does not reach it), with the lock files' descriptors and the read end of a
pipe. flock(2) locks belong to the open file, so the watcher holds the run's locks too.
When the harness finishes normally it writes `done` into the pipe and waits for the
watcher to exit before it returns. When the harness dies, the pipe ends without `done`:
the watcher names itself in the lock files, does what `sweep NAME` would do for that run
(ends its processes, runs its teardown blocks with the state it saved, removes what is
named with the lab's prefix and the run's temp dir), then exits, which frees the locks.

Meanwhile, a rerun of the lab or a `sweep` waits for it instead of sweeping in parallel.
Its report goes to `/run/lab-harness/watchers/<run id>.log`.
"""
from __future__ import annotations

import json
import os
import sys
import time

from . import ledger, sweep

DONE = b"done"


def log_path(run_id: str):
    d = ledger.state_root() / "watchers"
    d.mkdir(exist_ok=True)
    return d / f"{run_id}.log"


def main(argv) -> int:
    """argv: RUN_ID LAB PREFIX FD:EXCLUSIVE ... (the lock descriptors); stdin is the pipe."""
    run_id, lab, prefix, *held = argv
    locks = ledger.Locks()
    for spec in held:
        fd, exclusive = spec.split(":")
        locks.held.append((int(fd), None, exclusive == "1"))
    got = b""
    while True:
        try:
            chunk = os.read(0, 64)
        except InterruptedError:
            continue
        if not chunk:
            break
        got += chunk
    if got.startswith(DONE):
        return 0
    # The harness is gone without finishing: this process holds the run now.
    locks.rename_holder(ledger.holder(lab, run_id, role=ledger.WATCHER_ROLE))
    started = time.monotonic()
    try:
        run = json.loads((ledger.run_dir(run_id) / "run.json").read_text())
    except (OSError, ValueError):
        run = {"run_id": run_id, "lab": lab, "prefix": prefix}
    run["dir"] = str(ledger.run_dir(run_id))
    with open(log_path(run_id), "w") as log:
        log.write(f"the harness of run {run_id} (lab {lab}) ended without finishing; "
                  f"tearing down\n")
        log.flush()
        try:
            done = sweep.sweep_dead_runs([run], forget=False)
            done += sweep.sweep_prefix(prefix, extra_tmp={run["lab_tmp"]} if run.get("lab_tmp") else set())
        except Exception as e:            # report, and still let go of the locks
            done = [f"error: {e!r}"]
        ledger.forget(run_id)             # last: until now a sweep knows to wait for us
        for line in done:
            log.write(f"swept  {line}\n")
        log.write(f"done in {time.monotonic() - started:.1f}s\n")
    locks.release()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
