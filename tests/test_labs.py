"""Every real lab (labs/*/lab.md) runs for real when this machine can run it, recording
into a temp dir (the committed record is never rewritten); the others are skipped with
the reason the harness gives."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from labs import LABS_ROOT, ledger, requires
from labs.labfile import LabError, find_labs, parse_lab

ROOT = Path(__file__).resolve().parents[1]


def _params():
    """One test per lab, with pytest-timeout above the lab's own time limit."""
    out = []
    for d in find_labs(LABS_ROOT):
        try:
            limit = parse_lab(d).timeout
        except LabError:
            limit = 60
        out.append(pytest.param(d, id=d.name, marks=pytest.mark.timeout(limit + 180)))
    return out


@pytest.mark.lab
@pytest.mark.parametrize("lab_dir", _params())
def test_lab(lab_dir, tmp_path):
    try:
        lab = parse_lab(lab_dir)
    except LabError as e:
        pytest.fail(str(e))
    missing = requires.missing(lab, cache_dir=str(ledger.state_root()))
    if missing:
        pytest.skip(f"lab {lab.name}: " + "; ".join(missing))
    rec_dir = tmp_path / "record"
    r = subprocess.run([sys.executable, "-m", "labs", "run", lab.name, "--record-dir", str(rec_dir)],
                       cwd=ROOT, capture_output=True, text=True, timeout=lab.timeout + 120)
    out = r.stdout + r.stderr
    if r.returncode == 75:
        why = next((l.strip() for l in out.splitlines() if l.strip().startswith("refused:")), "")
        pytest.skip(f"lab {lab.name} is being run by someone else right now ({why})")
    if r.returncode == 77:
        pytest.skip(out.strip().splitlines()[-1])
    assert r.returncode == 0, f"python -m labs run {lab.name} exited {r.returncode}:\n{out}"
    rec = json.loads((rec_dir / "record.json").read_text())
    assert rec["status"] == "passed"
    assert (rec_dir / "transcript.ipynb").is_file()
