"""Slugs for URLs: readable pinyin for Chinese titles, never glued to Latin words.

Stock Pelican turns `如何快速启动一个Kubernetes集群` into `...-kubernetesji-qun`;
inserting a separator at every CJK/Latin boundary before transliterating gives
`ru-he-kuai-su-qi-dong-yi-ge-kubernetes-ji-qun`.
"""
import re
import unicodedata

from unidecode import unidecode

from .text import space_boundaries


def title_slug(title: str) -> str:
    """ASCII slug of a title (or tag, category): lowercase words joined by '-'."""
    text = unicodedata.normalize("NFKC", str(title))
    text = re.sub(r"<[^>]+>", "", text)          # titles may carry inline HTML
    text = re.sub(r"['’]", "", text)             # don't -> dont
    text = unidecode(space_boundaries(text))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
