"""Books: handbooks beside the blog, read in order, in both languages.

A book is a folder under content/books/ (setting BOOKS_DIR), written as GitBook, MkDocs
or Hugo docs write theirs: pages with or without front matter, an order from SUMMARY.md,
a `nav:` list, or folder order with `_index.md`; see config.py and order.py for the
forms, generator.py for what is made of them. Each page gets, through
theme/templates/book.html: the whole book's navigation tree (tree.py), breadcrumbs,
previous/next in book order, its own TOC, last updated (git), "edit this page"
(BOOKS_EDIT_URL, or `edit_url` in the book's config), backlinks, and its translation
(hreflang, language switch) or a note that it has none.

Relative `.md` links and images between book pages (links.py) and `{filename}` links
between posts and book pages both work; a broken one is a `path:line` error. GitBook's
blocks (hint, tabs, embed, code, content-ref, file, raw) render (gitbook.py); any other
`{% %}` tag, or a Hugo shortcode, is an error.
The search plugin indexes book pages (`search_contents`) with their book, for its filter.

`make import FROM=...` moves a GitBook, MkDocs or Hugo docs tree in as it is
(tools/importer/books.py): copied to `content/<BOOKS_DIR>/<slug>/`, a Hugo section given
the book.yaml (title, lang) Hugo keeps in the site's config, its ref/relref and hint
shortcodes written as Markdown.
`check.check_books(content_dir)` lists what the build would stop on, as `path:line:
message`, for the importer's report.
"""
from pelican import signals

from .generator import BooksGenerator


def get_generators(pelican):
    return BooksGenerator


def keep_books_out_of_posts(pelican):
    """Book pages are read by this plugin alone, even where ARTICLE_PATHS or PAGE_PATHS
    cover the books' folder (Pelican's default ARTICLE_PATHS is the whole content/)."""
    books = pelican.settings.get("BOOKS_DIR", "books")
    for key in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES"):
        excludes = pelican.settings.setdefault(key, [])
        if books not in excludes:
            excludes.append(books)


def register():
    from cnnotes.render_cache.pool import prerender_tasks

    from .pages import prerender_tasks as pages_ahead

    signals.initialized.connect(keep_books_out_of_posts)
    signals.get_generators.connect(get_generators)
    prerender_tasks.connect(pages_ahead)
