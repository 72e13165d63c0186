"""Writes every listing page in every UI language.

English at the root (`/`, `/archives/`, `/tags/<tag>/`, `/categories/<c>/`),
Chinese under `/zh/`; index pages are paginated (`/page/2/`). Also the 404
page. Pelican's own listing pages are switched off in pelicanconf.py.
"""
import math

from pelican.generators import Generator

from .posts import entries, group_by, link_neighbours, posts_from
from .strings import lang_prefix


class ListingsGenerator(Generator):
    """Builds posts (all languages) from Pelican's articles and writes the listings."""

    def _langs(self):
        return tuple(self.settings.get("LANGUAGES") or (self.settings["DEFAULT_LANG"],))

    def prefix(self, lang):
        return lang_prefix(lang, self.settings["DEFAULT_LANG"])

    def generate_context(self):
        self.posts = posts_from(self.context.get("articles", []))
        link_neighbours(self.posts)
        self.tag_groups = group_by(self.posts, "tags")
        self.category_groups = group_by(self.posts, "categories")
        self.context["posts"] = self.posts
        self.context["tag_groups"] = self.tag_groups
        self.context["category_groups"] = self.category_groups
        self.context["term_names_taken"] = {w.name for groups in (self.tag_groups, self.category_groups)
                                            for w, _ in groups.values()}
        self.context["menu_pages"] = self._menu_pages()
        self.plan = self._plan()
        # [(url, {lang: url})] for the sitemap
        self.context["listing_pages"] = [(url, alt) for _, _, _, url, alt, _ in self.plan]

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
            for lang in self._langs()
        }

    def _alternates(self, path_for):
        """{lang: url} of one listing in every UI language."""
        return {lang: path_for(lang) for lang in self._langs()}

    def _write(self, writer, save_as, template, lang, url, alternates, **kwargs):
        writer.write_file(
            save_as, self.get_template(template), self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            ui_lang=lang, page_url=url, alternates=alternates, **kwargs,
        )

    def _plan(self):
        """Every listing page as (save_as, template, lang, url, alternates, kwargs)."""
        size = int(self.settings.get("INDEX_PAGE_SIZE") or 10)
        pages = max(1, math.ceil(len(self.posts) / size))
        plan = []
        for lang in self._langs():
            p = self.prefix(lang)
            all_entries = entries(self.posts, lang)
            for n in range(1, pages + 1):
                def index_url(lg, n=n):
                    return self.prefix(lg) + ("" if n == 1 else f"page/{n}/")
                plan.append((
                    index_url(lang) + "index.html", "index", lang, index_url(lang),
                    self._alternates(index_url),
                    dict(entries=all_entries[(n - 1) * size: n * size],
                         page_num=n, page_count=pages,
                         newer_url=index_url(lang, n - 1) if n > 1 else None,
                         older_url=index_url(lang, n + 1) if n < pages else None,
                         page_name="index"),
                ))
            plan.append((p + "archives/index.html", "archives", lang, p + "archives/",
                         self._alternates(lambda lg: self.prefix(lg) + "archives/"),
                         dict(entries=all_entries, page_name="archives")))
            for kind, groups, one in (("tags", self.tag_groups, "tag"),
                                      ("categories", self.category_groups, "category")):
                plan.append((f"{p}{kind}/index.html", kind, lang, f"{p}{kind}/",
                             self._alternates(lambda lg, kind=kind: f"{self.prefix(lg)}{kind}/"),
                             dict(groups=groups, page_name=kind)))
                for slug, (wrapper, posts) in groups.items():
                    plan.append((
                        f"{p}{kind}/{slug}/index.html", one, lang, f"{p}{kind}/{slug}/",
                        self._alternates(lambda lg, kind=kind, slug=slug:
                                         f"{self.prefix(lg)}{kind}/{slug}/"),
                        {"entries": entries(posts, lang), "page_name": one, one: wrapper},
                    ))
        return plan

    def generate_output(self, writer):
        for save_as, template, lang, url, alternates, kwargs in self.plan:
            self._write(writer, save_as, template, lang, url, alternates, **kwargs)
        # one 404 page for both languages (the server cannot know which one was wanted)
        self._write(writer, "404.html", "404", self.settings["DEFAULT_LANG"], "404.html",
                    {}, page_name="404")
