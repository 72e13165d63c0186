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
language, and `{filename}` / `{static}` / `{attach}` links that point nowhere.
The front-matter reader reports bad dates and unknown languages.

When errors were reported by the time all content is read (after every
plugin's `all_generators_finalized` receiver), `StopBuild` ends the build
before anything is written. Errors found while writing still count.
"""
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


def errors() -> list[ContentError]:
    return list(_errors)


def reset() -> None:
    """Forget recorded errors (tools/build.py calls it before each build)."""
    _errors.clear()


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
    for content in contents:
        texts = [content._content or "", content.metadata.get("summary") or ""]
        for text in texts:
            if not may_link(text, settings):
                continue
            for m in regex.finditer(text):
                what, value = m.group("what"), m.group("value")
                needle = "{%s}%s" % (what, value)
                if not _resolve(content, what, value, context, settings["PATH"]):
                    line = line_of(content.source_path, needle, 0) or line_of(
                        content.source_path, value.split("#")[0] or value, 1)
                    kind = "post or page" if what == "filename" else "static file"
                    error(content.source_path, line,
                          f"broken link {needle}: no {kind} at that path "
                          f"(paths are relative to this file, or to content/ with a leading /)")
                elif _unwritten_target(content, what, value, context) is not None:
                    line = line_of(content.source_path, needle, 0) or line_of(
                        content.source_path, value.split("#")[0] or value, 1)
                    error(content.source_path, line,
                          f"link {needle} to a post this build does not write (a draft, or dated "
                          f"in the future): publish that post first, or remove the link")


class StopBuild(Exception):
    """Raised once all content is read when errors were reported: nothing gets written,
    and no follow-on failure (two files written to one URL ...) hides the real cause."""


def stop_if_errors(generators):
    if _errors:
        raise StopBuild(f"{len(_errors)} content error(s)")


def _connect_stop(pelican):
    # connected here, after every plugin registered, so it runs after their receivers
    signals.all_generators_finalized.connect(stop_if_errors)


def register():
    signals.article_generator_finalized.connect(_on_articles)
    signals.page_generator_finalized.connect(_on_pages)
    signals.all_generators_finalized.connect(check_links)
    signals.initialized.connect(_connect_stop)
