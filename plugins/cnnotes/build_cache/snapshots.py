"""Pelican's content objects, kept as the reader made them: a build reads only changed files.

Pelican makes one content object (Article, Page) per source file: the reader's result
(rendered HTML, metadata as objects), then Content.__init__, which sends
`content_object_init` to the plugins (summary, reading time, lab checks ...). Even with
every render cached, that is most of a rebuild at 1,000 posts. So the object, as it is
when the reader returns it (before any generator links it to others), is pickled into
the document's entry (build_cache.docs), and the next build gets it back through the
content-cache hooks of Pelican's generators (get_cached_data) instead of reading the
file. Unpickling makes a new object each build, as reading does.

What the object depends on besides the file's bytes, the code and the settings (all in
the entry's key and directory):
- the receivers of content_object_init. A plugin declares a receiver safe to snapshot
  (`build_cache.snapshot_safe`) when all it does is set values on the object, naming the
  other inputs it used for that object (`uses`: the labs, by name, as registered with
  `build_cache.add_input`): its effects are in the snapshot, valid while those inputs
  are the same. Every other receiver runs again on the restored object (it may have
  effects elsewhere: a PDF to copy, a file whose existence it checks), which already
  holds what that receiver did when it was read: so it must be idempotent (add a
  stylesheet to extra_css only if it is not there);
- nothing else: a read that logged a warning or an error, or reported a content error,
  is not kept (a restored object would not say it again); receivers of the generators'
  preread or context signals, or a locale in DATE_FORMATS (which Content.__init__ sets
  for the process), turn snapshots off.

The settings and Pelican's shared context are kept as references (pickle's persistent
ids), bound to this build's when the object is restored.
"""
from __future__ import annotations

import contextlib
import functools
import io
import os
import pickle

from cnnotes.build_cache.digest import sha1

SETTINGS, CONTEXT = "settings", "context"
_safe = {}    # receiver -> uses(obj): names of the inputs its effect on obj depends on
_inputs = {}  # input name -> zero-argument function giving its current digest


def snapshot_safe(receiver, uses=None) -> None:
    _safe[receiver] = uses or (lambda obj: ())


def add_input(name, current) -> None:
    _inputs[name] = current


def enabled(settings) -> bool:
    """Whether restored objects equal read ones for these settings and plugins."""
    from pelican import signals

    for signal in (signals.article_generator_preread, signals.article_generator_context,
                   signals.page_generator_preread, signals.page_generator_context):
        if any(True for _ in signal.receivers_for(object())):
            return False
    formats = settings.get("DATE_FORMATS") or {}
    return not any(isinstance(v, tuple) for v in formats.values()) and not isinstance(
        settings.get("DEFAULT_DATE_FORMAT"), tuple)


class _Pickler(pickle.Pickler):
    def __init__(self, file, refs):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._refs = refs

    def persistent_id(self, obj):
        return self._refs.get(id(obj))


def dump(obj, settings, context) -> bytes:
    out = io.BytesIO()
    _Pickler(out, {id(settings): SETTINGS, id(context): CONTEXT}).dump(obj)
    return out.getvalue()


def load(blob: bytes, settings, context):
    unpickler = pickle.Unpickler(io.BytesIO(blob))
    # a builtin, not a method of a subclass: a post refers to the settings a few dozen
    # times (each tag, its category, its author), and a call into Python costs each time
    unpickler.persistent_load = {SETTINGS: settings, CONTEXT: context}.__getitem__
    return unpickler.load()


def _receivers(obj):
    from pelican import signals

    return list(signals.content_object_init.receivers_for(obj))


def inputs_of(obj) -> tuple:
    """((input name, its digest now), ...) that the safe receivers used for obj."""
    names = set()
    for receiver in _receivers(obj):
        uses = _safe.get(receiver)
        if uses is not None:
            names.update(uses(obj))
    return tuple(sorted((name, _inputs[name]()) for name in names if name in _inputs)) + tuple(
        (name, "<unknown input>") for name in sorted(names) if name not in _inputs)


def make(obj, settings, context):
    """The snapshot of a content object just read: (class name, inputs, pickle, the
    digest of its body, which every build digests for the page showing it)."""
    body = getattr(obj, "_content", None)
    return (type(obj).__name__, inputs_of(obj), dump(obj, settings, context),
            sha1(body) if isinstance(body, str) else None)


def valid(snapshot, class_name) -> bool:
    if not snapshot or snapshot[0] != class_name:
        return False
    return all(name in _inputs and _inputs[name]() == value for name, value in snapshot[1])


def restore(snapshot, settings, context, digester=None):
    """The object again (the receivers not known to be safe run on it, as at its making);
    digester (build_cache.digest.Digester) is told its body's digest."""
    obj = load(snapshot[2], settings, context)
    body = getattr(obj, "_content", None)
    if digester is not None and snapshot[3] is not None and isinstance(body, str):
        digester.know_text(body, snapshot[3])
    for receiver in _receivers(obj):
        if receiver not in _safe:
            receiver(obj)
    return obj


class Restorer:
    """The generators' content cache for one build: objects from the documents' snapshots,
    and snapshots of the objects read in this process."""

    def __init__(self, build, problems):
        self.build = build
        self.docs = build.docs
        self.on = enabled(build.settings)
        self.restored = 0
        self.arrived = {}       # path -> snapshot made by a pool worker (build_cache.prerender)
        self._unclean = set()   # ids of objects whose reading logged or reported something
        self.problems = problems  # () -> how many content errors were reported so far

    def get(self, generator, filename, class_name):
        """The object for filename (relative to the generator's path), or None: read it."""
        if not self.on:
            return None
        path = os.path.abspath(os.path.join(generator.path, filename))
        self.build.wait_prerendered(path)
        key = self.docs.key(path)
        if key is None:
            return None
        snapshot = self.arrived.pop(path, None)
        if snapshot is None or snapshot[0] != key:
            entry = self.docs.entry(path, key)
            snapshot = (key, entry["snapshot"]) if entry is not None else None
        self.docs.seen.add(path)
        if snapshot is None or not valid(snapshot[1], class_name):
            return None
        obj = restore(snapshot[1], generator.settings, generator.context, self.build.digester)
        self.restored += 1
        return obj

    def read(self, read_file, *args, **kwargs):
        """Pelican's Readers.read_file, noting whether the read logged or reported anything."""
        from cnnotes import build_cache

        before = self.problems()
        with build_cache.watch_warnings() as warned:
            obj = read_file(*args, **kwargs)
        if warned or self.problems() != before:
            self._unclean.add(id(obj))
        return obj

    def made(self, generator, filename, obj):
        """Pelican's generator read obj itself (and found it valid): keep its snapshot."""
        if not self.on or id(obj) in self._unclean:
            return
        path = os.path.abspath(os.path.join(generator.path, filename))
        if self.docs.entry(path) is not None:
            self.docs.set_snapshot(path, make(obj, generator.settings, generator.context))
            self.docs.release(path)  # written now: no rendered post held until the build ends


@contextlib.contextmanager
def generator_hooks(restorer):
    """Pelican's Articles and Pages generators get their objects from `restorer` (their
    content-cache hooks, get_cached_data and cache_data, which Pelican's own cache uses
    and this site's settings leave off), and Readers.read_file notes unclean reads."""
    from pelican.generators import ArticlesGenerator, PagesGenerator
    from pelican.readers import Readers

    def getter(kind):
        def get_cached_data(self, filename, default=None):
            obj = restorer.get(self, filename, kind)
            return default if obj is None else obj
        return get_cached_data

    def cache_data(self, filename, data):
        restorer.made(self, filename, data)

    original_read = Readers.read_file

    def read_file(self, *args, **kwargs):
        return restorer.read(functools.partial(original_read, self), *args, **kwargs)

    saved = [(cls, name, cls.__dict__.get(name)) for cls in (ArticlesGenerator, PagesGenerator)
             for name in ("get_cached_data", "cache_data")]
    ArticlesGenerator.get_cached_data = getter("Article")
    PagesGenerator.get_cached_data = getter("Page")
    ArticlesGenerator.cache_data = PagesGenerator.cache_data = cache_data
    Readers.read_file = read_file
    try:
        yield
    finally:
        Readers.read_file = original_read
        for cls, name, value in saved:
            if value is None:
                delattr(cls, name)
            else:
                setattr(cls, name, value)
