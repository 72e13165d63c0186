"""CJK-aware text for posts and pages: summary and reading time on every content object.

Slugs (`slugs.title_slug`) are used by the front-matter reader and heading ids
(`headings.HeadingIds`) by the Markdown toc extension (see pelicanconf.py);
this plugin fills in, for each article and page:

- `summary`: front matter `summary` if given, else the text before
  `<!-- more -->`, else a cut by characters (CJK) / words (Latin); always
  without TOC, `[TOC]` or `{% %}` tags.
- `reading_time` (minutes), `cjk_chars`, `word_count`.
"""
from pelican import signals
from pelican.contents import Article, Page

from .reading_time import count_content, reading_minutes
from .summary import clean, summarize


def add_summary_and_reading_time(content):
    if not isinstance(content, (Article, Page)):
        return
    html = content._content or ""
    settings = content.settings
    if "summary" in content.metadata:
        summary = clean(content.metadata["summary"])
    else:
        summary = summarize(
            html,
            max_words=settings.get("SUMMARY_MAX_WORDS", 55),
            max_cjk=settings.get("SUMMARY_MAX_CJK_CHARS", 140),
            suffix=settings.get("SUMMARY_END_SUFFIX", "…"),
        )
    content.metadata["summary"] = summary
    content._summary = summary
    content.cjk_chars, content.word_count = count_content(html)
    content.reading_time = reading_minutes(content.cjk_chars, content.word_count)


def register():
    signals.content_object_init.connect(add_summary_and_reading_time)
