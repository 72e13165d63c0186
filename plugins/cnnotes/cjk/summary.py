"""Summaries: the text before `<!-- more -->`, else a cut by CJK characters and Latin words.

A summary appears on listings, in feeds and in `og:description`, so it must
never carry a table of contents, a literal `[TOC]`, or a raw `{% ... %}` tag
(Hexo tags whose plugin is missing, or whose output only makes sense in the
full post). Elements marked `data-summary="skip"` are dropped too: a plugin
that renders something heavy (a PDF viewer, a lab box) can mark it that way.
"""
import html as html_lib
import re

from lxml import etree

from . import fragment
from .text import CJK_RE, LATIN_WORD_RE

MORE_RE = re.compile(r"<!--\s*more\s*-->", re.I)
LIQUID_RE = re.compile(r"\{%.*?%\}", re.S)
TOC_MARKER = "[TOC]"
_DROP_XPATH = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' toc ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' liquid-tag ')]"
    " | //*[@data-summary='skip']"
    " | //script | //style | //iframe | //object | //embed | //noscript"
)
# _DROP_XPATH, faster: libxml2 is slow at normalize-space() and concat() on every
# element, so it only finds candidates and Python checks the class names.
_DROP_CANDIDATES = etree.XPath(
    "//*[contains(@class, 'toc') or contains(@class, 'liquid-tag') or @data-summary='skip']"
    " | //script | //style | //iframe | //object | //embed | //noscript")
_DROP_CLASSES = {"toc", "liquid-tag"}
_XML_SPACE_RE = re.compile("[ \t\r\n]+")
_TEXT = etree.XPath("string()", smart_strings=False)


def _dropped(el) -> bool:
    if el.get("data-summary") == "skip" or el.tag in _DROP_TAGS:
        return True
    return not _DROP_CLASSES.isdisjoint(_XML_SPACE_RE.split(el.get("class") or ""))


_DROP_TAGS = {"script", "style", "iframe", "object", "embed", "noscript"}
_TEXT_BLOCKS = {"p", "ul", "ol", "blockquote", "dl"}


def _scrub(text):
    if not text:
        return text
    return LIQUID_RE.sub("", text).replace(TOC_MARKER, "")


def _has_tag_text(root) -> bool:
    """Whether any text holds `{%` or `[TOC]`: else _scrub would change nothing."""
    text = _TEXT(root)
    return "{%" in text or TOC_MARKER in text


def clean(html_fragment: str, scrub_text: bool = True) -> str:
    """Remove TOCs, `[TOC]`, `{% %}` tags and skip-marked elements from an HTML fragment.

    scrub_text=False keeps code examples that show `{% %}` or `[TOC]`, written as
    character references (`{&#37;`, `&#91;TOC]`) so they look the same in a reader
    but no template engine or TOC filter downstream sees a tag: for feed content.
    """
    if not html_fragment or not html_fragment.strip():
        return ""
    root = fragment.parse(html_fragment)
    for el in _DROP_CANDIDATES(root):
        if not _dropped(el):
            continue
        parent = el.getparent()
        if parent is None:
            continue
        tail = el.tail
        el.tail = None
        prev = el.getprevious()
        if tail:
            if prev is not None:
                prev.tail = (prev.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
        parent.remove(el)
    if scrub_text and _has_tag_text(root):
        for el in root.iter():
            if isinstance(el.tag, str):
                el.text = _scrub(el.text)
            el.tail = _scrub(el.tail)
        root.text = _scrub(root.text)
    parts = [html_lib.escape(root.text)] if root.text else []
    parts += [fragment.to_html(child) for child in root]
    out = "".join(parts)
    if not scrub_text:
        return out.replace("{%", "{&#37;").replace(TOC_MARKER, "&#91;TOC]").strip()
    # paragraphs emptied by the scrubbing (a lone `[TOC]`) go too
    return re.sub(r"<p>\s*</p>", "", out).strip()


_TOKEN_RE = re.compile(f"{CJK_RE.pattern}|{LATIN_WORD_RE.pattern}")  # what cut() counts


def cut(text: str, max_words: int, max_cjk: int, suffix: str = "…") -> str:
    """Cut plain text where CJK characters / max_cjk + Latin words / max_words reaches 1."""
    used = 0.0
    for match in _TOKEN_RE.finditer(text):
        used += 1 / max_cjk if CJK_RE.fullmatch(match.group()) else 1 / max_words
        if used > 1.0 + 1e-9:
            head = text[: match.start()].rstrip(" ,，、;；:：-—(（")
            return head + suffix
    return text


def summarize(content_html: str, max_words: int = 55, max_cjk: int = 140,
              suffix: str = "…") -> str:
    """The summary (HTML) of a post's rendered content."""
    if not content_html:
        return ""
    marker = MORE_RE.search(content_html)
    if marker:
        return clean(content_html[: marker.start()])
    cleaned = clean(content_html)
    if not cleaned:
        return ""
    root = fragment.parse(cleaned)
    texts = []
    for child in root:
        if isinstance(child.tag, str) and child.tag in _TEXT_BLOCKS:
            text = " ".join(fragment.text_of(child).split())
            if text:
                texts.append(text)
    if not texts:
        return ""
    # scrubbed again as one text: a tag whose words are in elements of their own (inline
    # code in word spans) is whole only here
    text = " ".join(_scrub(" ".join(texts)).split())
    return "<p>" + html_lib.escape(cut(text, max_words, max_cjk, suffix), quote=False) + "</p>"
