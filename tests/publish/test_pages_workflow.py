""".github/workflows/pages.yml: make publish on pushes to main, deployed by the official
Pages actions pinned by commit, with no permission beyond what each job needs; and the
linters (zizmor, actionlint) find nothing in it."""
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def workflow():
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(workflow):
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_builds_with_make_publish_on_pushes_to_main(workflow):
    assert workflow["on"]["push"]["branches"] == ["main"]
    build = workflow["jobs"]["build"]
    run = [s for s in build["steps"] if s.get("run") == "make publish"]
    assert run and run[0]["env"]["SITEURL"] == "${{ steps.pages.outputs.base_url }}"
    upload = [s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert upload[0]["with"]["path"] == "public"
    assert workflow["jobs"]["deploy"]["needs"] == "build"


def test_official_actions_pinned_by_full_commit_sha(workflow):
    text = WORKFLOW.read_text(encoding="utf-8")
    uses = [s["uses"] for s in steps(workflow) if "uses" in s]
    assert {u.split("@")[0] for u in uses} >= {"actions/checkout", "actions/configure-pages",
                                              "actions/upload-pages-artifact", "actions/deploy-pages"}
    for use in uses:
        owner, _, ref = use.partition("@")
        assert owner.startswith("actions/") and re.fullmatch(r"[0-9a-f]{40}", ref), use
        assert re.search(rf"{re.escape(use)} # v\d+\.\d+\.\d+", text), f"{use}: no version comment"


def test_least_privilege_permissions(workflow):
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    checkout = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False


# actionlint and zizmor lint this workflow with every other: tests/test_workflows.py
