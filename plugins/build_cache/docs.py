"""What reading each source file gave, kept until the file (or the build) changes.

One entry per source file, in <cache>/docs/<env>/ where <env> is the digest of the
code and the settings that render (build_cache.build.Build.env): a changed plugin, theme
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
# Entries already in memory, by directory and file name: {name: ((mtime, size), entry)}.
# A warm process (tools.serve's builder) preloads them, so the builds it forks read none.
_preloaded = {}


def preload(directory: str) -> int:
    """Load (again, if changed) every entry file of directory into memory."""
    known = _preloaded.setdefault(directory, {})
    try:
        names = [n for n in os.listdir(directory) if n.endswith(".pickle") and n.count(".") == 1]
    except OSError:
        return 0
    for name in set(known) - set(names):
        del known[name]
    for name in names:
        path = os.path.join(directory, name)
        try:
            st = os.stat(path)
        except OSError:
            continue
        stamp = (st.st_mtime_ns, st.st_size)
        if name not in known or known[name][0] != stamp:
            entry = DocCache._read(path)
            if isinstance(entry, dict) and entry.get("format") == FORMAT:
                known[name] = (stamp, entry)
    return len(known)


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
        self._keys = {}             # path -> (text, source key) worked out in this build
        self.apart = set()          # names of the values kept apart from the entries

    # --- keys -------------------------------------------------------------------------

    def labs_digest(self) -> str:
        if self._labs is None:
            self._labs = self._labs_digest() if self._labs_digest else ""
        return self._labs

    def source_key(self, text: str, path: str = "") -> str:
        """The digest an entry must carry to be valid for a file holding `text` (for the
        same path and text a second time, the one worked out the first)."""
        known = self._keys.get(path)
        if known is not None and known[0] == text:
            return known[1]
        key = sha1(text, self.labs_digest()) if "{%" in text else sha1(text)
        if path:
            self._keys[path] = (text, key)
        return key

    def digest_of(self, path: str, text: str) -> str:
        """sha1(text), or for the rendered body of the entry of path (the same object),
        a digest made from the entry's key without reading the text again."""
        entry = self.entries.get(path)
        if entry is not None and entry["render"] is not None and entry["render"].get("content") is text:
            return "doc:" + entry["key"]
        return sha1(text)

    def _file(self, path: str, part: str = "") -> str:
        """The entry's file (or that of one of its values kept apart)."""
        return os.path.join(self.dir, sha1(path)[:24] + (f".{part}" if part else "") + ".pickle")

    # --- entries ----------------------------------------------------------------------

    def get(self, source_path: str, text: str):
        """The cached render of the file holding `text`, or None (then `put` one)."""
        path = os.path.abspath(source_path)
        key = self.source_key(text, path)
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
        self.entries[path] = {"format": FORMAT, "path": path, "key": self.source_key(text, path),
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
        digest = self._inputs_digest(entry, inputs)
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

    def _inputs_digest(self, entry, inputs):
        """inputs: a string, or a tuple of strings (one may be the entry's own HTML)."""
        if isinstance(inputs, str):
            return self.digest_of(entry["path"], inputs)
        return sha1(*(self.digest_of(entry["path"], part) for part in inputs))

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
        return slot is not None and slot[0] == self._inputs_digest(entry, inputs)

    def add_derived(self, path, name, slot, saved=False) -> None:
        """Put a derived value in an entry (saved: already written with it, by a worker)."""
        entry = self.entries.get(path)
        if entry is not None:
            entry["derived"][name] = slot
            if not saved:
                self.dirty.add(path)

    def _load(self, path):
        file = self._file(path)
        found = _preloaded.get(self.dir, {}).get(os.path.basename(file))
        if found is not None:
            try:
                st = os.stat(file)
                if (st.st_mtime_ns, st.st_size) == found[0]:
                    return found[1]
            except OSError:
                return None
        entry = self._read(file)
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
