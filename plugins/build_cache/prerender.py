"""Render the Markdown files missing from the cache in parallel, while Pelican reads them.

Pelican reads files one by one in one process. On a clean build that is most of the
time, on one core. So first the files Pelican will read are listed (in the order it
reads them), and those the document cache lacks are given to a pool of forked
processes (they inherit the loaded plugins and settings), which save their entries;
Pelican runs meanwhile, and its reader, missing a file's entry, waits for the pool to
have made it (`Prerender.wait`) instead of rendering it. A worker renders with the
reader's own code (front_matter.render_document) and runs the plugins' prerender
hooks (summary, reading time) and tasks (lab transcripts). A file that gives an
error or a warning is left to the reader, which reports it in this process as
without the cache.
"""
from __future__ import annotations

import fnmatch
import functools
import os
import threading

import build_cache
from build_cache import pool

MIN_FILES = 16     # fewer: not worth starting processes
CHUNK = 8
WAIT_SECONDS = 600  # for one file: only a worker that died takes that long


def markdown_sources(settings) -> list:
    """The Markdown files under ARTICLE_PATHS and PAGE_PATHS that Pelican reads."""
    from front_matter import MARKDOWN_EXTENSIONS

    root = settings["PATH"]
    ignores = settings.get("IGNORE_FILES", [])
    suffixes = tuple("." + e for e in MARKDOWN_EXTENSIONS)
    found = []
    for top in [*settings.get("ARTICLE_PATHS", []), *settings.get("PAGE_PATHS", [])]:
        # os.walk's own order, as Pelican's Generator.get_files: the order it reads in
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top), followlinks=True):
            dirnames[:] = [d for d in dirnames if not any(fnmatch.fnmatch(d, i) for i in ignores)]
            for name in filenames:
                if name.endswith(suffixes) and not any(fnmatch.fnmatch(name, i) for i in ignores):
                    found.append(os.path.join(dirpath, name))
    return list(dict.fromkeys(found))


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


class Prerender:
    """The pool rendering documents while Pelican runs, and which are not done yet."""

    def __init__(self, tasks, paths, jobs):
        self.pending = {os.path.abspath(p) for p in paths}
        self.cond = threading.Condition()
        self.pool = pool.start(tasks, jobs, self._done)

    def _done(self, paths):
        with self.cond:
            self.pending.difference_update(os.path.abspath(p) for p in paths)
            self.cond.notify_all()

    def wait(self, source_path) -> bool:
        """Wait until the pool is done with source_path; True if it had it to do."""
        path = os.path.abspath(source_path)
        with self.cond:
            if path not in self.pending:
                return False
            if not self.cond.wait_for(lambda: path not in self.pending, timeout=WAIT_SECONDS):
                self.pending.discard(path)  # a lost worker: the reader renders it
            return True

    def close(self) -> None:
        """Wait for everything (transcripts too); no processes left."""
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None
        with self.cond:
            self.pending.clear()
            self.cond.notify_all()


def prerender(build, settings, jobs) -> int:
    """Start rendering the missing files with `jobs` processes, with the plugins' other
    tasks (build_cache.add_prerender_tasks), as build.prerendering; return how many files
    were missing."""
    todo = missing(build, markdown_sources(settings))
    if jobs < 2 or len(todo) < MIN_FILES:
        return len(todo)
    chunks = [todo[i:i + CHUNK] for i in range(0, len(todo), CHUNK)]
    tasks = [(functools.partial(_render_chunk, chunk), chunk) for chunk in chunks]
    # the plugins' tasks (lab transcripts) first: one long task, done while the other
    # processes render the posts
    tasks = [(task, []) for task in build_cache.prerender_tasks(settings)] + tasks
    build.prerendering = Prerender(tasks, todo, jobs)
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
