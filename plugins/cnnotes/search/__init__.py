"""Full-text search that finds Chinese words: our own index, built by `make html`.

- Indexes each published post and page, and the pages of any generator with a
  `search_contents` list (the books plugin's: each with its book, for the filter) or a
  `search_records()` method (the labs' transcript pages), as written (what a reader
  sees, not the Markdown) and writes the index to <output>/search-index/ (see index.py;
  tokens.py says why bigrams), reading the written pages back when the build ends;
  a page's text and terms are kept by the render cache by the page's bytes.
- Writes the search page in every UI language (/search/, /zh/search/) from
  theme/templates/search.html; theme/static/js/search.js runs the queries in
  the browser, offline, fetching only the index shards and candidate texts.
- The header box is theme/templates/partials/search_box.html (a plain form).
"""
import logging

from pelican import signals
from pelican.generators import Generator

from cnnotes.bilingual.localized import write_localized
from cnnotes.render_cache import RenderCache
from cnnotes.search import index

log = logging.getLogger(__name__)


def _record(content):
    date = getattr(content, "date", None) or getattr(content, "modified", None)
    record = {
        "path": content.save_as,
        "url": content.url,
        "title": content.title,
        "date": date.strftime("%Y-%m-%d") if date else "",
        "lang": content.lang,
    }
    book = getattr(content, "book", None)
    if book is not None:  # a book page (plugins/cnnotes/books): the search page filters by book
        record["book"] = book.book
    return record


class SiteIndex:
    """The pages of one build to index, written into the index once every page is written."""

    def __init__(self, records, settings):
        self.records = records
        self.settings = settings

    def write(self, pelican):
        signals.finalized.disconnect(self.write)  # this build's only
        stats = index.index_site(pelican.output_path, self.records, RenderCache(self.settings, "search"))
        log.info("search index: %(pages)d pages, %(terms)s terms in %(shards)d shards, "
                 "%(bytes)d bytes", stats)


def collect(generators):
    """Every published post and page, in every language, indexed when the build ends."""
    records = []
    for gen in generators:
        found = []
        if hasattr(gen, "articles"):
            found = [*gen.articles, *gen.translations]
        elif hasattr(gen, "pages") and hasattr(gen, "hidden_pages"):
            found = [*gen.pages, *gen.translations]
        elif hasattr(gen, "search_contents"):  # another plugin's pages (books)
            found = list(gen.search_contents)
        records.extend(_record(c) for c in found if c.save_as)
        if callable(getattr(gen, "search_records", None)):  # pages a plugin writes (lab pages)
            records.extend(gen.search_records())
    site_index = SiteIndex(records, generators[0].settings)
    signals.finalized.connect(site_index.write, weak=False)

class SearchPageGenerator(Generator):
    """Writes the search page in every UI language: /search/ and /<lang>/search/ (its
    canonical URL without the query; not in the sitemap)."""

    def generate_output(self, writer):
        static = f"{self.settings['SITEURL']}/{self.settings['THEME_STATIC_DIR']}"
        write_localized(self, writer, "search", "search/", sitemap=False,
                        each=lambda lang: {"search_lang": lang}, page_name="search",
                        extra_js=[f"{static}/js/search.js"], extra_css=[f"{static}/css/search.css"])


def get_generators(pelican):
    return SearchPageGenerator


def register():
    signals.all_generators_finalized.connect(collect)
    signals.get_generators.connect(get_generators)
