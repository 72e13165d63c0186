"""Atom feeds: every post, per language, per tag.

    feeds/all.atom.xml   every version of every post, newest first
    feeds/en.atom.xml    posts written in English (zh.atom.xml: in Chinese)
    feeds/tags/<tag>.atom.xml

Entries carry the summary (never a TOC, `[TOC]` or `{% %}` tag) and the full
content without its table of contents (its links only work on the page), every
link and image URL in them absolute (absolute.py).
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

from cnnotes.bilingual.localized import ui_langs
from cnnotes.cjk.summary import clean
from cnnotes.feeds.absolute import absolute_urls
from cnnotes.render_cache import RenderCache, text_digest


EMPTY_FEED_DATE = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


class Feed(Atom1Feed):
    """An Atom feed whose <updated> comes from its entries only: an empty feed says
    1970-01-01 rather than the time of the build, so the same posts always give the
    same file."""

    def latest_post_date(self):
        return super().latest_post_date() if self.items else EMPTY_FEED_DATE


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
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contents = {}  # id of a post -> its entry's content, made once per build
        self.cache = RenderCache(self.settings, "feeds")

    def generate_context(self):
        pass

    def feed_content(self, article):
        """An entry's content: the post without its TOC (its links only work on the page),
        kept by the render cache by the post's HTML."""
        found = self.contents.get(id(article))
        if found is None:
            html = article.get_content(self.settings.get("SITEURL", ""))
            found = self.contents[id(article)] = self.cache.get_or_make(
                ["feed content", text_digest(html)], lambda: clean(html, scrub_text=False))
        return found

    def _feed(self, path, title, items):
        items = items[: self.settings.get("FEED_MAX_ITEMS") or None]
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
            summary = absolute_urls(a.summary or None, link)  # read away from the site
            feed.add_item(
                title=a.title,
                link=link,
                unique_id=get_tag_uri(link, a.date),
                description=summary,
                content=absolute_urls(self.feed_content(a), link),
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
        self._write_feeds()

    def _write_feeds(self):
        items = all_versions(self.context.get("articles", []))
        name = self.settings.get("SITENAME", "")
        self._feed("feeds/all.atom.xml", name, items)
        for lang in ui_langs(self.settings):
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
