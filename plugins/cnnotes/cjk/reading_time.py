"""Reading time that counts CJK characters and English words separately.

A word count alone makes a Chinese post look like a one-minute read (a run of
Han characters has no spaces); a character count makes an English one look
endless. Rates are per minute; code blocks are not counted.
"""
import math

from lxml import etree

from . import fragment
from .text import count_units

CJK_PER_MINUTE = 400
WORDS_PER_MINUTE = 220


def count_content(content_html: str) -> tuple[int, int]:
    """(CJK characters, Latin words) of rendered HTML, outside <pre> blocks."""
    if not content_html or not content_html.strip():
        return 0, 0
    root = fragment.parse(content_html)
    for el in _NOT_READ(root):
        fragment.drop(el)
    return count_units(fragment.text_of(root))


_NOT_READ = etree.XPath("//pre | //script | //style")


def reading_minutes(cjk_chars: int, words: int) -> int:
    """Whole minutes, at least 1."""
    return max(1, math.ceil(cjk_chars / CJK_PER_MINUTE + words / WORDS_PER_MINUTE))
