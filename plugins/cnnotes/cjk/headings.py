"""Readable, unique heading ids that keep Chinese characters.

Python-Markdown's toc extension calls a `slugify(value, separator)` for each
heading; its default drops every non-ASCII character (Chinese headings become
`_1`, `_2`). `HeadingIds` keeps letters of any script, separates CJK from Latin
words, and numbers repeats `-2`, `-3`. It remembers the ids of one document, so
the reader calls `reset()` before converting each file.
"""
import re
import unicodedata

from .text import space_boundaries


def heading_slug(text: str, separator: str = "-") -> str:
    """`为什么Kubernetes难部署？` -> `为什么-kubernetes-难部署`."""
    text = unicodedata.normalize("NFKC", text)
    text = space_boundaries(text).lower()
    text = re.sub(r"[^\w\s-]", " ", text)       # punctuation (ASCII and CJK) out
    text = re.sub(r"[\s_-]+", separator, text)
    return text.strip(separator)


class HeadingIds:
    """A toc `slugify` callable with memory: the same text gives `x`, `x-2`, `x-3`."""

    def __init__(self):
        self._seen: dict[str, int] = {}

    def reset(self) -> None:
        self._seen.clear()

    def __call__(self, value: str, separator: str = "-") -> str:
        base = heading_slug(value, separator) or "section"
        count = self._seen.get(base, 0) + 1
        self._seen[base] = count
        return base if count == 1 else f"{base}{separator}{count}"

    def __deepcopy__(self, memo):
        # settings get deep-copied; each copy starts with an empty memory
        return HeadingIds()
