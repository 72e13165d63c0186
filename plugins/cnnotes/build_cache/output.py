"""The output being built, as an update of a spare tree: only changed files are touched.

tools/build.py never writes into output/: it builds a whole tree beside it and swaps
the two at the end (one atomic rename exchange), so a failed build leaves output/
as it was. Building a fresh tree each time costs a directory per post and a file per
page even when nothing changed (most of a second at 1,000 posts on this disk), so
the tree that the previous build swapped out is kept as a spare (`output.spare`)
and the next build updates it into the new output:

- every file written through this tree has a fingerprint: for a page, the digest of
  its template's inputs (build_cache.writer); for other files, of what made them, or
  of their bytes. The state of both trees (fingerprint, size, mtime and inode of
  each file) is kept in <cache>/outputs/;
- a file the spare already holds with the wanted fingerprint is left alone; one that
  output/ holds with it is hard-linked from there; any other is written. A file is
  always written as a new file (a temp file renamed over the name), never opened in
  place: the trees share files by hard links, and output/ must not change;
- before the build, the spare is checked against its state: any file not in it, or
  not exactly as recorded (size, mtime, inode), is deleted, and files written by
  code that does not go through this tree (Pelican's static files) are deleted
  too and written again; after it, files this build did not produce are deleted.
  So what the new tree holds is exactly what a build from nothing writes;
- after the swap, the old output becomes the spare; after a failed build the
  half-updated tree does (its state says which files it holds).

Per file, `extras` carries values computed from that file's content (the search
text of a page) to the next build, for as long as the file is kept.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import tempfile

from cnnotes.build_cache.files import read_pickle, write_pickle
from cnnotes.build_cache.digest import sha1

FORMAT = 2
SPARE_SUFFIX = ".spare"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: str, b: str) -> bool:
    """Swap two paths in one atomic step (renameat2 RENAME_EXCHANGE); False if the
    kernel or the file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b),
                              _RENAME_EXCHANGE) == 0
    except (AttributeError, OSError):
        return False


def replace_dir(new: str, final: str) -> str | None:
    """Put directory new at final. Where the kernel can swap them atomically (final is
    never missing), the old tree is then at new's path: that path is returned; else the
    old tree is moved aside with a second rename and deleted, and None is returned."""
    if not os.path.isdir(final):
        os.rename(new, final)
        return None
    if exchange(new, final):
        return new
    old = tempfile.mkdtemp(prefix=os.path.basename(final) + ".old-", dir=os.path.dirname(final))
    os.rmdir(old)
    os.rename(final, old)
    os.rename(new, final)
    shutil.rmtree(old, ignore_errors=True)
    return None


@contextlib.contextmanager
def no_writes_in_place():
    """Pelican copies static files with shutil.copyfile, which writes into an existing
    file: make it write a new one, so a copy can never go through a hard link into the
    output (a static file where a tracked file was before)."""
    from pelican import utils

    original = utils.copy_file

    def copy_file(source, destination):
        if os.path.lexists(destination) and not os.path.isdir(destination):
            os.unlink(destination)
        original(source, destination)

    utils.copy_file = copy_file
    try:
        yield
    finally:
        utils.copy_file = original


def _dir_id(path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _stat_key(st):
    return (st.st_size, st.st_mtime_ns, st.st_ino)


class OutputTree:
    def __init__(self, state_file: str, final_dir: str):
        self.state_file = state_file
        self.final = final_dir
        self.base = ""                 # digest of the code and settings, in every fingerprint
        self.files = {}                # rel -> (fingerprint, size, mtime_ns, inode): this build's
        self.extras = {}               # rel -> {name: value}
        self.linked = self.written = self.kept = 0
        self.journal = None            # a list gets every rel recorded (pool workers)
        self._dirs = set()
        state = _load(state_file)
        if not state or state.get("final") != final_dir:
            state = {"live": None, "spare": None}
        live = state.get("live")
        self.live = live if live and live.get("dir_id") == _dir_id(final_dir) else None
        self.tmp, self.spare = self._claim_spare(state.get("spare"))

    # --- the build directory --------------------------------------------------------------

    def _claim_spare(self, spare):
        """(build dir, what it holds): the spare, renamed to a name of this build's own
        (so no other build takes it too), else a new empty directory."""
        parent = os.path.dirname(self.final)
        os.makedirs(parent, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=os.path.basename(self.final) + ".tmp-", dir=parent)
        path = self.final + SPARE_SUFFIX
        if spare and spare.get("dir_id") == _dir_id(path) and spare.get("dir_id") is not None:
            os.rmdir(tmp)
            try:
                os.rename(path, tmp)
            except OSError:  # taken meanwhile
                os.makedirs(tmp)
                return tmp, None
            return tmp, self._checked(tmp, spare)
        if os.path.lexists(path):  # a spare nothing is known of: not worth keeping
            shutil.rmtree(path, ignore_errors=True)
        return tmp, None

    def _checked(self, top, record):
        """Delete from the tree at top every file that is not exactly as the record says
        (or that the record does not name); return the record of what is left."""
        known = record.get("files", {})
        kept = {}
        folders = [(top, "")]
        while folders:
            folder, prefix = folders.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    rel = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        folders.append((entry.path, rel + os.sep))
                        continue
                    old = known.get(rel)
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if old is not None and old[0] is not None and tuple(old[1:]) == _stat_key(st):
                        kept[rel] = old
                    else:
                        os.unlink(entry.path)
        extras = record.get("extras", {})
        return {"files": kept, "extras": {rel: x for rel, x in extras.items() if rel in kept}}

    # --- files ----------------------------------------------------------------------------

    @property
    def fresh(self) -> bool:
        """Nothing to keep or link: neither a spare nor a known previous output."""
        return self.live is None and self.spare is None

    def fingerprint(self, *parts: str) -> str:
        return sha1(self.base, *parts)

    def _set(self, rel, record):
        self.files[rel] = record
        if self.journal is not None:
            self.journal.append(rel)

    def _target(self, rel: str) -> str:
        path = os.path.join(self.tmp, rel)
        folder = os.path.dirname(path)
        if folder not in self._dirs:
            os.makedirs(folder, exist_ok=True)
            self._dirs.add(folder)
        return path

    def _temp_for(self, path):
        return os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{os.getpid()}.tmp")

    def reuse(self, rel: str, fingerprint: str) -> bool:
        """True when rel is in place with this fingerprint: the spare holds it, or the
        previous output does (it is linked from there); False: the caller writes it."""
        old = self.spare["files"].get(rel) if self.spare else None
        if old is not None and old[0] == fingerprint:
            self._set(rel, old)
            if rel in self.spare["extras"]:
                self.extras[rel] = self.spare["extras"][rel]
            self.kept += 1
            return True
        old = self.live["files"].get(rel) if self.live else None
        if old is None or old[0] != fingerprint:
            return False
        source = os.path.join(self.final, rel)
        try:
            st = os.stat(source)
        except OSError:
            return False
        if _stat_key(st) != tuple(old[1:]):
            return False
        target = self._target(rel)
        temp = self._temp_for(target)
        try:
            os.link(source, temp)
        except OSError:  # no hard links here: a copy is as good
            shutil.copy2(source, temp)
            st = os.stat(temp)
        os.replace(temp, target)
        self._set(rel, (fingerprint, *_stat_key(st)))
        if rel in self.live.get("extras", {}):
            self.extras[rel] = self.live["extras"][rel]
        self.linked += 1
        return True

    def write(self, rel: str, data, fingerprint: str | None = None) -> None:
        """Write data (str: UTF-8) at rel, as a new file. Without a fingerprint the
        bytes are the fingerprint, and identical bytes already there are kept."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        if fingerprint is None:
            fingerprint = "bytes:" + sha1(data)
            if self.reuse(rel, fingerprint):
                return
        target = self._target(rel)
        # a new tree has no file to keep safe; else a temp file is renamed over the name
        path = target if self.fresh else self._temp_for(target)
        with open(path, "wb") as f:
            f.write(data)
            f.flush()
            st = os.fstat(f.fileno())  # closing changes neither size, mtime nor inode
        if path != target:
            os.replace(path, target)
        self.extras.pop(rel, None)
        self._set(rel, (fingerprint, *_stat_key(st)))
        self.written += 1

    def copy(self, source: str, rel: str) -> None:
        """Copy a file (with its mtime) to rel, or keep or link the previous copy of it."""
        st = os.stat(source)
        fingerprint = f"copy:{os.path.abspath(source)}:{st.st_size}:{st.st_mtime_ns}"
        if self.reuse(rel, fingerprint):
            return
        target = self._target(rel)
        temp = self._temp_for(target)
        shutil.copy2(source, temp)
        os.replace(temp, target)
        self._set(rel, (fingerprint, *_stat_key(os.stat(target))))
        self.written += 1

    def previous(self, rel: str):
        """(path, fingerprint, extras) of rel in the previous output if it is exactly as
        that build wrote it, else None: for a writer that updates a file rather than
        remaking it."""
        old = self.live["files"].get(rel) if self.live else None
        if old is None:
            return None
        path = os.path.join(self.final, rel)
        try:
            if _stat_key(os.stat(path)) != tuple(old[1:]):
                return None
        except OSError:
            return None
        return path, old[0], self.live.get("extras", {}).get(rel, {})

    def previous_fingerprints(self, folder: str) -> dict:
        """{fingerprint: rel} of the files under folder (a prefix ending in /) in the
        previous output, as its state says (`previous` tells whether one is intact)."""
        found = {}
        for rel, record in (self.live or {}).get("files", {}).items():
            if rel.startswith(folder):
                found.setdefault(record[0], rel)
        return found

    def keep(self, rel: str) -> bool:
        """Keep rel as the previous build wrote it (False if it cannot be had intact)."""
        found = self.previous(rel)
        return found is not None and self.reuse(rel, found[1])

    def forget(self, rel: str) -> None:
        """rel is about to be written behind the tree's back: delete what is there (it
        may be linked with the output) and know nothing of it."""
        self.files.pop(rel, None)
        self.extras.pop(rel, None)
        if self.spare is not None:
            self.spare["files"].pop(rel, None)
        path = os.path.join(self.tmp, rel)
        if os.path.lexists(path) and not os.path.isdir(path):
            os.unlink(path)

    def previous_extras(self, rel: str, name: str) -> list:
        """The `name` extra of rel in the spare, then in the previous output, for each
        that holds rel (None where it has none)."""
        return [tree.get("extras", {}).get(rel, {}).get(name) for tree in (self.spare, self.live)
                if tree is not None and rel in tree["files"]]

    def extra(self, rel: str, name: str, default=None):
        return self.extras.get(rel, {}).get(name, default)

    def set_extra(self, rel: str, name: str, value) -> None:
        self.extras.setdefault(rel, {})[name] = value
        if self.journal is not None and rel in self.files:
            self.journal.append(rel)

    # --- the end --------------------------------------------------------------------------

    def _record(self):
        """What the tree holds; extras named with a leading _ are for this build only."""
        return {"files": dict(self.files),
                "extras": {rel: {k: v for k, v in x.items() if not k.startswith("_")}
                           for rel, x in self.extras.items() if rel in self.files}}

    def _drop_stale(self):
        """Delete what the spare held that this build did not produce."""
        for rel in (self.spare or {}).get("files", {}):
            if rel not in self.files:
                path = os.path.join(self.tmp, rel)
                try:
                    os.unlink(path)
                except OSError:
                    continue
                folder = os.path.dirname(path)
                while folder != self.tmp:  # and the directories it leaves empty
                    try:
                        os.rmdir(folder)
                    except OSError:
                        break
                    folder = os.path.dirname(folder)

    def commit(self) -> None:
        """The build succeeded: make its tree the output, keep the old output as the spare."""
        self._drop_stale()
        new = dict(self._record(), dir_id=_dir_id(self.tmp))
        old_live = self.live
        spare_path = self.final + SPARE_SUFFIX
        spare = None
        old = replace_dir(self.tmp, self.final)
        if old is not None:  # the old output, kept as the spare for the next build
            if os.path.lexists(spare_path):
                shutil.rmtree(spare_path, ignore_errors=True)
            try:
                os.rename(old, spare_path)
                if old_live is not None:
                    spare = dict(old_live, dir_id=_dir_id(spare_path))
            except OSError:
                shutil.rmtree(old, ignore_errors=True)
        new["dir_id"] = _dir_id(self.final)
        self._save({"live": new, "spare": spare})

    def abandon(self, keep=True) -> None:
        """The build failed: output/ stays as it was; the half-updated tree is the spare
        (keep=False: it is deleted, after a crash that may have left it in any state)."""
        spare_path = self.final + SPARE_SUFFIX
        if not keep:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self._save({"live": self.live, "spare": None})
            return
        record = self._record()
        if self.spare is not None:  # what it held and this build did not touch is still there
            for rel, old in self.spare["files"].items():
                record["files"].setdefault(rel, old)
                if rel in self.spare["extras"] and rel not in record["extras"]:
                    record["extras"][rel] = self.spare["extras"][rel]
        try:
            if os.path.lexists(spare_path):
                shutil.rmtree(spare_path, ignore_errors=True)
            os.rename(self.tmp, spare_path)
        except OSError:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self._save({"live": self.live, "spare": None})
            return
        self._save({"live": self.live, "spare": dict(record, dir_id=_dir_id(spare_path))})

    def _save(self, trees) -> None:
        write_pickle(self.state_file, {"format": FORMAT, "final": self.final, **trees})


def _load(path):
    state = read_pickle(path)
    return state if isinstance(state, dict) and state.get("format") == FORMAT else None
