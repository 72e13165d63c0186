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

This plugin checks, after all content is read: duplicate slugs within one
language (reported at the newer file, naming both), and `{filename}` / `{static}` /
`{attach}` links that point nowhere (the readers list a document's links in its
`intrasite_links` metadata): Markdown image and link targets written as
`/images/x.png`, `x.png` or `x.md` become such links (targets.py), so they are
checked too. The front-matter reader reports bad dates and unknown languages; a
link to a file with errors of its own is not reported again (one cause, one message).
Pelican's own warnings are shown in the same `path:line: message` form (pelican_log.py).
Root-relative page links (`/en/2016/...`) are checked against the written site
(page_links.py).

When any ERROR was logged by the time all content is read (after every plugin's
`all_generators_finalized` receiver), `StopBuild` ends the build before anything is
written, so no follow-on failure hides the real cause. What one build knows (its
errors, the held Pelican warnings, the documents read) lives on its BuildChecks
object, whose methods are the receivers, connected when the build starts.
"""
import contextlib
import logging
import os
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from pelican import signals

from cnnotes.strict import page_links
from cnnotes.strict.links import link_pattern, may_link
from cnnotes.strict.pelican_log import install_filters
from cnnotes.strict.targets import LocalTargetsExtension


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
    """1-based line of the first occurrence of `needle` in the file at `path`: as a
    whole link target (`](needle`, `"needle`, `'needle`, `<needle`) if it is one
    somewhere, else anywhere (so `x.png` is not found inside `/images/x.png`)."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
    except (OSError, UnicodeDecodeError):
        return default
    for targets in ([f"]({needle}", f'"{needle}', f"'{needle}", f"<{needle}", f"]: {needle}"],
                    [needle]):
        for number, line in enumerate(lines, 1):
            if any(t in line for t in targets):
                return number
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


def _age(content):
    """Sort key, oldest first: the post's date, then the file's modification time."""
    date = getattr(content, "date", None)
    try:
        stamp = os.stat(content.source_path).st_mtime
    except OSError:
        stamp = 0.0
    return (date.timestamp() if date is not None and hasattr(date, "timestamp") else 0.0,
            stamp, content.source_path)


def _slug_line(content) -> int:
    lines = getattr(content, "front_matter_lines", None) or {}
    return lines.get("slug") or lines.get("title") or 1


def check_duplicate_slugs(contents, kind: str) -> set:
    """Two files with one slug in one language would share a URL and break translations.
    One message per extra file, at the newer file's `slug` (or `title`) line, naming the
    older one: the newer post is the one to change. Returns the files reported."""
    groups, reported = {}, set()
    for content in contents:
        key = (getattr(content, "lang", None), getattr(content, "slug", None))
        groups.setdefault(key, []).append(content)
    for (lang, slug), group in groups.items():
        if len(group) < 2:
            continue
        group.sort(key=_age)
        reported.update(c.source_path for c in group)
        oldest = group[0]
        for newer in group[1:]:
            error_at(
                newer, "slug",
                f"duplicate slug '{slug}' for lang '{lang}': "
                f"{display_path(oldest.source_path)}:{_slug_line(oldest)} has it too; change it "
                f"here, in the newer {'post' if kind == 'article' else kind} (a translation "
                f"keeps the slug and takes the other lang)",
            )
    return reported


def _link_regex(settings):
    return re.compile(
        r"""(?P<markup><[^>]+(?:href|src|poster|data|cite|formaction|action|content)\s*=\s*)"""
        r"""(?P<quote>["'])(?P<path>""" + settings["INTRASITE_LINK_REGEX"]
        + r"""(?P<value>.*?))(?P=quote)""",
        re.X,
    )


def _candidates(content, value):
    path = urlparse(value).path
    out = []
    for p in (path, unquote(path)):
        if p.startswith("/"):
            out.append(p[1:])
        else:
            out.append(content.get_relative_source_path(os.path.join(content.relative_dir, p)))
    return out


def _resolve(content, what, value, context, content_root, has_errors=lambda path: False):
    """True when Pelican will find the target of an intrasite link, or when the target
    is a file with errors of its own (that is the cause to report, not the link)."""
    if not urlparse(value).path:
        return True  # `{filename}#anchor`-style links to self
    if what == "filename":
        keys = ("generated_content", "static_content")
    elif what in ("static", "attach"):
        keys = ("static_content",)
    else:
        return True  # {tag}, {category}, {index}, {author}: no file behind them
    candidates = _candidates(content, value)
    for key in keys:
        for c in candidates:
            if c in context.get(key, {}):
                # Pelican also registers linked static paths that do not exist
                return key != "static_content" or os.path.exists(os.path.join(content_root, c))
    if what == "filename":
        return any(has_errors(os.path.join(content_root, c)) for c in candidates)
    return False


def _unwritten_target(content, what, value, context):
    """The post a written post's {filename} link names when this build writes no page for
    it (a draft, or a future post, in a publish build: DRAFT_SAVE_AS is empty), else None."""
    path = urlparse(value).path
    if what != "filename" or not path or not getattr(content, "save_as", ""):
        return None
    for p in (path, unquote(path)):
        key = p[1:] if p.startswith("/") else \
            content.get_relative_source_path(os.path.join(content.relative_dir, p))
        target = context.get("generated_content", {}).get(key)
        if target is not None and hasattr(target, "save_as") and not target.save_as:
            return target
    return None


def _looked_for(content, value, content_root) -> str:
    """Where a static target was looked for, as shown in messages."""
    path = unquote(urlparse(value).path)
    if path.startswith("/"):
        return display_path(os.path.join(content_root, path[1:]))
    return display_path(os.path.join(os.path.dirname(content.source_path), path))


def check_links(generators, has_errors=lambda path: False) -> list:
    """Report intrasite links whose target Pelican will not find: the links a reader
    found in a document (its `intrasite_links` metadata: (what, value) pairs).
    Returns the documents checked."""
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
            if _resolve(content, what, value, context, settings["PATH"], has_errors):
                if _unwritten_target(content, what, value, context) is not None:
                    needle = "{%s}%s" % (what, value)
                    line = line_of(content.source_path, needle, 0) or line_of(
                        content.source_path, value.split("#")[0] or value, 1)
                    error(content.source_path, line,
                          f"link {needle} to a post this build does not write (a draft, or dated "
                          f"in the future): publish that post first, or remove the link")
                continue
            needle = "{%s}%s" % (what, value)
            line = line_of(content.source_path, needle, 0)
            written = needle
            if not line:  # written without {...} (targets.py): show it so
                line = line_of(content.source_path, value.split("#")[0] or value, 0)
                written = value if line else needle
                line = line or 1
            if what == "filename":
                kind = "post or page at that path"
            else:
                kind = f"file at that path (looked for {_looked_for(content, value, settings['PATH'])})"
            error(content.source_path, line,
                  f"broken link {written}: no {kind} "
                  f"(paths are relative to this file, or to content/ with a leading /)")
    return contents


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


class BuildChecks(logging.Handler):
    """One build's checks and what they know: the ERRORs logged during it (Pelican's, a
    plugin's, a content error) and the files they name, Pelican's held warnings, and
    the documents read. Its methods are the plugin's receivers for this build."""

    RECEIVERS = (("article_generator_finalized", "on_articles"), ("page_generator_finalized", "on_pages"),
                 ("all_generators_finalized", "check_links"), ("all_generators_finalized", "stop_if_errors"),
                 ("finalized", "check_page_links"), ("finalized", "detach"))

    def __init__(self, pelican):
        super().__init__(logging.ERROR)
        self.count = 0
        self.paths_with_errors = set()
        self.documents = []
        self.warnings = install_filters(pelican)

    def emit(self, record):
        self.count += 1
        err = getattr(record, "content_error", None)
        if err is not None:
            self.paths_with_errors.add(err.path)

    def has_errors(self, path) -> bool:
        return display_path(path) in self.paths_with_errors

    def attach(self):
        logging.getLogger().addHandler(self)
        for name, method in self.RECEIVERS:
            getattr(signals, name).connect(getattr(self, method), weak=False)

    def detach(self, *args):
        """At the end of its build: no longer counting, nor connected."""
        logging.getLogger().removeHandler(self)
        for name, method in self.RECEIVERS:
            getattr(signals, name).disconnect(getattr(self, method))

    def on_articles(self, generator):
        docs = _all_articles(generator)
        self.warnings.release([c.source_path for c in docs], check_duplicate_slugs(docs, "article"))

    def on_pages(self, generator):
        docs = _all_pages(generator)
        self.warnings.release([c.source_path for c in docs], check_duplicate_slugs(docs, "page"))

    def check_links(self, generators):
        self.documents = check_links(generators, self.has_errors)

    def stop_if_errors(self, generators):
        self.warnings.flush(bool(self.count))
        if self.count:
            raise StopBuild(f"{self.count} error(s)")

    def check_page_links(self, pelican):
        """After writing: root-relative page links must name something the build wrote."""
        page_links.check(self.documents, pelican.output_path, pelican.settings.get("SITEURL", ""),
                         error, line_of)


def start_build(pelican):
    """initialized: this build's checks, connected after every plugin registered, so they
    run after those plugins' receivers; an earlier build's, if left, is detached."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, BuildChecks)]:
        handler.detach()
    BuildChecks(pelican).attach()


def add_targets_extension(pelican):
    """Markdown image and link targets become checked {static} / {filename} links."""
    settings = pelican.settings
    md = settings.setdefault("MARKDOWN", {})
    extensions = md.setdefault("extensions", [])
    if not any(isinstance(e, LocalTargetsExtension) for e in extensions):
        extensions.append(LocalTargetsExtension(static_paths=list(settings.get("STATIC_PATHS", []))))


def register():
    signals.initialized.connect(start_build)
    signals.initialized.connect(add_targets_extension)
