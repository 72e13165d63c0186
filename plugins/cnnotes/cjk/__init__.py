"""CJK-aware text for posts and pages: summary and reading time on every content object.

Slugs (`slugs.title_slug`) are used by the front-matter reader and heading ids
(`headings.HeadingIds`) by the Markdown toc extension (see pelicanconf.py);
this plugin fills in, for each article and page:

- `summary`: front matter `summary` if given, else the text before
  `<!-- more -->`, else a cut by characters (CJK) / words (Latin); always
  without TOC, `[TOC]` or `{% %}` tags.
- `reading_time` (minutes), `cjk_chars`, `word_count`.

It also adds a Markdown extension (line_join.py) that drops a line break between two
CJK characters, so a hard-wrapped Chinese paragraph reads as one line: in the post,
and in everything made from its HTML (summary, feeds, search text, social card).

Both are kept in the build cache with the post (build_cache.derived, and the post's
snapshot: build_cache.snapshots), and computed in the processes that read posts for a
clean build (build_cache.prerender).
"""
from pelican import signals
from pelican.contents import Article, Page

from cnnotes import build_cache

from .line_join import CjkLineJoinExtension
from .reading_time import count_content, reading_minutes
from .summary import clean, summarize


def summary_and_counts(source_path, html, metadata, settings):
    """(summary HTML, (CJK characters, Latin words)) of a post's rendered content."""
    if "summary" in metadata:
        given = metadata["summary"] or ""
        summary = build_cache.derived(source_path, "cjk.summary", ("given", given),
                                      lambda: clean(given))
    else:
        limits = (settings.get("SUMMARY_MAX_WORDS", 55), settings.get("SUMMARY_MAX_CJK_CHARS", 140),
                  settings.get("SUMMARY_END_SUFFIX", "…"))
        summary = build_cache.derived(
            source_path, "cjk.summary", (f"auto {limits!r}", html),
            lambda: summarize(html, max_words=limits[0], max_cjk=limits[1], suffix=limits[2]))
    counts = build_cache.derived(source_path, "cjk.counts", html, lambda: count_content(html))
    return summary, counts


def add_summary_and_reading_time(content):
    if not isinstance(content, (Article, Page)):
        return
    html = content._content or ""
    summary, (cjk_chars, words) = summary_and_counts(
        getattr(content, "source_path", None), html, content.metadata, content.settings)
    content.metadata["summary"] = summary
    content._summary = summary
    content.cjk_chars, content.word_count = cjk_chars, words
    content.reading_time = reading_minutes(content.cjk_chars, content.word_count)


def add_line_join(pelican):
    """Every Markdown converter the readers make joins hard-wrapped CJK lines."""
    md = pelican.settings.setdefault("MARKDOWN", {})
    extensions = md.setdefault("extensions", [])
    if not any(isinstance(e, CjkLineJoinExtension) for e in extensions):
        extensions.append(CjkLineJoinExtension())


def register():
    signals.initialized.connect(add_line_join)
    signals.content_object_init.connect(add_summary_and_reading_time)
    # it only sets values on the object, from its own HTML: kept in its snapshot
    build_cache.snapshot_safe(add_summary_and_reading_time)
