"""What a file holds, known from its stamp: a file is read again only when it changed.

A stamp is (size, mtime, ctime, inode, device). Writing a file, or putting another
in its place, gives it a new ctime (set by the kernel; no tool sets it back) or a new
inode, so a file whose stamp is the one recorded still holds what was recorded...
unless it changed within a tick of the kernel's clock after it was read: then its
new ctime can equal the old one. So a record is trusted only when the file's mtime
and ctime were already RACY_NS old when it was read; a "racy" record (as git calls
its index entries of files written just before) is checked again by reading the file.

One Stamps per cache directory (<cache>/stamps.pickle), shared by builds of any code
and settings: a record is a fact about a file's bytes. Two builds saving at once lose
one's new records, never correctness.
"""
from __future__ import annotations

import os
import time

from cnnotes.build_cache.files import read_pickle, write_pickle
from cnnotes.build_cache.digest import sha1

FORMAT = 2
RACY_NS = 2_000_000_000  # coarser than any file system's timestamps (FAT: 2 s)


def stamp_of(st) -> tuple:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


class Stamps:
    def __init__(self, file: str | None):
        self.file = file
        self.records = {}  # (kind, path) -> (stamp, info, racy); kind: what info is
        self.dirty = False
        state = read_pickle(file) if file else None
        if isinstance(state, dict) and state.get("format") == FORMAT:
            self.records = state.get("records", {})

    def known(self, path: str, st=None, kind: str = "text"):
        """The info of this kind recorded for path if it is still true (else None); st:
        its os.stat."""
        record = self.records.get((kind, path))
        if record is None or record[2]:
            return None
        if st is None:
            try:
                st = os.stat(path)
            except OSError:
                return None
        return record[1] if record[0] == stamp_of(st) else None

    def remember(self, path: str, st, info, read_at_ns: int, kind: str = "text") -> None:
        """Record info about the bytes read from path at read_at_ns (time.time_ns(),
        taken before reading), st being its os.stat taken before that too."""
        racy = max(st.st_mtime_ns, st.st_ctime_ns) >= read_at_ns - RACY_NS
        self.records[(kind, path)] = (stamp_of(st), info, racy)
        self.dirty = True

    def read(self, path: str):
        """(bytes, os.stat) of path, read now."""
        st = os.stat(path)
        with open(path, "rb") as f:
            return f.read(), st

    def digest(self, path: str) -> str:
        """sha1 of the file's bytes ("<missing>" when it cannot be read)."""
        try:
            st = os.stat(path)
        except OSError:
            return "<missing>"
        found = self.known(path, st, kind="sha1")
        if found is not None:
            return found
        now = time.time_ns()
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            return "<unreadable>"
        found = sha1(data)
        self.remember(path, st, found, now, kind="sha1")
        return found

    def save(self) -> None:
        if not self.dirty or not self.file:
            return
        write_pickle(self.file, {"format": FORMAT, "records": self.records})
        self.dirty = False
