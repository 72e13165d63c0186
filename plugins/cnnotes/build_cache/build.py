"""One build's cache: its documents, its output tree, its digests, its pool of writes.

build_cache.activate makes one (tools/build.py); plugins reach it through
build_cache.active().
"""
from __future__ import annotations

import functools
import os
import shutil
import sys
import time

from cnnotes.build_cache import pool, reads, snapshots
from cnnotes.build_cache.digest import Digester, content_key, settings_digest, sha1, tree_files
from cnnotes.build_cache.docs import DocCache
from cnnotes.build_cache.files import read_pickle, write_pickle
from cnnotes.build_cache.stamps import Stamps
from cnnotes.build_cache.templates import template_names

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
KEEP_DAYS = 3  # caches of other code or settings (make publish beside make html, tests) unused longer go
_MISSING = object()
LONG_VALUE = 32  # items in a page's own list or dict digested once per build (_own_part)
MIN_PARALLEL = 150  # less pending work (in pages) is done in this process (a pool costs ~0.2 s)


def code_digest(stamps, root=ROOT) -> str:
    """Digest of the code that makes the site: every file under plugins/ (templates
    included), the lab harness modules, tools/build.py, and which package versions
    are installed (the names of their dist-info directories). Files are read only when
    their stamp changed (build_cache.stamps)."""
    files = tree_files(os.path.join(root, "plugins"))
    files += sorted(os.path.join(root, "labs", n) for n in os.listdir(os.path.join(root, "labs"))
                    if n.endswith(".py")) if os.path.isdir(os.path.join(root, "labs")) else []
    files.append(os.path.join(root, "tools", "build.py"))
    dists = []
    for folder in sys.path:
        if folder.endswith("site-packages") and os.path.isdir(folder):
            dists += sorted(n for n in os.listdir(folder) if n.endswith((".dist-info", ".egg-info")))
    return sha1(*(f"{path}\0{stamps.digest(path)}" for path in files), sys.version, *dists)


def _labs_digest() -> str:
    """Digest of what the labs plugin knows of every lab (steps, record, transcript)."""
    try:
        from cnnotes import labs_site
    except ImportError:
        return ""
    return Digester().digest(labs_site.labs(), depth=0)


class Build:
    """The cache of one build: its documents, its output tree, its digests."""

    def __init__(self, settings, cache_dir, tree, jobs=1, problems=None):
        self.settings = settings
        self.jobs = jobs
        self.prerendering = None  # build_cache.prerender.Prerender while it runs
        self.prerendered = 0
        self._tasks = []   # [phase, weight, task or None when cancelled]
        self._keyed = {}   # file -> index of the task writing it
        self.cache_dir = cache_dir
        self.stamps = Stamps(os.path.join(cache_dir, "stamps.pickle"))
        self.code = code_digest(self.stamps)
        self.env = sha1("env", self.code, settings_digest(settings))
        docs_root = os.path.join(cache_dir, "docs")
        self.docs = DocCache(os.path.join(docs_root, self.env[:16]), self.stamps,
                             labs_digest=_labs_digest)
        snapshots.add_input("labs", self.docs.labs_digest)
        # the content objects of the generators (build_cache.snapshots); problems: () -> how
        # many content errors were reported so far (a read that reported one is not kept)
        self.restorer = snapshots.Restorer(self, problems or (lambda: 0))
        _prune(docs_root, self.docs.dir)
        _prune(os.path.join(cache_dir, "outputs"), tree.state_file)
        self.tree = tree
        tree.base = self.env
        self.digester = Digester()
        self.walk = reads.Walk()  # whether a value holds posts, memoized for the build
        self._read_memo = {}
        self._pair_memo = {}
        self._interned = {}  # (post key, names) -> the same tuple, shared by every page reading it
        self._common_memo = {}
        self._rest_memo = {}    # (template's names, the page's own names) -> the others, sorted
        self._index = None
        self._observers = []
        self._templates = {}
        # {(URL setting, reprs of the values it formats): the URL} (tools.build.memoized_urls)
        self._urls_file = os.path.join(self.docs.dir, "memo", "urls.pickle")
        self.urls = read_pickle(self._urls_file, {})
        self.urls_used = {}

    # --- pages --------------------------------------------------------------------------

    def page_fingerprint(self, template, rel, localcontext, pairs=None) -> str:
        """The fingerprint of a page: its template, and the values the templates use
        (localcontext: a mapping, or a ChainMap of the page's own values over Pelican's
        shared context, whose values are digested once for all the pages).
        pairs: what the page read of the posts when it was rendered (build_cache.reads):
        then posts count by identity in those values, and those reads by their values;
        None: the posts count with everything in them, two references deep."""
        digest, names = self.template_names(template.environment)
        used = names.get(template.name, names[None])
        maps = getattr(localcontext, "maps", [localcontext])
        own, shared = maps[:-1], maps[-1] if len(maps) > 1 else {}
        values = {}
        for layer in reversed(own):  # the first layer holding a name gives its value
            values.update((name, layer[name]) for name in used & layer.keys())
        d = self.digester
        deep = pairs is None
        rest = self._rest_memo.get((id(used), *values))  # the names left to the shared context, in order
        if rest is None:
            rest = self._rest_memo[(id(used), *values)] = tuple(sorted(used - values.keys()))
        common = self._common_part(template, shared, rest, deep)
        if deep:
            return self.tree.fingerprint("page", rel, template.name or "", digest, d.digest(values), common)
        return self.tree.fingerprint("page-reads", rel, template.name or "", digest, self._own_part(values),
                                     common, self._reads_digest(pairs, shared or localcontext))

    def _own_part(self, values) -> str:
        """shallow(values), with each long list or dict among them digested once per build
        (by identity): a listing gives the same one to its page in each UI language."""
        d = self.digester
        values = {name: "\0shallow:" + d.shared_shallow(value)
                  if type(value) in (list, dict, tuple) and len(value) > LONG_VALUE else value
                  for name, value in values.items()}
        return d.shallow(values)

    def _common_part(self, template, shared, names, deep) -> str:
        """The digests of the values a page takes from Pelican's shared context and the
        templates' globals (names: sorted): the same for every page of a template while
        those values are the same objects (memoized by their identities)."""
        get = shared.get
        # Jinja's template globals are a ChainMap over the environment's, whose get is
        # Python code: each of its dicts is looked at instead (same values, same objects)
        layers = getattr(template.globals, "maps", (template.globals,))
        key = (template.name, deep, names, tuple([id(get(name, _MISSING)) for name in names]),
               *(tuple([id(layer.get(name, _MISSING)) for name in names]) for layer in layers))
        found = self._common_memo.get(key)
        if found is None:
            common = {}
            for name in names:
                if name in shared:
                    common[name] = shared[name]
                elif name in template.globals:
                    value = common["global " + name] = template.globals[name]
                    for key_read in getattr(value, "context_inputs", ()):  # read besides its arguments
                        common["context " + key_read] = shared.get(key_read)
            digest = self.digester.shared if deep else self.digester.shared_shallow
            found = self._common_memo[key] = "".join(f"{k}={digest(v)};" for k, v in sorted(common.items()))
        return found

    def keep_page(self, template, rel, localcontext) -> bool:
        """True when the previous build's rel is kept (or linked): its fingerprint, from
        what that page read when it was rendered, is the same now."""
        tried = set()
        for found in self.tree.previous_extras(rel, "reads"):
            marker = found[0] if found else None
            if marker in tried:
                continue
            tried.add(marker)
            fingerprint = self.page_fingerprint(template, rel, localcontext, found and found[1])
            if self.tree.reuse(rel, fingerprint):
                return True
        return False

    def write_page(self, rel, template, localcontext) -> None:
        """Render and write a page (see `later`), noting what it reads of the posts."""
        self.template_names(template.environment)  # parsed here once, not in each pool worker
        reads.track(template.environment, self.walk)
        self.later(functools.partial(self._write_page, rel, template, localcontext), key=rel)

    def _write_page(self, rel, template, localcontext):
        with reads.recording() as seen:
            data = template.render(dict(localcontext))  # a plain dict, as Pelican gives
        found = None
        if seen.untracked is None:  # else the page's next fingerprint is the whole digest
            pairs = self.interned(seen.frozen(self.digester.content_key))
            found = (sha1(repr(pairs)), pairs)
        self.tree.write(rel, data, self.page_fingerprint(template, rel, localcontext,
                                                         found and found[1]))
        self.tree.set_extra(rel, "reads", found)
        self.rendered(rel, data)

    def interned(self, pairs) -> tuple:
        """pairs, each the one object this build has for it: the state of the output trees,
        which keeps every page's pairs, then pickles (and loads) each only once."""
        intern = self._interned.setdefault
        return tuple(intern(pair, pair) for pair in pairs)

    def _reads_digest(self, pairs, context) -> str:
        """The values of what a page read of the posts, in this build."""
        index, memo = self._contents(context), self._pair_memo
        parts = []
        for pair in pairs:  # (post key, names): the same pair comes back on many listings
            found = memo.get(pair)
            if found is None:
                post = index.get(pair[0])
                if post is None:  # gone, or not to be told apart: the page is rendered again
                    return "unknown:" + self.digester.shallow(object())
                found = memo[pair] = pair[0] + "\0" + "\0".join(self._read(post, n) for n in pair[1])
            parts.append(found)
        return sha1(*parts)

    def _read(self, post, name) -> str:
        memo_key = (id(post), name)
        found = self._read_memo.get(memo_key)
        if found is None:
            if name == reads.DEEP:
                found = "whole:" + self.digester.digest(post)
            else:
                try:
                    value = getattr(post, name)
                except AttributeError:
                    found = f"{name}:missing"
                except Exception as e:  # what a property raises is its value
                    found = f"{name}:<{type(e).__name__}>"
                else:
                    found = f"{name}=" + self.digester.token(value)
            self._read_memo[memo_key] = found
        return found

    def _contents(self, context) -> dict:
        """{content_key: post or page} of every content object Pelican made (None for a
        key two objects share)."""
        if self._index is None:
            index = {}
            for group in ("generated_content", "static_content"):
                for obj in (context.get(group) or {}).values():
                    if obj is not None:
                        key = content_key(obj)
                        index[key] = obj if index.get(key, obj) is obj else None
            self._index = {k: v for k, v in index.items() if v is not None}
        return self._index

    def template_names(self, env):
        """(digest of every template, {template name: names it and the templates it
        extends, includes or imports read from the context}; None: those of all)."""
        found = self._templates.get(id(env))
        if found is None:
            sources = {}
            for name in sorted(env.list_templates()):
                try:
                    sources[name] = env.loader.get_source(env, name)[0]
                except Exception:  # unreadable: rendering it would fail the build anyway
                    sources[name] = "<unreadable>"
            digest = sha1(*(f"{name}\0{text}" for name, text in sources.items()))
            found = self._templates[id(env)] = (digest, self._names(env, digest, sources))
        return found

    def _names(self, env, digest, sources):
        cached = os.path.join(self.cache_dir, "templates", f"names-v3-{digest}.pickle")
        names = read_pickle(cached)
        if names is None:
            names = template_names(env, sources)
            write_pickle(cached, names)
        _prune(os.path.dirname(cached), cached)  # those of templates edited since
        return names

    def fingerprint(self, *values, depth=0) -> str:
        """A fingerprint for a file that is not a page: the digest of what made it."""
        return self.tree.fingerprint(self.digester.digest(values, depth))

    def cached(self, name, inputs, compute):
        path = os.path.join(self.docs.dir, "memo", sha1(name, inputs)[:24] + ".pickle")
        missing = object()
        value = read_pickle(path, missing)
        if value is missing:
            value = compute()
            write_pickle(path, value)
        return value

    # --- writing in parallel ----------------------------------------------------------------

    def later(self, task, phase=0, weight=1.0, key=None) -> None:
        """Run task() (which writes through the tree and computes `derived` values) now, or,
        when the build has several jobs, at `flush` in a pool of processes. Phase 1 runs
        after phase 0 (and sees what it made). weight: its cost, in pages; key: the file
        it writes, for `cancel`."""
        if self.jobs < 2:
            task()
            return
        if key is not None:
            self.cancel(key)
            self._keyed[key] = len(self._tasks)
        self._tasks.append([phase, weight, task])

    def write_later(self, rel, make, fingerprint, phase=0, weight=1.0) -> None:
        """Write rel with the text make() returns (see `later`). fingerprint: a string, or a
        function giving it (then computed where the file is written, and rel kept or
        linked when it matches). Pages go through write_page."""
        self.later(functools.partial(self._write, rel, make, fingerprint), phase, weight, rel)

    def cancel(self, rel) -> None:
        """rel is being written otherwise: a pending write of it must not happen."""
        index = self._keyed.pop(rel, None)
        if index is not None:
            self._tasks[index][2] = None

    def flush(self) -> None:
        """Do the pending work, split among the jobs (Pelican's `finalized` signal, first
        receiver: before anything reads the output)."""
        tasks, self._tasks, self._keyed = self._tasks, [], {}
        for phase in (0, 1):
            # the heaviest first (the search index, a long feed), so none is left for last
            pending = sorted(((w, task) for p, w, task in tasks if p == phase and task is not None),
                             key=lambda pair: -pair[0])
            todo = [task for _, task in pending]
            if sum(w for w, _ in pending) < MIN_PARALLEL:
                for task in todo:
                    task()
                continue
            results = pool.share(todo, self.jobs, self._in_worker)  # some done here, the rest away
            for index, result in sorted(results.items()):
                task = todo[index]
                if isinstance(result, pool.Failed):  # again here, to fail with the error's place
                    task()
                    continue
                files, derived, counts = result.value
                for rel, (record, extras) in files.items():
                    self.tree.files[rel] = record
                    if extras is None:
                        self.tree.extras.pop(rel, None)
                        continue
                    if extras.get("reads"):  # one object per pair here too (see interned)
                        extras["reads"] = (extras["reads"][0], self.interned(extras["reads"][1]))
                    self.tree.extras[rel] = extras
                for name, count in counts.items():
                    setattr(self.tree, name, getattr(self.tree, name) + count)
                for path, name, slot in derived:
                    self.docs.add_derived(path, name, slot, saved=True)
                pool.replay(result.warnings)

    def _write(self, rel, make, fingerprint):
        if callable(fingerprint):
            fingerprint = fingerprint()
            if self.tree.reuse(rel, fingerprint):
                return
        self.tree.write(rel, make(), fingerprint)

    def _in_worker(self, task):
        """task() in a pool worker; what the parent needs of what it did."""
        tree = self.tree
        tree.journal = []
        self.docs.fresh.clear()
        self.docs.dirty.clear()  # the parent's to save, not this worker's
        before = {n: getattr(tree, n) for n in ("kept", "linked", "written")}
        task()
        self.docs.save()  # the entries it added values to: saved here, in parallel
        files = {rel: (tree.files[rel], tree.extras.get(rel)) for rel in tree.journal}
        return files, list(self.docs.fresh), {n: getattr(tree, n) - c for n, c in before.items()}

    # --- observers ------------------------------------------------------------------------

    def on_rendered(self, callback) -> None:
        """callback(rel, html) for every page rendered in this build (not the linked ones)."""
        self._observers.append(callback)

    def rendered(self, rel, html) -> None:
        for callback in self._observers:
            callback(rel, html)

    # --- the end --------------------------------------------------------------------------

    def wait_prerendered(self, source_path) -> bool:
        """Wait for the pool to render source_path if it is doing so (True then)."""
        return self.prerendering is not None and self.prerendering.wait(source_path)

    def stop_prerendering(self) -> None:
        """All read: wait for the pool's other tasks, end its processes."""
        if self.prerendering is not None:
            self.prerendering.close()
            self.prerendering = None

    def save(self) -> None:
        """Keep what this build rendered and learnt of files, even if it failed."""
        self.docs.save()
        self.stamps.save()
        if self.urls_used != self.urls:  # those of this build only: no growth
            write_pickle(self._urls_file, self.urls_used)

    def commit(self) -> None:
        """The build succeeded (and was saved): swap its tree in, drop unused entries."""
        self.docs.prune()
        self.tree.commit()


def _prune(folder, current):
    """Remove what in folder was not used for KEEP_DAYS (current is used now)."""
    if os.path.exists(current):
        os.utime(current)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    too_old = time.time() - KEEP_DAYS * 86400
    for name in names:
        path = os.path.join(folder, name)
        try:
            if os.stat(path).st_mtime < too_old:
                shutil.rmtree(path) if os.path.isdir(path) else os.unlink(path)
        except OSError:
            pass
