"""sitemap.xml with hreflang alternates for every post, page and listing.

Each URL lists its language versions as `<xhtml:link rel="alternate"
hreflang=...>`, itself included, as search engines expect.

Pages other than posts and pages (listings, the Labs and reading-notes pages, …)
are in the list `context["sitemap_urls"]` as `(url, {lang: url})`, url relative
to the site root: `bilingual.localized.write_localized` appends each page it
writes (pairing `/x/` with `/zh/x/`); a plugin may append its own at any time
before output is written or while it is written: the sitemap is written after
every other generator's output (`write_last`).
"""
import functools
import os
import re
from urllib.parse import urljoin, urlsplit
from xml.sax.saxutils import quoteattr, escape

from pelican import signals
from pelican.generators import Generator

from cnnotes.bilingual.strings import HTML_LANG
from cnnotes.feeds import all_versions, site_base


def _versions(content):
    group = {content.lang: content}
    for tr in getattr(content, "translations", []):
        group.setdefault(tr.lang, tr)
    return group


def sitemap_entries(context):
    """[(url, lastmod or None, {lang: url})] for posts, pages and listings."""
    out = []
    for a in all_versions(context.get("articles", [])):
        last = getattr(a, "modified", None) or a.date
        alts = {lg: v.url for lg, v in _versions(a).items()} if a.translations else {}
        out.append((a.url, last, alts))
    for page in context.get("pages", []):
        for p in [page, *page.translations]:
            alts = {lg: v.url for lg, v in _versions(p).items()} if p.translations else {}
            out.append((p.url, None, alts))
    for url, alts in context.get("sitemap_urls", []):
        out.append((url, None, alts))
    return out


_PLAIN_PATH_RE = re.compile(r"[\w\-.~%]+(?:/[\w\-.~%]+)*/?")


def _plain(path) -> bool:
    """A relative path of plain segments (letters, digits, - . _ ~ %; none empty, none
    . or ..): urljoin changes nothing in it."""
    return _PLAIN_PATH_RE.fullmatch(path) is not None and not {".", ".."} & set(path.split("/"))


def _absolute(base, url) -> str:
    """urljoin(base, url), without its parsing for what it would only join: a plain path
    under a plain base (2,000 URLs a build)."""
    return base + url if _plain_base(base) and _plain(url) else urljoin(base, url)


@functools.lru_cache(maxsize=8)
def _plain_base(base) -> bool:
    """Whether base is a site root or folder urljoin leaves as it is: ending in "/", with
    no query or fragment, its path "/" or "/" and a plain path."""
    parts = urlsplit(base)
    return (base.endswith("/") and not parts.query and not parts.fragment
            and (parts.path == "/" or (parts.path.startswith("/") and _plain(parts.path[1:]))))


def render(entries, base) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for url, lastmod, alts in entries:
        lines.append("  <url>")
        lines.append(f"    <loc>{escape(_absolute(base, url))}</loc>")
        if lastmod is not None:
            lines.append(f"    <lastmod>{lastmod.date().isoformat()}</lastmod>")
        for lang, alt in sorted(alts.items()):
            lines.append(f'    <xhtml:link rel="alternate" hreflang={quoteattr(HTML_LANG.get(lang, lang))} '
                         f"href={quoteattr(_absolute(base, alt))}/>")
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


class SitemapGenerator(Generator):
    def generate_context(self):
        pass

    def generate_output(self, writer):
        xml = render(sitemap_entries(self.context), site_base(self.settings))
        with open(os.path.join(self.output_path, "sitemap.xml"), "w", encoding="utf-8") as f:
            f.write(xml)


def get_generators(pelican):
    return SitemapGenerator


def write_last(generators):
    """Move the sitemap generator to the end of the list Pelican then calls generate_output
    on (the same list), so the URLs other generators record while writing are in it."""
    for g in [g for g in generators if isinstance(g, SitemapGenerator)]:
        generators.remove(g)
        generators.append(g)


def register():
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(write_last)
