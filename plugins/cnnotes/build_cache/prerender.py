"""Read the Markdown files missing from the cache in parallel, while Pelican runs.

Pelican reads files one by one in one process. On a clean build that is most of the
time, on one core. So first the files Pelican will read are listed (in the order it
reads them), and those without a valid snapshot in the document cache (a content
object: build_cache.snapshots) are shared between Pelican, reading from the first, and
a pool of jobs - 1 forked processes (they inherit the loaded plugins and settings),
reading from the last: each file goes to whichever takes it first (a flag per file
in shared memory), and they meet in the middle. A worker reads each file as
Pelican's generator would (Pelican's Readers.read_file: the reader renders it,
Content.__init__ runs the plugins' receivers), keeps the render and the object's
snapshot in the file's entry, and sends the snapshot back; it also runs the plugins'
prerender tasks (lab transcripts), first. Pelican's generator, asking the cache for a
file the pool took, waits for it (`Prerender.wait`) and restores the object instead
of reading the file; a file nobody took yet it takes and reads itself. A file that
gives an error or a warning is left to the generator, which reports it in this
process as without the cache.
"""
from __future__ import annotations

import fnmatch
import functools
import multiprocessing
import os
import threading

from cnnotes import build_cache
from cnnotes.build_cache import pool, snapshots

MIN_FILES = 16     # fewer: not worth starting processes
FREE, POOL, HERE = 0, 1, 2  # who reads a file: nobody yet, the pool, this process
CHUNK = 8
WAIT_SECONDS = 600  # for one file: only a worker that died takes that long
_CONTEXT = {}      # the shared context of objects made in a worker (a reference in their pickle)


def markdown_sources(settings) -> list:
    """[(path, content class name)] of the Markdown files under ARTICLE_PATHS and
    PAGE_PATHS that Pelican reads, in the order it reads them."""
    from cnnotes.front_matter import MARKDOWN_EXTENSIONS

    root = settings["PATH"]
    ignores = settings.get("IGNORE_FILES", [])
    suffixes = tuple("." + e for e in MARKDOWN_EXTENSIONS)
    found = {}
    for tops, kind in ((settings.get("ARTICLE_PATHS", []), "Article"),
                       (settings.get("PAGE_PATHS", []), "Page")):
        for top in tops:
            # os.walk's own order, as Pelican's Generator.get_files: the order it reads in
            for dirpath, dirnames, filenames in os.walk(os.path.join(root, top), followlinks=True):
                dirnames[:] = [d for d in dirnames if not any(fnmatch.fnmatch(d, i) for i in ignores)]
                for name in filenames:
                    if name.endswith(suffixes) and not any(fnmatch.fnmatch(name, i) for i in ignores):
                        found.setdefault(os.path.abspath(os.path.join(dirpath, name)), kind)
    return list(found.items())


def missing(build, sources) -> list:
    """The sources without a valid snapshot (or render, without snapshots) in the cache.
    A file with no entry at all is not even read here (a clean build reads none)."""
    docs = build.docs
    try:
        names = set(os.listdir(docs.dir))
    except OSError:
        names = set()
    on = build.restorer is not None and build.restorer.on
    todo = []
    for path, kind in sources:
        if os.path.basename(docs._file(path)) not in names:
            todo.append((path, kind))
            continue
        entry = docs.entry(path)
        if on:
            ok = entry is not None and snapshots.valid(entry["snapshot"], kind)
        else:
            ok = entry is not None and entry["render"] is not None
        if not ok:
            todo.append((path, kind))
    return todo


class Prerender:
    """The pool reading documents while Pelican runs, and which are not done yet.
    claims: for each of the files, who reads it (FREE, POOL, HERE), shared with the pool."""

    def __init__(self, build, tasks, paths, claims, jobs):
        self.build = build
        self.pending = set(paths)
        self.index = {path: i for i, path in enumerate(paths)}
        self.claims = claims
        self.cond = threading.Condition()
        self.pool = pool.start(tasks, jobs, self._done)

    def _done(self, paths, value):
        """A task ended (in the pool's result thread): what the parent needs of it."""
        if value:
            docs, restorer = self.build.docs, self.build.restorer
            for path, record, key, snapshot in value:
                if record is not None:
                    docs.stamps.records[("text", path)] = record
                    docs.stamps.dirty = True
                if key is not None:
                    docs._keys[path] = key
                    docs.seen.add(path)
                if snapshot is not None and restorer is not None:
                    restorer.arrived[path] = (key, snapshot)
        with self.cond:
            self.pending.difference_update(paths)
            self.cond.notify_all()

    def wait(self, source_path) -> bool:
        """Wait until the pool is done with source_path if it took it, True then; False:
        this process reads it (it takes the file if the pool has not yet)."""
        path = os.path.abspath(source_path)
        index = self.index.get(path)
        if index is None or _claim(self.claims, index, HERE):
            return False
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
    """Start reading the missing files with this process and jobs - 1 others, with the
    plugins' other tasks (build_cache.add_prerender_tasks), as build.prerendering; return
    how many files were missing."""
    todo = missing(build, markdown_sources(settings))
    if jobs < 2 or len(todo) < MIN_FILES:
        return len(todo)
    claims = multiprocessing.get_context("fork").Array("b", len(todo))  # all FREE
    # the pool reads from the last file back, Pelican (in this process) from the first
    backwards = list(enumerate(todo))[::-1]
    chunks = [backwards[i:i + CHUNK] for i in range(0, len(backwards), CHUNK)]
    tasks = [(functools.partial(_read_chunk, claims, chunk), [path for _, (path, _) in chunk])
             for chunk in chunks]
    # the plugins' tasks (lab transcripts) first: one long task, done while Pelican reads
    tasks = [(functools.partial(_no_result, task), []) for task in build_cache.prerender_tasks(settings)] + tasks
    build.prerendering = Prerender(build, tasks, [path for path, _ in todo], claims, jobs - 1)
    # once the pool runs (loading the labs reads their transcripts: 0.15 s in a clean
    # build); the pool's first task, the transcripts, loads them for itself
    build.docs.labs_digest()
    return len(todo)


def _no_result(task):
    task()  # it keeps what it made (build_cache.cached): nothing to send back


_readers = None


def _read_chunk(claims, items):
    """In a worker: read each file as Pelican would (those this process has not taken
    meanwhile), keep its entry; for the parent, what it needs to restore the object
    without reading: [(path, stamp record, key, snapshot)]."""
    global _readers
    from pelican.readers import Readers

    build = build_cache.active()
    settings = build.settings
    if _readers is None:
        _readers = Readers(settings)
    out = [_read_one(build, settings, path, kind) for index, (path, kind) in items
           if _claim(claims, index, POOL)]
    build.docs.save()
    return out


def _claim(claims, index, who) -> bool:
    """Take file `index` for `who` (POOL or HERE) if nobody has; True if `who` has it."""
    with claims.get_lock():
        if claims[index] == FREE:
            claims[index] = who
        return claims[index] == who


def _read_one(build, settings, path, kind):
    from pelican.contents import Article, Page, SkipStub

    docs, restorer = build.docs, build.restorer
    before = restorer.problems() if restorer is not None else 0
    obj = None
    try:
        with build_cache.watch_warnings() as warned:
            obj = _readers.read_file(base_path=settings["PATH"],
                                     path=os.path.relpath(path, settings["PATH"]),
                                     content_class=Article if kind == "Article" else Page,
                                     context=_CONTEXT)
            valid = not isinstance(obj, SkipStub) and obj.is_valid()
        clean = valid and not warned and (restorer is None or restorer.problems() == before)
    except Exception:
        clean = False
    record, key = docs.stamps.records.get(("text", path)), docs._keys.get(path)
    if not clean:  # the generator reads it again, and says what is wrong
        docs.entries.pop(path, None)
        docs.dirty.discard(path)
        return path, record, None, None
    snapshot = None
    if restorer is not None and restorer.on:
        snapshot = snapshots.make(obj, settings, _CONTEXT)
        docs.set_snapshot(path, snapshot)
    return path, record, key, snapshot
