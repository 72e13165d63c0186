"""What the site knows about each lab: its lab.md, its committed record.json and
transcript.ipynb, and whether its sources changed since that record. Read only:
site builds never run labs."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from labs.format import LABS_ROOT, LabError, find_labs, parse_lab, source_hash

STATUSES = ("passed", "failed", "skipped", "never run")


@dataclass
class LabInfo:
    name: str
    dir: Path
    lab: object = None                 # labs.labfile.Lab, None when malformed
    error: Optional[LabError] = None
    record: Optional[dict] = None
    transcript: object = None          # a Node (read_transcript) or None
    changed: bool = False              # sources differ from the record's source_hash
    ci_record: Optional[dict] = None   # ci/record.json: the last CI run (labs fetch-ci)
    extra: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.lab.title if self.lab else self.name

    @property
    def post(self) -> Optional[str]:
        return self.lab.post if self.lab else None

    @property
    def status(self) -> str:
        s = (self.record or {}).get("status")
        return s if s in STATUSES else "never run"

    @property
    def date(self) -> Optional[dt.datetime]:
        d = (self.record or {}).get("date")
        try:
            return dt.datetime.fromisoformat(d) if d else None
        except ValueError:
            return None

    @property
    def duration(self) -> Optional[float]:
        d = (self.record or {}).get("duration")
        return float(d) if isinstance(d, (int, float)) else None

    @property
    def reason(self) -> str:
        return (self.record or {}).get("reason", "")

    @property
    def ci(self) -> Optional[dict]:
        """The last CI run that really ran (passed or failed), for the site to show beside
        the author's own: where (provider, OS, kernel), when, its result, its run's page,
        and whether the lab changed since. None without one."""
        rec = self.ci_record or {}
        ci = rec.get("ci")
        if not isinstance(ci, dict) or rec.get("status") not in ("passed", "failed"):
            return None
        try:
            date = dt.datetime.fromisoformat(rec["date"])
        except (KeyError, TypeError, ValueError):
            return None
        host = rec.get("host") or {}
        return {"status": rec["status"], "date": date, "provider": ci.get("provider", "CI"),
                "os": host.get("os", ""), "kernel": host.get("kernel", ""),
                "url": ci.get("run_url", ""), "changed": rec.get("source_hash") != source_hash(self.dir)}

    def step(self, name):
        return self.lab.block(name) if self.lab else None

    def recorded_cell(self, name):
        """The transcript cell of block `name`, or None."""
        if self.transcript is None:
            return None
        for c in self.transcript.cells:
            if c.cell_type == "code" and c.metadata.get("lab", {}).get("name") == name:
                return c
        return None


def labs_dir(settings) -> Path:
    return Path(settings.get("LABS_DIR") or LABS_ROOT)


def load_one(d: Path, cache=None) -> LabInfo:
    info = LabInfo(name=d.name, dir=d)
    try:
        info.lab = parse_lab(d)
    except LabError as e:
        info.error = e
    try:
        info.record = json.loads((d / "record.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info.record = None
    nb_path = d / "transcript.ipynb"
    if nb_path.is_file():
        try:
            info.transcript = read_transcript(nb_path, cache)
        except Exception as e:  # a broken notebook: the page says so instead of failing
            info.extra["transcript_error"] = f"{nb_path}: {str(e).splitlines()[0]}"
    if info.record:
        info.changed = info.record.get("source_hash") != source_hash(d)
    try:
        info.ci_record = json.loads((d / "ci" / "record.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info.ci_record = None
    return info


class Node(dict):
    """A notebook's JSON as nbformat gives it (a NotebookNode): keys read as attributes too."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def read_transcript(path: Path, cache=None) -> Node:
    """transcript.ipynb as nbformat.read(path, as_version=4) gives it. Every build reads the
    labs' transcripts; nbformat's import and its JSON Schema check are paid only for a file
    not read before: what nbformat made of it is kept by the file's digest (cache: a
    RenderCache). Raises what nbformat raises, and ValueError for a notebook its JSON
    Schema check finds invalid (nbformat only logs it)."""
    from cnnotes.render_cache import text_digest, warnings_logged

    text = path.read_text(encoding="utf-8")

    def read():
        import nbformat

        with warnings_logged() as warned:  # nbformat logs a schema error, and goes on
            nb = nbformat.reads(text, as_version=4)
        if warned.records:
            raise ValueError(warned.records[0].getMessage())
        return json.dumps(nb)

    made = cache.get_or_make(["nbformat.reads", text_digest(text)], read) if cache else read()
    return json.loads(made, object_hook=Node)


def load_all(settings) -> dict:
    """{name: LabInfo} for every labs/<name>/lab.md."""
    from cnnotes.render_cache import RenderCache

    cache = RenderCache(settings, "labs")
    return {d.name: load_one(d, cache) for d in find_labs(labs_dir(settings))}


def labs_digest(settings) -> str:
    """A digest of every file of every lab (path and bytes), for the render cache."""
    from cnnotes.render_cache import text_digest

    parts = []
    for d in find_labs(labs_dir(settings)):
        for f in sorted(p for p in d.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                        and ".cache" not in p.parts):
            parts.append(f"{f.relative_to(d.parent)}\0{text_digest(f.read_bytes())}")
    return text_digest("\n".join(parts))


class LabsData:
    """The labs of one build, {name: LabInfo}, read when first asked for."""

    def __init__(self, settings):
        self.settings = settings
        self._labs = None
        self._digest = None

    def __call__(self) -> dict:
        if self._labs is None:
            self._labs = load_all(self.settings)
        return self._labs

    def digest(self) -> str:
        """A digest of every lab's files (lab.md, record.json ...): what lab tags show."""
        if self._digest is None:
            self._digest = labs_digest(self.settings)
        return self._digest


def labs_of(settings) -> LabsData:
    """The LabsData of this build: the one the lab tags' Markdown extension holds."""
    for ext in settings.get("MARKDOWN", {}).get("extensions", []):
        if isinstance(getattr(ext, "labs", None), LabsData):
            return ext.labs
    return LabsData(settings)
