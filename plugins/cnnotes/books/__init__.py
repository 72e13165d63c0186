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

For an importer (`make import FROM=...`): copy the tree, as it is, to
`content/<BOOKS_DIR>/<slug>/` (slug: lowercase letters, digits, "-"; it is in the URLs);
never over an existing folder.
- GitBook: book.json, SUMMARY.md, README.md, pages, images (.gitbook/assets too), and
  `en/` (its own book.json, SUMMARY.md) or LANGS.md with its folders; leave out _book/
  and node_modules/. Nothing to convert: GitBook's blocks render (gitbook.SUPPORTED).
- MkDocs: mkdocs.yml and its docs_dir (nav:, site_name, theme.language are read);
  `!!! note` admonitions render.
- Hugo docs: the section's folder with its _index.md files (title, weight, draft are
  read), plus a book.yaml with `title` and `lang` (Hugo keeps them in the site's config);
  shortcodes must become Markdown (`{{< ref "x.md" >}}` a relative link, `{{< hint >}}`
  a `{% hint %}` block): any left is an error.
Then `check.check_books(content_dir)` lists what the build would stop on, as
`path:line: message`, for the importer's report.
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
    signals.initialized.connect(keep_books_out_of_posts)
    signals.get_generators.connect(get_generators)
