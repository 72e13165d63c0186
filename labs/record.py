"""What a run leaves: record.json (the verdict, timings, measurements, host, versions,
source hash) and transcript.ipynb (nbformat v4: prose and each block with its output),
and the source hash the site compares against to say "changed since last verified"."""
from __future__ import annotations

import hashlib
import json
import os
import platform
import re
from pathlib import Path

from .requires import package_versions

FORMAT = 1
SKIP_NAMES = {"record.json", "transcript.ipynb", "__pycache__",
              "ci"}     # ci/: the record of the last CI run (python -m labs fetch-ci), an output too


def lab_files(lab_dir) -> list:
    """The files a lab's verification depends on: everything in its folder except the
    outputs and caches, plus the labs/lib/ files its lab.md names."""
    lab_dir = Path(lab_dir)
    files = []
    for root, dirs, names in os.walk(lab_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_NAMES)
        for n in sorted(names):
            if n in SKIP_NAMES or n.startswith(".") or n.endswith(".pyc"):
                continue
            files.append(Path(root) / n)
    lib = lab_dir.parent / "lib"
    try:
        text = (lab_dir / "lab.md").read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for name in sorted(set(re.findall(r"\blib/([\w.-]+)", text))):
        if (lib / name).is_file():
            files.append(lib / name)
    return files


def source_hash(lab_dir) -> str:
    lab_dir = Path(lab_dir)
    h = hashlib.sha256()
    for f in lab_files(lab_dir):
        rel = os.path.relpath(f, lab_dir)
        h.update(rel.encode() + b"\0")
        try:
            h.update(f.read_bytes())
        except OSError:
            pass
        h.update(b"\0")
    return "sha256:" + h.hexdigest()


def host_info() -> dict:
    info = {"kernel": platform.release(), "machine": platform.machine(), "cpus": os.cpu_count()}
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                info["os"] = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return info


def ci_info():
    """Where the run happened, when it ran in GitHub Actions (the variables every job has),
    else None: the site says "verified on GitHub Actions (...)" from it."""
    e = os.environ
    if e.get("GITHUB_ACTIONS") != "true":
        return None
    info = {"provider": "GitHub Actions", "image": e.get("ImageOS", ""),
            "image_version": e.get("ImageVersion", ""), "commit": e.get("GITHUB_SHA", "")}
    if e.get("GITHUB_REPOSITORY") and e.get("GITHUB_RUN_ID"):
        info["run_url"] = (f"{e.get('GITHUB_SERVER_URL', 'https://github.com')}/"
                           f"{e['GITHUB_REPOSITORY']}/actions/runs/{e['GITHUB_RUN_ID']}")
    return info


def load(lab_dir):
    """The committed record of a lab, or None."""
    try:
        return json.loads((Path(lab_dir) / "record.json").read_text())
    except (OSError, ValueError):
        return None


def _block_entry(r) -> dict:
    e = {"name": r.name, "role": r.role, "line": r.line, "status": r.status,
         "duration": r.duration}
    if r.exit is not None:
        e["exit"] = r.exit
    if r.message:
        e["message"] = r.message
    return e


def build_record(res) -> dict:
    lab = res.lab
    rec = {
        "format": FORMAT,
        "lab": lab.name,
        "title": lab.title,
        "post": lab.post,
        "status": res.status,
        "date": res.date,
        "duration": res.duration,
        "run_id": res.run_id,
        "source_hash": source_hash(lab.dir),
        "host": host_info(),
        "versions": package_versions(lab.requires.commands.values()),
        "blocks": [_block_entry(r) for r in res.blocks],
        "measurements": res.measurements,
    }
    if res.reason:
        rec["reason"] = res.reason
    ci = ci_info()
    if ci:
        rec["ci"] = ci
    if res.failure:
        rec["failure"] = res.failure
    if res.leaks:
        rec["leaks"] = res.leaks
    if res.noticed:
        rec["noticed"] = res.noticed
    return rec


def build_transcript(res) -> "nbformat.NotebookNode":
    """nbformat is imported here, not at module level: every site build imports this
    module for source_hash, and nbformat (with jsonschema) costs ~70 ms to import."""
    import nbformat
    from nbformat import v4

    lab = res.lab
    by_name = {r.name: r for r in res.blocks}
    nb = v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "bash", "display_name": "Bash", "language": "bash"},
        "language_info": {"name": "bash"},
        "lab": {"name": lab.name, "title": lab.title, "post": lab.post, "status": res.status,
                "date": res.date, "duration": res.duration, "source_hash": source_hash(lab.dir)},
    }
    if res.reason:
        nb.metadata["lab"]["reason"] = res.reason
    for part in lab.parts:
        if not hasattr(part, "role"):
            nb.cells.append(v4.new_markdown_cell(part.text, metadata={"lab": {"line": part.line}}))
            continue
        r = by_name[part.name]
        meta = {"role": part.role, "name": part.name, "status": r.status, "duration": r.duration,
                "line": part.line, "transcript": part.is_transcript}
        if r.exit is not None:
            meta["exit"] = r.exit
        if r.message:
            meta["message"] = r.message
        if r.diff:
            meta["diff"] = r.diff
        source = "\n".join(c.text for c in part.commands) if part.is_transcript else part.source
        outputs = []
        if r.output:
            outputs.append(v4.new_output("stream", name="stdout", text=r.output))
        cell = v4.new_code_cell(source, metadata={"lab": meta}, outputs=outputs)
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def _write_atomic(path: Path, text: str):
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write(res, record_dir) -> list:
    """Write record.json and transcript.ipynb into record_dir; returns what was written.
    A skipped run does not replace the record of a run that really ran."""
    record_dir = Path(record_dir)
    record_dir.mkdir(parents=True, exist_ok=True)
    if res.status == "skipped":
        old = load(record_dir)
        if old and old.get("status") in ("passed", "failed"):
            return []
    written = []
    rec = build_record(res)
    _write_atomic(record_dir / "record.json", json.dumps(rec, indent=2, ensure_ascii=False) + "\n")
    written.append(record_dir / "record.json")
    if res.status != "skipped" or not (record_dir / "transcript.ipynb").exists():
        import nbformat  # here, not at module level: see build_transcript

        nb = build_transcript(res)
        _write_atomic(record_dir / "transcript.ipynb", nbformat.writes(nb) + "\n")
        written.append(record_dir / "transcript.ipynb")
    return written
