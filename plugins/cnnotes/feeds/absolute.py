"""Absolute URLs in feed entries: a feed reader shows an entry away from the site, where
`/images/x.png` or `diagram.png` point nowhere (RFC 4287 allows xml:base, but few
readers honour it). Every `src`, `href` and `poster` of an entry's HTML that is not
already absolute is resolved against the post's own absolute URL."""
import html as html_lib
import re
from urllib.parse import urljoin

_ATTRIBUTE_RE = re.compile(r"""(?P<name>\b(?:src|href|poster)\s*=\s*)(?P<quote>["'])(?P<value>.*?)(?P=quote)""",
                           re.I | re.S)
_ABSOLUTE_RE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")


def absolute_urls(fragment, page_url: str):
    """The HTML fragment with its relative and root-relative URLs made absolute
    against page_url (None and "" are returned as they are)."""
    if not fragment or ("src" not in fragment and "href" not in fragment and "poster" not in fragment):
        return fragment

    def absolute(match):
        value = match.group("value")
        if not value.strip() or _ABSOLUTE_RE.match(value.strip()):
            return match.group(0)
        url = urljoin(page_url, html_lib.unescape(value.strip()))
        quote = match.group("quote")
        return f"{match.group('name')}{quote}{html_lib.escape(url, quote=True)}{quote}"

    return _ATTRIBUTE_RE.sub(absolute, fragment)
