"""Build cache: render each document once, write only the files whose inputs changed.

tools/build.py turns it on for one build (`activate`, after Pelican loaded the
plugins; `deactivate` at the end). Without it (plain `pelican`, tests that run
plugins alone) every plugin computes what it needs, as before. The parts:

- docs.py: per source file, what reading it gave (rendered HTML, front matter) and
  values derived from it (summary, reading time, feed content), in
  .cache/pelican/docs/<env>/; <env> is the digest of the code (plugins/, labs/*.py,
  tools/build.py, the installed package versions) and of the settings.
- snapshots.py: the content object Pelican made of each file, kept in its entry, so a
  build makes objects only of the files that changed (stamps.py: which did, without
  reading them).
- prerender.py: reads the files missing from that cache in a pool of processes
  while Pelican runs, so a clean build uses every core.
- output.py + writer.py + templates.py: each output file's fingerprint (its
  template's inputs, or its bytes); the build updates the spare output tree the
  previous build left, touching only files whose fingerprint changed, and swaps it in.
- reads.py: what a page read of the posts while it rendered (Jinja's attribute reads),
  kept with the page: its next fingerprint digests those values, so a post's edit
  renders again only the pages that show what changed.
- build.py: one build's state (the above, and its pool of pending writes: pages and
  feeds rendered by one process per core); pool.py: the forked processes.
- digest.py: the stable digests all of these are made of.

`make clean` removes .cache/pelican: the next build renders everything.
"""
from __future__ import annotations

import contextlib
import logging
import os

from cnnotes.build_cache.digest import sha1
from cnnotes.build_cache.output import OutputTree

_active = None
_task_providers = []


def active():
    """The running build's Build, or None when the cache is off."""
    return _active


def document_cache():
    """The running build's DocCache, or None (not named docs: that is the module)."""
    return _active.docs if _active else None


def derived(source_path, name, inputs, compute, apart=False):
    """compute(), cached with the document at source_path for these inputs (a str, or a
    tuple of them);
    apart: in a file of its own, read only when asked for (DocCache.derived)."""
    if _active is None:
        return compute()
    return _active.docs.derived(source_path, name, inputs, compute, apart)


def cached(name, inputs, compute):
    """compute(), cached for these inputs (a str) and this code and settings: for what
    belongs to no document (a lab's transcript page, the code stylesheet)."""
    if _active is None:
        return compute()
    return _active.cached(name, inputs, compute)


def add_prerender_tasks(provider) -> None:
    """provider(settings) -> [zero-argument callables]: work that caches its result
    (through `cached`), run by build_cache.prerender's pool with the documents."""
    if provider not in _task_providers:
        _task_providers.append(provider)


def prerender_tasks(settings) -> list:
    loaded = {str(p).split(".")[0] for p in settings.get("PLUGINS", [])}
    return [task for provider in _task_providers
            if provider.__module__.split(".")[0] in loaded for task in provider(settings)]


class _Recorder(logging.Handler):
    def __init__(self, records):
        super().__init__(logging.WARNING)
        self.records = records

    def emit(self, record):
        self.records.append(record)


@contextlib.contextmanager
def watch_warnings():
    """A list that gets every warning or error logged in the block. What logged one is
    not cached: a cache hit would not say it again."""
    records = []
    handler = _Recorder(records)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield records
    finally:
        root.removeHandler(handler)


def output_tree(cache_dir, final_dir) -> OutputTree:
    """The tree to build into (the spare output, or a new one), with the state of both."""
    return OutputTree(os.path.join(cache_dir, "outputs", sha1(final_dir)[:16] + ".pickle"),
                      final_dir)


def snapshot_safe(receiver, uses=None) -> None:
    """receiver (of Pelican's content_object_init) only sets values on the content object,
    from the object, the settings and the inputs named by uses(obj) (names given to
    add_input): its effects are kept in the object's snapshot (build_cache.snapshots), not
    made again when the object is restored. Other receivers run again on restored objects,
    which hold their effects already: they must be idempotent."""
    from cnnotes.build_cache import snapshots

    snapshots.snapshot_safe(receiver, uses)


def add_once(obj, name, item) -> None:
    """Append item to obj's list attribute `name` unless it holds it: what a receiver that
    runs again on a restored object (see snapshot_safe) does to add a stylesheet."""
    have = getattr(obj, name, None) or []
    if item not in have:
        setattr(obj, name, [*have, item])


def activate(settings, cache_dir, tree, jobs=1, problems=None):
    """Turn the cache on for a build: a build_cache.build.Build, also active() now.
    problems: () -> how many content errors were reported so far."""
    global _active
    from cnnotes.build_cache.build import Build

    _active = Build(settings, cache_dir, tree, jobs, problems)
    return _active


def deactivate() -> None:
    global _active
    _active = None
