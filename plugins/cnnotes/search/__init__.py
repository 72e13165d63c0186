"""Full-text search that finds Chinese words: our own index, built by `make html`.

- Indexes each published post and page, and the pages of any generator with a
  search_records() method (the labs' transcript pages), as written (what a reader sees, not the
  Markdown) and writes the index to <output>/search-index/ (see index.py;
  tokens.py says why bigrams). With the build cache on (tools/build.py), a page's
  text and terms are taken when the page is rendered, and kept with the page for
  the builds that keep it; otherwise the written pages are read back.
- Writes the search page in every UI language (/search/, /zh/search/) from
  theme/templates/search.html; theme/static/js/search.js runs the queries in
  the browser, offline, fetching only the index shards and candidate texts.
- The header box is theme/templates/partials/search_box.html (a plain form).
"""
import functools
import logging
import os

from pelican import signals
from pelican.generators import Generator

from cnnotes import build_cache
from cnnotes.bilingual.localized import write_localized
from cnnotes.search import index

log = logging.getLogger(__name__)

_records = []  # pages to index, gathered once all content is read
_state = {"written": False}  # the index was written with the pages (build_cache)
TEXT_PARTS = 4  # tasks that share out the index's text files in a first build


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
        if callable(getattr(gen, "search_records", None)):  # pages a plugin writes (lab pages)
            _records.extend(gen.search_records())
    build = build_cache.active()
    if build is not None:
        paths = {os.path.normpath(r["path"]) for r in _records}

        def take_text(rel, html):
            if rel in paths:  # the text's digest is kept with the page; the text and its
                # terms are for this build (a kept page's text is the index's text file)
                text, terms = index.text_and_terms(html)
                build.tree.set_extra(rel, "search_digest", index.text_digest(text))
                build.tree.set_extra(rel, "_search", text)
                build.tree.set_extra(rel, "_terms", terms)

        build.on_rendered(take_text)
        _state["written"] = False
        if build.jobs > 1 and build.tree.fresh:  # every page is rendered: index in the pool
            output = generators[0].output_path
            build.later(lambda: _write_index(output, build, with_texts=False), phase=1, weight=200)
            for part in range(TEXT_PARTS):  # the pages' text files, shared out too
                build.later(functools.partial(_write_texts, output, build, part), phase=1, weight=50)
            _state["written"] = True


def _write_index(output, build, with_texts=True):
    return index.index_site(output, _records, known=functools.partial(_known, build.tree),
                            tree=build.tree, with_texts=with_texts)


def _write_texts(output, build, part):
    index.write_texts(output, _records, functools.partial(_known, build.tree), build.tree, part, TEXT_PARTS)


def _known(tree, path):
    """(text, terms, digest of the text) of a page the tree knows (text None: a page kept
    from the previous build), or None."""
    rel = os.path.normpath(path)
    digest = tree.extra(rel, "search_digest")
    return None if digest is None else (tree.extra(rel, "_search"), tree.extra(rel, "_terms"), digest)


def write_index(pelican):
    build = build_cache.active()
    if build is None:
        stats = index.index_site(pelican.output_path, _records)
    elif _state["written"]:
        return
    else:
        stats = _write_index(pelican.output_path, build)
    log.info("search index: %(pages)d pages, %(terms)s terms in %(shards)d shards, "
             "%(bytes)d bytes", stats)


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
    signals.finalized.connect(write_index)
