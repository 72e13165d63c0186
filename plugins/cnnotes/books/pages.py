"""Which pages a book has, in the order the build reads them, and rendering them ahead.

The generator (generator.py) and the render cache's workers (cnnotes.render_cache.pool)
both take the pages from here, so a worker renders exactly what the build then finds
in the cache: every Markdown file of each edition with the title its order gives it.
"""
from __future__ import annotations

import functools
import os

from .config import BookError, Edition, find_editions
from .order import MARKDOWN_SUFFIXES, SECTION_PAGES, OrderError, flatten

def entry_path(edition: Edition, entry) -> str:
    """The page file an entry of the order names (a folder names its own page)."""
    path = os.path.normpath(entry.path).replace(os.sep, "/")
    full = os.path.join(edition.root, path)
    if os.path.isdir(full):
        own = next((n for n in SECTION_PAGES if os.path.isfile(os.path.join(full, n))), None)
        if own:
            path = f"{path}/{own}"
    return path


def edition_files(edition: Edition, languages) -> list[str]:
    """Every Markdown file of an edition (relative to its root, "/" separated)."""
    found = []
    for folder, dirs, files in os.walk(edition.root):
        rel_folder = os.path.relpath(folder, edition.root).replace(os.sep, "/")
        rel_folder = "" if rel_folder == "." else rel_folder
        # not GitBook's and MkDocs' own output (_book/, site/ beside docs/), nor packages
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("node_modules", "_book")
                         and f"{rel_folder}/{d}".lstrip("/") not in edition.skip)
        for name in sorted(files):
            if not name.endswith(MARKDOWN_SUFFIXES) or name in ("SUMMARY.md", "LANGS.md"):
                continue
            stem = os.path.splitext(name)[0]
            own_suffix = os.path.splitext(stem)[1]  # ".en" of name.en.md
            if edition.suffix:
                if own_suffix != edition.suffix:
                    continue
            elif own_suffix[1:] in languages and own_suffix[1:] != edition.lang:
                continue  # another edition's translation beside this page
            found.append(f"{rel_folder}/{name}".lstrip("/"))
    return found


def read_order(edition: Edition):
    """(titles: path -> the title the order gives, listed: paths in reading order,
    unknown: the order's entries that name no page)."""
    titles, listed, unknown = {}, [], []
    for entry in flatten(edition.entries):
        if entry.path is None:
            continue
        path = entry_path(edition, entry)
        if not os.path.isfile(os.path.join(edition.root, path)):
            unknown.append(entry)
            continue
        if entry.title:
            titles.setdefault(path, entry.title)
        if path not in listed:
            listed.append(path)
    return titles, listed, unknown


def languages(settings) -> tuple:
    return tuple(settings.get("LANGUAGES") or (settings["DEFAULT_LANG"],))


def book_folders(settings) -> list[str]:
    books_dir = os.path.join(settings["PATH"], settings.get("BOOKS_DIR", "books"))
    if not os.path.isdir(books_dir):
        return []
    return sorted(os.path.join(books_dir, name) for name in os.listdir(books_dir)
                  if os.path.isdir(os.path.join(books_dir, name)) and not name.startswith("."))


def page_jobs(settings) -> list[tuple]:
    """(source path, lang, order title, suffix) of every page, as the generator reads
    them (a book whose config or order is wrong is left to the build to report)."""
    jobs = []
    for folder in book_folders(settings):
        try:
            editions = find_editions(folder, settings)
        except (BookError, OrderError):
            continue
        for edition in editions:
            titles = read_order(edition)[0]
            for rel in edition_files(edition, languages(settings)):
                jobs.append((os.path.join(edition.root, rel), edition.lang, titles.get(rel), edition.suffix))
    return jobs


def render_pages(jobs, files_digest, settings):
    """In a worker process: these pages' renderings into the render cache (files_digest:
    the content's list of files, as the build found it)."""
    from .source import PageReader

    reader = PageReader(settings, files_digest)
    for path, lang, title, suffix in jobs:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        reader.cache.get_or_make(reader.key_parts(path, text, lang, title, suffix),
                                 lambda: reader.render(path, text, lang, title, suffix))


def prerender_tasks(settings):
    """cnnotes.render_cache.pool's signal: the pages the render cache lacks, in chunks
    from the last (the build reads from the first), when there are enough of them to be
    worth a worker."""
    from cnnotes.render_cache.pool import MIN_DOCUMENTS, chunked, workers_wanted

    from .source import PageReader

    jobs = page_jobs(settings)
    if len(jobs) < MIN_DOCUMENTS:
        return []  # (a site without books: no converter made, no file read)
    reader = PageReader(settings)
    missing = []
    for path, lang, title, suffix in jobs:
        with open(path, encoding="utf-8") as f:
            if not reader.cache.has(reader.key_parts(path, f.read(), lang, title, suffix)):
                missing.append((path, lang, title, suffix))
    if len(missing) < MIN_DOCUMENTS:
        return []
    digest = reader.files_digest()
    return [functools.partial(render_pages, chunk, digest)
            for chunk in reversed(chunked(missing, workers_wanted(settings)))]
