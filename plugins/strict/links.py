"""Whether a text can hold one of Pelican's intrasite links ({filename}, {static} ...).

Pelican looks for them with a slow regular expression over every post's HTML, several
times a build (its content, its static links, the links check here). Most posts have
none, and this much cheaper search says so."""
import re

_LINK_START = re.compile(r"=\s*[\"'][{|]")


def may_link(text, settings) -> bool:
    """False when Pelican's link rewriting (Content._update_content, get_static_links)
    can find nothing in text: they look for quoted attribute values matching
    INTRASITE_LINK_REGEX, and for a pattern starting with [{|] (Pelican's) such a value
    starts with { or | right after the quote, which this much cheaper search would
    find. For another pattern: True (cannot tell)."""
    if not str(settings.get("INTRASITE_LINK_REGEX", "")).startswith("[{|]"):
        return True
    return _LINK_START.search(text) is not None
