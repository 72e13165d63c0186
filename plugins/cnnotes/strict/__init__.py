"""Strict builds: content errors as `path:line: message`, collected, then the build fails.

Pelican only logs most content problems and carries on; `tools/build.py`
turns whatever is collected here into exit status 1 and keeps the previous
output/. Other plugins report their own content errors the same way:

    from cnnotes import strict
    strict.error("content/posts/x.md", 7, "unknown lab 'flanel' (labs: flannel, netns)")
    # or, with a content object and the front-matter key the error is about:
    strict.error_at(article, "lab", "unknown lab 'flanel'")

`path` may be absolute or relative; it is shown relative to the current
directory. `line` is 1-based (None or 0 when unknown). Report, don't raise:
the build goes on, so one run lists every error.

This plugin checks, after all content is read: duplicate slugs within one
language (reported at the newer file, naming both), and `{filename}` / `{static}` /
`{attach}` links that point nowhere: Markdown image and link targets written as
`/images/x.png`, `x.png` or `x.md` become such links (targets.py), so they are
checked too. The front-matter reader reports bad dates and unknown languages; a
link to a file with errors of its own is not reported again (one cause, one message).
Pelican's own warnings are shown in the same `path:line: message` form (pelican_log.py).
Root-relative page links (`/en/2016/...`) are checked against the written site
(page_links.py).

When errors were reported by the time all content is read (after every
plugin's `all_generators_finalized` receiver), `StopBuild` ends the build
before anything is written. Errors found while writing still count.
"""
import os
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from pelican import signals

from cnnotes.strict import page_links
from cnnotes.strict.links import link_pattern, may_link
from cnnotes.strict.pelican_log import flush, install_filters, release
from cnnotes.strict.targets import LocalTargetsExtension


@dataclass(frozen=True)
class ContentError:
    path: str
    line: int | None
    message: str

    def __str__(self):
        return f"{self.path}:{self.line or 1}: {self.message}"


_errors: list[ContentError] = []


def display_path(path: str) -> str:
    """Path as shown in messages: relative to the working directory when inside it."""
    if not path:
        return "<unknown>"
    path = os.path.abspath(path)
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def error(path: str, line: int | None, message: str) -> None:
    """Record a content error; the build fails at its end and lists them all."""
    err = ContentError(display_path(path), line, message)
    if err not in _errors:
        _errors.append(err)


def error_at(content, key: str, message: str) -> None:
    """Record an error at the front-matter line of `key` in a content object's file
    (the `title` line, then line 1, when the file has no such key)."""
    lines = getattr(content, "front_matter_lines", None) or {}
    error(content.source_path, lines.get(key) or lines.get("title") or 1, message)


def has_errors(path: str) -> bool:
    """Whether an error was recorded for the file at `path`."""
    shown = display_path(path)
    return any(e.path == shown for e in _errors)


def errors() -> list[ContentError]:
    return list(_errors)


def reset() -> None:
    """Forget recorded errors (tools/build.py calls it before each build)."""
    _errors.clear()


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


def check_duplicate_slugs(contents, kind: str) -> None:
    """Two files with one slug in one language would share a URL and break translations.
    One message per extra file, at the newer file's `slug` (or `title`) line, naming the
    older one: the newer post is the one to change."""
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
    release([c.source_path for c in contents], reported)


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
    if what == "filename":
        # a file that could not be read has its own error: that is the cause
        return any(has_errors(os.path.join(content_root, c)) for c in candidates)
    return False


def _looked_for(content, value, content_root) -> str:
    """Where a static target was looked for, as shown in messages."""
    path = unquote(urlparse(value).path)
    if path.startswith("/"):
        return display_path(os.path.join(content_root, path[1:]))
    return display_path(os.path.join(os.path.dirname(content.source_path), path))


def check_links(generators) -> None:
    """Report intrasite links whose target Pelican will not find. Most texts have no
    link: may_link's cheap search rules them out before the link regex runs."""
    context = generators[0].context
    settings = generators[0].settings
    regex = link_pattern(_link_regex(settings), settings)
    contents = []
    for gen in generators:
        if hasattr(gen, "hidden_articles"):
            contents += _all_articles(gen)
        elif hasattr(gen, "hidden_pages"):
            contents += _all_pages(gen)
    _read[:] = contents  # for check_page_links, once they are written
    for content in contents:
        texts = [content._content or "", content.metadata.get("summary") or ""]
        for text in texts:
            if not may_link(text, settings):
                continue
            for m in regex.finditer(text):
                what, value = m.group("what"), m.group("value")
                if not _resolve(content, what, value, context, settings["PATH"]):
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


_read = []  # the articles and pages of this build, once all are read


def check_page_links(pelican):
    """After writing: root-relative page links must name something the build wrote."""
    page_links.check(_read, pelican.output_path, pelican.settings.get("SITEURL", ""),
                     error, line_of)
    _read.clear()


class StopBuild(Exception):
    """Raised once all content is read when errors were reported: nothing gets written,
    and no follow-on failure (two files written to one URL ...) hides the real cause."""


def stop_if_errors(generators):
    flush(bool(_errors))
    if _errors:
        raise StopBuild(f"{len(_errors)} content error(s)")


def add_targets_extension(pelican):
    """Markdown image and link targets become checked {static} / {filename} links."""
    settings = pelican.settings
    md = settings.setdefault("MARKDOWN", {})
    extensions = md.setdefault("extensions", [])
    if not any(isinstance(e, LocalTargetsExtension) for e in extensions):
        extensions.append(LocalTargetsExtension(static_paths=list(settings.get("STATIC_PATHS", []))))


def _connect_stop(pelican):
    # connected here, after every plugin registered, so it runs after their receivers
    signals.all_generators_finalized.connect(stop_if_errors)


def register():
    signals.article_generator_finalized.connect(_on_articles)
    signals.page_generator_finalized.connect(_on_pages)
    signals.all_generators_finalized.connect(check_links)
    signals.initialized.connect(_connect_stop)
    signals.finalized.connect(check_page_links)
    signals.initialized.connect(add_targets_extension)
    signals.initialized.connect(install_filters)
