"""Pelican's intrasite links ({filename}, {static} ...): whether a text can hold one, and
finding them without trying Pelican's pattern at every tag.

Pelican looks for them with a regular expression over every post's HTML, several
times a build (its content, its static links, the links check here). Most posts have
none, and may_link's much cheaper search says so; in those that have some,
LinkPattern finds the same matches from the few places a link can start.
"""
import re


def quoted_starts(text) -> list:
    """The positions of the quotes followed by { or | in text, in order. (A regular
    expression for that pair tests every character; str.find skips to each { and |,
    rare in HTML, some ten times faster.)"""
    found = []
    for mark in "{|":
        at = text.find(mark, 1)
        while at >= 0:
            if text[at - 1] in "\"'":
                found.append(at - 1)
            at = text.find(mark, at + 1)
    found.sort()
    return found


def _after_equals(text, quote) -> bool:
    """Whether `=` and only whitespace come before position quote."""
    at = quote - 1
    while at >= 0 and text[at].isspace():
        at -= 1
    return at >= 0 and text[at] == "="


def _starts_with_brace(settings) -> bool:
    """Whether every link Pelican's pattern matches has { or | right after its quote."""
    return str(settings.get("INTRASITE_LINK_REGEX", "")).startswith("[{|]")


def may_link(text, settings) -> bool:
    """False when Pelican's link rewriting (Content._update_content, get_static_links)
    can find nothing in text: they look for quoted attribute values matching
    INTRASITE_LINK_REGEX, and for a pattern starting with [{|] (Pelican's) such a value
    starts with { or | right after the quote, which this much cheaper search would
    find. For another pattern: True (cannot tell)."""
    if not _starts_with_brace(settings):
        return True
    return any(_after_equals(text, quote) for quote in quoted_starts(text))


class LinkPattern:
    """Pelican's link pattern (`<tag ... href=` `"` `{what}value` `"`), with its `finditer`
    and `sub` giving exactly the pattern's own matches, found faster.

    The pattern's own scan tries it at every `<` of a page, character by character,
    and that is all of its time. But a match's quote is followed by { or | (for a
    pattern starting with [{|]), and there is no `>` between the match's `<` and that
    quote. So from each such quote (quoted_starts: a few per page), the first `<` after
    the last `>` before it (and after the previous match) is the one place where a
    match using it can start; the pattern, tried there, finds what the full scan
    would: its `[^>]+` reaches every later `<` of that stretch, so if it fails there,
    it fails at all of them."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern

    def finditer(self, text):
        pos = 0
        failed = -1  # the last start tried in vain
        for at in quoted_starts(text):
            if at < pos:
                continue
            start = text.find("<", max(text.rfind(">", 0, at) + 1, pos), at)
            if start < 0 or start == failed:
                continue
            found = self.pattern.match(text, start)
            if found is None:
                failed = start
                continue
            yield found
            pos = found.end()

    def sub(self, repl, text):
        parts, last = [], 0
        for found in self.finditer(text):
            parts += text[last:found.start()], repl(found) if callable(repl) else found.expand(repl)
            last = found.end()
        if not parts:
            return text
        parts.append(text[last:])
        return "".join(parts)


def link_pattern(pattern: re.Pattern, settings):
    """The pattern to look for links with: a LinkPattern over it when its matches start
    as Pelican's do, else the pattern itself."""
    return LinkPattern(pattern) if _starts_with_brace(settings) else pattern
