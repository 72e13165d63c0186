"""Lock files name their current holder, or nobody: what a refused run or sweep is told."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from labs import ledger


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("LAB_HARNESS_STATE", str(tmp_path))
    return tmp_path


def test_an_exclusive_holder_names_itself_and_empties_the_file_when_it_lets_go(state):
    locks = ledger.Locks()
    locks.take("lab-x", ledger.holder("x", "x-run"))
    path = state / "locks" / "lab-x.lock"
    assert ledger.read_holder(path)["run_id"] == "x-run"
    with pytest.raises(ledger.Locked) as refused:
        ledger.Locks().take("lab-x", ledger.holder("x", "other-run"))
    assert refused.value.args[1]["run_id"] == "x-run"              # the message names the holder
    locks.release()
    assert path.read_text() == "" and ledger.read_holder(path) == {}


def test_a_shared_holder_never_overwrites_the_file(state):
    locks = ledger.Locks()
    locks.take("all", ledger.holder("sweep", role="sweep --all"))
    locks.release()
    shared = ledger.Locks()
    shared.take("all", ledger.holder("x", "x-run"), shared=True)
    assert ledger.read_holder(state / "locks" / "all.lock") == {}
    shared.release()


def test_a_holder_killed_with_kill_9_is_read_as_nobody(state):
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, time
        from labs import ledger
        ledger.Locks().take("all", ledger.holder("sweep", role="sweep --all"))
        print("held", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True, env=dict(os.environ, LAB_HARNESS_STATE=str(state)))
    try:
        assert child.stdout.readline() == "held\n"
        path = state / "locks" / "all.lock"
        assert ledger.read_holder(path)["pid"] == child.pid
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert json.loads(path.read_text())["pid"] == child.pid          # the stale words are there,
    assert ledger.read_holder(path) == {}                           # but name nobody
    ledger.Locks().take("all", ledger.holder("x"))                  # and the lock is free
