"""The reading-notes series: which posts belong to it, their ISO week, their order.

Pure functions over Pelican articles (anything with slug, lang, date, metadata and
translations), so they are tested without a build.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

SERIES = "reading-notes"
SLUG_RE = re.compile(r"^reading-notes-(\d{4})-week-(\d{1,2})$")


def in_series(article) -> bool:
    return str(getattr(article, "series", "") or "").strip() == SERIES


def week_of(article) -> tuple[int, int]:
    """(ISO year, week) from the slug `reading-notes-YYYY-week-NN`, else from the date."""
    match = SLUG_RE.match(getattr(article, "slug", "") or "")
    if match:
        return int(match.group(1)), int(match.group(2))
    year, week, _ = article.date.isocalendar()
    return year, week


@dataclass
class Week:
    """One week of notes in every language it was written in."""
    year: int
    week: int
    versions: dict = field(default_factory=dict)   # lang -> article
    original: object = None

    def shown(self, lang):
        """The version for UI language `lang`: that language if written, else the original."""
        return self.versions.get(lang, self.original)

    def others(self, lang):
        shown = self.shown(lang)
        return [a for _, a in sorted(self.versions.items()) if a is not shown]


@dataclass
class Nav:
    """What a notes post links to: the weeks before and after it, and the series page."""
    week: Week
    previous: object = None     # the article of the week before (same language if written)
    next: object = None         # the article of the week after


def collect(articles) -> list[Week]:
    """Every week of the series, newest first. `articles` are Pelican's originals; their
    translations are taken from them. Two posts claiming one week in one language keep
    the first (the strict build reports the duplicate slug)."""
    weeks: dict[tuple[int, int], Week] = {}
    for original in articles:
        if not in_series(original):
            continue
        key = week_of(original)
        week = weeks.setdefault(key, Week(*key))
        week.original = week.original or original
        for version in [original, *getattr(original, "translations", [])]:
            week.versions.setdefault(version.lang, version)
    return [weeks[k] for k in sorted(weeks, reverse=True)]


def link(weeks: list[Week]) -> None:
    """Set `reading_notes` (a Nav) on every version of every week."""
    for i, week in enumerate(weeks):
        newer = weeks[i - 1] if i > 0 else None
        older = weeks[i + 1] if i + 1 < len(weeks) else None
        for lang, article in week.versions.items():
            article.reading_notes = Nav(
                week=week,
                previous=older.shown(lang) if older else None,
                next=newer.shown(lang) if newer else None,
            )
