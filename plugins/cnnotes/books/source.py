"""One book page read: front matter if any, a title, the body as HTML, its links.

Book pages often have no front matter (GitBook, MkDocs): the title is then the first
`#` heading (or the title the book's order gives, or the file name), the language the
book's. Front matter, when there is one, is read and checked exactly as in posts
(front_matter's yaml_meta and fields: `title`, `updated`, `lab:` …). The Markdown is the
posts' own (front_matter.markdown_kwargs: the same extensions and settings), with
more extensions: GitBook's block tags (gitbook.py) and relative links (links.py), and
MkDocs' admonitions (`!!! note "Title"`), which MkDocs books use as GitBook ones use hints.
"""
from __future__ import annotations

import copy
import os
import re
from dataclasses import astuple, dataclass, field

from markdown import Markdown

from cnnotes.front_matter import convert, finish_document, markdown_kwargs, reset_heading_ids
from cnnotes.front_matter.fields import FieldError, to_metadata
from cnnotes.front_matter.yaml_meta import FrontMatterError, parse, split
from cnnotes.render_cache import RenderCache, settings_key, text_digest
from cnnotes.shortcodes import ShortcodeExtension

from .gitbook import GitBookExtension
from .links import Link, PageLinks, RelativeLinksExtension

ADMONITION = ("admonition", "markdown.extensions.admonition")
_ATX_H1_RE = re.compile(r"^ {0,3}#(?!#)[ \t]+(?P<title>.+?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_RE = re.compile(r"^ {0,3}=+[ \t]*$")
_FENCE_RE = re.compile(r"^ {0,3}(```|~~~)")
_INLINE_MARKUP_RE = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)")


class PageError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


@dataclass
class PageSource:
    metadata: dict
    content: str
    links: list
    gitbook_errors: list          # (tag text, message)
    unrendered_tags: list         # tag texts no plugin rendered
    toc_tokens: list = field(default_factory=list)
    toc_html: str = ""
    heading_count: int = 0
    title_from_heading: bool = False


def first_heading(body: str) -> str | None:
    """The text of the first level-1 heading (`# Title` or `Title` over `===`), outside
    code blocks, its inline markup removed."""
    lines = body.splitlines()
    in_fence = False
    for i, line in enumerate(lines):
        if _FENCE_RE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        m = _ATX_H1_RE.match(line)
        if m:
            return _plain(m.group("title"))
        if line.strip() and i + 1 < len(lines) and _SETEXT_RE.match(lines[i + 1]):
            return _plain(line.strip())
    return None


def _plain(text: str) -> str:
    return _INLINE_MARKUP_RE.sub(lambda m: m.group(1) or "", text).strip()


class PageReader:
    """Converts book pages, one Markdown converter for all of them (building one costs as
    much as converting a page). What a page renders to is kept in the render cache
    (namespace "books"), keyed by its text, where it is, what its order calls it, the
    settings, and the content folder's list of files (its relative links are resolved
    against them)."""

    def __init__(self, settings, files_digest=None):
        self.settings = settings
        self._files_digest = files_digest  # content_files_digest, when already known
        self.links = RelativeLinksExtension()
        self.lang = settings.get("DEFAULT_LANG", "en")
        kwargs = markdown_kwargs(settings)
        # moved-in posts' Hexo/Jekyll/Hugo tags are not a book's: its blocks are GitBook's
        kwargs["extensions"] = [e for e in kwargs["extensions"] if not isinstance(e, ShortcodeExtension)]
        more = [GitBookExtension(lang_of=lambda: self.lang), self.links]
        if not any(e in ADMONITION for e in kwargs["extensions"] if isinstance(e, str)):
            more.append("markdown.extensions.admonition")  # MkDocs books' `!!! note` blocks
        kwargs["extensions"] = [*kwargs["extensions"], *more]
        self.extensions = kwargs["extensions"]
        self.md = Markdown(**kwargs)
        self.cache = RenderCache(settings, "books")
        self._settings_key = None

    def files_digest(self) -> str:
        if self._files_digest is None:
            self._files_digest = content_files_digest(self.settings["PATH"])
        return self._files_digest

    def key_parts(self, path, text, lang, fallback_title, prefer_suffix) -> list:
        if self._settings_key is None:
            self._settings_key = settings_key(self.settings)
        own = [ext.cache_key(text) for ext in self.extensions if hasattr(ext, "cache_key")]
        return ["book page", self._settings_key, self.files_digest(), own,
                os.path.relpath(path, self.settings["PATH"]), text, lang, fallback_title, prefer_suffix]

    def read(self, path: str, text: str, lang: str, fallback_title: str | None,
             prefer_suffix: str = "") -> PageSource:
        """Raises PageError (a content error at a line of the file)."""
        doc = self.cache.get_or_make(self.key_parts(path, text, lang, fallback_title, prefer_suffix),
                                     lambda: self.render(path, text, lang, fallback_title, prefer_suffix))
        if "error" in doc:
            raise PageError(*doc["error"])
        inline = doc["inline"]
        metadata = to_metadata(doc["raw"], self.settings, True,
                               lambda s: inline[s] if s in inline else convert(self.md, s),
                               os.path.basename(path))
        self.lang = metadata["lang"]
        metadata["front_matter_lines"] = doc["lines"]
        tokens = copy.deepcopy(doc["toc_tokens"])
        # as for posts: the lab box, checks and assets of the site's extensions, links listed
        content, metadata = finish_document(path, doc["content"], metadata, self.settings)
        return PageSource(
            metadata=metadata, content=content, links=[Link(*link) for link in doc["links"]],
            gitbook_errors=[tuple(e) for e in doc["gitbook_errors"]],
            unrendered_tags=list(doc["unrendered_tags"]),
            toc_tokens=tokens, toc_html=doc["toc_html"],
            heading_count=_count(tokens), title_from_heading=doc["title_from_heading"])

    def render(self, path: str, text: str, lang: str, fallback_title: str | None,
               prefer_suffix: str = "") -> dict:
        """The page as plain data, for the render cache: its front matter (with its title
        and language), the body as HTML before the site's extensions finish it, its TOC
        and links; or {"error": (line, message)} for a content error."""
        try:
            front, body, body_line = split(text)
            raw, lines = parse(front) if front is not None else ({}, {})
        except FrontMatterError as e:
            return {"error": (e.line, e.message)}
        heading = first_heading(body)
        from_heading = "title" not in raw and heading is not None
        if "title" not in raw:
            raw["title"] = heading or fallback_title or os.path.splitext(os.path.basename(path))[0]
        raw.setdefault("lang", lang)
        inline = {}

        def render_inline(source):
            inline[source] = convert(self.md, source)
            return inline[source]

        self.links.page = None
        try:
            metadata = to_metadata(raw, self.settings, True, render_inline, os.path.basename(path))
        except FieldError as e:
            return {"error": (lines.get(e.key, 1), e.message)}
        self.lang = metadata["lang"]
        self.links.page = PageLinks(os.path.dirname(os.path.abspath(path)), prefer_suffix, from_heading)
        reset_heading_ids(self.settings)
        try:
            content = convert(self.md, "\n" * (body_line - 1) + body)
        finally:
            self.links.page = None
        return {"raw": raw, "lines": lines, "inline": inline, "content": content,
                "links": [list(astuple(link)) for link in self.md.book_links],
                "gitbook_errors": [list(e) for e in getattr(self.md, "gitbook_errors", [])],
                "unrendered_tags": list(getattr(self.md, "gitbook_unknown", [])),
                "toc_tokens": copy.deepcopy(list(getattr(self.md, "toc_tokens", []))),
                "toc_html": getattr(self.md, "toc", ""), "title_from_heading": from_heading}


def content_files_digest(content_dir: str) -> str:
    """A digest of the paths of every file and folder under content_dir: a book page's
    relative links are resolved against them (which exist, which are folders)."""
    names = []
    for folder, dirs, files in os.walk(content_dir):
        dirs.sort()
        rel = os.path.relpath(folder, content_dir)
        names += [f"{rel}/{d}/" for d in dirs] + [f"{rel}/{f}" for f in sorted(files)]
    return text_digest("\n".join(names))


def _count(tokens) -> int:
    return sum(1 + _count(t.get("children", [])) for t in tokens)


def line_of(text: str, needle: str, default: int = 1) -> int:
    """1-based line of the first line of text holding needle."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return default
