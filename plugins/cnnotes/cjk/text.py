"""What counts as CJK, and where CJK text meets Latin text.

Slugs, heading ids, summaries, reading time and the search index's terms
(search/tokens.py) all need the same answer, so it lives here once. The search
page's query splitter, theme/static/js/search.js, has a copy of CJK_RANGES:
change both together.
"""
import re

# (first, last) code points treated as CJK: no spaces between words.
CJK_RANGES = (
    (0x3040, 0x30FF),    # Hiragana, Katakana
    (0x3400, 0x4DBF),    # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),    # CJK Unified Ideographs
    (0xAC00, 0xD7AF),    # Hangul syllables
    (0xF900, 0xFAFF),    # CJK Compatibility Ideographs
    (0x20000, 0x3134F),  # CJK Unified Ideographs Extensions B-G
)
# the same, as the body of a regular expression character class
CJK_CHARS = "".join(f"{chr(a)}-{chr(b)}" for a, b in CJK_RANGES)
CJK_RE = re.compile(f"[{CJK_CHARS}]")
# a Latin "word": letters/digits with inner apostrophes, dots, hyphens (k8s, v1.2, don't)
LATIN_WORD_RE = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['’.\-][A-Za-z0-9\u00c0-\u024f]+)*")
_BOUNDARY_RE = re.compile(
    f"(?<=[{CJK_CHARS}])(?=[A-Za-z0-9\u00c0-\u024f])"
    f"|(?<=[A-Za-z0-9\u00c0-\u024f])(?=[{CJK_CHARS}])"
)


def space_boundaries(text: str, separator: str = " ") -> str:
    """Insert `separator` wherever a CJK character touches a Latin letter or digit.

    `一个Kubernetes集群` -> `一个 Kubernetes 集群`: keeps transliterated pinyin
    from being glued onto the Latin word.
    """
    return _BOUNDARY_RE.sub(separator, text)


def count_units(text: str) -> tuple[int, int]:
    """Return (CJK characters, Latin words) in plain text."""
    latin_only, cjk = CJK_RE.subn(" ", text)  # one pass: the text, and how many it replaced
    return cjk, len(LATIN_WORD_RE.findall(latin_only))
