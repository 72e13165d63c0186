"""HTML fragments with lxml.etree: what lxml.html gives, without its cost.

lxml.html looks up a Python element class for every element it hands out (a Python
call per element: an eighth of the build when summaries, reading times and feeds
all parsed posts with it). Plain lxml.etree elements come from the same libxml2
parser and serializer, so these helpers give exactly lxml.html's results:
`parse` is `lxml.html.fragment_fromstring(html, create_parent="div")`, `to_html`
is `lxml.html.tostring(el, encoding="unicode")`, `text_of` is `el.text_content()`
and `drop` is `el.drop_tree()`.
"""
import re

from lxml import etree

_PARSER = etree.HTMLParser()
_FULL_HTML_RE = re.compile(r"^\s*<(?:html|!doctype)", re.I)
_META_CONTENT_TYPE_RE = re.compile(r'<meta http-equiv="Content-Type"[^>]*>')
text_of = etree.XPath("string()", smart_strings=False)


def parse(html: str):
    """A <div> holding the fragment's elements (and leading text, unless blank)."""
    if not _FULL_HTML_RE.match(html):
        html = f"<html><body>{html}</body></html>"
    doc = etree.fromstring(html, _PARSER)
    if doc is None:
        raise etree.ParserError("Document is empty")
    body = next(el for el in doc if el.tag == "body")
    root = etree.Element("div")
    if body.text and body.text.strip():
        root.text = body.text
    root.extend(list(body))
    return root


def to_html(el) -> str:
    """The element (with its tail) as HTML."""
    return _META_CONTENT_TYPE_RE.sub("", etree.tostring(el, method="html", encoding="unicode"))


def drop(el) -> None:
    """Remove el and what it holds; its tail text stays where it was."""
    parent = el.getparent()
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    parent.remove(el)
