"""A book's order, as a tree of entries, from whichever of the three usual forms it has.

- GitBook: `SUMMARY.md`, a Markdown list (`* [Title](path.md)`, nested by indentation;
  an item without a link is a section title; `## Part` headings start parts).
- MkDocs: a `nav:` list in the book's config (`- Title: path.md`, `- path.md`,
  `- Section: [ ... ]`).
- Hugo: no list at all; folder order, each folder's `_index.md` its section page, pages
  sorted by `weight:` (front matter) and then by file name.

Each gives `Entry(title, path, line, children)`: `path` relative to the edition's root
(None for a section title without a page), `line` where it was written (for errors).
Nothing here reads pages; titles missing here come from the pages later.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

MARKDOWN_SUFFIXES = (".md", ".markdown")
SECTION_PAGES = ("README.md", "_index.md", "index.md")  # a folder's own page, in this order


@dataclass
class Entry:
    title: str | None
    path: str | None       # relative to the edition's root, "/" separated
    line: int = 0
    children: list = field(default_factory=list)


class OrderError(ValueError):
    """A mistake in a book's order (SUMMARY.md, nav:), at a line of the file that has it."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(message)
        self.path, self.line, self.message = path, line, message


_ITEM_RE = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d+[.)])\s+(?P<text>.*\S)\s*$")
_LINK_RE = re.compile(r"^\[(?P<title>(?:[^\]\\]|\\.)*)\]\((?P<target><[^>]*>|[^)\s]*)(?:\s+\"[^\"]*\")?\)\s*$")
_PART_RE = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*#*\s*$")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")


def _indent_width(text: str) -> int:
    return len(text.expandtabs(4))


def parse_summary(text: str, path: str = "SUMMARY.md") -> list[Entry]:
    """GitBook's SUMMARY.md as a tree. A `## Part` heading is an entry whose children are
    the items after it (its title alone, no page). Links to other sites are left out."""
    top: list[Entry] = []
    stack: list[tuple[int, Entry]] = []  # (indent, entry) of the open items
    part: Entry | None = None
    in_fence = False
    for number, line in enumerate(text.splitlines(), 1):
        if _FENCE_RE.match(line):
            in_fence = not in_fence
            continue
        if in_fence or not line.strip():
            continue
        heading = _PART_RE.match(line)
        if heading and not line.startswith((" ", "\t")):
            if line.startswith("# ") and not top and part is None:
                continue  # the file's own title ("# Summary")
            part = Entry(heading.group("title"), None, number)
            top.append(part)
            stack = []
            continue
        item = _ITEM_RE.match(line)
        if not item:
            continue
        entry = _summary_entry(item.group("text"), number, path)
        if entry is None:
            continue
        indent = _indent_width(item.group("indent"))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        siblings = stack[-1][1].children if stack else (part.children if part else top)
        siblings.append(entry)
        stack.append((indent, entry))
    return top


def _summary_entry(text: str, number: int, path: str) -> Entry | None:
    link = _LINK_RE.match(text)
    if not link:
        if "](" in text:
            raise OrderError(path, number, f"cannot read this entry: {text!r} (write * [Title](page.md))")
        return Entry(_unescape(text.strip()), None, number)
    target = link.group("target").strip("<>")
    title = _unescape(link.group("title").strip())
    if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
        return None if target else Entry(title, None, number)  # another site: not a page here
    return Entry(title, unquote(target.split("#", 1)[0]), number)  # my%20page.md is "my page.md"


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def parse_nav(nav, path: str, lines: dict | None = None) -> list[Entry]:
    """An MkDocs `nav:` list (already parsed from YAML) as a tree. `lines`: {title or
    path: line} for messages."""
    lines = lines or {}
    if not isinstance(nav, list):
        raise OrderError(path, lines.get("nav", 1), "nav: must be a list of pages and sections")
    out = []
    for item in nav:
        if isinstance(item, str):
            out.append(Entry(None, item, lines.get(item, 0)))
        elif isinstance(item, dict) and len(item) == 1:
            (title, value), = item.items()
            title = str(title)
            if isinstance(value, str):
                if re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I):
                    continue  # a link to another site
                out.append(Entry(title, value, lines.get(title, 0)))
            elif isinstance(value, list):
                out.append(Entry(title, None, lines.get(title, 0), parse_nav(value, path, lines)))
            else:
                raise OrderError(path, lines.get(title, 1), f"nav: entry {title!r} must be a page path or a list")
        else:
            raise OrderError(path, lines.get("nav", 1), f"nav: cannot read entry {item!r}")
    return out


def folder_order(root: str, weight_of, skip=(), keep=lambda name: True) -> list[Entry]:
    """Hugo's order: every Markdown file under root, folder by folder. A folder is an entry
    whose page is its _index.md (or README.md, index.md) and whose children are its other
    pages and subfolders, sorted by weight_of(path) (None last), then by name. The root's
    own page is the first entry. `skip`: folder names (relative to root) left out."""

    def walk(rel: str) -> list[Entry]:
        folder = os.path.join(root, rel)
        items = []
        for name in sorted(os.listdir(folder)):
            child = f"{rel}/{name}" if rel else name
            full = os.path.join(folder, name)
            if name.startswith((".", "_")) and name != "_index.md" or child in skip:
                continue
            if os.path.isdir(full):
                own = section_page(full)
                children = walk(child)
                if own is None and not children:
                    continue
                page = f"{child}/{own}" if own else None
                items.append((weight_of(page) if page else None, name,
                              Entry(None if page else name, page, 0, children)))
            elif (name.endswith(MARKDOWN_SUFFIXES) and name not in SECTION_PAGES
                  and name not in ("SUMMARY.md", "LANGS.md") and keep(name)):
                items.append((weight_of(child), name, Entry(None, child)))
        items.sort(key=lambda item: (item[0] is None, item[0] if item[0] is not None else 0, item[1]))
        return [entry for _, _, entry in items]

    own = section_page(root)
    entries = walk("")
    return ([Entry(None, own)] if own else []) + entries


def section_page(folder: str) -> str | None:
    """The file name of a folder's own page, if it has one."""
    for name in SECTION_PAGES:
        if os.path.isfile(os.path.join(folder, name)):
            return name
    return None


def flatten(entries: list[Entry]) -> list[Entry]:
    """Every entry, in reading order (a section before its children)."""
    out = []
    for entry in entries:
        out.append(entry)
        out += flatten(entry.children)
    return out
