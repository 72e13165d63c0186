"""Atom feeds: every post, per language, per tag.

    feeds/all.atom.xml   every version of every post, newest first
    feeds/en.atom.xml    posts written in English (zh.atom.xml: in Chinese)
    feeds/tags/<tag>.atom.xml

Entries carry the summary (never a TOC, `[TOC]` or `{% %}` tag) and the full
content without its table of contents (its links only work on the page).
Pelican's own feeds are switched off in pelicanconf.py.
"""
import os
from urllib.parse import urljoin

from feedgenerator import Atom1Feed, get_tag_uri
from pelican import signals
from pelican.generators import Generator
from pelican.utils import set_date_tzinfo

from cjk.summary import clean


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
    def generate_context(self):
        pass

    def _feed(self, path, title, items):
        settings = self.settings
        base = site_base(settings)
        feed = Atom1Feed(
            title=title,
            link=base,
            feed_url=urljoin(base, path),
            description=settings.get("SITESUBTITLE", ""),
            language=None,
        )
        tz = settings.get("TIMEZONE")
        for a in items[: settings.get("FEED_MAX_ITEMS") or None]:
            link = urljoin(base, a.url)
            summary = a.summary or None
            feed.add_item(
                title=a.title,
                link=link,
                unique_id=get_tag_uri(link, a.date),
                description=summary,
                content=clean(a.get_content(settings.get("SITEURL", "")), scrub_text=False),
                categories=[t.name for t in getattr(a, "tags", []) or []] or None,
                author_name=getattr(getattr(a, "author", None), "name", None)
                or settings.get("AUTHOR"),
                pubdate=set_date_tzinfo(a.date, tz),
                updateddate=set_date_tzinfo(a.modified, tz) if getattr(a, "modified", None) else None,
            )
        out = os.path.join(self.output_path, path)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w", encoding="utf-8") as f:
            feed.write(f, "utf-8")

    def generate_output(self, writer):
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
