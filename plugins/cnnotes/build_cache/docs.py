"""What reading each source file gave, kept until the file (or the build) changes.

One entry per source file, in <cache>/docs/<env>/ where <env> is the digest of the
code and the settings that render (build_cache.build.Build.env): a changed plugin, theme
setting or Markdown version starts a new directory, so no entry is ever read under
other rules. An entry is valid while the file's bytes are the same (and, for a file
using a `{% ... %}` tag, while the labs are: `{% lab %}` shows their steps): its key
is the digest of those, known from the file's stamp (build_cache.stamps) without
reading it when it did not change.

An entry holds the reader's result (`render`: rendered HTML, front matter ...), values
derived from it later in the build (`derived`: summary, reading time, feed content),
each with the digest of its input, so a value is reused only for the same input, and
the content object Pelican made of it (`snapshot`: build_cache.snapshots), with the
inputs other than the file that object depends on. Entries are loaded when first
asked for, and written whole (temp file + rename): a crash leaves the old entry or the
new one. The rendered body, half an entry's bytes and also in its snapshot, is kept
in a file of its own, read only when the reader's result is asked for (`get`): a
build that restores a post from its snapshot does not read it.
"""
from __future__ import annotations

import os
import time

from cnnotes.build_cache.files import read_pickle, write_pickle
from cnnotes.build_cache.digest import sha1

FORMAT = 3
BODY = "render.content"     # the part holding an entry's rendered body
_APART = "\0in its own file"  # the body's place in an entry whose body is not loaded
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
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if name not in known or known[name][0] != stamp:
            entry = read_pickle(path)
            if isinstance(entry, dict) and entry.get("format") == FORMAT:
                known[name] = (stamp, entry)
    return len(known)


def text_info(data: bytes) -> tuple:
    """What a source key needs of a file's bytes: their digest, and whether they hold a tag."""
    return sha1(data), b"{%" in data


class DocCache:
    def __init__(self, directory: str, stamps, labs_digest=None):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        with os.scandir(directory) as found:  # no entry from before: nothing to look up
            self.started_empty = next(found, None) is None
        self.stamps = stamps        # build_cache.stamps.Stamps
        self.entries = {}           # absolute source path -> entry (those loaded or made)
        self.seen = set()           # absolute source paths this build used (the rest is pruned)
        self.dirty = set()          # absolute source paths whose entry must be saved
        self._labs_digest = labs_digest
        self._labs = None
        self.hits = 0
        self.missed = set()         # files whose entry was missing or stale
        self.fresh = []             # (path, name, slot) derived since cleared (pool workers)
        self._keys = {}             # path -> source key worked out in this build
        self.apart = set()          # names of the values kept apart from the entries
        self._new_bodies = set()    # absolute source paths whose body file must be written

    # --- keys -------------------------------------------------------------------------

    def labs_digest(self) -> str:
        if self._labs is None:
            self._labs = self._labs_digest() if self._labs_digest else ""
        return self._labs

    def _key_from(self, info) -> str:
        digest, has_tag = info
        return sha1("doc", digest, self.labs_digest()) if has_tag else sha1("doc", digest)

    def key(self, source_path: str) -> str | None:
        """The key an entry must carry to be valid for the file as it is now (read only
        when its stamp changed); None when it cannot be read."""
        path = os.path.abspath(source_path)
        found = self._keys.get(path)
        if found is None:
            info = self.stamps.known(path)
            if info is None:
                try:
                    return self.read_source(path)[1]
                except OSError:
                    return None
            found = self._keys[path] = self._key_from(info)
        return found

    def read_source(self, source_path: str):
        """(bytes, key) of the file, read now (a reader renders the bytes it read, under
        their own key, even if the file changes meanwhile)."""
        path = os.path.abspath(source_path)
        read_at = time.time_ns()  # before the stat: see build_cache.stamps
        data, st = self.stamps.read(path)
        info = text_info(data)
        self.stamps.remember(path, st, info, read_at)
        self._keys[path] = self._key_from(info)
        return data, self._keys[path]

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

    def entry(self, source_path: str, key: str | None = None):
        """The entry of the file, valid for its bytes now (or for `key`), or None."""
        path = os.path.abspath(source_path)
        self.seen.add(path)
        key = key or self.key(path)
        entry = self.entries.get(path)
        if entry is None or entry["key"] != key:
            entry = self._load(path)
            if entry is None or entry["key"] != key or entry["path"] != path:
                return None
            self.entries[path] = entry
        return entry

    def get(self, source_path: str, key: str | None = None):
        """The cached render of the file (for its bytes now, or those of `key`), or None
        (then `put` one)."""
        path = os.path.abspath(source_path)
        entry = self.entry(path, key)
        if entry is not None and entry["render"] is not None and self._body_loaded(entry):
            self.hits += 1
            return entry["render"]
        self.entries.pop(path, None)
        self.missed.add(path)
        return None

    def _body_loaded(self, entry) -> bool:
        """Put the entry's rendered body in it, from its own file; False if that is lost."""
        render = entry["render"]
        if render.get("content") != _APART:
            return True
        found = self._part(entry["path"], BODY)
        if found is None or found[0] != entry["key"]:
            return False
        render["content"] = found[1]
        return True

    def _part(self, path, name):
        """(what it was made from, value) kept in a file of its own, or None."""
        found = read_pickle(self._file(path, name))
        return found if isinstance(found, tuple) and len(found) == 2 else None

    def put(self, source_path: str, key: str, render: dict) -> None:
        path = os.path.abspath(source_path)
        self.seen.add(path)
        self.entries[path] = {"format": FORMAT, "path": path, "key": key, "render": render,
                              "derived": {}, "snapshot": None}
        self.dirty.add(path)
        self._new_bodies.add(path)

    def set_snapshot(self, source_path: str, snapshot) -> None:
        """Keep the content object made of the entry's render (build_cache.snapshots)."""
        entry = self.entries.get(os.path.abspath(source_path))
        if entry is not None:
            entry["snapshot"] = snapshot
            self.dirty.add(entry["path"])

    def release(self, source_path: str) -> None:
        """Write the file's entry now if it changed, and forget it (read again from its
        file if asked for): the process that reads posts on a clean build then holds no
        rendered post in memory."""
        path = os.path.abspath(source_path)
        entry = self.entries.pop(path, None)
        if entry is not None and path in self.dirty:
            self.dirty.discard(path)
            self._write(path, entry)

    def _write(self, path, entry):
        render = entry["render"]
        if render is not None and isinstance(render.get("content"), str):
            if path in self._new_bodies:  # else its file has it
                write_pickle(self._file(path, BODY), (entry["key"], render["content"]))
                self._new_bodies.discard(path)
            render = dict(render, content=_APART)
        write_pickle(self._file(path), dict(entry, render=render, derived={
            k: v for k, v in entry["derived"].items() if k not in self.apart}))

    def derived(self, source_path: str, name: str, inputs: str, compute, apart=False):
        """compute(), remembered in the file's entry for these exact inputs (a string).
        Without an entry for the file (not read through the cache) it just computes.
        apart: kept in a file of its own, read only when asked for (a large value that
        few builds need, like a post's feed content), not with the entry."""
        entry = self.entry(source_path) if source_path else None
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
            write_pickle(self._file(entry["path"], name), (digest, value))
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
            slot = self._part(entry["path"], name)
            if slot is not None:
                entry["derived"][name] = slot
        return slot

    def has_derived(self, source_path: str, name: str, inputs, apart=False) -> bool:
        """Whether `derived` would find the value without computing it (inputs: a text, or
        a function giving it, called only when there is a value to compare; for a value a
        worker derived in this build, perhaps not: then it is derived again)."""
        if not source_path:
            return False
        # an entry of this build that is not in memory was written without derived values
        # (they come later), so in a build that started with none, only memory is looked at
        entry = (self.entries.get(os.path.abspath(source_path)) if self.started_empty
                 else self.entry(source_path))
        slot = self._slot(entry, name, apart) if entry is not None else None
        return slot is not None and slot[0] == self._inputs_digest(entry, inputs() if callable(inputs) else inputs)

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
                if (st.st_mtime_ns, st.st_size, st.st_ino) == found[0]:
                    return found[1]
            except OSError:
                return None
        entry = read_pickle(file)
        return entry if isinstance(entry, dict) and entry.get("format") == FORMAT else None

    def save(self) -> int:
        """Write the entries changed in this build (not their values kept apart, written
        when made); return how many."""
        for path in sorted(self.dirty):
            entry = self.entries.get(path)
            if entry is not None:
                self._write(path, entry)
        saved = len(self.dirty)
        self.dirty.clear()
        return saved

    def prune(self) -> None:
        """Remove the entries of files this build did not use (deleted, renamed)."""
        keep = {os.path.basename(self._file(p)).split(".")[0] for p in self.seen}
        for name in os.listdir(self.dir):
            if name.endswith(".pickle") and name.split(".")[0] not in keep:
                try:
                    os.unlink(os.path.join(self.dir, name))
                except OSError:
                    pass
