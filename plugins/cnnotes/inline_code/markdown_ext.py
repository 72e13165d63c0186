"""Markdown extension: the words of inline `code` each in a <span class="code-word">.

A tree processor that runs after the inline patterns (which make the <code> elements):
the text of a <code> outside <pre> is split at runs of spaces, which stay between the
spans as plain text (so copying the code gives exactly what was written).
"""
import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

PRIORITY = 5  # after "inline" (20), before "prettify" (10 is fine too; nothing depends on it)
WORD_CLASS = "code-word"
_SPACES_RE = re.compile(r"(\s+)")


def split_words(code):
    """Rewrite one <code> element: its text becomes spans of words and the spaces between."""
    text = code.text or ""
    if len(code) or not text.strip():
        return
    pieces = _SPACES_RE.split(text)
    code.text = None
    previous = None
    for piece in pieces:
        if not piece:
            continue
        if piece.isspace():
            if previous is None:
                code.text = AtomicString((code.text or "") + piece)
            else:
                previous.tail = AtomicString((previous.tail or "") + piece)
            continue
        span = etree.SubElement(code, "span", {"class": WORD_CLASS})
        span.text = AtomicString(piece)
        previous = span


class InlineCodeWords(Treeprocessor):
    def run(self, root):
        for parent in root.iter():
            if parent.tag == "pre":
                continue
            for child in parent:
                if child.tag == "code":
                    split_words(child)


class InlineCodeWordsExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(InlineCodeWords(md), "inline_code_words", PRIORITY)
