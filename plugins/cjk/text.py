"""What counts as CJK, and where CJK text meets Latin text.

Slugs, heading ids, summaries and reading time all need the same answer, so it
lives here once.
"""
import re

# Han (with extensions A and compatibility), kana, Hangul syllables.
CJK_CHARS = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\u3040-\u309f\u30a0-\u30ff\uac00-\ud7af"
    "\U00020000-\U0002ebef"
)
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
    cjk = len(CJK_RE.findall(text))
    words = len(LATIN_WORD_RE.findall(CJK_RE.sub(" ", text)))
    return cjk, words
