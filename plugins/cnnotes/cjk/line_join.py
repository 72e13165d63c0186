"""Hard-wrapped Chinese stays one run of text: a Markdown extension.

Markdown keeps a paragraph's line breaks as newlines, which the browser (and every
reader of the HTML: summary, feed, search text, social card) shows as spaces. Between
two Chinese characters that is a stray space ("程序， 在不"). Like CJK-aware Markdown
setups, this removes a line break (with the spaces around it) when the characters on
both sides are CJK: ideographs, kana, CJK punctuation or full-width forms. Between
CJK and Latin text the break stays, and shows as the space it should be.

It runs after Markdown's inline patterns, on the text of the element tree, so a break
next to emphasis or a link (`**粗体**` + newline + `中文`) is seen too, while code
(`<pre>`, `<code>`) is left exactly as written. Korean is not joined: it spaces words.
"""
import re

from markdown import Extension
from markdown.treeprocessors import Treeprocessor

# the characters a line break is dropped between (both sides)
JOINING_RANGES = (
    (0x3000, 0x303F),    # CJK symbols and punctuation: 。，、「」（）...
    (0x3040, 0x30FF),    # Hiragana, Katakana
    (0x3400, 0x4DBF),    # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),    # CJK Unified Ideographs
    (0xF900, 0xFAFF),    # CJK Compatibility Ideographs
    (0xFE30, 0xFE4F),    # CJK compatibility forms
    (0xFF00, 0xFFEF),    # full-width forms: ，！？：；（）
    (0x20000, 0x3134F),  # CJK Unified Ideographs Extensions B-G
)
_JOINING = "".join(f"{chr(a)}-{chr(b)}" for a, b in JOINING_RANGES)
_BREAK_RE = re.compile(f"(?<=[{_JOINING}])[ \\t]*\\n[ \\t]*(?=[{_JOINING}])")

# left as written, and a barrier: no join reaches across them
VERBATIM = {"pre", "code", "kbd", "samp", "script", "style", "textarea", "math"}
# their text is a run of its own (a join never crosses their edges)
BLOCKS = {"address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
          "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
          "hr", "li", "main", "nav", "ol", "p", "section", "summary", "table", "tbody",
          "td", "tfoot", "th", "thead", "tr", "ul"}
_BARRIER = None


def join_cjk_breaks(text: str) -> str:
    """The text with each line break between two CJK characters removed."""
    return _BREAK_RE.sub("", text) if "\n" in text else text


def _runs(element):
    """The runs of inline text under element: lists of (element, "text" | "tail")
    slots in reading order, _BARRIER where verbatim content interrupts."""
    runs, run = [], []

    def inline(el):
        run.append((el, "text"))
        for child in el:
            child_slot(child)

    def child_slot(child):
        nonlocal run
        if not isinstance(child.tag, str) or child.tag in VERBATIM:
            run.append(_BARRIER)
        elif child.tag in BLOCKS:
            runs.append(run)
            runs.extend(_runs(child))
            run = []
        else:
            inline(child)
        run.append((child, "tail"))

    inline(element)
    runs.append(run)
    return runs


def _join_run(run) -> None:
    """Remove the joinable breaks of one run, which may cross slot edges."""
    texts = ["\0" if slot is _BARRIER else (getattr(slot[0], slot[1]) or "") for slot in run]
    whole = "".join(texts)
    if "\n" not in whole:
        return
    cuts = [m.span() for m in _BREAK_RE.finditer(whole)]
    if not cuts:
        return
    start = 0
    for slot, text in zip(run, texts):
        end = start + len(text)
        if slot is not _BARRIER and text:
            kept, at = [], start
            for a, b in cuts:
                if b <= start or a >= end:
                    continue
                kept.append(whole[at:max(a, start)])
                at = min(b, end)
            if kept:
                kept.append(whole[at:end])
                setattr(slot[0], slot[1], "".join(kept))
        start = end


class JoinCjkLines(Treeprocessor):
    def run(self, root):
        for run in _runs(root):
            _join_run(run)


class CjkLineJoinExtension(Extension):
    """Add to MARKDOWN's extensions (the cjk plugin does, at `initialized`)."""

    def extendMarkdown(self, md):
        # after "inline" (20): the text holds its final elements; before "prettify" (10)
        md.treeprocessors.register(JoinCjkLines(md), "cjk_line_join", 15)
