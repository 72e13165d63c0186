"""Strict, atomic site build: `python -m tools.build pelicanconf.py`.

Pelican logs content problems and carries on, writing into output/ as it goes.
This builds into a sibling temp dir (`output.tmp-XXXX`), collects every error
(the strict plugin's `path:line: message`s, and anything Pelican or a plugin
logs at ERROR, including a plugin that fails to load or register), and only
when there are none swaps the new tree into output/ (one atomic rename
exchange where the kernel supports it). On errors it prints them, leaves output/
as it was, and exits 1 without a Python traceback.

Incremental (plugins/build_cache, on unless `--no-cache`): documents rendered by an
earlier build are taken from .cache/pelican/ (`--cache DIR`; `make clean` removes it),
documents missing from it are rendered by a pool of processes (`--jobs`, default: one
per core) while Pelican reads, pages and feeds are written by such a pool too, and
the temp dir is the tree the previous build swapped out (`output.spare`), updated:
only files whose inputs changed are written. The output is byte for byte what a
build without the cache writes.

Library use (tests, tools.serve): `build(settings_file, overrides) -> output path`,
raising `BuildFailed` (with `.errors`, a list of strings).
"""
import argparse
import contextlib
import gc
import io
import logging
import os
import shutil
import sys
import tempfile
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

log = logging.getLogger("tools.build")
DEFAULT_CACHE = os.path.join(ROOT, ".cache", "pelican")


class BuildFailed(Exception):
    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = list(errors)


def _where(exc) -> str:
    """`file:line` of the most relevant frame: a template, else project code, else the last."""
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    lineno = getattr(exc, "lineno", None)
    filename = getattr(exc, "filename", None) or getattr(exc, "name", None)
    if lineno and filename and str(filename).endswith(".html"):
        return f"{_rel(filename)}:{lineno}"
    for pick in (lambda f: f.filename.endswith(".html"),
                 lambda f: f.filename.startswith(ROOT) and "/.venv/" not in f.filename):
        chosen = [f for f in frames if pick(f)]
        if chosen:
            return f"{_rel(chosen[-1].filename)}:{chosen[-1].lineno}"
    if frames:
        return f"{_rel(frames[-1].filename)}:{frames[-1].lineno}"
    return "<build>"


def _rel(path) -> str:
    path = os.path.abspath(str(path))
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


class _Collector(logging.Handler):
    """Collects ERROR records as build errors; prints warnings as they come."""

    def __init__(self, content_path, quiet=False):
        super().__init__(logging.WARNING)
        self.content_path = content_path
        self.quiet = quiet
        self.errors = []

    def emit(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a badly formatted log call must not hide the error
            message = str(record.msg)
        if record.levelno < logging.ERROR:
            if not self.quiet:
                print(f"warning: {message}", file=sys.stderr)
            return
        exc = record.exc_info[1] if record.exc_info else None
        if record.msg == "Could not process %s" and record.args:
            path = _rel(os.path.join(self.content_path, str(record.args[0])))
            line = getattr(exc, "line", None) or 1
            detail = f"{type(exc).__name__}: {exc}" if exc else "could not be read"
            self.errors.append(f"{path}:{line}: {detail} (at {_where(exc)})" if exc else
                               f"{path}:{line}: {detail}")
        elif exc is not None:
            self.errors.append(f"{_where(exc)}: {message.splitlines()[0]}: "
                               f"{type(exc).__name__}: {exc}")
        else:
            self.errors.append(f"error: {' '.join(message.split())}")


def overrides_from(content=None, output=None) -> dict:
    """The settings that --content and --output replace."""
    overrides = {}
    if content:
        overrides["PATH"] = content
    if output:
        overrides["OUTPUT_PATH"] = output
    return overrides


def _absolute(overrides):
    out = dict(overrides or {})
    for key in ("PATH", "OUTPUT_PATH", "THEME", "CACHE_PATH"):
        if isinstance(out.get(key), str):
            out[key] = os.path.abspath(out[key])
    return out


def swap_into_place(new_dir: str, final_dir: str) -> None:
    """Put new_dir at final_dir (atomically where the kernel can); the old tree is removed."""
    from cnnotes.build_cache.output import replace_dir

    old = replace_dir(new_dir, final_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def disconnect_plugins():
    """Disconnect every receiver from Pelican's signals.

    Signals are process-wide: without this, a second build in the same process
    (tests, tools) would still run the plugins of the first one, even ones its
    PLUGINS no longer lists. Each build's plugins connect again in register().
    """
    from blinker import Signal
    from pelican.plugins import signals

    for value in vars(signals).values():
        if isinstance(value, Signal):
            for receiver in list(value.receivers_for(Signal.ANY)):
                value.disconnect(receiver)


_C89_DIRECTIVES = frozenset("aAbBcdfGHIjmMpSUuVwWxXyYzZ%")


def _plain_format(fmt) -> bool:
    """True when pelican.utils.strftime(date, fmt) is datetime.strftime(date, fmt): it
    formats each `%[-]?.` of fmt alone, strips zeros for `%-x` and leaves a directive
    outside its C89 set as text, so with no `%-`, and every `%` followed by a directive
    of that set, it gives what one strftime call of the whole format gives. Only for
    ASCII without NUL: the C call encodes the whole format to the locale's encoding
    (lone surrogates raise) and stops at a NUL, Pelican's keeps such text out of it."""
    if not isinstance(fmt, str) or not fmt.isascii() or "\0" in fmt:
        return False
    i = fmt.find("%")
    while i != -1:
        if i + 1 >= len(fmt) or fmt[i + 1] not in _C89_DIRECTIVES:
            return False
        i = fmt.find("%", i + 2)
    return True


@contextlib.contextmanager
def no_cyclic_gc():
    """Python's cycle collector runs every few hundred allocations and, now and then,
    walks every object alive: a build allocates millions (unpickled posts, parsed HTML,
    rendered pages) that live to its end, so those walks find nothing and cost a tenth
    of a second in a rebuild at 1,000 posts, 0.4 s in a clean build at 2,000. Off for the
    build (peak memory measured the same at 2,000 posts: a build makes no cyclic garbage
    worth the walks); reference counting still frees everything else."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def memoized_date_formatting():
    """Pelican formats a post's date again for every use of its URL (`{date:%Y}` in
    ARTICLE_URL), through its locale-safe strftime: 185,000 calls for 1,000 posts.
    Within one build (one locale) the same date and format give the same text. A format
    Pelican's strftime would only split and format piece by piece (see _plain_format)
    is formatted by datetime's own strftime in one call, a fraction of the cost."""
    import datetime

    from pelican.utils import SafeDatetime

    original = SafeDatetime.strftime
    plain_strftime = datetime.datetime.strftime
    memo, plain = {}, {}

    def strftime(self, fmt, safe=True):
        key = (fmt, safe, self.year, self.month, self.day, self.hour, self.minute, self.second,
               self.microsecond, self.tzinfo, self.fold)
        text = memo.get(key)
        if text is None:
            is_plain = plain.get(fmt)
            if is_plain is None:
                is_plain = plain[fmt] = _plain_format(fmt)
            if safe and is_plain:
                text = memo[key] = plain_strftime(self, fmt)
            else:
                text = memo[key] = original(self, fmt, safe)
        return text

    SafeDatetime.strftime = strftime
    try:
        yield
    finally:
        SafeDatetime.strftime = original


@contextlib.contextmanager
def listings_only_when_written():
    """Pelican's tag, category and author pages each pick their posts out of all the
    posts by date (a pass over every post, for each tag) before asking the writer to
    write them, even when their *_SAVE_AS setting is empty and the writer then writes
    nothing (this site's listings are bilingual's). Those calls are skipped."""
    from pelican.generators import ArticlesGenerator

    saved = {}
    for name, setting in (("generate_tags", "TAG_SAVE_AS"), ("generate_categories", "CATEGORY_SAVE_AS"),
                          ("generate_authors", "AUTHOR_SAVE_AS")):
        original = saved[name] = ArticlesGenerator.__dict__[name]

        def generate(self, write, original=original, setting=setting):
            if self.settings.get(setting) != "":  # an empty name: the writer writes nothing
                original(self, write)

        setattr(ArticlesGenerator, name, generate)
    try:
        yield
    finally:
        for name, original in saved.items():
            setattr(ArticlesGenerator, name, original)


@contextlib.contextmanager
def memoized_urls():
    """Pelican formats a post's URL setting again at every use of its `url` or `save_as`
    (copying its metadata, making a relative path, formatting dates): thousands of
    times per build in listings, feeds, the sitemap and the search index. Within one
    build, the same post, setting and field values give the same text; the values are
    read as Content.url_format reads them (a field it would give a new now() for, or
    one of another kind, is not memoized). With the build cache, the texts last for the
    next builds, by setting and the values' reprs (Build.urls): a rebuild formats only
    the URLs of the posts that changed."""
    import string

    from pelican.contents import Content

    from cnnotes import build_cache

    original = Content._expand_settings
    memo, fields_of = {}, {}
    attributes = {"slug": lambda c: getattr(c, "slug", ""), "lang": lambda c: getattr(c, "lang", "en"),
                  "author": lambda c: c.author.slug if hasattr(c, "author") else "",
                  "category": lambda c: c.category.slug if hasattr(c, "category") else ""}

    def expand(self, key, klass=None):
        fq_key = f"{klass or self.__class__.__name__}_{key}".upper()
        pattern = str(self.settings[fq_key])
        fields = fields_of.get(pattern)
        if fields is None:
            fields = fields_of[pattern] = tuple(sorted(  # sorted: the same order in every build
                {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(pattern)
                 if name}))
        if "path" in fields or ("date" in fields and not hasattr(self, "date")):
            return original(self, key, klass)
        values = tuple(attributes[f](self) if f in attributes else
                       self.date if f == "date" else self.metadata.get(f) for f in fields)
        try:
            memo_key = (id(self), pattern, values)
            hash(memo_key)
        except TypeError:  # a metadata value that cannot be a key
            return original(self, key, klass)
        text = memo.get(memo_key)
        if text is None:
            build = build_cache.active()
            lasting = (pattern, tuple(map(repr, values)))
            text = build.urls.get(lasting) if build is not None else None
            if text is None:
                text = original(self, key, klass)
            if build is not None:
                build.urls_used[lasting] = text
            memo[memo_key] = text
            kept.append(self)  # ids stay unique while memoized
        return text

    kept = []
    Content._expand_settings = expand
    try:
        yield
    finally:
        Content._expand_settings = original


@contextlib.contextmanager
def quick_link_rewriting():
    """Pelican rewrites intrasite links ({filename}x.md) in every post's HTML with a
    regular expression that tries every `<` of the page, twice (its content, its static
    links): strict.links finds the same links from the few places one can start
    (LinkPattern), and rules out the posts that have none (may_link). And Pelican does
    it at every read of a post's `content` (its page, the listings' fingerprints, the
    feeds): once every post is read, and so every link target known, the result for
    the same post, HTML and site URL is kept for the rest of the build."""
    from pelican import signals
    from pelican.contents import Content

    from cnnotes.strict.links import link_pattern, may_link

    update, static_links = Content._update_content, Content.get_static_links
    pelican_pattern = Content._get_intrasite_link_regex
    memo = {}  # (post, its HTML, site URL) by identity -> (the result, the HTML, the post)
    everything_read = []  # not empty once all_generators_finalized is sent

    def _update_content(self, content, siteurl):
        if not content or not may_link(content, self.settings):
            return content
        if not everything_read:
            return update(self, content, siteurl)
        key = (id(self), id(content), siteurl)
        found = memo.get(key)
        if found is None:  # the HTML and the post are kept: their ids stay theirs
            found = memo[key] = (update(self, content, siteurl), content, self)
        return found[0]

    def all_read(generators):
        everything_read.append(True)

    def get_static_links(self):
        if isinstance(self._content, str) and not may_link(self._content, self.settings):
            return set()
        return static_links(self)

    def _get_intrasite_link_regex(self):
        return link_pattern(pelican_pattern(self), self.settings)

    Content._update_content, Content.get_static_links = _update_content, get_static_links
    Content._get_intrasite_link_regex = _get_intrasite_link_regex
    signals.all_generators_finalized.connect(all_read, weak=False)
    try:
        yield
    finally:
        signals.all_generators_finalized.disconnect(all_read)
        Content._update_content, Content.get_static_links = update, static_links
        Content._get_intrasite_link_regex = pelican_pattern


def _stop_prerendering(generators):
    from cnnotes import build_cache

    if build_cache.active() is not None:
        build_cache.active().stop_prerendering()


def _parse_templates(generator):
    """The templates' names for page fingerprints (build_cache.templates), worked out as
    Pelican starts reading: while the pool reads posts too, not later while it waits."""
    from cnnotes import build_cache

    if build_cache.active() is not None:
        build_cache.active().template_names(generator.env)


def _flush_pending(pelican):
    from cnnotes import build_cache

    if build_cache.active() is not None:
        build_cache.active().flush()


def build(settings_file="pelicanconf.py", overrides=None, quiet=True, cache=DEFAULT_CACHE,
          jobs=None, stats=None):
    """Build the site; return the output path. Raises BuildFailed listing every error.

    cache: the build cache's directory (None: no cache, everything rendered and written);
    jobs: processes rendering the documents missing from the cache (default: the cores);
    stats: a dict that gets the build's counts (documents rendered, files written ...)."""
    with no_cyclic_gc():  # from the imports on
        return _build(settings_file, overrides, quiet, cache, jobs, stats)


def _build(settings_file, overrides, quiet, cache, jobs, stats):
    from pelican import Pelican, signals
    from pelican.settings import read_settings

    from cnnotes import build_cache
    import cnnotes.build_cache.output
    from cnnotes import strict
    from cnnotes.build_cache.prerender import prerender
    from cnnotes.build_cache.snapshots import generator_hooks
    from cnnotes.build_cache.writer import get_writer

    strict.reset()
    collector = _Collector("", quiet=quiet)
    root = logging.getLogger()
    saved_level = root.level
    root.addHandler(collector)
    root.setLevel(logging.WARNING)
    tmp = cached = None
    try:
        try:
            settings = read_settings(os.path.abspath(settings_file), override=_absolute(overrides))
        except Exception as exc:  # missing file, syntax error in the settings ...
            in_settings = [f for f in traceback.extract_tb(exc.__traceback__)
                           if f.filename == os.path.abspath(settings_file)]
            where = (f"{_rel(exc.filename)}:{exc.lineno}" if isinstance(exc, SyntaxError)
                     else f"{_rel(settings_file)}:{in_settings[-1].lineno}" if in_settings
                     else _rel(settings_file))
            raise BuildFailed([f"{where}: cannot read settings: {type(exc).__name__}: {exc}"]) from None
        collector.content_path = settings["PATH"]
        final = os.path.abspath(settings["OUTPUT_PATH"])
        os.makedirs(os.path.dirname(final), exist_ok=True)
        if cache:  # build into the spare tree the previous build left (or a new one)
            tree = build_cache.output_tree(cache, final)
            tmp = tree.tmp
        else:
            tmp = tempfile.mkdtemp(prefix=os.path.basename(final) + ".tmp-", dir=os.path.dirname(final))
        settings["OUTPUT_PATH"] = tmp
        settings["DEBUG"] = True  # so Pelican passes exceptions to the log, not just their file
        # templates do not change during a build: Jinja need not stat them at every include
        jinja = dict(settings.get("JINJA_ENVIRONMENT") or {}, auto_reload=False)
        if cache:  # compiled templates kept too (Jinja checks each against its source)
            from jinja2 import FileSystemBytecodeCache

            os.makedirs(os.path.join(cache, "jinja"), exist_ok=True)
            jinja["bytecode_cache"] = FileSystemBytecodeCache(os.path.join(cache, "jinja"))
        settings["JINJA_ENVIRONMENT"] = jinja
        chatter = io.StringIO()  # Pelican's own "Done: ..." line
        disconnect_plugins()
        crashed = False
        jobs = jobs or os.cpu_count() or 1
        try:
            with contextlib.ExitStack() as stack:
                stack.enter_context(contextlib.redirect_stdout(chatter))
                stack.enter_context(memoized_date_formatting())
                stack.enter_context(memoized_urls())
                stack.enter_context(quick_link_rewriting())
                stack.enter_context(listings_only_when_written())
                if cache:  # the first receiver: pending writes are done before anything reads
                    stack.enter_context(build_cache.output.no_writes_in_place())
                    signals.finalized.connect(_flush_pending)
                    signals.all_generators_finalized.connect(_stop_prerendering)
                    signals.article_generator_init.connect(_parse_templates)
                pelican = Pelican(settings)
                if cache:
                    cached = build_cache.activate(pelican.settings, cache, tree, jobs,
                                                  problems=lambda: len(strict.errors()))
                    signals.get_writer.connect(get_writer)
                    stack.enter_context(generator_hooks(cached.restorer))
                    cached.prerendered = prerender(cached, pelican.settings, jobs)
                pelican.run()
                if cached is not None:  # what receivers of finalized after _flush_pending queued
                    cached.flush()
        except strict.StopBuild:
            pass  # content errors, reported below
        except Exception as exc:  # a theme or plugin bug: say where, briefly
            crashed = True
            collector.errors.append(f"{_where(exc)}: {type(exc).__name__}: {exc}")
        errors = [str(e) for e in strict.errors()] + collector.errors
        if cached is not None:
            cached.save()  # what was rendered stays rendered, even if the build failed
        if errors:
            if cache:  # output/ untouched; the half-built tree is kept for the next build
                tree.abandon(keep=not crashed)
                tmp = None
            raise BuildFailed(errors)
        if cached is not None:
            cached.commit()
            tmp = None
            if stats is not None:
                stats.update(prerendered=cached.prerendered, cache_hits=cached.docs.hits,
                             restored=cached.restorer.restored,
                             cache_misses=len(cached.docs.missed), kept=cached.tree.kept,
                             linked=cached.tree.linked, written=cached.tree.written,
                             docs=cached.docs.dir)
        else:
            swap_into_place(tmp, final)
        done = " ".join(chatter.getvalue().split())
        if done and not quiet:
            print(done)
        return final
    finally:
        if cached is not None:
            cached.stop_prerendering()
        build_cache.deactivate()
        disconnect_plugins()
        root.removeHandler(collector)
        root.setLevel(saved_level)
        if tmp and os.path.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.build", description=__doc__.split("\n")[0])
    parser.add_argument("settings", nargs="?", default="pelicanconf.py",
                        help="settings file (pelicanconf.py or publishconf.py)")
    parser.add_argument("--content", help="content directory instead of the settings' PATH")
    parser.add_argument("--output", help="output directory instead of the settings' OUTPUT_PATH")
    parser.add_argument("-q", "--quiet", action="store_true", help="no warnings, no summary")
    parser.add_argument("--cache", default=DEFAULT_CACHE,
                        help="build cache directory (default .cache/pelican; `make clean` removes it)")
    parser.add_argument("--no-cache", dest="cache", action="store_const", const=None,
                        help="render and write everything, neither reading nor keeping a cache")
    parser.add_argument("--jobs", type=int, help="processes rendering documents (default: the cores)")
    args = parser.parse_args(argv)
    overrides = overrides_from(args.content, args.output)
    start = time.monotonic()
    try:
        out = build(args.settings, overrides, quiet=args.quiet,
                    cache=os.path.abspath(args.cache) if args.cache else None, jobs=args.jobs)
    except BuildFailed as failed:
        for line in failed.errors:
            print(line, file=sys.stderr)
        n = len(failed.errors)
        print(f"build failed: {n} error{'s' if n != 1 else ''}; the previous output was left as it was",
              file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"built {_rel(out)}/ in {time.monotonic() - start:.2f} s")
    return 0


if __name__ == "__main__":
    gc.disable()  # as no_cyclic_gc, and not enabled again after: the process ends with the build
    code = main()
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler or coverage writes its results at exit
    sys.stdout.flush()
    sys.stderr.flush()
    # everything is written, closed and swapped in: skip tearing down the interpreter,
    # which frees a build's heap object by object (a fifth of a second at 1,000 posts)
    os._exit(code)
