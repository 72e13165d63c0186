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
import functools
import io
import os
from urllib.parse import urljoin

from feedgenerator import Atom1Feed, get_tag_uri
from feedgenerator.django.utils.xmlutils import SimplerXMLGenerator
from pelican import signals
from pelican.generators import Generator
from pelican.utils import set_date_tzinfo

from cnnotes import build_cache
from cnnotes.bilingual.localized import ui_langs
from cnnotes.cjk.summary import clean
from cnnotes.feeds.absolute import absolute_urls


EMPTY_FEED_DATE = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


class Feed(Atom1Feed):
    """An Atom feed whose <updated> comes from its entries only: an empty feed says
    1970-01-01 rather than the time of the build, so the same posts always give the
    same file (an incremental build keeps it, and it equals a clean build's).

    entries (a dict shared by the feeds of a build): a post's <entry> is written once as
    XML and copied into every feed it is in (all, its language, its tags)."""

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = entries

    def latest_post_date(self):
        return super().latest_post_date() if self.items else EMPTY_FEED_DATE

    def write_items(self, handler):
        for item in self.items:
            xml = self.entries.get(item["entry_key"])
            if xml is None:
                out = io.StringIO()
                alone = SimplerXMLGenerator(out, "utf-8", short_empty_elements=True)
                alone.startElement("entry", self.item_attributes(item))
                self.add_item_elements(alone, item)
                alone.endElement("entry")
                xml = self.entries[item["entry_key"]] = out.getvalue()
            # what the handler would write for it (no start tag of its is left open here)
            handler._finish_pending_start_element()
            handler._write(xml)


def feed_content(article, siteurl):
    """An entry's content: the post without its TOC (made once per build: Feed.entries);
    the build cache keeps it for the next builds, in a file apart from the post's entry (not
    compressed: zlib cost 0.23 ms a post in a clean build, for files a third the size)."""
    html = article.get_content(siteurl)
    return build_cache.derived(getattr(article, "source_path", None), "feeds.content", html,
                               lambda: clean(html, scrub_text=False), apart=True)


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
        self._cleaning = set()  # ids of posts whose feed content is being made
        self._entries = {}  # id of a post -> its <entry>, for the feeds of this build
        self._shown_memo = {}  # id of a post -> what its entry shows (_shown)

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
            siteurl = settings.get("SITEURL", "")
            def shown():
                return build.fingerprint("feed", path, title, base, [self._shown(a, siteurl) for a in items])

            fingerprint = shown  # in a first build: worked out where the feed is written
            if not build.tree.fresh:  # else nothing can be kept
                fingerprint = shown()
                if build.tree.reuse(path, fingerprint):
                    return
            for a in items:  # cleaned once each, in parallel, before the feeds are written
                if id(a) not in self._cleaning:
                    self._cleaning.add(id(a))
                    if not build.docs.has_derived(getattr(a, "source_path", None), "feeds.content",
                                                  functools.partial(a.get_content, siteurl), apart=True):
                        build.later(functools.partial(feed_content, a, siteurl), weight=0.3)
            build.write_later(path, lambda: self._xml(path, title, items), fingerprint, phase=1,
                              weight=len(items) / 4)
            return
        out = os.path.join(self.output_path, path)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w", encoding="utf-8") as f:
            f.write(self._xml(path, title, items))

    def _shown(self, a, siteurl) -> str:
        """The digest of what an entry shows of post a (what _xml reads of it), for the
        feeds' fingerprints: made once per post (a post is in several feeds), its content
        by digest."""
        found = self._shown_memo.get(id(a))
        if found is None:
            digester = build_cache.active().digester
            found = self._shown_memo[id(a)] = digester.shallow((  # texts, dates: JSON's C encoder
                a.url, a.title, a.summary or None, digester.text_digest(a.get_content(siteurl)),
                [t.name for t in getattr(a, "tags", []) or []],
                getattr(getattr(a, "author", None), "name", None), a.date, getattr(a, "modified", None)))
        return found

    def _xml(self, path, title, items) -> str:
        settings = self.settings
        base = site_base(settings)
        feed = Feed(
            title=title,
            link=base,
            feed_url=urljoin(base, path),
            description=settings.get("SITESUBTITLE", ""),
            language=None,
            entries=self._entries,
        )
        tz = settings.get("TIMEZONE")
        for a in items:
            link = urljoin(base, a.url)
            summary = absolute_urls(a.summary or None, link)  # read away from the site
            feed.add_item(
                entry_key=id(a),
                title=a.title,
                link=link,
                unique_id=get_tag_uri(link, a.date),
                description=summary,
                # a post whose <entry> another feed already wrote needs no content again
                content=None if id(a) in self._entries else absolute_urls(
                    feed_content(a, settings.get("SITEURL", "")), link),
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
