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

    # --- keys -------------------------------------------------------------------------

    def labs_digest(self) -> str:
        if self._labs is None:
            self._labs = self._labs_digest() if self._labs_digest else ""
        return self._labs

    def source_key(self, text: str) -> str:
        """The digest an entry must carry to be valid for a file holding `text`."""
        return sha1(text, self.labs_digest()) if "{%" in text else sha1(text)

    def _file(self, path: str) -> str:
        return os.path.join(self.dir, sha1(path)[:24] + ".pickle")

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

    def derived(self, source_path: str, name: str, inputs: str, compute):
        """compute(), remembered in the file's entry for these exact inputs (a string).
        Without an entry for the file (not read through the cache) it just computes."""
        entry = self.entries.get(os.path.abspath(source_path or ""))
        if entry is None:
            return compute()
        digest = sha1(inputs)
        slot = entry["derived"].get(name)
        if slot is not None and slot[0] == digest:
            return slot[1]
        value = compute()
        self.add_derived(entry["path"], name, (digest, value))
        self.fresh.append((entry["path"], name, (digest, value)))
        return value

    def add_derived(self, path, name, slot) -> None:
        entry = self.entries.get(path)
        if entry is not None:
            entry["derived"][name] = slot
            self.dirty.add(path)

    def _load(self, path):
        try:
            with open(self._file(path), "rb") as f:
                entry = pickle.load(f)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
                IndexError, TypeError, ValueError):
            return None
        return entry if isinstance(entry, dict) and entry.get("format") == FORMAT else None

    def save(self) -> int:
        """Write the entries changed in this build; return how many."""
        for path in sorted(self.dirty):
            entry = self.entries.get(path)
            if entry is None:
                continue
            fd, tmp = tempfile.mkstemp(dir=self.dir, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    pickle.dump(entry, f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self._file(path))
            except BaseException:
                os.unlink(tmp)
                raise
        saved = len(self.dirty)
        self.dirty.clear()
        return saved

    def prune(self, keep_paths) -> None:
        """Remove the entries of files this build did not read (deleted, renamed)."""
        keep = {os.path.basename(self._file(os.path.abspath(p))) for p in keep_paths}
        for name in os.listdir(self.dir):
            if name.endswith(".pickle") and name not in keep:
                try:
                    os.unlink(os.path.join(self.dir, name))
                except OSError:
                    pass
