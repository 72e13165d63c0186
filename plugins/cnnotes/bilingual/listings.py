"""Writes every listing page in every UI language.

English at the root (`/`, `/archives/`, `/tags/<tag>/`, `/categories/<c>/`),
Chinese under `/zh/`; index pages are paginated (`/page/2/`). Also the 404
page. Pelican's own listing pages are switched off in pelicanconf.py.
"""
import math

from pelican.generators import Generator

from .localized import localized_url, ui_langs, write_localized
from .posts import entries, group_by, link_neighbours, posts_from


class ListingsGenerator(Generator):
    """Builds posts (all languages) from Pelican's articles and writes the listings."""

    def generate_context(self):
        self.posts = posts_from(self.context.get("articles", []))
        link_neighbours(self.posts)
        self.tag_groups = group_by(self.posts, "tags")
        self.category_groups = group_by(self.posts, "categories")
        self.context["term_names_taken"] = {w.name for groups in (self.tag_groups, self.category_groups)
                                            for w, _ in groups.values()}
        self.context["menu_pages"] = self._menu_pages()

    def _menu_pages(self):
        """{ui_lang: [page, ...]}: the MENU_PAGES slugs, each in the UI language when it exists."""
        groups = {}
        for page in self.context.get("pages", []):
            versions = {page.lang: page}
            for tr in page.translations:
                versions.setdefault(tr.lang, tr)
            groups[page.slug] = (page, versions)
        wanted = self.settings.get("MENU_PAGES") or sorted(groups)
        return {
            lang: [groups[s][1].get(lang, groups[s][0]) for s in wanted if s in groups]
            for lang in ui_langs(self.settings)
        }

    def _plan(self):
        """Every listing as (path, template, each(lang) -> template values), path without the
        language prefix."""
        size = int(self.settings.get("INDEX_PAGE_SIZE") or 10)
        pages = max(1, math.ceil(len(self.posts) / size))
        per_lang = {lang: entries(self.posts, lang) for lang in ui_langs(self.settings)}
        plan = []

        def index_path(n):
            return "" if n == 1 else f"page/{n}/"

        for n in range(1, pages + 1):
            def index(lang, n=n):
                return dict(entries=per_lang[lang][(n - 1) * size: n * size],
                            page_num=n, page_count=pages,
                            newer_url=localized_url(lang, index_path(n - 1), self.settings) if n > 1 else None,
                            older_url=localized_url(lang, index_path(n + 1), self.settings) if n < pages else None,
                            page_name="index")
            plan.append((index_path(n), "index", index))
        plan.append(("archives/", "archives", lambda lang: dict(entries=per_lang[lang], page_name="archives")))
        for kind, groups, one in (("tags", self.tag_groups, "tag"),
                                  ("categories", self.category_groups, "category")):
            plan.append((f"{kind}/", kind, lambda lang, groups=groups, kind=kind:
                         dict(groups=groups, page_name=kind)))
            for slug, (wrapper, posts) in groups.items():
                plan.append((f"{kind}/{slug}/", one, lambda lang, posts=posts, one=one, wrapper=wrapper:
                             {"entries": entries(posts, lang), "page_name": one, one: wrapper}))
        return plan

    def generate_output(self, writer):
        for path, template, each in self._plan():
            write_localized(self, writer, template, path, each=each)
        # one 404 page for both languages (the server cannot know which one was wanted)
        writer.write_file(
            "404.html", self.get_template("404"), self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            ui_lang=self.settings["DEFAULT_LANG"], alternates={}, page_name="404",
        )
