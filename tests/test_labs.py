"""Every real lab (labs/*/lab.md) runs for real when this machine can run it, recording
into a temp dir (the committed record is never rewritten); the others are skipped with
the reason the harness gives.

Robust on a shared machine: a lab whose lock (its own, or one such as `docker` that
several labs hold) is busy with another run is waited for (LOCK_WAIT seconds), then
skipped, never failed; as a user, labs that need root are skipped with that reason. A
failing lab's message names the failing block and ends with the tail of its output.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from labs import LABS_ROOT, ledger, procs, requires
from labs.labfile import LabError, find_labs, parse_lab

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "labs" / "tests" / "fixtures"
LOCK_WAIT = 150          # seconds a lab waits for a lock held by another run
TEARDOWN_GRACE = 120     # seconds the harness gets after SIGTERM to tear down
TAIL = 40                # lines of the failing block's output in the message


def _params():
    """One test per lab, with pytest-timeout above the lab's own time limit."""
    out = []
    for d in find_labs(LABS_ROOT):
        try:
            limit = parse_lab(d).timeout
        except LabError:
            limit = 60
        out.append(pytest.param(d, id=d.name,
                                marks=pytest.mark.timeout(limit + LOCK_WAIT + TEARDOWN_GRACE + 120)))
    return out


def run_lab(lab, rec_dir: Path):
    """`python -m labs run` as a user types it; on the lab's own time limit (plus the lock
    wait) it gets SIGTERM, so its teardown still runs. Returns (exit status, output)."""
    p = subprocess.Popen([sys.executable, "-m", "labs", "run", str(lab.dir), "--record-dir", str(rec_dir),
                          "--wait", str(LOCK_WAIT)],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = p.communicate(timeout=lab.timeout + LOCK_WAIT + 60)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGTERM)
        try:
            out, _ = p.communicate(timeout=TEARDOWN_GRACE)
        except subprocess.TimeoutExpired:
            p.kill()
            out, _ = p.communicate()
        out += f"\n(the harness did not end within its time limit: stopped by the test)\n"
    return p.returncode, out


def _tail(lines, n=TAIL):
    lines = [l for l in lines]
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) <= n:
        return lines
    return [f"[... {len(lines) - n} earlier lines ...]"] + lines[-n:]


def failure_report(lab, code: int, out: str, rec_dir: Path) -> str:
    """What failed, where, and the end of what it printed: the failing block (from the
    record), the harness's verdict, and the tail of the block's output (from the harness's
    report), else the tail of everything the harness printed."""
    head = f"lab {lab.name}: `python -m labs run {lab.name}` exited {code}"
    try:
        rec = json.loads((rec_dir / "record.json").read_text())
    except (OSError, ValueError):
        rec = None
    block = None
    if rec:
        block = next((b for b in rec.get("blocks", []) if b["role"] != "teardown"
                      and b["status"] in ("failed", "timeout", "died", "interrupted")), None)
    lines = out.splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith("--- full output of ")), None)
    msg = [head]
    if block:
        msg.append(f"failing block: {block['role']} {block['name']} ({lab.path}:{block['line']}), "
                   f"{block['status']}")
    if rec and rec.get("failure"):
        msg.append(rec["failure"].rstrip())
    if start is not None:
        end = next((i for i in range(start + 1, len(lines)) if lines[i] == "--- end of output ---"),
                   len(lines))
        what = lines[start][len("--- full output of "):].rstrip(" -")
        msg.append(f"--- the last lines of the output of {what} ---")
        msg += _tail(lines[start + 1:end])
    elif not (block and block["status"] == "died"):        # a daemon's log tail is in the failure
        msg.append("--- the last lines the harness printed ---")
        msg += _tail(lines)
    msg.append(f"(all of it, live: python -m labs run {lab.name} -v)")
    return "\n".join(msg)


def check_lab(lab_dir, tmp_path):
    try:
        lab = parse_lab(lab_dir)
    except LabError as e:
        pytest.fail(str(e))
    missing = requires.missing(lab, cache_dir=str(ledger.state_root()))
    if missing:
        pytest.skip(f"lab {lab.name}: " + "; ".join(missing))
    rec_dir = tmp_path / "record"
    code, out = run_lab(lab, rec_dir)
    if code == 75:
        why = next((l.strip() for l in out.splitlines() if l.strip().startswith("refused:")), "")
        pytest.skip(f"lab {lab.name} is being run by someone else right now, still after "
                    f"{LOCK_WAIT} s ({why})")
    if code == 77:
        pytest.skip(out.strip().splitlines()[-1])
    if code != 0:
        pytest.fail(failure_report(lab, code, out, rec_dir), pytrace=False)
    rec = json.loads((rec_dir / "record.json").read_text())
    left = {pid: procs.comm(pid) for pid, rid in procs.all_run_ids().items() if rid == rec["run_id"]}
    assert not left, f"lab {lab.name}: still running when the harness returned: {left}"
    assert rec["status"] == "passed"
    assert (rec_dir / "transcript.ipynb").is_file()


@pytest.mark.lab
@pytest.mark.parametrize("lab_dir", _params())
def test_lab(lab_dir, tmp_path):
    check_lab(lab_dir, tmp_path)


def test_a_failing_lab_names_its_block_and_shows_its_output_tail(tmp_path):
    """The report of a failure, on the harness's failing example lab."""
    with pytest.raises(pytest.fail.Exception) as e:
        check_lab(FIXTURES / "fail", tmp_path)
    msg = str(e.value)
    assert "failing block: step two (labs/tests/fixtures/fail/lab.md:13), failed" in msg, msg
    assert "`echo \"the answer is 41\"`: output differs from the expected output" in msg
    assert msg.split("--- the last lines of the output of step two ---\n")[1].startswith(
        '$ echo "the answer is 41"\nthe answer is 41\n'), msg
    assert "teardown" not in msg.split("---")[0]          # not the whole progress log
