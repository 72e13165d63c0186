"""Reading time that counts CJK characters and English words separately.

A word count alone makes a Chinese post look like a one-minute read (a run of
Han characters has no spaces); a character count makes an English one look
endless. Rates are per minute; code blocks are not counted.
"""
import math

import lxml.html

from .text import count_units

CJK_PER_MINUTE = 400
WORDS_PER_MINUTE = 220


def count_content(content_html: str) -> tuple[int, int]:
    """(CJK characters, Latin words) of rendered HTML, outside <pre> blocks."""
    if not content_html or not content_html.strip():
        return 0, 0
    root = lxml.html.fragment_fromstring(content_html, create_parent="div")
    for pre in root.xpath("//pre | //script | //style"):
        pre.drop_tree()
    return count_units(root.text_content())


def reading_minutes(cjk_chars: int, words: int) -> int:
    """Whole minutes, at least 1."""
    return max(1, math.ceil(cjk_chars / CJK_PER_MINUTE + words / WORDS_PER_MINUTE))
