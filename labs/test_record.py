"""labs.record without running a lab: what importing it costs a site build, and the
transcript it writes from a run's results."""
import json
import subprocess
import sys
from pathlib import Path

import nbformat

from labs import record
from labs.labfile import parse_text
from labs.runner import BlockResult, RunResult

ROOT = Path(__file__).resolve().parent.parent

LAB = """---
title: "T"
prefix: lab-t
---

Some prose.

```sh step hello
$ echo hi
hi
```
"""


def test_importing_record_does_not_import_nbformat():
    """Every site build imports labs.record (for source_hash); nbformat costs ~70 ms."""
    code = "import sys, labs.record; print('nbformat' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


def test_record_write_makes_a_valid_transcript(tmp_path):
    lab_dir = tmp_path / "t"
    lab_dir.mkdir()
    (lab_dir / "lab.md").write_text(LAB)
    lab = parse_text(LAB, lab_dir / "lab.md", "t")
    res = RunResult(lab=lab, run_id="r1", status="passed", exit=0, date="2024-01-02", duration=1.5)
    res.blocks = [BlockResult(b.name, b.role, b.line, status="passed", output="hi\n",
                              transcript=b.is_transcript) for b in lab.blocks]

    written = record.write(res, tmp_path / "rec")

    assert [p.name for p in written] == ["record.json", "transcript.ipynb"]
    assert json.loads((tmp_path / "rec" / "record.json").read_text())["status"] == "passed"
    nb = nbformat.read(tmp_path / "rec" / "transcript.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["lab"]["source_hash"] == record.source_hash(lab_dir)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code"]
    assert nb.cells[1].outputs[0]["text"] == "hi\n"
