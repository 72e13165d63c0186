"""labs_site.data.read_transcript: a lab's transcript.ipynb read as nbformat reads it,
without importing nbformat on every build, and a broken one still refused."""
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from cnnotes.labs_site import data

ROOT = Path(__file__).resolve().parents[3]
COMMITTED = sorted(ROOT.glob("labs/*/transcript.ipynb"))


@pytest.mark.parametrize("path", COMMITTED, ids=[p.parent.name for p in COMMITTED])
def test_committed_transcripts_read_as_nbformat_reads_them(path):
    nb = data.read_transcript(path)
    assert nb == nbformat.read(str(path), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(isinstance(c.metadata, dict) for c in code)


@pytest.mark.parametrize("breakage", ["not JSON", "schema"])
def test_a_broken_transcript_is_refused(tmp_path, breakage):
    lab = tmp_path / "lab-broken"
    shutil.copytree(COMMITTED[0].parent, lab)
    text = (lab / "transcript.ipynb").read_text(encoding="utf-8")
    if breakage == "not JSON":
        text = text[: len(text) // 2]
    else:
        nb = json.loads(text)
        nb["cells"][0]["cell_type"] = "not-a-cell-type"
        text = json.dumps(nb)
    (lab / "transcript.ipynb").write_text(text, encoding="utf-8")
    info = data.load_one(lab)
    assert info.transcript is None
    error = info.extra["transcript_error"]
    assert error.startswith(f"{lab / 'transcript.ipynb'}: ")
    assert ("Notebook JSON is invalid" if breakage == "schema" else "Notebook does not appear") in error


def test_a_missing_key_is_an_attribute_error():
    node = data.Node(cells=[])
    assert node.cells == [] and not hasattr(node, "metadata")
