"""The headings of a lab's transcript, for the lab page's table of contents: a
transcript is 20,000 px tall on a phone, and its sections are its h2 headings (the
lab.md sections, with the ids the site's Markdown gave them)."""
import html
import re

_H2_RE = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.S)
_TAG_RE = re.compile(r"<[^>]+>")


def headings(markup) -> list:
    """[(id, text)] of the h2 headings in `markup`, in order."""
    return [(html.unescape(m.group(1)), html.unescape(_TAG_RE.sub("", m.group(2))).strip())
            for m in _H2_RE.finditer(str(markup or ""))]
