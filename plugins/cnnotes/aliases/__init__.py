"""Redirect pages at a post's old addresses, so links to a moved-in blog keep working.

A post or page lists its old addresses in `aliases:` (Hugo's own key; Jekyll's
`redirect_from`, and an old `permalink`/`url`, become it: front_matter/foreign_keys.py;
`make import` writes the source tool's permalink there). Each becomes a small HTML
page at that path: a meta refresh, a canonical link and a plain link to the post,
all relative, so they work under a path prefix. They are written by this plugin's
generator alone: no listing, feed, sitemap or search index knows them.

An alias that is another page's address, or that two posts claim, or that cannot be
a path, is a `path:line` error at the post's `aliases` line.
"""
import html
import os

from pelican import signals
from pelican.generators import Generator

from cnnotes import strict

from .paths import AliasError, alias_file, relative_url

_planned = {}  # output-relative file -> (content object, alias as written)


def _contents(generators):
    """Every published post and page, in every language."""
    out = []
    for gen in generators:
        if hasattr(gen, "articles"):
            out += [*gen.articles, *gen.translations, *gen.hidden_articles, *gen.hidden_translations]
        elif hasattr(gen, "hidden_pages"):
            out += [*gen.pages, *gen.translations, *gen.hidden_pages, *gen.hidden_translations]
    return out


def aliases_of(content) -> list[str]:
    value = content.metadata.get("aliases") or []
    return [str(v) for v in (value if isinstance(value, (list, tuple)) else [value]) if str(v).strip()]


def plan(generators):
    """Decide every redirect page, reporting the aliases that cannot be one."""
    _planned.clear()
    contents = _contents(generators)
    taken = {os.path.normpath(c.save_as): c for c in contents if getattr(c, "save_as", "")}
    for content in sorted(contents, key=lambda c: c.source_path):
        for alias in aliases_of(content):
            try:
                rel = alias_file(alias)
            except AliasError as e:
                strict.error_at(content, "aliases", str(e))
                continue
            other = taken.get(os.path.normpath(rel))
            if other is not None:
                if other is not content:
                    strict.error_at(content, "aliases", f"alias '{alias}' is the address of "
                                    f"{strict.display_path(other.source_path)}")
                continue
            claimed = _planned.get(rel)
            if claimed is not None and claimed[0] is not content:
                strict.error_at(content, "aliases", f"alias '{alias}' is also an alias of "
                                f"{strict.display_path(claimed[0].source_path)}")
                continue
            _planned[rel] = (content, alias)


def redirect_page(rel_file: str, content, settings) -> str:
    """The HTML of the redirect page at rel_file for content."""
    link = relative_url(rel_file, content.url)
    siteurl = settings.get("SITEURL") or ""
    canonical = f"{siteurl.rstrip('/')}/{content.url}" if siteurl else link
    title = html.escape(content.title)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(content.lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<link rel="canonical" href="{html.escape(canonical, quote=True)}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={html.escape(link, quote=True)}">\n'
        "</head>\n<body>\n"
        f'<p>This page has moved: <a href="{html.escape(link, quote=True)}">{title}</a></p>\n'
        "</body>\n</html>\n"
    )


class AliasPagesGenerator(Generator):
    """Writes the redirect pages planned once all content was read."""

    def generate_output(self, writer):
        for rel, (content, _) in sorted(_planned.items()):
            path = os.path.join(self.output_path, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(redirect_page(rel, content, self.settings))


def get_generators(pelican):
    return AliasPagesGenerator


def register():
    signals.all_generators_finalized.connect(plan)
    signals.get_generators.connect(get_generators)
