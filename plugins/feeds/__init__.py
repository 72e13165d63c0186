"""Atom feeds: every post, per language, per tag.

    feeds/all.atom.xml   every version of every post, newest first
    feeds/en.atom.xml    posts written in English (zh.atom.xml: in Chinese)
    feeds/tags/<tag>.atom.xml

Entries carry the summary (never a TOC, `[TOC]` or `{% %}` tag) and the full
content without its table of contents (its links only work on the page).
Pelican's own feeds are switched off in pelicanconf.py.
"""
import datetime
import io
import os
from urllib.parse import urljoin

from feedgenerator import Atom1Feed, get_tag_uri
from pelican import signals
from pelican.generators import Generator
from pelican.utils import set_date_tzinfo

import build_cache
from cjk.summary import clean


EMPTY_FEED_DATE = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


class Feed(Atom1Feed):
    """An Atom feed whose <updated> comes from its entries only: an empty feed says
    1970-01-01 rather than the time of the build, so the same posts always give the
    same file (an incremental build keeps it, and it equals a clean build's)."""

    def latest_post_date(self):
        return super().latest_post_date() if self.items else EMPTY_FEED_DATE


def feed_content(article, siteurl, memo=None):
    """An entry's content: the post without its TOC. `memo` ({html: content}) saves
    cleaning a post again for each feed it is in (all, its language, its tags); the
    build cache keeps it with the post for the next builds."""
    html = article.get_content(siteurl)
    cleaned = memo.get(html) if memo is not None else None
    if cleaned is None:
        cleaned = build_cache.derived(getattr(article, "source_path", None), "feeds.content",
                                      html, lambda: clean(html, scrub_text=False))
        if memo is not None:
            memo[html] = cleaned
    return cleaned


def site_base(settings) -> str:
    """Absolute site URL for links in feeds and the sitemap."""
    base = settings.get("SITEURL") or settings.get("SITEMAP_FALLBACK_URL") or ""
    return base.rstrip("/") + "/"


def all_versions(articles):
    """Originals and their translations, newest first."""
    out = []
    for a in articles:
        out.append(a)
        out.extend(getattr(a, "translations", []))
    return sorted(out, key=lambda a: a.date, reverse=True)


class FeedsGenerator(Generator):
    contents = None  # {html: feed content}: a post is in several feeds

    def generate_context(self):
        pass

    def _feed(self, path, title, items):
        """Write one feed; with the build cache, only if its entries or title changed
        (and in the pool of processes that writes pages)."""
        settings = self.settings
        base = site_base(settings)
        items = items[: settings.get("FEED_MAX_ITEMS") or None]
        build = build_cache.active()
        if build is not None:
            fingerprint = build.fingerprint("feed", path, title, base, items)
            if not build.tree.reuse(path, fingerprint):
                build.write_later(path, lambda: self._xml(path, title, items), fingerprint)
            return
        out = os.path.join(self.output_path, path)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w", encoding="utf-8") as f:
            f.write(self._xml(path, title, items))

    def _xml(self, path, title, items) -> str:
        settings = self.settings
        base = site_base(settings)
        feed = Feed(
            title=title,
            link=base,
            feed_url=urljoin(base, path),
            description=settings.get("SITESUBTITLE", ""),
            language=None,
        )
        tz = settings.get("TIMEZONE")
        for a in items:
            link = urljoin(base, a.url)
            summary = a.summary or None
            feed.add_item(
                title=a.title,
                link=link,
                unique_id=get_tag_uri(link, a.date),
                description=summary,
                content=feed_content(a, settings.get("SITEURL", ""), self.contents),
                categories=[t.name for t in getattr(a, "tags", []) or []] or None,
                author_name=getattr(getattr(a, "author", None), "name", None)
                or settings.get("AUTHOR"),
                pubdate=set_date_tzinfo(a.date, tz),
                updateddate=set_date_tzinfo(a.modified, tz) if getattr(a, "modified", None) else None,
            )
        text = io.StringIO()
        feed.write(text, "utf-8")
        return text.getvalue()

    def generate_output(self, writer):
        self.contents = {}  # kept: feeds written later (build_cache) use it too
        self._write_feeds()

    def _write_feeds(self):
        items = all_versions(self.context.get("articles", []))
        name = self.settings.get("SITENAME", "")
        self._feed("feeds/all.atom.xml", name, items)
        for lang in self.settings.get("LANGUAGES") or (self.settings["DEFAULT_LANG"],):
            self._feed(f"feeds/{lang}.atom.xml", f"{name} ({lang})",
                       [a for a in items if a.lang == lang])
        tags = {}
        for a in items:
            for tag in getattr(a, "tags", []) or []:
                tags.setdefault(tag.slug, (tag, []))[1].append(a)
        for slug, (tag, tagged) in tags.items():
            self._feed(f"feeds/tags/{slug}.atom.xml", f"{name}: {tag.name}", tagged)


def get_generators(pelican):
    return FeedsGenerator


def register():
    signals.get_generators.connect(get_generators)
