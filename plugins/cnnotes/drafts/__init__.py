"""Drafts and scheduled posts: what the author sees, and what readers never do.

Which posts are unfinished is Pelican's own business, set in the settings:
a draft (`draft: true`, `status: draft`, `published: false`, or a Hugo `expiryDate`
that has passed: front_matter makes those `status: draft`) and, with
WITH_FUTURE_DATES = False (publishconf.py), a post dated in the future. publishconf.py
empties DRAFT_SAVE_AS and friends, so a publish build writes no page for them, and
every listing, feed, sitemap and search index reads only the published posts.

The author's build (pelicanconf.py) writes drafts under /drafts/ and lists future
posts. This plugin gives the templates `unfinished(status, date, expiry)`: None for a
post readers may see, else why not (`kind` "draft", "scheduled" or "expired", and the
`date`; datetime.max is Pelican's stand-in date of a draft without one), for the banner
(theme/templates/partials/unfinished_banner.html) and a `noindex` robots tag; and, when
the build writes drafts, it lists them all at /drafts/ (and /zh/drafts/).
"""
from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Optional

from pelican import signals
from pelican.generators import Generator

from cnnotes.bilingual.strings import lookup

STRINGS = {
    "draft": {"en": "Draft: not published. Only the author's build shows it; "
                    "`make publish` leaves it out.",
              "zh": "草稿：尚未发布。只有作者本地的构建显示它，`make publish` 不会发布。"},
    "scheduled": {"en": "Scheduled for {date}: `make publish` leaves it out until then.",
                  "zh": "定于{date}发布：在此之前 `make publish` 不会发布它。"},
    "expired": {"en": "Expired on {date} (expiryDate): `make publish` leaves it out.",
                "zh": "已于{date}过期（expiryDate）：`make publish` 不会发布它。"},
    "drafts_title": {"en": "Unfinished posts", "zh": "未发布的文章"},
    "drafts_intro": {"en": "Drafts, scheduled and expired posts: only the author's build "
                           "(make html, make serve) writes this page and them.",
                     "zh": "草稿、定时发布和已过期的文章：只有作者本地的构建（make html、make serve）"
                           "才会写出本页和这些文章。"},
    "no_drafts": {"en": "None: everything is published.", "zh": "没有：全部已发布。"},
}


def unfinished_t(key: str, lang: str = "en", /, **kwargs) -> str:
    return lookup(STRINGS, key, lang, **kwargs)


def _now_like(date: datetime.datetime, now: Optional[datetime.datetime]) -> datetime.datetime:
    """Now, comparable with `date` (aware when it is, local time when it is naive)."""
    if now is None:
        now = datetime.datetime.now(datetime.timezone.utc)
    if date.tzinfo is None:
        return now.astimezone().replace(tzinfo=None) if now.tzinfo else now
    return now if now.tzinfo else now.astimezone()


def unfinished(status, date=None, expiry=None, now: Optional[datetime.datetime] = None
               ) -> Optional[SimpleNamespace]:
    """Why readers must not see a post of this status, date and expiryDate (kind, date),
    or None when they may. Plain values, not the post: a template passes what it read."""
    if isinstance(expiry, datetime.datetime) and expiry <= _now_like(expiry, now):
        return SimpleNamespace(kind="expired", date=expiry)
    if isinstance(date, datetime.datetime) and date.year != datetime.MAXYEAR and date > _now_like(date, now):
        return SimpleNamespace(kind="scheduled", date=date)
    if status == "draft":
        return SimpleNamespace(kind="draft", date=None)
    return None


def unfinished_post(content, now: Optional[datetime.datetime] = None) -> Optional[SimpleNamespace]:
    """unfinished() of a post or page."""
    return unfinished(getattr(content, "status", "published"), getattr(content, "date", None),
                      getattr(content, "expirydate", None), now)


def unfinished_items(context) -> list[SimpleNamespace]:
    """Every unfinished post and page this build writes: (title, url, lang, kind, date);
    scheduled first, then drafts, then expired ones, by title."""
    seen, items = set(), []
    for key in ("drafts", "articles", "draft_pages"):
        for content in context.get(key, []) or []:
            for c in (content, *getattr(content, "translations", [])):
                why = unfinished_post(c)
                if id(c) in seen or why is None or not c.save_as:
                    continue
                seen.add(id(c))
                items.append(SimpleNamespace(title=c.title, url=c.url, lang=c.lang, kind=why.kind,
                                             date=why.date))
    order = {"scheduled": 0, "draft": 1, "expired": 2}
    return sorted(items, key=lambda i: (order[i.kind], i.title))


class DraftsIndexGenerator(Generator):
    """/drafts/ in the author's build (DRAFT_SAVE_AS set); nothing when publishing."""

    def generate_output(self, writer):
        from cnnotes.bilingual.localized import write_localized

        if not self.settings.get("DRAFT_SAVE_AS"):
            return
        write_localized(self, writer, "drafts", "drafts/", sitemap=False,
                        unfinished_posts=unfinished_items(self.context), page_name="drafts")


def get_generators(pelican):
    return DraftsIndexGenerator


def add_template_globals(pelican):
    """Through the JINJA_GLOBALS setting, which every generator's environment reads."""
    globals_ = dict(pelican.settings.get("JINJA_GLOBALS") or {})
    globals_.update(unfinished=unfinished, unfinished_t=unfinished_t)
    pelican.settings["JINJA_GLOBALS"] = globals_


def register():
    signals.initialized.connect(add_template_globals)
    signals.get_generators.connect(get_generators)
