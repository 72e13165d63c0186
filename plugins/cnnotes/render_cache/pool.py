"""Rendering ahead, in other processes, what the render cache does not hold yet.

A clean build renders every document. With more than one core, worker processes
(started with spawn, never fork) put documents and lab transcripts into the render cache
while Pelican reads; the reader then finds them there. The contract:

- A reader class that can render ahead has `render_ahead(settings, paths)`, a static
  method that puts each file's rendering into the cache, and `missing(path) -> bool`,
  whether the cache lacks it. When a generator starts reading, the files its readers
  lack are shared out: the workers take chunks from the end of Pelican's order, the
  build's own process reads from the start, and before reading a file it calls
  `claim(path)`: it waits for the chunk that holds the file if a worker took it, and
  takes the chunk back if none did.
- Plugins add other work through the `prerender_tasks` signal: `receiver(settings) ->
  [task, ...]`, a task being a picklable callable `task(settings)` that puts results into
  the cache. Tasks start the workers even when no document is missing, so a receiver
  returns tasks only when their work is worth a worker's start (MIN_DOCUMENTS
  documents' worth), and in chunks: when the build's process has read everything, the
  chunks no worker has started are dropped, and it waits for the running ones only.
- A worker gets the settings pickled, and gives back nothing but the cache's files: a
  result made with a warning is not kept, so the build makes it again itself and shows
  the warning. A build with workers therefore writes what a build without them writes.
"""
import io
import logging
import multiprocessing
import os
import pickle
import types
from concurrent.futures import ProcessPoolExecutor

from blinker import signal
from pelican.generators import ArticlesGenerator, PagesGenerator

from cnnotes.render_cache.keys import Described, describe

prerender_tasks = signal("cnnotes.prerender_tasks")
MIN_DOCUMENTS = 24  # fewer missing documents than this: starting a worker costs more
CHUNKS_PER_WORKER = 8


def chunked(items, workers) -> list:
    """items in chunks small enough to share out evenly, and to stop soon: at the end of
    reading, the chunks no worker has started are dropped, the running ones waited for."""
    size = max(1, len(items) // (max(1, workers) * CHUNKS_PER_WORKER * 2))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _quiet_worker():
    logging.getLogger().addHandler(logging.NullHandler())  # the build reports, not workers


def _render_chunk(settings_blob, reader_class, paths):
    reader_class.render_ahead(pickle.loads(settings_blob), paths)


def _run_task(settings_blob, task):
    task(pickle.loads(settings_blob))


class _SettingsPickler(pickle.Pickler):
    """Pickles the settings for the workers: a function defined inside another (a
    template global a plugin made) cannot be pickled, and no worker calls one: it goes
    as its description (Described), which keeps the settings' key the same."""

    def reducer_override(self, obj):
        if isinstance(obj, types.FunctionType) and "<" in obj.__qualname__:
            return Described, (describe(obj),)
        return NotImplemented


def pickled_settings(settings):
    """The settings as bytes for the workers, or None when something in them cannot go."""
    out = io.BytesIO()
    try:
        _SettingsPickler(out).dump(settings)
    except (pickle.PicklingError, AttributeError, TypeError):
        return None
    return out.getvalue()


def workers_wanted(settings) -> int:
    """Worker processes beside the build's own: RENDER_WORKERS, else one per other core."""
    if settings.get("RENDER_WORKERS") is not None:
        return max(0, int(settings["RENDER_WORKERS"]))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(0, cores - 1)


class Prerenderer:
    """The workers of one generator's reading, and which chunk of files each future holds."""

    def __init__(self, settings, workers):
        self.settings = settings
        self.workers = workers
        self.executor = None
        self.chunk_of = {}     # path -> future of the chunk holding it
        self.paths_of = {}     # future -> its paths
        # the settings as the build started reading (before it loads more into them)
        self.blob = pickled_settings(settings) if workers > 0 else None
        if self.blob is None:
            self.workers = 0
        self.ahead = 0         # files a worker rendered before the build read them
        self.taken_back = 0    # files shared out that the build rendered itself

    def _executor(self):
        if self.executor is None:
            self.executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=_quiet_worker)
        return self.executor

    def start(self, reader_class, paths):
        """Share out paths (in Pelican's order); False: not worth it."""
        if self.workers < 1 or len(paths) < MIN_DOCUMENTS:
            return False
        executor = self._executor()
        for chunk in reversed(chunked(paths, self.workers)):  # the workers start from the end
            future = executor.submit(_render_chunk, self.blob, reader_class, chunk)
            self.paths_of[future] = chunk
            for path in chunk:
                self.chunk_of[path] = future
        return True

    def start_tasks(self, tasks):
        """Run the plugins' tasks (before the documents: the workers take them first)."""
        if self.workers < 1 or not tasks:
            return
        executor = self._executor()
        for task in tasks:
            executor.submit(_run_task, self.blob, task)

    def claim(self, path):
        """Before reading path: its rendering is in the cache, or it is the caller's to make."""
        future = self.chunk_of.pop(path, None)
        if future is None:
            return
        if future.cancel():  # no worker started it: the caller renders the whole chunk
            for other in self.paths_of.pop(future, ()):
                self.chunk_of.pop(other, None)
                self.taken_back += 1
            return
        try:
            future.result()
            self.ahead += 1
        except Exception:  # noqa: BLE001 - the caller renders it and reports what is wrong
            pass

    def close(self):
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
        self.chunk_of.clear()
        self.paths_of.clear()


def start_prerendering(generator):
    """generator_init, for the articles' and the pages' generators: before they read,
    the files their readers lack go to workers, with the plugins' tasks (with the
    articles' generator; at its start, not at its first read, so the tasks start on a
    site without posts too)."""
    if not isinstance(generator, (ArticlesGenerator, PagesGenerator)):
        return
    readers = [r for r in generator.readers.readers.values() if hasattr(r, "render_ahead")]
    if not readers or any(r.prerenderer is not None for r in readers):
        return
    prerenderer = Prerenderer(generator.settings, workers_wanted(generator.settings))
    for reader in readers:
        reader.prerenderer = prerenderer
    if prerenderer.workers < 1:
        return
    settings = generator.settings
    paths_key = "ARTICLE" if isinstance(generator, ArticlesGenerator) else "PAGE"
    files = generator.get_files(settings[f"{paths_key}_PATHS"], exclude=settings[f"{paths_key}_EXCLUDES"])
    by_class = {}
    for rel in files:
        reader = generator.readers.readers.get(os.path.splitext(rel)[1][1:])
        path = os.path.join(generator.path, rel)
        if reader in readers and reader.missing(path):
            by_class.setdefault(type(reader), []).append(path)
    if paths_key == "ARTICLE":
        prerenderer.start_tasks([task for _, found in prerender_tasks.send(settings) for task in found or []])
    for reader_class, paths in by_class.items():
        prerenderer.start(reader_class, paths)


def stop_prerendering(generators):
    """all_generators_finalized: every worker has stopped before anything is written."""
    for generator in generators:
        readers = getattr(generator, "readers", None)
        for reader in (readers.readers.values() if readers is not None else ()):
            if getattr(reader, "prerenderer", None) is not None:
                reader.prerenderer.close()
