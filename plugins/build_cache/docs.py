"""What reading each source file gave, kept until the file (or the build) changes.

One entry per source file, in <cache>/docs/<env>/ where <env> is the digest of the
code and the settings that render (build_cache.Build.env): a changed plugin, theme
setting or Markdown version starts a new directory, so no entry is ever read under
other rules. An entry is valid while the file's bytes are the same (and, for a file
using a `{% ... %}` tag, while the labs are: `{% lab %}` shows their steps).

An entry holds the reader's result (`render`: rendered HTML, front matter ...) and
values derived from it later in the build (`derived`: summary, reading time, feed
content), each with the digest of its input, so a value is reused only for the same
input. Entries are pickles written whole (temp file + rename): a crash leaves the
old entry or the new one.
"""
from __future__ import annotations

import os
import pickle
import tempfile

from build_cache.digest import sha1

FORMAT = 1


class DocCache:
    def __init__(self, directory: str, labs_digest=None):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        self.entries = {}           # absolute source path -> entry
        self.dirty = set()          # absolute source paths whose entry must be saved
        self._labs_digest = labs_digest
        self._labs = None
        self.hits = 0
        self.missed = set()         # files whose entry was missing or stale
        self.fresh = []             # (path, name, slot) derived since cleared (pool workers)
        self.apart = set()          # names of the values kept apart from the entries

    # --- keys -------------------------------------------------------------------------

    def labs_digest(self) -> str:
        if self._labs is None:
            self._labs = self._labs_digest() if self._labs_digest else ""
        return self._labs

    def source_key(self, text: str) -> str:
        """The digest an entry must carry to be valid for a file holding `text`."""
        return sha1(text, self.labs_digest()) if "{%" in text else sha1(text)

    def _file(self, path: str, part: str = "") -> str:
        """The entry's file (or that of one of its values kept apart)."""
        return os.path.join(self.dir, sha1(path)[:24] + (f".{part}" if part else "") + ".pickle")

    # --- entries ----------------------------------------------------------------------

    def get(self, source_path: str, text: str):
        """The cached render of the file holding `text`, or None (then `put` one)."""
        path = os.path.abspath(source_path)
        key = self.source_key(text)
        entry = self.entries.get(path)
        if entry is None or entry["key"] != key:
            entry = self._load(path)
        if entry is not None and entry["key"] == key and entry["path"] == path:
            self.entries[path] = entry
            self.hits += 1
            return entry["render"]
        self.entries.pop(path, None)
        self.missed.add(path)
        return None

    def put(self, source_path: str, text: str, render: dict) -> None:
        path = os.path.abspath(source_path)
        self.entries[path] = {"format": FORMAT, "path": path, "key": self.source_key(text),
                              "render": render, "derived": {}}
        self.dirty.add(path)

    def derived(self, source_path: str, name: str, inputs: str, compute, apart=False):
        """compute(), remembered in the file's entry for these exact inputs (a string).
        Without an entry for the file (not read through the cache) it just computes.
        apart: kept in a file of its own, read only when asked for (a large value that
        few builds need, like a post's feed content), not with the entry."""
        entry = self.entries.get(os.path.abspath(source_path or ""))
        if entry is None:
            return compute()
        digest = sha1(inputs)
        slot = self._slot(entry, name, apart)
        if slot is not None and slot[0] == digest:
            return slot[1]
        value = compute()
        if apart:
            self.apart.add(name)
            entry["derived"][name] = (digest, value)
            self._write(self._file(entry["path"], name), (digest, value))
        else:
            self.add_derived(entry["path"], name, (digest, value))
        self.fresh.append((entry["path"], name, (digest, value)))
        return value

    def _slot(self, entry, name, apart):
        if apart:
            self.apart.add(name)
        slot = entry["derived"].get(name)
        if slot is None and apart:
            slot = self._read(self._file(entry["path"], name))
            if isinstance(slot, tuple) and len(slot) == 2:
                entry["derived"][name] = slot
            else:
                slot = None
        return slot

    def has_derived(self, source_path: str, name: str, inputs: str, apart=False) -> bool:
        """Whether `derived` would find the value without computing it."""
        entry = self.entries.get(os.path.abspath(source_path or ""))
        slot = self._slot(entry, name, apart) if entry is not None else None
        return slot is not None and slot[0] == sha1(inputs)

    def add_derived(self, path, name, slot, saved=False) -> None:
        """Put a derived value in an entry (saved: already written with it, by a worker)."""
        entry = self.entries.get(path)
        if entry is not None:
            entry["derived"][name] = slot
            if not saved:
                self.dirty.add(path)

    def _load(self, path):
        entry = self._read(self._file(path))
        return entry if isinstance(entry, dict) and entry.get("format") == FORMAT else None

    @staticmethod
    def _read(file):
        try:
            with open(file, "rb") as f:
                return pickle.load(f)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
                IndexError, TypeError, ValueError):
            return None

    def _write(self, file, value):
        fd, tmp = tempfile.mkstemp(dir=self.dir, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, file)
        except BaseException:
            os.unlink(tmp)
            raise

    def save(self) -> int:
        """Write the entries changed in this build (not their values kept apart, written
        when made); return how many."""
        for path in sorted(self.dirty):
            entry = self.entries.get(path)
            if entry is not None:
                self._write(self._file(path), dict(entry, derived={
                    k: v for k, v in entry["derived"].items() if k not in self.apart}))
        saved = len(self.dirty)
        self.dirty.clear()
        return saved

    def prune(self, keep_paths) -> None:
        """Remove the entries of files this build did not read (deleted, renamed)."""
        keep = {os.path.basename(self._file(os.path.abspath(p))).split(".")[0] for p in keep_paths}
        for name in os.listdir(self.dir):
            if name.endswith(".pickle") and name.split(".")[0] not in keep:
                try:
                    os.unlink(os.path.join(self.dir, name))
                except OSError:
                    pass
