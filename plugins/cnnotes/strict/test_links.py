"""strict.links gives exactly the link pattern's own matches, from fewer places."""
import random
import re

from pelican.settings import DEFAULT_CONFIG

from cnnotes.strict import _link_regex
from cnnotes.strict.links import LinkPattern, link_pattern, may_link

SETTINGS = {"INTRASITE_LINK_REGEX": DEFAULT_CONFIG["INTRASITE_LINK_REGEX"]}
# the link pattern (Pelican's INTRASITE_LINK_REGEX in a quoted attribute), tried everywhere
PELICAN = _link_regex(SETTINGS)

TRICKY = [
    '<p>See <a href="{filename}a.md">a</a> and <img src=\'{static}/b c.png\'></p>',
    '<a title="{x}" href="{filename}/a.md#h">',             # a brace in another attribute first
    '<a href="{attach}f.pdf" src="{static}g.png">',          # two links in one tag: the last one
    '<<a href = "|filename|a.md">', '<a x<b href="{tag}t">',  # more than one < before the link
    '<a\nhref="{index}">', '<a href="{filename}a.md>b">',     # across a line, a > in the value
    '<p>{filename}x.md "{static}y"</p>', '{"a": "{b}"}', '"{', '="{', "<a href='{x}y' content='{category}c'>",
    '<a href="{filename}a.md"><a href="{filename}b.md">', '<a href="{x}"y"{z}">',
]
PIECES = ['<', '>', '"', "'", '{', '}', '|', 'a', ' ', '=', 'href', 'src', 'filename', '\n', '#',
          '<a href="{filename}', '">', "<img src='|static|", '\u3000']


def _texts():
    rng = random.Random(7)
    return TRICKY + ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 50))) for _ in range(20000)]


def test_finditer_and_sub_equal_pelicans_patterns_own():
    ours = link_pattern(PELICAN, SETTINGS)
    assert isinstance(ours, LinkPattern)
    matched = 0
    for text in _texts():
        theirs = [(m.span(), m.groupdict()) for m in PELICAN.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in ours.finditer(text)] == theirs, text
        matched += bool(theirs)
        assert ours.sub(lambda m: "[" + m.group("what") + "]", text) == PELICAN.sub(
            lambda m: "[" + m.group("what") + "]", text), text
        assert ours.sub(r"\g<quote>X", text) == PELICAN.sub(r"\g<quote>X", text), text
    assert matched > 5000  # the random texts do hold links


def test_may_link_is_false_only_without_a_quoted_brace_after_equals():
    needed = re.compile(r"=\s*[\"'][{|]")
    for text in _texts():
        assert may_link(text, SETTINGS) == (needed.search(text) is not None), text
    assert may_link('<a href =\u3000"{filename}a.md">', SETTINGS)
    assert not may_link('<code>x = {"a": 1}</code>', SETTINGS)


def test_another_link_syntax_gets_pelicans_pattern_unchanged():
    settings = {"INTRASITE_LINK_REGEX": r"@(?P<what>\w+)@"}
    assert link_pattern(PELICAN, settings) is PELICAN
    assert may_link("no braces at all", settings)
