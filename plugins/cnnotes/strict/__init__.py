"""Strict builds: content errors as `path:line: message`; the build stops before writing.

Pelican only logs most content problems and carries on. Plugins report their own
content errors through this one function, which logs them at ERROR level:

    from cnnotes import strict
    strict.error("content/posts/x.md", 7, "unknown lab 'flanel' (labs: flannel, netns)")
    # or, with the front-matter key the error is about:
    strict.error_at(article, "lab", "unknown lab 'flanel'")
    # in a reader, before there is a content object:
    strict.error_at_key(source_path, front_matter_lines, "lab", "unknown lab 'flanel'")

`path` may be absolute or relative; it is shown relative to the current directory.
`line` is 1-based (None or 0 when unknown). Report, don't raise: the build goes on, so
one run lists every error. Being log records, the errors reach whoever listens:
`tools/build.py` (which exits 1 and keeps the previous output/), or plain
`pelican --fatal errors`.

This plugin checks, after all content is read: duplicate slugs within one language,
and `{filename}` / `{static}` / `{attach}` links that point nowhere (the readers list a
document's links in its `intrasite_links` metadata). The front-matter reader reports
bad dates and unknown languages.

When any ERROR was logged by the time all content is read (after every plugin's
`all_generators_finalized` receiver), `StopBuild` ends the build before anything is
written, so no follow-on failure hides the real cause. The count lives on an
ErrorCounter, a logging handler made for each build.
"""
import contextlib
import logging
import os
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from pelican import signals

from cnnotes.strict.links import link_pattern, may_link


@dataclass(frozen=True)
class ContentError:
    path: str
    line: int | None
    message: str

    def __str__(self):
        return f"{self.path}:{self.line or 1}: {self.message}"


log = logging.getLogger(__name__)


def display_path(path: str) -> str:
    """Path as shown in messages: relative to the working directory when inside it."""
    if not path:
        return "<unknown>"
    path = os.path.abspath(path)
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def error(path: str, line: int | None, message: str) -> None:
    """Report a content error: logged at ERROR, the record carrying it as `content_error`."""
    err = ContentError(display_path(path), line, message)
    log.error("%s", err, extra={"content_error": err})


def error_at(content, key: str, message: str) -> None:
    """Report an error at the front-matter line of `key` in a content object's file."""
    lines = getattr(content, "front_matter_lines", None) or content.metadata.get("front_matter_lines")
    error_at_key(content.source_path, lines, key, message)


def error_at_key(source_path: str, lines: dict, key: str, message: str) -> None:
    """Report an error at the front-matter line of `key` ({key: line}: a document's
    `front_matter_lines`, for a reader), else at its `title` line, else at line 1."""
    lines = lines or {}
    error(source_path, lines.get(key) or lines.get("title") or 1, message)


class ErrorLog(logging.Handler):
    """The content errors logged while it is attached, each once, in order."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.errors: list[ContentError] = []

    def emit(self, record):
        err = getattr(record, "content_error", None)
        if err is not None and err not in self.errors:
            self.errors.append(err)


@contextlib.contextmanager
def collecting():
    """`with collecting() as found:` the content errors reported inside, in found.errors."""
    handler = ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


def line_of(path: str, needle: str, default: int = 1) -> int:
    """1-based line of the first occurrence of `needle` in the file at `path`."""
    try:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if needle in line:
                    return number
    except OSError:
        pass
    return default


# --- checks -------------------------------------------------------------------

def _all_articles(generator):
    return [
        *generator.articles, *generator.translations,
        *generator.hidden_articles, *generator.hidden_translations,
        *generator.drafts, *generator.drafts_translations,
    ]


def _all_pages(generator):
    return [
        *generator.pages, *generator.translations,
        *generator.hidden_pages, *generator.hidden_translations,
        *generator.draft_pages, *generator.draft_translations,
    ]


def check_duplicate_slugs(contents, kind: str) -> None:
    """Two files with one slug in one language would share a URL and break translations."""
    seen = {}
    for content in sorted(contents, key=lambda c: c.source_path):
        key = (getattr(content, "lang", None), getattr(content, "slug", None))
        if key in seen:
            first = seen[key]
            error_at(
                content, "slug",
                f"duplicate slug '{key[1]}' for lang '{key[0]}' "
                f"(also {display_path(first.source_path)}); a translation needs the other lang",
            )
        else:
            seen[key] = content


def _on_articles(generator):
    check_duplicate_slugs(_all_articles(generator), "article")


def _on_pages(generator):
    check_duplicate_slugs(_all_pages(generator), "page")


def _link_regex(settings):
    return re.compile(
        r"""(?P<markup><[^>]+(?:href|src|poster|data|cite|formaction|action|content)\s*=\s*)"""
        r"""(?P<quote>["'])(?P<path>""" + settings["INTRASITE_LINK_REGEX"]
        + r"""(?P<value>.*?))(?P=quote)""",
        re.X,
    )


def _resolve(content, what, value, context, content_root):
    """True when Pelican will find the target of an intrasite link."""
    path = urlparse(value).path
    if not path:
        return True  # `{filename}#anchor`-style links to self
    if what == "filename":
        keys = ("generated_content", "static_content")
    elif what in ("static", "attach"):
        keys = ("static_content",)
    else:
        return True  # {tag}, {category}, {index}, {author}: no file behind them
    candidates = []
    for p in (path, unquote(path)):
        if p.startswith("/"):
            candidates.append(p[1:])
        else:
            candidates.append(content.get_relative_source_path(os.path.join(content.relative_dir, p)))
    for key in keys:
        for c in candidates:
            if c in context.get(key, {}):
                # Pelican also registers linked static paths that do not exist
                return key != "static_content" or os.path.exists(os.path.join(content_root, c))
    return False


def check_links(generators) -> None:
    """Report intrasite links whose target Pelican will not find: the links a reader
    found in a document (its `intrasite_links` metadata: (what, value) pairs)."""
    context = generators[0].context
    settings = generators[0].settings
    contents = []
    for gen in generators:
        if hasattr(gen, "hidden_articles"):
            contents += _all_articles(gen)
        elif hasattr(gen, "hidden_pages"):
            contents += _all_pages(gen)
    for content in contents:
        for what, value in content.metadata.get("intrasite_links") or ():
            if not _resolve(content, what, value, context, settings["PATH"]):
                needle = "{%s}%s" % (what, value)
                line = line_of(content.source_path, needle, 0) or line_of(
                    content.source_path, value.split("#")[0] or value, 1)
                kind = "post or page" if what == "filename" else "static file"
                error(content.source_path, line,
                      f"broken link {needle}: no {kind} at that path "
                      f"(paths are relative to this file, or to content/ with a leading /)")


def intrasite_links(texts, settings) -> list:
    """The (what, value) of every intrasite link ({filename}x.md ...) in these HTML texts,
    as Pelican's pattern finds them: for a reader's `intrasite_links` metadata."""
    found = []
    regex = None
    for text in texts:
        if not text or not may_link(text, settings):
            continue
        regex = regex or link_pattern(_link_regex(settings), settings)
        found += [(m.group("what"), m.group("value")) for m in regex.finditer(text)]
    return found


class StopBuild(Exception):
    """Raised once all content is read when errors were reported: nothing gets written,
    and no follow-on failure (two files written to one URL ...) hides the real cause."""


class ErrorCounter(logging.Handler):
    """Counts the ERRORs logged during one build (Pelican's, a plugin's, a content
    error); the build stops before writing when there are any once all is read."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record):
        self.count += 1

    def stop_if_errors(self, generators):
        if self.count:
            raise StopBuild(f"{self.count} error(s)")

    def detach(self, *args):
        """At the end of its build: no longer counting, nor connected."""
        logging.getLogger().removeHandler(self)
        signals.all_generators_finalized.disconnect(self.stop_if_errors)
        signals.finalized.disconnect(self.detach)


def _start_counting(pelican):
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, ErrorCounter)]:
        root.removeHandler(handler)  # a previous build's, in this process
    counter = ErrorCounter()
    root.addHandler(counter)
    # connected now, after every plugin registered: it runs after their receivers
    signals.all_generators_finalized.connect(counter.stop_if_errors, weak=False)
    signals.finalized.connect(counter.detach, weak=False)


def register():
    signals.article_generator_finalized.connect(_on_articles)
    signals.page_generator_finalized.connect(_on_pages)
    signals.all_generators_finalized.connect(check_links)
    signals.initialized.connect(_start_counting)
