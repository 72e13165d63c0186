"""What a build renders, kept on disk by the content hash of what it was made from.

The contract, for every plugin that caches:

- A `RenderCache(settings, namespace)` is an object of one reader, generator or build:
  it holds no state but its folder, and nothing is shared through module globals.
- `cache.get_or_make(key_parts, make)` returns what `make()` returns, a JSON value.
  `key_parts` must name *everything* the result depends on besides the code: the
  source text, the settings it reads, the files it reads (their digests). The key is
  the SHA-256 of those parts, of the site's code (every file of the cnnotes package)
  and of the versions of the renderers (Markdown, Pygments, nbconvert, Pelican). So an
  entry can never be stale: when an input changes, the key does.
- `make()` runs when no entry exists. An entry is written only when `make()` logged no
  warning or error, so a problem is reported again at every build until it is fixed.
- Entries of older code are removed when a cache for newer code is first opened; `make
  clean` removes everything. Concurrent builds are safe: entries are written to a
  temporary name and renamed into place.

The folder is `<CACHE_PATH>/render/<namespace>/<code digest>/`; CACHE_PATH is Pelican's
own setting, so plain `pelican` and `make html` share the cache.

As a plugin (`cnnotes.render_cache` in PLUGINS), it also renders ahead, in worker
processes, what a build is about to read and the cache lacks (pool.py).
"""
import contextlib
import functools
import hashlib
import json
import logging
import os
import shutil
import tempfile
from importlib import metadata

from jinja2 import FileSystemBytecodeCache

from cnnotes.render_cache.keys import Described, settings_key, text_digest  # noqa: F401 (the API)

RENDERERS = ("markdown", "pygments", "nbconvert", "nbformat", "pelican", "jinja2", "pyyaml", "lxml")


def _code_files():
    """Every file of the cnnotes package, and the harness's own modules (labs/*.py: the
    lab format and transcripts that lab tags and pages show)."""
    from labs import format as lab_format

    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for folder, dirs, files in sorted(os.walk(package)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(files):
            if not name.endswith((".pyc", ".pyo")) and not name.startswith("test_"):
                yield os.path.join(folder, name), os.path.relpath(os.path.join(folder, name), package)
    harness = os.path.dirname(os.path.abspath(lab_format.__file__))
    for name in sorted(os.listdir(harness)):
        if name.endswith(".py") and not name.startswith("test_"):
            yield os.path.join(harness, name), f"labs/{name}"


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 of the site's code (_code_files) and of the renderers' versions."""
    digest = hashlib.sha256()
    for path, name in _code_files():
        digest.update(name.encode() + b"\0")
        with open(path, "rb") as f:
            digest.update(f.read())
    for name in RENDERERS:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{name}={metadata.version(name)}\0".encode())
    return digest.hexdigest()


class _Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@contextlib.contextmanager
def warnings_logged():
    """`with warnings_logged() as seen:` the warnings and errors logged inside, in
    seen.records (a result made with a warning is not kept)."""
    seen = _Warnings()
    root = logging.getLogger()
    root.addHandler(seen)
    try:
        yield seen
    finally:
        root.removeHandler(seen)


class RenderCache:
    def __init__(self, settings, namespace: str):
        """Settings without CACHE_PATH (a plugin's code called outside a build): nothing
        is kept, everything is made."""
        root = settings.get("CACHE_PATH")
        self.parent = os.path.join(os.path.abspath(root), "render", namespace) if root else None
        self.folder = os.path.join(self.parent, code_digest()[:16]) if root else None
        self.hits = self.misses = 0
        self._prune_older_code()

    def _prune_older_code(self):
        if self.folder is None or os.path.isdir(self.folder) or not os.path.isdir(self.parent):
            return
        for name in os.listdir(self.parent):
            shutil.rmtree(os.path.join(self.parent, name), ignore_errors=True)

    def key(self, key_parts) -> str:
        return hashlib.sha256(json.dumps(key_parts, sort_keys=True, ensure_ascii=False,
                                         default=str).encode("utf-8")).hexdigest()

    def _path(self, key: str) -> str:
        return os.path.join(self.folder, key[:2], key[2:] + ".json")

    def get(self, key: str):
        """The entry under key, or None."""
        if self.folder is None:
            return None
        try:
            with open(self._path(key), encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):  # absent, or cut short by a crash: made again
            return None

    def put(self, key: str, value) -> None:
        if self.folder is None:
            return
        path = self._path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(value, f, ensure_ascii=False)
        os.replace(tmp, path)

    def has(self, key_parts) -> bool:
        return self.folder is not None and os.path.exists(self._path(self.key(key_parts)))

    def get_or_make(self, key_parts, make):
        key = self.key(key_parts)
        found = self.get(key)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        with warnings_logged() as seen:
            value = make()
        if not seen.records:
            self.put(key, value)
        return value


class TemplateBytecodeCache(FileSystemBytecodeCache):
    """Jinja's own compiled-template cache (keyed by each template's source), in a folder
    made when first written: for JINJA_ENVIRONMENT["bytecode_cache"] in the settings."""

    def __init__(self, directory):
        self.folder = os.path.abspath(directory)
        super().__init__(self.folder)

    def dump_bytecode(self, bucket):
        os.makedirs(self.folder, exist_ok=True)
        super().dump_bytecode(bucket)


def register():
    from pelican import signals

    from cnnotes.render_cache.pool import start_prerendering, stop_prerendering

    signals.generator_init.connect(start_prerendering)
    signals.all_generators_finalized.connect(stop_prerendering)
