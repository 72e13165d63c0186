"""CJK-aware text for posts and pages: slugs, heading ids, summary and reading time.

Slugs (`slugs.title_slug`) are used by the front-matter reader and heading ids
(`headings.HeadingIds`) by the Markdown toc extension (see pelicanconf.py). The
readers (front_matter, notebook) give every document, through `text_metadata`:

- `summary`: front matter `summary` if given, else the text before
  `<!-- more -->`, else a cut by characters (CJK) / words (Latin); always
  without TOC, `[TOC]` or `{% %}` tags.
- `reading_time` (minutes), `cjk_chars`, `word_count`.

They are metadata, so Pelican sets them on the post like any front-matter key.

It also adds a Markdown extension (line_join.py) that drops a line break between two
CJK characters, so a hard-wrapped Chinese paragraph reads as one line: in the post,
and in everything made from its HTML (summary, feeds, search text, social card).
"""
from pelican import signals

from .line_join import CjkLineJoinExtension
from .reading_time import count_content, reading_minutes
from .summary import clean, summarize


def text_metadata(html, given_summary, settings) -> dict:
    """summary (HTML), reading_time, cjk_chars and word_count of a document's rendered
    body; given_summary: the rendered `summary:` of its front matter, or None."""
    if given_summary is not None:
        summary = clean(given_summary or "")
    else:
        summary = summarize(html, max_words=settings.get("SUMMARY_MAX_WORDS", 55),
                            max_cjk=settings.get("SUMMARY_MAX_CJK_CHARS", 140),
                            suffix=settings.get("SUMMARY_END_SUFFIX", "…"))
    cjk_chars, words = count_content(html or "")
    return {"summary": summary, "cjk_chars": cjk_chars, "word_count": words,
            "reading_time": reading_minutes(cjk_chars, words)}


def add_line_join(pelican):
    md = pelican.settings.setdefault("MARKDOWN", {})
    extensions = md.setdefault("extensions", [])
    if not any(isinstance(e, CjkLineJoinExtension) for e in extensions):
        extensions.append(CjkLineJoinExtension())


def register():
    signals.initialized.connect(add_line_join)
