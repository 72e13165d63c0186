"""`python -m labs fetch-ci`: bring the records of the last labs workflow run on GitHub
Actions (.github/workflows/labs.yml) into labs/<name>/ci/, on the author's command.

Each job of that workflow uploads an artifact `lab-<name>` holding the run's record.json
and transcript.ipynb. They are downloaded with the GitHub CLI (`gh run download`), or
read from a folder already holding them (`--from DIR`: DIR/lab-<name>/record.json, as
`gh run download` or the Actions page's zip leaves them). Every record is checked before
anything is written: a record that is not a CI run's, names another lab, or has no lab
here stops the command with `path: message`, and nothing is written. A job that skipped
its lab (a requirement the runner lacks) leaves the lab's CI record as it was.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

WORKFLOW = "labs.yml"
ARTIFACT_PREFIX = "lab-"
FILES = ("record.json", "transcript.ipynb")


class FetchError(Exception):
    """A problem with the input: `path: message`."""


def download(dest: Path, repo=None, branch="main") -> str:
    """The artifacts of the last completed run of the labs workflow on `branch`, into dest,
    with the GitHub CLI. Returns that run's URL."""
    gh = shutil.which("gh")
    if not gh:
        raise FetchError("gh: the GitHub CLI is not installed (Debian package gh); or download the "
                         "run's artifacts yourself and use --from DIR")
    base = [gh] + (["--repo", repo] if repo else [])
    listed = subprocess.run(base[:1] + ["run", "list"] + base[1:] +
                            ["--workflow", WORKFLOW, "--branch", branch, "--status", "completed",
                             "--limit", "1", "--json", "databaseId,url"],
                            capture_output=True, text=True)
    if listed.returncode != 0:
        raise FetchError(f"gh run list: {listed.stderr.strip() or listed.stdout.strip()}")
    runs = json.loads(listed.stdout or "[]")
    if not runs:
        raise FetchError(f"{WORKFLOW}: no completed run on branch {branch}")
    got = subprocess.run(base[:1] + ["run", "download", str(runs[0]["databaseId"])] + base[1:] +
                         ["--dir", str(dest), "--pattern", ARTIFACT_PREFIX + "*"],
                         capture_output=True, text=True)
    if got.returncode != 0:
        raise FetchError(f"gh run download {runs[0]['databaseId']}: {got.stderr.strip()}")
    return runs[0].get("url", "")


def collect(src: Path, labs_dir: Path) -> list:
    """[(lab dir, artifact dir, record)] for every artifact in src whose lab really ran on CI
    (passed or failed); raises FetchError for anything malformed, before any write."""
    found = []
    artifacts = sorted(p for p in src.iterdir() if p.is_dir() and p.name.startswith(ARTIFACT_PREFIX)) \
        if src.is_dir() else []
    if not artifacts:
        raise FetchError(f"{src}: no {ARTIFACT_PREFIX}<name>/ artifact folders")
    for a in artifacts:
        name = a.name[len(ARTIFACT_PREFIX):]
        path = a / "record.json"
        try:
            rec = json.loads(path.read_text(encoding="utf-8"))
        except OSError:
            continue                               # the job wrote nothing (it broke before the lab)
        except ValueError as e:
            raise FetchError(f"{path}: not JSON: {e}") from None
        if not isinstance(rec, dict) or rec.get("lab") != name:
            raise FetchError(f"{path}: the record is of lab {rec.get('lab') if isinstance(rec, dict) else '?'!r}, "
                             f"not {name!r}")
        if not isinstance(rec.get("ci"), dict):
            raise FetchError(f"{path}: not a CI run's record (no \"ci\"): not taken")
        if not (labs_dir / name / "lab.md").is_file():
            raise FetchError(f"{path}: no lab {name!r} here ({labs_dir / name / 'lab.md'})")
        if rec.get("status") not in ("passed", "failed"):
            continue                               # skipped there: keep what we have
        if not (a / "transcript.ipynb").is_file():
            raise FetchError(f"{a}: record.json without transcript.ipynb")
        found.append((labs_dir / name, a, rec))
    return found


def install(found) -> list:
    """Copy each run's files into <lab>/ci/ (each file replaced atomically)."""
    written = []
    for lab_dir, artifact, _ in found:
        dest = lab_dir / "ci"
        dest.mkdir(exist_ok=True)
        for name in FILES:
            tmp = dest / f".{name}.{os.getpid()}.tmp"
            shutil.copyfile(artifact / name, tmp)
            os.replace(tmp, dest / name)
            written.append(dest / name)
    return written


def main(src=None, labs_dir=None, repo=None, branch="main", say=print) -> int:
    from . import LABS_ROOT

    labs_dir = Path(labs_dir) if labs_dir else LABS_ROOT
    try:
        with tempfile.TemporaryDirectory(prefix="labs-fetch-ci-") as tmp:
            if src is None:
                url = download(Path(tmp), repo, branch)
                say(f"run {url}")
                src = tmp
            found = collect(Path(src), labs_dir)
            written = install(found)
    except FetchError as e:
        say(f"python -m labs fetch-ci: {e}")
        return 1
    for lab_dir, _, rec in found:
        host = rec.get("host", {})
        say(f"{lab_dir.name}: {rec['status']} on {rec['ci'].get('provider', 'CI')} "
            f"({host.get('os', '?')}, kernel {host.get('kernel', '?')}) {rec.get('date', '')}")
    if not written:
        say("no lab ran there: nothing written")
    else:
        say("wrote " + ", ".join(os.path.relpath(p) for p in written))
    return 0
