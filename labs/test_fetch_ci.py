"""`python -m labs fetch-ci --from DIR`: the labs workflow's artifacts into labs/<name>/ci/,
checked first; bad input stops it with `path: message` and nothing written. (Downloading
them needs the GitHub CLI and the network: that part runs on the author's command only.)"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from labs import record

ROOT = Path(__file__).resolve().parent.parent
PASS = Path(__file__).resolve().parent / "tests" / "fixtures" / "pass"
CI_ENV = {"GITHUB_ACTIONS": "true", "ImageOS": "ubuntu24", "ImageVersion": "20261201.1",
          "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "example/notes",
          "GITHUB_RUN_ID": "77", "GITHUB_SHA": "f" * 40}
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="the fixture lab needs root (a namespace)")


@pytest.fixture(scope="module")
def artifact(tmp_path_factory):
    """A real run of the `pass` fixture lab as the workflow runs it: its artifact folder."""
    tmp = tmp_path_factory.mktemp("ci")
    out = tmp / "artifacts" / "lab-pass"
    r = subprocess.run([sys.executable, "-m", "labs", "run", str(PASS), "--record-dir", str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, HXT_OUT=str(tmp), **CI_ENV))
    assert r.returncode == 0, r.stdout + r.stderr
    return out


def fetch(src, labs_dir):
    return subprocess.run([sys.executable, "-m", "labs", "fetch-ci", "--from", str(src),
                           "--labs-dir", str(labs_dir)], cwd=ROOT, capture_output=True, text=True)


def labs_copy(tmp_path):
    labs_dir = tmp_path / "labs"
    shutil.copytree(PASS, labs_dir / "pass")
    return labs_dir


@needs_root
def test_a_ci_run_lands_in_the_labs_ci_folder_and_not_in_its_source_hash(tmp_path, artifact):
    labs_dir = labs_copy(tmp_path)
    before = record.source_hash(labs_dir / "pass")
    r = fetch(artifact.parent, labs_dir)
    assert r.returncode == 0, r.stdout
    rec = json.loads((labs_dir / "pass" / "ci" / "record.json").read_text())
    assert rec["ci"] == {"provider": "GitHub Actions", "image": "ubuntu24", "image_version": "20261201.1",
                         "commit": "f" * 40, "run_url": "https://github.com/example/notes/actions/runs/77"}
    assert (labs_dir / "pass" / "ci" / "transcript.ipynb").is_file()
    assert f"pass: passed on GitHub Actions ({rec['host']['os']}, kernel {rec['host']['kernel']})" in r.stdout
    assert record.source_hash(labs_dir / "pass") == before     # the author's record stays current


@needs_root
@pytest.mark.parametrize("spoil, message", [
    (lambda rec: rec.pop("ci"), "not a CI run's record (no \"ci\"): not taken"),
    (lambda rec: rec.update(lab="other"), "the record is of lab 'other', not 'pass'"),
])
def test_a_bad_record_stops_it_and_nothing_is_written(tmp_path, artifact, spoil, message):
    src = tmp_path / "artifacts"
    shutil.copytree(artifact, src / "lab-pass")
    rec = json.loads((src / "lab-pass" / "record.json").read_text())
    spoil(rec)
    (src / "lab-pass" / "record.json").write_text(json.dumps(rec))
    labs_dir = labs_copy(tmp_path)
    r = fetch(src, labs_dir)
    assert r.returncode == 1
    assert f"python -m labs fetch-ci: {src / 'lab-pass' / 'record.json'}: {message}" in r.stdout
    assert not (labs_dir / "pass" / "ci").exists()


@needs_root
def test_an_artifact_of_a_lab_not_here_is_an_error(tmp_path, artifact):
    src = tmp_path / "artifacts"
    shutil.copytree(artifact, src / "lab-pass")
    r = fetch(src, tmp_path / "empty")
    assert r.returncode == 1
    assert f"{src / 'lab-pass' / 'record.json'}: no lab 'pass' here" in r.stdout


def test_a_skipped_ci_run_keeps_the_last_one(tmp_path):
    labs_dir = labs_copy(tmp_path)
    src = tmp_path / "artifacts" / "lab-pass"
    src.mkdir(parents=True)
    (src / "record.json").write_text(json.dumps({"lab": "pass", "status": "skipped", "ci": CI_ENV,
                                                 "reason": "no etcd"}))
    r = fetch(src.parent, labs_dir)
    assert r.returncode == 0, r.stdout
    assert "no lab ran there: nothing written" in r.stdout
    assert not (labs_dir / "pass" / "ci").exists()
