"""Lab pages in another language: the lab's prose translated, its commands untouched.

A translation is plugins/cnnotes/labs_site/translations/<lab>.<lang>.md, outside the
lab's folder (a file there would change the lab's source hash):

    ---
    title: 两个容器，一个网络命名空间
    title_source: 3f2a9c1d0b7e6a55      # digest of the English title it translates
    ---
    <!-- source: 9b1e4c0d2a7f3e61 -->
    (the Chinese text of one prose part of lab.md)
    <!-- source: ... -->

Each section translates one prose part of lab.md (the Markdown between two blocks),
named by the digest of its English text. The commands are never in it: the page is the
lab's transcript with each prose cell replaced by its translation, so every command and
its output are the lab's own (a fenced block in the prose, such as a diagram, must be
copied unchanged). When lab.md's prose changes, the digests no longer match:
check() lists what is missing or stale (a test runs it for every translation), and the
page shows the English text of any part without a current translation.

`python -m cnnotes.labs_site.translation skeleton LAB [LANG]` prints a file to start
from: every prose part with its digest, in English.
"""
from __future__ import annotations

import copy
import hashlib
import os
import re
import sys
from dataclasses import dataclass, field

import yaml

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "translations")
SECTION_RE = re.compile(r"^<!-- source: ([0-9a-f]{16}) -->\s*$", re.M)
FENCED_RE = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$", re.M | re.S)


def digest(text: str) -> str:
    """The digest naming an English prose part (or title): its text, ends stripped."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:16]


@dataclass
class Translation:
    lab: str
    lang: str
    path: str
    title: str = ""
    title_source: str = ""
    parts: dict = field(default_factory=dict)   # digest of the English part -> translation
    order: list = field(default_factory=list)   # the digests, in the file's order


def path_of(lab: str, lang: str, folder: str = FOLDER) -> str:
    return os.path.join(folder, f"{lab}.{lang}.md")


def load(lab: str, lang: str, folder: str = FOLDER) -> Translation | None:
    path = path_of(lab, lang, folder)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return None
    meta, body = {}, text
    if text.startswith("---\n"):
        end = text.index("\n---\n", 4)
        meta = yaml.safe_load(text[4:end]) or {}
        body = text[end + 5:]
    tr = Translation(lab, lang, path, str(meta.get("title", "")), str(meta.get("title_source", "")))
    pieces = SECTION_RE.split(body)
    for i in range(1, len(pieces), 2):
        tr.parts[pieces[i]] = pieces[i + 1].strip("\n")
        tr.order.append(pieces[i])
    return tr


def prose_parts(lab) -> list:
    """The prose parts of a parsed lab (labs.labfile.Lab), in order."""
    from labs.format import Prose
    return [p for p in lab.parts if isinstance(p, Prose)]


def check(lab, tr: Translation) -> list:
    """What keeps `tr` from being the whole, current translation of `lab`:
    ["path: message"], empty when it is."""
    problems = []
    wanted = [digest(p.text) for p in prose_parts(lab)]
    for p in prose_parts(lab):
        if digest(p.text) not in tr.parts:
            problems.append(f"{tr.path}: no translation of lab.md line {p.line} "
                            f"({digest(p.text)}: {p.text.strip().splitlines()[0][:60]})")
    for d in tr.order:
        if d not in wanted:
            problems.append(f"{tr.path}: section {d} translates no prose of lab.md any more")
    if tr.title_source != digest(lab.title):
        problems.append(f"{tr.path}: title_source is not the digest of the title {lab.title!r} "
                        f"({digest(lab.title)})")
    english = {digest(p.text): p.text for p in prose_parts(lab)}
    for d, text in tr.parts.items():
        for block in (m.group(0) for m in FENCED_RE.finditer(text)):
            if d in english and block not in english[d]:
                problems.append(f"{tr.path}: section {d} has a code block that is not the English "
                                "part's own: code and diagrams come from lab.md unchanged")
    return problems


def translate_notebook(nb: dict, tr: Translation | None, lang: str) -> dict:
    """A copy of the transcript `nb` with every prose cell that has a translation in
    `tr` replaced by it (marked with its language); code cells are the lab's own."""
    if tr is None:
        return nb
    out = copy.deepcopy(nb)
    out.setdefault("metadata", {})["lab_lang"] = lang   # the page's language (a cell's own, if English)
    for cell in out.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        found = tr.parts.get(digest(source))
        if found is not None:
            cell["source"] = found
            cell.setdefault("metadata", {}).setdefault("lab", {})["lang"] = lang
    return out


def skeleton(lab, lang: str = "zh") -> str:
    lines = ["---", f"title: {lab.title}", f"title_source: {digest(lab.title)}", "---"]
    for p in prose_parts(lab):
        lines += [f"<!-- source: {digest(p.text)} -->", p.text.strip("\n"), ""]
    return "\n".join(lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) not in (2, 3) or argv[0] != "skeleton":
        print("usage: python -m cnnotes.labs_site.translation skeleton LAB [LANG]", file=sys.stderr)
        return 2
    from labs.format import parse_lab
    from cnnotes.pdf.assets import ROOT
    print(skeleton(parse_lab(os.path.join(ROOT, "labs", argv[1])), argv[2] if len(argv) == 3 else "zh"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
