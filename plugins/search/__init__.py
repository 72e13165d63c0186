"""Full-text search that finds Chinese words: our own index, built by `make html`.

- After every page is written, reads each published post and page back from
  the output (what a reader sees, not the Markdown) and writes the index to
  <output>/search-index/ (see index.py; tokens.py says why bigrams).
- Writes the search page in every UI language (/search/, /zh/search/) from
  theme/templates/search.html; theme/static/js/search.js runs the queries in
  the browser, offline, fetching only the index shards and candidate texts.
- The header box is theme/templates/partials/search_box.html (a plain form).
"""
import logging

from pelican import signals
from pelican.generators import Generator

from search import index

log = logging.getLogger(__name__)

_records = []  # pages to index, gathered once all content is read


def _record(content):
    date = getattr(content, "date", None)
    return {
        "path": content.save_as,
        "url": content.url,
        "title": content.title,
        "date": date.strftime("%Y-%m-%d") if date else "",
        "lang": content.lang,
    }


def collect(generators):
    """Remember every published post and page, in every language."""
    _records.clear()
    for gen in generators:
        found = []
        if hasattr(gen, "articles"):
            found = [*gen.articles, *gen.translations]
        elif hasattr(gen, "pages") and hasattr(gen, "hidden_pages"):
            found = [*gen.pages, *gen.translations]
        _records.extend(_record(c) for c in found if c.save_as)


def write_index(pelican):
    stats = index.index_site(pelican.output_path, _records)
    log.info("search index: %(pages)d pages, %(terms)d terms in %(shards)d shards, "
             "%(bytes)d bytes", stats)


class SearchPageGenerator(Generator):
    """Writes the search page in every UI language: /search/ and /<lang>/search/."""

    def generate_output(self, writer):
        settings = self.settings
        default = settings["DEFAULT_LANG"]
        langs = tuple(settings.get("LANGUAGES") or (default,))

        def url(lang):
            return ("" if lang == default else f"{lang}/") + "search/"

        static = f"{settings['SITEURL']}/{settings['THEME_STATIC_DIR']}"
        for lang in langs:
            writer.write_file(
                url(lang) + "index.html", self.get_template("search"), self.context,
                relative_urls=settings["RELATIVE_URLS"],
                ui_lang=lang, search_lang=lang, page_url=url(lang), page_name="search",
                alternates={lg: url(lg) for lg in langs},
                extra_js=[f"{static}/js/search.js"], extra_css=[f"{static}/css/search.css"],
            )


def get_generators(pelican):
    return SearchPageGenerator


def register():
    signals.all_generators_finalized.connect(collect)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(write_index)
