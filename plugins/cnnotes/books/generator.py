"""BooksGenerator: reads every book under content/<BOOKS_DIR>/ and writes its pages.

generate_context (after posts and pages are read, so links to them resolve):
  each edition's pages read (source.py) into BookPage objects, registered with Pelican
  (`{filename}` links to them from posts work, and theirs to posts), their images and
  files linked for the static generator to copy; translations paired page by page;
  reading order, previous/next, breadcrumbs; links checked (a broken one is a
  `path:line` error through strict); backlinks from book pages and posts.
generate_output: every page through theme/templates/book.html, and the list of books
  (/books/, /zh/books/) in both UI languages.

Book page URLs: BOOK_URL (default `{lang}/books/{book}/{path}`) with path the page's
path in its edition without `.md` (a folder's README.md, _index.md or index.md: the
folder), and a trailing "/"; saved as that plus index.html.
"""
from __future__ import annotations

import logging
import os
import re
from urllib.parse import quote, unquote

from pelican.contents import Page
from pelican.generators import Generator

from cnnotes import strict
from cnnotes.bilingual.localized import add_menu_entry, write_localized

from .config import BookError, Edition, find_editions
from .dates import file_date, git_dates
from .order import SECTION_PAGES, OrderError
from .pages import book_folders, edition_files, entry_path, languages, read_order
from .gitbook import SUPPORTED
from .source import PageError, PageReader, line_of
from .strings import book_t, lang_name
from .tree import Node, Tree

log = logging.getLogger(__name__)
BOOKS_PAGE = "books/"


class BookPage(Page):
    """A page of a book: a Pelican page (so `{filename}` links and the content signals work)
    written by this plugin with theme/templates/book.html."""
    default_template = "book"


def _page_key(rel: str, suffix: str) -> str:
    """A page's place in its book, the same in every edition: `concepts/etcd.md` for
    `concepts/etcd.md` and `concepts/etcd.en.md`; a folder's own page is the folder
    (`concepts/`), the book's README is ""."""
    stem, ext = os.path.splitext(rel)
    if suffix and stem.endswith(suffix):
        stem = stem[: -len(suffix)]
    name = os.path.basename(stem) + ext
    folder = os.path.dirname(stem)
    if name in SECTION_PAGES:
        return f"{folder}/" if folder else ""
    return stem + ext


def _url_path(key: str) -> str:
    """A page's path in its URL: its key without the Markdown extension."""
    if not key or key.endswith("/"):
        return key
    return os.path.splitext(key)[0] + "/"


class BooksGenerator(Generator):
    def generate_context(self):
        self.editions: list[Edition] = []
        self.pages: list[BookPage] = []
        self.by_source: dict[str, BookPage] = {}   # absolute source path -> page
        self.by_url: dict[str, str] = {}           # save_as -> the source written there
        self.reader = PageReader(self.settings)
        folders = book_folders(self.settings)
        for folder in folders:
            try:
                editions = find_editions(folder, self.settings)
            except (BookError, OrderError) as e:
                strict.error(e.path, e.line, e.message)
                continue
            dates = git_dates(folder)
            for edition in editions:
                self._read_edition(edition, dates)
                self.editions.append(edition)
        self._pair_translations()
        self._check_links_and_backlinks()
        self.books = self._books()
        self.context["books"] = self.books
        self.context["book_pages"] = self.pages
        self.search_contents = self.pages  # for the search plugin
        if self.books:
            add_menu_entry(self.context, self.settings, "books", BOOKS_PAGE, lambda lang: book_t("books", lang))

    # --- reading ----------------------------------------------------------------------------

    def _read_edition(self, edition: Edition, dates: dict):
        titles, listed, unknown = read_order(edition)  # titles: path -> the title the order gives
        order_file = edition.order_file or edition.root
        for entry in unknown:
            strict.error(order_file, entry.line or 1,
                         f"{entry.path!r} is in the book's order but there is no such page")
        files = edition_files(edition, languages(self.settings))
        readme = next((n for n in SECTION_PAGES if n in files), None)
        if readme and readme not in listed:
            listed.insert(0, readme)  # the landing page comes first
        pages = {}
        for rel in files:
            page = self._read_page(edition, rel, titles.get(rel), dates)
            if page is not None:
                pages[rel] = page
        edition.pages = [pages[rel] for rel in listed if rel in pages]
        edition.unlisted = [pages[rel] for rel in files if rel in pages and rel not in listed]
        for page in edition.unlisted:  # built (links to it work), but not in the tree
            log.warning("%s: not in the book's order (%s): written, but not in its table of contents",
                        strict.display_path(page.source_path),
                        strict.display_path(order_file) if edition.order_file else "folder order")
        edition.landing = pages.get(readme) if readme else (edition.pages[0] if edition.pages else None)
        if not edition.title:
            edition.title = edition.landing.title if edition.landing else edition.book
        edition.tree_nodes = self._nodes(edition.entries, edition, pages)
        if edition.landing is not None and not any(n.url == edition.landing.url for n in edition.tree_nodes):
            edition.tree_nodes.insert(0, Node(edition.landing.title, edition.landing.url))
        edition.tree = Tree(edition.tree_nodes, self.settings.get("SITEURL", ""))
        for i, page in enumerate(edition.pages):
            page.prev_page = edition.pages[i - 1] if i > 0 else None
            page.next_page = edition.pages[i + 1] if i + 1 < len(edition.pages) else None
        self._breadcrumbs(edition, edition.entries, [], pages)

    def _nodes(self, entries, edition, pages) -> list[Node]:
        out = []
        for entry in entries:
            page = pages.get(entry_path(edition, entry)) if entry.path else None
            title = entry.title or (page.title if page else os.path.basename(entry.path or "") or "…")
            out.append(Node(title, page.url if page else None, None, self._nodes(entry.children, edition, pages)))
        return out

    def _breadcrumbs(self, edition, entries, trail, pages):
        landing = edition.landing
        for entry in entries:
            page = pages.get(entry_path(edition, entry)) if entry.path else None
            if page is not None and not hasattr(page, "crumbs"):
                page.crumbs = [(edition.title, landing.url if landing else None)] + trail if page is not landing else []
            title = entry.title or (page.title if page else "")
            self._breadcrumbs(edition, entry.children, [*trail, (title, page.url if page else None)], pages)
        if not trail:  # the whole tree is done: pages outside it are under the book alone
            for page in [*edition.pages, *edition.unlisted]:
                if not hasattr(page, "crumbs"):
                    page.crumbs = [] if page is landing else [(edition.title, landing.url if landing else None)]

    def _read_page(self, edition: Edition, rel: str, order_title, dates) -> BookPage | None:
        source_path = os.path.join(edition.root, rel)
        with open(source_path, encoding="utf-8") as f:
            text = f.read()
        try:
            src = self.reader.read(source_path, text, edition.lang, order_title, edition.suffix)
        except PageError as e:
            strict.error(source_path, e.line, e.message)
            return None
        for tag_text, message in src.gitbook_errors:
            strict.error(source_path, line_of(text, tag_text), message)
        for tag_text in src.unrendered_tags:
            strict.error(source_path, line_of(text, tag_text),
                         f"{tag_text} has no equivalent on this site (GitBook blocks that work: "
                         f"{SUPPORTED}; and the site's own pdf and lab tags)")
        if metadata_is_draft(src.metadata):
            return None  # Hugo's `draft: true`, Jekyll's `published: false`: not on the site
        key = _page_key(rel, edition.suffix)
        path = _url_path(key)
        url_format = self.settings.get("BOOK_URL", "{lang}/books/{book}/{path}")
        plain_url = url_format.format(lang=edition.lang, book=edition.book, path=path)
        metadata = dict(src.metadata)
        metadata.update(url=quote(plain_url), save_as=plain_url + "index.html",
                        toc_tokens=src.toc_tokens, toc_html=src.toc_html, heading_count=src.heading_count)
        if "modified" not in metadata:
            metadata["modified"] = metadata.get("date") or dates.get(os.path.normpath(source_path)) \
                or file_date(source_path)
        metadata.pop("date", None)  # a book page is not dated like a post: its date is when it changed
        other = self.by_url.get(metadata["save_as"])
        if other is not None:
            strict.error(source_path, 1, f"this page and {strict.display_path(other)} would both be "
                                         f"/{plain_url}: rename one of them")
            return None
        self.by_url[metadata["save_as"]] = source_path
        page = BookPage(src.content, metadata=metadata, settings=self.settings,
                        source_path=source_path, context=self.context)
        page.book = edition
        page.key = key
        page.links = src.links
        page.source_text = text
        page.source_html = src.content  # the HTML before Pelican resolves its links
        page.backlinks = []
        page.edit_url = self._edit_url(edition, source_path)
        self.add_source_path(page)
        self.add_static_links(page)
        self.pages.append(page)
        self.by_source[os.path.normpath(source_path)] = page
        return page

    def _edit_url(self, edition, source_path):
        base = edition.edit_url or self.settings.get("BOOKS_EDIT_URL")
        if not base:
            return None
        rel = os.path.relpath(source_path, self.path).replace(os.sep, "/")
        return base.rstrip("/") + "/" + quote(rel)

    # --- languages ------------------------------------------------------------------------------

    def _pair_translations(self):
        groups = {}
        for page in self.pages:
            groups.setdefault((page.book.book, page.key), []).append(page)
        books = {}
        for edition in self.editions:
            books.setdefault(edition.book, []).append(edition)
        for (book, _), versions in groups.items():
            for page in versions:
                page.translations = [p for p in versions if p is not page]
                have = {p.lang for p in versions}
                # editions of this book in languages this page is not in: where to read on
                page.other_editions = [e for e in books[book] if e.lang not in have and e.landing]

    # --- links --------------------------------------------------------------------------------

    def _check_links_and_backlinks(self):
        generated = self.context.get("generated_content", {})
        for page in self.pages:
            seen = set()
            for link in page.links:
                rel = os.path.relpath(link.target, self.path).replace(os.sep, "/")
                line = line_of(page.source_text, f"]({link.text}", 0) or line_of(page.source_text, link.text)
                if rel.startswith("../"):
                    strict.error(page.source_path, line, f"broken link {link.text}: it leads outside content/")
                    continue
                if link.kind == "file":
                    if not os.path.isfile(link.target):
                        strict.error(page.source_path, line,
                                     f"broken link {link.text}: no file {rel} (paths are relative to this page)")
                    continue
                target = self.by_source.get(os.path.normpath(link.target))
                if target is None and generated.get(rel) is None:
                    strict.error(page.source_path, line,
                                 f"broken link {link.text}: no page at {rel} (paths are relative to this page)")
                    continue
                if target is not None and link.fragment and not _has_id(target, link.fragment):
                    strict.error(page.source_path, line,
                                 f"broken link {link.text}: {rel} has no heading or anchor #{link.fragment}")
                if target is not None and target is not page and id(target) not in seen:
                    seen.add(id(target))
                    target.backlinks.append(page)
            self._check_written_links(page, generated, seen)
        self._post_backlinks()

    def _check_written_links(self, page, generated, seen):
        """`{filename}` / `{static}` links the author wrote in a book page (the relative ones
        were made into those and checked above): each must name a file the build has."""
        folder = os.path.dirname(page.source_path)
        made = {("filename" if link.kind == "page" else "static",
                 os.path.relpath(link.target, folder).replace(os.sep, "/")) for link in page.links}
        for m in _WRITTEN_LINK_RE.finditer(page.source_html or ""):
            what, value = m.group("what"), unquote(m.group("value"))
            if (what, value) in made:
                continue  # one of the relative links, checked already
            rel = value[1:] if value.startswith("/") else os.path.normpath(
                os.path.join(page.relative_dir, value)).replace(os.sep, "/")
            found = generated.get(rel) is not None if what == "filename" else False
            if not found and not os.path.isfile(os.path.join(self.path, rel)):
                line = line_of(page.source_text, "{%s}%s" % (what, m.group("value")), 0) \
                    or line_of(page.source_text, m.group("value"))
                strict.error(page.source_path, line, "broken link {%s}%s: nothing at %s (paths are "
                             "relative to this page, or to content/ with a leading /)" % (what, m.group("value"), rel))
                continue
            target = self.by_source.get(os.path.normpath(os.path.join(self.path, rel)))
            if target is not None and target is not page and id(target) not in seen:
                seen.add(id(target))
                target.backlinks.append(page)

    def _post_backlinks(self):
        """Posts and pages linking to book pages with {filename}."""
        contents = [*self.context.get("articles", []), *self.context.get("pages", [])]
        contents += [t for c in list(contents) for t in getattr(c, "translations", [])]
        for content in contents:
            # the links its reader found (front_matter: intrasite_links)
            for what, link in content.metadata.get("intrasite_links") or ():
                if what != "filename":
                    continue
                value = unquote(re.split(r"[#?]", link, maxsplit=1)[0])
                rel = value[1:] if value.startswith("/") else os.path.normpath(
                    os.path.join(content.relative_dir, value)).replace(os.sep, "/")
                target = self.by_source.get(os.path.normpath(os.path.join(self.path, rel)))
                if target is not None and content not in target.backlinks:
                    target.backlinks.append(content)

    # --- the list of books ---------------------------------------------------------------------

    def _books(self):
        """[{slug, editions: {lang: Edition}}] in folder order."""
        books = {}
        for edition in self.editions:
            if edition.landing is not None:
                books.setdefault(edition.book, {"slug": edition.book, "editions": {}})["editions"][edition.lang] = edition
        return list(books.values())

    # --- output ------------------------------------------------------------------------------

    def generate_output(self, writer):
        template = self.get_template("book")
        siteurl = self.settings.get("SITEURL", "")
        static = f"{siteurl}/{self.settings.get('THEME_STATIC_DIR', 'theme')}"
        for page in self.pages:
            writer.write_file(
                page.save_as, template, self.context, page=page, url=page.url,
                relative_urls=self.settings.get("RELATIVE_URLS", False),
                book=page.book, tree_html=page.book.tree.for_page(page.url),
                book_t=book_t, book_lang_name=lang_name, extra_js=[f"{static}/js/book.js"], extra_css=[f"{static}/css/book.css"])
            alternates = {p.lang: p.url for p in [page, *page.translations]}
            self.context.setdefault("sitemap_urls", []).append((page.url, alternates if page.translations else {}))
        if self.books:
            write_localized(self, writer, "books", BOOKS_PAGE, books=self.books, book_t=book_t,
                            page_name="books", extra_css=[f"{static}/css/book.css"])


_WRITTEN_LINK_RE = re.compile(r"""(?:href|src)\s*=\s*["']\{(?P<what>filename|static|attach)\}(?P<value>[^"'#?]+)""")


def metadata_is_draft(metadata) -> bool:
    return metadata.get("status") == "draft" or str(metadata.get("draft", "")).lower() in ("true", "yes", "1")


def _has_id(page, fragment: str) -> bool:
    """Whether the page's HTML has an element with this id (headings, and anchors
    written in the Markdown)."""
    html = page.source_html or ""
    fragment = unquote(fragment)
    return f'id="{fragment}"' in html or f"id='{fragment}'" in html
