"""Render the Markdown files missing from the cache in parallel, before Pelican reads them.

Pelican reads files one by one in one process. On a clean build that is most of the
time, on one core. This runs first: it finds the files Pelican will read, and those
the document cache lacks are rendered by a pool of forked processes (they inherit
the loaded plugins and settings), each saving its entries; Pelican's reader then
finds every one in the cache. A worker renders with the reader's own code
(front_matter.render_document) and runs the plugins' prerender hooks (summary,
reading time). A file that gives an error or a warning is left to the reader, which
reports it in this process as without the cache.
"""
from __future__ import annotations

import fnmatch
import functools
import os

import build_cache
from build_cache import pool

MIN_FILES = 16     # fewer: not worth starting processes
CHUNK = 8


def markdown_sources(settings) -> list:
    """The Markdown files under ARTICLE_PATHS and PAGE_PATHS that Pelican reads."""
    from front_matter import MARKDOWN_EXTENSIONS

    root = settings["PATH"]
    ignores = settings.get("IGNORE_FILES", [])
    suffixes = tuple("." + e for e in MARKDOWN_EXTENSIONS)
    found = []
    for top in [*settings.get("ARTICLE_PATHS", []), *settings.get("PAGE_PATHS", [])]:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top), followlinks=True):
            dirnames[:] = sorted(d for d in dirnames if not any(fnmatch.fnmatch(d, i) for i in ignores))
            for name in sorted(filenames):
                if name.endswith(suffixes) and not any(fnmatch.fnmatch(name, i) for i in ignores):
                    found.append(os.path.join(dirpath, name))
    return sorted(set(found))


def missing(build, paths) -> list:
    """The files the cache has no entry for (loading the entries it has)."""
    todo = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            continue  # the reader reports it
        if build.docs.get(path, text) is None:
            todo.append(path)
    return todo


def prerender(build, settings, jobs) -> int:
    """Render the missing files with `jobs` processes, with the plugins' other tasks
    (build_cache.add_prerender_tasks); return how many files were missing."""
    todo = missing(build, markdown_sources(settings))
    if jobs < 2 or len(todo) < MIN_FILES:
        return len(todo)
    tasks = build_cache.prerender_tasks(settings)
    tasks += [functools.partial(_render_chunk, todo[i:i + CHUNK]) for i in range(0, len(todo), CHUNK)]
    pool.run(tasks, jobs, chunk=1)
    return len(todo)


_reader = None


def _render_chunk(paths):
    """In a worker: render, run the hooks, save the entries."""
    global _reader
    from front_matter import DocumentError, FrontMatterMarkdownReader

    build = build_cache.active()
    settings = build.settings
    if _reader is None:
        _reader = FrontMatterMarkdownReader(settings)
    hooks = build_cache.prerender_hooks(settings)
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            with build_cache.watch_warnings() as warned:
                doc = _reader.render(path, text)
                if not warned:
                    build.docs.put(path, text, doc)
                    metadata = _reader.metadata(path, doc)
                    for hook in hooks:
                        hook(path, doc["content"], metadata, settings)
            if warned:
                build.docs.entries.pop(os.path.abspath(path), None)
                build.docs.dirty.discard(os.path.abspath(path))
        except (DocumentError, Exception):
            build.docs.entries.pop(os.path.abspath(path), None)
            build.docs.dirty.discard(os.path.abspath(path))
    build.docs.save()
