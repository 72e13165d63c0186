"""Check books without building the site: the errors the build would report for them.

For an importer (`make import`): after copying a GitBook, MkDocs or Hugo docs tree to
`<content>/books/<slug>/`, `check_books(content_dir)` reads every book there exactly as
the build does (the same generator: orders, pages, GitBook blocks, relative links and
anchors, two pages at one URL) and returns `path:line: message` lines, without writing
anything. Links from a book to posts are checked against the posts the build would read.

    python -m cnnotes.books.check content/    # prints the errors; exit status 1 if any
"""
from __future__ import annotations

import os
import sys

from cnnotes import strict

from .generator import BooksGenerator


def check_books(content_dir: str, settings_file: str = "pelicanconf.py") -> tuple[list[str], int]:
    """(errors as `path:line: message`, number of book pages read) for the books under
    content_dir/<BOOKS_DIR>/."""
    from pelican.settings import read_settings

    settings = read_settings(settings_file, override={"PATH": os.path.abspath(content_dir)})
    context = {"generated_content": {}, "static_content": {}, "static_links": set()}
    _posts_known(settings, context)
    generator = BooksGenerator(context=context, settings=settings, path=settings["PATH"],
                               theme=settings["THEME"], output_path=os.devnull)
    with strict.collecting() as found:  # a check on its own: its errors alone
        generator.generate_context()
    return [str(e) for e in found.errors], len(generator.pages)


def _posts_known(settings, context):
    """Posts and pages, as the keys the build registers them under (their paths under
    content/), so links from books to them resolve: None, as the build does for a file it
    could not read, is enough for the check."""
    root = settings["PATH"]
    for key in ("ARTICLE_PATHS", "PAGE_PATHS"):
        for folder in settings.get(key) or []:
            for dirpath, _, files in os.walk(os.path.join(root, folder)):
                for name in files:
                    rel = os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/")
                    context["generated_content"][rel] = name


def main(argv=None) -> int:
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("content", help="the content folder holding books/")
    parser.add_argument("--settings", default="pelicanconf.py")
    args = parser.parse_args(argv)
    errors, pages = check_books(args.content, args.settings)
    for line in errors:
        print(line)
    print(f"{pages} book pages read, {len(errors)} error(s)", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
