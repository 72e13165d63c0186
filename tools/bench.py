"""Build benchmarks: `python -m tools.bench` (what `make bench` runs).

Measures this site's build against stock Pelican (same version, default theme, same
Markdown extensions, no plugins) and Hugo on one synthetic corpus (tools/corpus.py):

- full clean build, ours vs stock (and Hugo when installed): wall and CPU seconds;
- warm build: ours with the render cache a build left, its output removed;
- one-post rebuilds after editing a post, ours (tools.build with its render cache: the
  first after the clean build, then a second) and stock with its content cache;
- `make serve`'s save-to-reload: edit a post, wait for the server's reload event;
- peak memory (ru_maxrss of each build process) and its growth with N;
- a cProfile of our build, grouped by module (Markdown, Pygments, Jinja, each plugin, I/O);
- a book of 250 pages against stock Pelican's 250 posts (tools/bench_books.py);
- the lab harness overhead (`python -m labs bench`).

Every build is a child process. The commands alternate run by run (ours, stock, Hugo,
ours, stock, Hugo ...), so a noisy neighbour slows all of them alike and the ratios hold;
figures are medians. The report is printed, saved to .cache/bench/report.md (with every
run in results.json), and with --update FILE written between the bench markers of FILE.
"""
from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import os
import platform
import pstats
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from tools import corpus  # noqa: E402

PY = sys.executable
HUGO_MISSING = "hugo not installed (Debian package hugo; `make bench` installs it as root)"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
EDITED_POST = 2  # the post edited for rebuild timings: an English post, not in a pair


class BenchError(Exception):
    """A build failed or produced the wrong pages: the figures would be meaningless."""


@dataclass
class Run:
    what: str
    posts: int
    wall: float      # seconds
    cpu: float       # user + system seconds of the child and its children
    rss_mb: float    # peak resident set size of the child (ru_maxrss)


# --- running children -------------------------------------------------------------------

# A child's ru_maxrss starts at its parent's peak: exec() records the old (copied) address
# space's high-water mark. So builds are forked from this small launcher, whose own peak is
# a few MB, and it reports the build's wait4() rusage on its stdout.
_LAUNCHER = (
    "import os, sys, json\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)\n"
    "    os.execvp(sys.argv[1], sys.argv[1:])\n"
    "_, status, u = os.wait4(pid, 0)\n"
    "print(json.dumps([os.waitstatus_to_exitcode(status), u.ru_utime + u.ru_stime, u.ru_maxrss]))\n"
)


def child_env() -> dict:
    """This environment, for a command to run as Python does by default, keeping compiled
    modules in __pycache__: with PYTHONDONTWRITEBYTECODE (this machine's shell sets it)
    each run of a build would compile from source every module edited since its cache
    was last written."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_child(cmd, what, posts, cwd=ROOT, env=None) -> Run:
    """Run cmd through the launcher to get its own rusage; raise BenchError on failure."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, *cmd], cwd=cwd,
                              env=child_env() if env is None else env,
                              stdout=subprocess.PIPE, stderr=err)
        wall = time.perf_counter() - start
        try:
            code, cpu, maxrss_kb = json.loads(proc.stdout)
        except ValueError:
            code, cpu, maxrss_kb = proc.returncode or 1, 0.0, 0
        if code != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace").strip().splitlines()[-15:]
            raise BenchError(f"{what} (N={posts}) failed with exit {code}: "
                             f"{' '.join(cmd)}\n  " + "\n  ".join(tail))
    return Run(what, posts, wall, cpu, maxrss_kb / 1024)


def hugo_path():
    return shutil.which("hugo")


def version_of(cmd) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        return out.splitlines()[0] if out else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


# --- settings for the three builds ------------------------------------------------------

def stock_settings(content, output, cache=None) -> str:
    """A settings file for stock Pelican: defaults (notmyidea theme, feeds on), no
    plugins, our Markdown extensions, quickstart's pagination. With cache: Pelican's
    own content cache, its one incremental mode."""
    lines = [
        '"""Stock Pelican for tools.bench: defaults, no plugins, the site\'s Markdown."""',
        "from markdown.extensions.toc import slugify_unicode",
        f"PATH = {content!r}",
        f"OUTPUT_PATH = {output!r}",
        'SITENAME = "Bench"',
        'TIMEZONE = "Asia/Shanghai"',
        'DEFAULT_LANG = "en"',
        'ARTICLE_PATHS = ["posts"]',
        'STATIC_PATHS = ["files"]',
        "PLUGINS = []",
        "DEFAULT_PAGINATION = 10  # pelican-quickstart's default; the site shows 10 per page",
        "MARKDOWN = {",
        '    "extension_configs": {',
        '        "markdown.extensions.codehilite": {"css_class": "highlight", "guess_lang": False},',
        '        "markdown.extensions.extra": {},',
        '        "markdown.extensions.toc": {"marker": "[TOC]", "toc_depth": "2-4",',
        '                                    "slugify": slugify_unicode, "permalink": False},',
        '        "markdown.extensions.sane_lists": {},',
        '        "markdown.extensions.meta": {},  # stock reads `Key: value` metadata with it',
        "    },",
        '    "output_format": "html5",',
        "}",
    ]
    if cache:
        lines += ["CACHE_CONTENT = True", "LOAD_CONTENT_CACHE = True", f"CACHE_PATH = {cache!r}"]
    return "\n".join(lines) + "\n"


class Setup:
    """One corpus size: the corpus, the output dirs and the build commands."""

    def __init__(self, work, n, seed):
        self.n = n
        self.dir = os.path.join(work, f"n{n}")
        self.corpus = os.path.join(self.dir, "corpus")
        self.out = {k: os.path.join(self.dir, f"out-{k}") for k in ("ours", "stock", "stock-cache", "hugo")}
        self.stock_cache = os.path.join(self.dir, "stock-cache")
        self.ours_cache = os.path.join(self.dir, "cache-ours")  # tools.build's render cache
        self.seed = seed

    def write(self):
        if os.path.isdir(self.dir):
            shutil.rmtree(self.dir)
        os.makedirs(self.dir)
        self.posts = corpus.write(self.n, self.corpus, self.seed)
        for name, out, cache in (("stock.py", self.out["stock"], None),
                                 ("stock-cache.py", self.out["stock-cache"], self.stock_cache)):
            with open(os.path.join(self.dir, name), "w") as f:
                f.write(stock_settings(os.path.join(self.corpus, "stock"), out, cache))

    def cmd(self, what):
        if what == "ours":
            return [PY, "-m", "tools.build", "pelicanconf.py", "--content",
                    os.path.join(self.corpus, "ours"), "--output", self.out["ours"], "-q",
                    "--cache", self.ours_cache]
        if what == "stock":
            return [PY, "-m", "pelican", "-s", os.path.join(self.dir, "stock.py"), "-q"]
        if what == "stock-cache":
            return [PY, "-m", "pelican", "-s", os.path.join(self.dir, "stock-cache.py"), "-q"]
        if what == "hugo":
            return [hugo_path(), "--source", os.path.join(self.corpus, "hugo"), "--destination",
                    self.out["hugo"], "--cacheDir", os.path.join(self.dir, "hugo-cache"), "--quiet"]
        raise ValueError(what)

    def clean(self, what):
        """As `make clean`: no output, and for ours no render cache."""
        paths = [self.out[what], os.path.join(self.corpus, "hugo", "resources")]
        if what == "ours":  # as `make clean`: its compiled templates too
            paths += [self.ours_cache, os.path.join(ROOT, ".cache", "jinja"), *glob.glob(self.out["ours"] + ".*")]
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)

    def full(self, what) -> Run:
        self.clean(what)
        return run_child(self.cmd(what), what, self.n)

    def edit(self, k):
        """Append a sentence to one post, in every form (a writer saving a post)."""
        post = self.posts[min(EDITED_POST, self.n - 1)]
        for form, sub in (("ours", "posts"), ("stock", "posts"), ("hugo", "content/posts")):
            with open(os.path.join(self.corpus, form, sub, post.filename), "a", encoding="utf-8") as f:
                f.write(f"\nEdited for rebuild number {k}.\n")
        return post

    def check(self, what):
        """The build wrote a page for every post (so we never time a broken build)."""
        out = self.out[what]
        if what == "ours":
            found = sum(1 for d in _walk_dirs(out) if os.path.basename(d).startswith("bench-")
                        and os.path.isfile(os.path.join(d, "index.html")))
        elif what in ("stock", "stock-cache"):
            found = len([f for f in os.listdir(out) if f.startswith("bench-") and f.endswith(".html")])
        else:
            found = sum(1 for sub in ("posts", "zh/posts") for d in os.listdir(os.path.join(out, sub))
                        if d.startswith("bench-"))
        if found != self.n:
            raise BenchError(f"{what} (N={self.n}) wrote {found} post pages, expected {self.n}: see {out}")


def _walk_dirs(top):
    for dirpath, dirnames, _ in os.walk(top):
        for d in dirnames:
            yield os.path.join(dirpath, d)


# --- measuring ----------------------------------------------------------------------------

def say(msg):
    print(msg, file=sys.stderr, flush=True)


def measure_size(setup, reps, with_hugo, rebuild=True) -> list:
    """Alternate full builds (ours, stock, Hugo) and one-post rebuilds, reps times."""
    runs = []
    if rebuild:
        say(f"  N={setup.n}: warming stock Pelican's content cache")
        setup.full("stock-cache")
    order = ["ours", "stock"] + (["hugo"] if with_hugo else [])
    for k in range(reps):
        for what in order:
            r = setup.full(what)
            if k == 0:
                setup.check(what)
            runs.append(r)
            say(f"  N={setup.n} run {k + 1}/{reps}: {what:6} full    {r.wall:7.2f} s wall "
                f"{r.cpu:7.2f} s CPU {r.rss_mb:6.0f} MB")
            if what == "ours":  # the render cache it left, no output: the warm build
                shutil.rmtree(setup.out["ours"], ignore_errors=True)
                r = run_child(setup.cmd("ours"), "ours warm", setup.n)
                runs.append(r)
                say(f"  N={setup.n} run {k + 1}/{reps}: ours   warm    {r.wall:7.2f} s wall "
                    f"{r.cpu:7.2f} s CPU")
        if rebuild:  # the first edit after the full build, then a second one (the steady state)
            for step, label in ((0, "rebuild"), (1, "next rebuild")):
                setup.edit(2 * k + step)
                for what in ("ours", "stock-cache"):
                    r = run_child(setup.cmd(what), f"{what} {label}", setup.n)
                    runs.append(r)
                    say(f"  N={setup.n} run {k + 1}/{reps}: {what:6} {label:12} {r.wall:7.2f} s wall "
                        f"{r.cpu:7.2f} s CPU")
    return runs


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure_serve(setup, edits=1) -> list:
    """Seconds from saving a post to `make serve` announcing the reload, and the
    served page showing the edit (the browser's part, rendering, is not counted)."""
    def edit(k):
        post = setup.edit(100 + k)
        return f"/en/{post.date:%Y/%m/%d}/{post.slug}/", f"Edited for rebuild number {100 + k}."
    return save_to_reload(os.path.join(setup.corpus, "ours"), os.path.join(setup.dir, "out-serve"),
                          edit, f"N={setup.n}", edits)


REAL_POST = "how-docker-1-11-share-network-accross-containers.md"  # a post of content/posts/


def measure_serve_real(work, edits) -> dict:
    """measure_serve on a copy of the site's own content/, editing REAL_POST."""
    from cnnotes.front_matter.fields import parse_date
    from cnnotes.front_matter.formats import read_metadata

    content = os.path.join(work, "real-content")
    shutil.rmtree(content, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "content"), content)
    post = os.path.join(content, "posts", REAL_POST)
    with open(post, encoding="utf-8") as f:
        raw = read_metadata(f.read()).raw
    url = f"/{raw['lang']}/{parse_date(raw['date']):%Y/%m/%d}/{raw['slug']}/"

    def edit(k):
        mark = f"Edited for reload number {k}."
        with open(post, "a", encoding="utf-8") as f:
            f.write(f"\n{mark}\n")
        return url, mark
    posts = len([n for n in os.listdir(os.path.join(content, "posts")) if n.endswith(".md")])
    return {"posts": posts, "times": save_to_reload(content, os.path.join(work, "out-serve-real"), edit,
                                                     "real content", edits)}


def save_to_reload(content, out, edit, label, edits=1) -> list:
    """Serve content with tools.serve; edits times, call edit(k) -> (page path, text the
    edit added) and time from the save to the served page showing it."""
    port = free_port()
    proc = subprocess.Popen([PY, "-m", "tools.serve", "--port", str(port), "--content", content,
                             "--output", out],
                            cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    times = []
    try:
        for line in proc.stdout:  # "built in ..." then "serving ..."
            if line.startswith("serving"):
                break
            if "FAILED" in line:
                raise BenchError(f"make serve's first build failed ({label})")
        else:
            raise BenchError("tools.serve exited before serving")
        threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep the pipe drained
        events = urllib.request.urlopen(f"http://127.0.0.1:{port}/__reload__", timeout=600)
        first = _next_event(events)
        seen = first["id"]
        for k in range(edits):
            time.sleep(1.0)  # the watcher's snapshot predates the edit
            path, mark = edit(k)
            url = f"http://127.0.0.1:{port}{path}"
            start = time.perf_counter()
            errors = []
            # tools.serve also watches theme/ and plugins/, which others may be editing:
            # wait for the first good build whose page shows this edit
            while time.perf_counter() - start < 900:
                build = _next_event(events)
                if build["id"] == seen:
                    continue
                seen = build["id"]
                if not build["ok"]:
                    errors = build["errors"][:3]
                    continue
                page = urllib.request.urlopen(url, timeout=60).read().decode()
                if mark in page:
                    break
            else:
                raise BenchError(f"make serve never showed the edit at {url}"
                                 + (f"; build errors: {errors}" if errors else ""))
            took = time.perf_counter() - start
            times.append(took)
            say(f"  {label} serve: save to reload {took:.2f} s")
        events.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return times


def _next_event(stream) -> dict:
    data = None
    while True:
        line = stream.readline()
        if not line:
            raise BenchError("tools.serve closed the reload stream")
        line = line.decode().rstrip("\n")
        if line.startswith("data: "):
            data = json.loads(line[6:])
        elif line == "" and data is not None:
            return data


# --- profile ------------------------------------------------------------------------------

STDLIB_IO = ("shutil.py", "tempfile.py", "glob.py", "os.py", "genericpath.py")


def category(key) -> str:
    """The module group a profiled function belongs to; '' for builtins and standard
    library code, whose time goes to their caller's group, unless they do file I/O."""
    filename, _, func = key
    if filename == "~":
        name = func.strip("<>{}")
        if re.search(r"\b(io|_io|posix|_posixsubprocess)\.|of '_io\.", name) or "'_io." in name:
            return "I/O (files, directories)"
        return ""
    path = filename.replace("\\", "/")
    root = ROOT + "/"
    if path.startswith(root + "plugins/cnnotes/"):
        name = path[len(root + "plugins/cnnotes/"):].split("/")[0]
        return "plugin search (indexer)" if name == "search" else f"plugin {name}"
    if path.endswith(".html") or "/jinja2/" in path or "/markupsafe/" in path:
        return "Jinja (templates)"
    if "/markdown/" in path:
        return "Markdown"
    if "/pygments/" in path:
        return "Pygments"
    if "/pelican/" in path:
        return "Pelican core"
    if "/yaml/" in path:
        return "YAML"
    if any(p in path for p in ("/bs4/", "/lxml/", "/soupsieve/", "/html5lib/")):
        return "HTML parsing (bs4, lxml)"
    if any(p in path for p in ("/nbconvert/", "/nbformat/", "/traitlets/", "/jupyter", "/mistune/",
                               "/jsonschema", "/fastjsonschema/", "/referencing/")):
        return "nbconvert, nbformat"
    if "/feedgenerator/" in path:
        return "feedgenerator"
    if path.startswith(root + "labs/"):
        return "labs (lab.md parsing)"
    if path.startswith(root + "tools/"):
        return "tools.build"
    if "importlib" in path or path.startswith("<frozen zipimport"):
        return "imports"
    if path.startswith("<frozen "):  # os, posixpath, codecs ... frozen into the interpreter
        path = path[len("<frozen "):-1] + ".py"
    if "/site-packages/" in path:
        return "other packages: " + path.split("/site-packages/")[1].split("/")[0]
    if os.path.basename(path) in STDLIB_IO:
        return "I/O (files, directories)"
    return ""  # the standard library works for whoever called it: html.parser for bs4 ...


def profile_groups(stats: pstats.Stats) -> tuple:
    """(total seconds, {group: self seconds}): every profiled second in exactly one group.

    The self time of a builtin or standard-library function (str.join, re, html.parser,
    lxml's C parser) goes to the group of the code that called it, except file and
    directory calls, which are I/O."""
    raw = stats.stats
    memo = {}

    def group(key, depth=0):
        if key in memo:
            return memo[key]
        g = category(key)
        if not g:
            callers = raw[key][4] if key in raw else {}
            g = group(max(callers, key=lambda c: callers[c][3]), depth + 1) \
                if callers and depth < 8 else "Python stdlib"
        memo[key] = g
        return g

    groups = {}
    for key, (cc, nc, tt, ct, callers) in raw.items():
        if category(key) == "" and callers:  # builtin or stdlib: time to each caller's group
            for c, edge in callers.items():
                groups[group(c)] = groups.get(group(c), 0.0) + edge[2]
        else:
            groups[group(key)] = groups.get(group(key), 0.0) + tt
    return stats.total_tt, groups


# (label, path fragment, function name): one function whose cumulative time measures a
# whole subsystem; cProfile counts a recursive function once, so these do not overlap
# themselves (they do nest in each other: Pygments runs inside Markdown).
LANDMARKS = [
    ("Python imports (start-up and lazy imports)", "importlib._bootstrap", "_find_and_load"),
    ("Markdown: Markdown.convert (with Pygments and our extensions)", "/markdown/core.py", "convert"),
    ("Pygments: highlight()", "/pygments/__init__.py", "highlight"),
    ("Pygments: HtmlFormatter.get_style_defs (a stylesheet)", "/pygments/formatters/html.py", "get_style_defs"),
    ("Pygments: HtmlFormatter() construction", "/pygments/formatters/html.py", "__init__"),
    ("Markdown: Markdown() construction", "/markdown/core.py", "__init__"),
    ("YAML front matter: yaml load", "/yaml/__init__.py", "load"),
    ("Jinja: Template.render", "/jinja2/environment.py", "render"),
    ("Jinja: compiling templates", "/jinja2/environment.py", "compile"),
    ("BeautifulSoup parsing", "/bs4/__init__.py", "__init__"),
    ("Pelican: writing pages (Writer.write_file)", "/pelican/writers.py", "write_file"),
    ("Pelican: Content.get_summary", "/pelican/contents.py", "get_summary"),
    ("Pelican: copying static files", "/pelican/generators.py", "_copy_paths"),
]


def landmarks(stats) -> list:
    rows = []
    for label, fragment, func in LANDMARKS:
        keys = [k for k in stats.stats if fragment in k[0] and k[2] == func]
        if keys:
            rows.append({"what": label, "calls": sum(stats.stats[k][1] for k in keys),
                         "cumulative": sum(stats.stats[k][3] for k in keys)})
    return rows


def pelican_phases(stats) -> list:
    """What Pelican.run calls (generators' context and output, signals, writer), with
    the cumulative time of each call edge."""
    stats.calc_callees()
    run = [k for k in stats.stats if k[0].endswith("/pelican/__init__.py") and k[2] == "run"]
    rows = []
    for key in run:
        for callee, edge in stats.all_callees.get(key, {}).items():
            rows.append({"what": _short(callee), "calls": edge[0], "cumulative": edge[3]})
    return sorted(rows, key=lambda r: r["cumulative"], reverse=True)


def plugin_entries(stats) -> list:
    """Per plugin: the time of calls into it from Pelican (signal handlers, readers,
    generators) and from Markdown (extensions). Calls back into a plugin from a Jinja
    template are left out, so nested time is not counted twice."""
    from_groups = ("Pelican core", "other packages: blinker", "Markdown", "tools.build")
    totals = {}
    for key, (cc, nc, tt, ct, callers) in stats.stats.items():
        g = category(key)
        if not g.startswith("plugin "):
            continue
        for c, edge in callers.items():
            if category(c) in from_groups:
                totals[g] = totals.get(g, 0.0) + edge[3]
    return [{"what": g, "cumulative": t} for g, t in sorted(totals.items(), key=lambda kv: kv[1], reverse=True)]


def _short(key) -> str:
    filename, line, func = key
    if filename == "~":
        return func
    path = filename.replace("\\", "/")
    for marker in ("/site-packages/", ROOT + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    else:
        path = os.path.basename(path)
    return f"{path}:{line}({func})"


def top_functions(stats, limit=30) -> list:
    """The functions with the most cumulative time, skipping generic plumbing."""
    skip = ("importlib", "<frozen", "runpy", "cProfile", "profile.py", "<string>")
    rows = []
    for key, (cc, nc, tt, ct, callers) in stats.stats.items():
        if key[0] == "~" and key[2] in ("<built-in method builtins.exec>",):
            continue
        if any(s in key[0] for s in skip):
            continue
        rows.append((ct, tt, nc, key))
    rows.sort(key=lambda r: r[0], reverse=True)
    return [{"function": _short(k), "group": category(k) or "builtin", "calls": nc,
             "self": tt, "cumulative": ct} for ct, tt, nc, k in rows[:limit]]


def run_profile(setup) -> dict:
    """cProfile of a clean build."""
    out_file = os.path.join(setup.dir, "profile.pstats")
    setup.clean("ours")
    cmd = [PY, "-m", "cProfile", "-o", out_file] + setup.cmd("ours")[1:]
    run = run_child(cmd, "ours under cProfile", setup.n)
    stats = pstats.Stats(out_file)
    total, groups = profile_groups(stats)
    return {"posts": setup.n, "wall": run.wall, "total": total, "file": out_file, "groups": groups,
            "landmarks": landmarks(stats), "phases": pelican_phases(stats),
            "plugins": plugin_entries(stats), "top": top_functions(stats)}


SAMPLE_EVERY = 0.002  # CPU seconds between stack samples


def frame_group(frame) -> str:
    """The group of the innermost frame that is not standard-library code."""
    while frame is not None:
        code = frame.f_code
        g = category((code.co_filename, code.co_firstlineno, code.co_name))
        if g:
            return g
        frame = frame.f_back
    return "Python stdlib"


def sampled_build(out_json, argv):
    """Run tools.build in this process, sampling its stack on SIGPROF (every 2 ms of CPU).

    cProfile's cost per call inflates code made of many tiny calls (a tokenizer calling a
    function per character) several times more than the rest; samples cost nothing per
    call. Python runs the handler between bytecodes, so a long C call (lxml parsing, a
    file write) is seen once, when it returns to the Python code that made it: each
    sample is weighted by the CPU time since the previous one, which gives that caller
    the whole call. (A sampling thread would not do: it gets the GIL mostly while the
    build is in a call that releases it, and so over-counts file system calls.)"""
    import signal

    from tools import build

    self_t, incl_t, top = {}, {}, {}
    last = [time.process_time()]

    def on_sample(signum, frame):
        now = time.process_time()
        weight, last[0] = now - last[0], now
        if frame is None:
            return
        g = frame_group(frame)
        self_t[g] = self_t.get(g, 0.0) + weight
        code = frame.f_code
        where = _short((code.co_filename, code.co_firstlineno, code.co_name))
        top[where] = top.get(where, 0.0) + weight
        seen = set()
        while frame is not None:
            c = frame.f_code
            seen.add(category((c.co_filename, c.co_firstlineno, c.co_name)))
            frame = frame.f_back
        for g in seen - {""}:
            incl_t[g] = incl_t.get(g, 0.0) + weight

    signal.signal(signal.SIGPROF, on_sample)
    signal.setitimer(signal.ITIMER_PROF, SAMPLE_EVERY, SAMPLE_EVERY)
    try:
        rc = build.main(argv)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, signal.SIG_DFL)
    with open(out_json, "w") as f:
        json.dump({"samples": sum(self_t.values()), "self": self_t, "inclusive": incl_t,
                   "top": sorted(top.items(), key=lambda kv: kv[1], reverse=True)[:15]}, f)
    return rc


def run_sampled(setup) -> dict:
    """Sampled profile of a clean build."""
    out_file = os.path.join(setup.dir, "samples.json")
    setup.clean("ours")
    argv = setup.cmd("ours")[3:]
    code = f"import sys; from tools import bench; sys.exit(bench.sampled_build({out_file!r}, {argv!r}))"
    run = run_child([PY, "-c", code], "ours, sampled", setup.n)
    with open(out_file) as f:
        data = json.load(f)
    data.update(posts=setup.n, cpu=run.cpu, wall=run.wall)
    return data


# --- the lab harness ----------------------------------------------------------------------

def books_bench(args) -> dict:
    """tools/bench_books.py in a process of its own: its results, with its report's lines."""
    out = os.path.join(args.work, "books.json")
    done = subprocess.run([PY, "-m", "tools.bench_books", "--pages", str(args.book_pages), "--reps",
                           str(args.reps), "--serve-edits", str(args.serve_edits), "--seed", str(args.seed),
                           "--work", args.work, "--json", out], cwd=ROOT, env=child_env(),
                          stdout=subprocess.DEVNULL)
    if done.returncode != 0:
        raise BenchError("the book benchmark failed (python -m tools.bench_books)")
    with open(out, encoding="utf-8") as f:
        return json.load(f)


def labs_bench() -> str:
    if not os.path.isfile(os.path.join(ROOT, "labs", "bench.py")):
        return "`python -m labs bench` does not exist yet."
    proc = subprocess.run([PY, "-m", "labs", "bench"], cwd=ROOT, capture_output=True, text=True,
                          timeout=900)
    text = (proc.stdout + proc.stderr).strip()
    if proc.returncode != 0:
        return f"`python -m labs bench` exited {proc.returncode}:\n\n```\n{text}\n```"
    return f"```\n{text}\n```"


# --- machine ------------------------------------------------------------------------------

def machine() -> dict:
    def first(path, prefix, sep=":"):
        try:
            with open(path) as f:
                for line in f:
                    if line.startswith(prefix):
                        return line.split(sep, 1)[1].strip()
        except OSError:
            pass
        return "?"

    from importlib.metadata import version
    mem_kb = first("/proc/meminfo", "MemTotal")
    try:
        ram = f"{int(mem_kb.split()[0]) / 1024 / 1024:.1f} GiB"
    except ValueError:
        ram = "?"
    hugo = hugo_path()
    return {
        "cpus": os.cpu_count(), "cpu": first("/proc/cpuinfo", "model name"), "ram": ram,
        "kernel": platform.release(), "os": first("/etc/os-release", "PRETTY_NAME", "=").strip('"'),
        "python": platform.python_version(),
        "pelican": version("pelican"), "markdown": version("markdown"),
        "pygments": version("pygments"), "jinja2": version("jinja2"),
        "hugo": version_of([hugo, "version"]) if hugo else "not installed",
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


# --- report -------------------------------------------------------------------------------

def med(runs, what, n, field="wall"):
    values = [getattr(r, field) for r in runs if r.what == what and r.posts == n]
    return statistics.median(values) if values else None


def run_ratios(runs, what, other, n, field="wall") -> list:
    """what / other for the k-th run of each at size n (they alternate, so the k-th of
    each ran one after the other)."""
    mine = [getattr(r, field) for r in runs if r.what == what and r.posts == n]
    theirs = [getattr(r, field) for r in runs if r.what == other and r.posts == n]
    return [_ratio(a, b) for a, b in zip(mine, theirs)]


def _f(x, fmt="{:.2f}"):
    return "–" if x is None else fmt.format(x)


def _ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def linearity(points) -> str:
    """MB per 1,000 posts for each step of N, and whether growth stays linear."""
    points = sorted(points)
    if len(points) < 3:
        return ""
    slopes = [(b[1] - a[1]) / (b[0] - a[0]) * 1000 for a, b in zip(points, points[1:])]
    steps = ", ".join(f"{a[0]}→{b[0]}: {s:.0f} MB per 1,000 posts"
                      for (a, b), s in zip(zip(points, points[1:]), slopes))
    verdict = ("linear (the last step grows no faster than the first)" if slopes[-1] <= slopes[0] * 1.3
               else "FASTER than linear")
    return f"{steps}; {verdict}"


def report(results) -> str:
    m, runs = results["machine"], [Run(**r) for r in results["runs"]]
    sizes, mem_sizes = results["sizes"], results["memory_sizes"]
    lines = [
        f"Measured {results['date']} with `{results['command']}` "
        f"({results['reps']} alternated runs per size, medians; load average {m['load']} at the start, "
        f"{results.get('load_end', '?')} at the end).",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu']}), {m['ram']} RAM, kernel {m['kernel']}, {m['os']}; "
        f"Python {m['python']}, Pelican {m['pelican']}, Markdown {m['markdown']}, "
        f"Pygments {m['pygments']}, Jinja2 {m['jinja2']}; Hugo: {m['hugo']}.",
        "",
        "**Full clean build** (as after `make clean`: no render cache, no previous output; seconds; "
        "CPU = user + system of the build process and of the processes it starts). *Warm*: ours "
        "again with the render cache that build left and its output removed",
        "",
        "| posts | ours wall | stock wall | ours / stock | ours CPU | stock CPU | ours / stock CPU "
        "| ours warm wall | Hugo wall | Hugo CPU | ours warm / Hugo wall |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        ow, sw, hw = med(runs, "ours", n), med(runs, "stock", n), med(runs, "hugo", n)
        oc, sc, hc = (med(runs, w, n, "cpu") for w in ("ours", "stock", "hugo"))
        warm = med(runs, "ours warm", n)
        lines.append(f"| {n} | {_f(ow)} | {_f(sw)} | **{_f(_ratio(ow, sw))}×** | {_f(oc)} | {_f(sc)} "
                     f"| {_f(_ratio(oc, sc))}× | {_f(warm)} | {_f(hw)} | {_f(hc)} | {_f(_ratio(warm, hw))}× |")
    ratios = {n: run_ratios(runs, "ours", "stock", n) for n in sizes}
    pairs = [f"N={n}: " + ", ".join(f"{_f(r)}×" for r in ratios[n]) for n in sizes if len(ratios[n]) > 1]
    if pairs:
        lines += ["", "Ours / stock run by run (each ours build with the stock build run right after it; "
                  "the spread is this machine's): " + "; ".join(pairs) + "."]
    if not results["hugo"]:
        lines += ["", f"Hugo: {HUGO_MISSING}."]
    lines += ["", "**One-post rebuild** (append a sentence to one post, rebuild with the previous "
              "output in place; ours: the same `tools.build` command, with the render cache the "
              "clean build left, so only the edited post is rendered again, and every page is "
              "written into a new tree swapped in at the end; stock: Pelican's content cache, "
              "`CACHE_CONTENT` + `LOAD_CONTENT_CACHE`. *First*: the first edit after the clean "
              "build; *next*: a second edit and rebuild)", "",
              "| posts | ours first rebuild wall | ours next rebuild wall | first rebuild / ours full "
              "| ours first rebuild CPU | ours next rebuild CPU | stock cached rebuild wall (first, next) "
              "| stock cached rebuild CPU (first) |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n in sizes:
        rw, fw = med(runs, "ours rebuild", n), med(runs, "ours", n)
        lines.append(f"| {n} | {_f(rw)} | {_f(med(runs, 'ours next rebuild', n))} | {_f(_ratio(rw, fw))}× "
                     f"| {_f(med(runs, 'ours rebuild', n, 'cpu'))} "
                     f"| {_f(med(runs, 'ours next rebuild', n, 'cpu'))} "
                     f"| {_f(med(runs, 'stock-cache rebuild', n))}, "
                     f"{_f(med(runs, 'stock-cache next rebuild', n))} "
                     f"| {_f(med(runs, 'stock-cache rebuild', n, 'cpu'))} |")
    if results.get("serve"):
        s = results["serve"]
        lines += ["", f"**`make serve`, save to reload** (N={s['posts']}): "
                  f"{', '.join(f'{t:.2f} s' for t in s['times'])} from saving a post to the served "
                  "page showing the edit (the kernel tells the watcher, which waits until the files "
                  "have been quiet for 30 ms, then a child forked from its warm builder process builds, "
                  "with the render cache; the browser's own reload is not counted)."]
    if results.get("serve_real"):
        s = results["serve_real"]
        times = sorted(s["times"])
        lines += ["", f"**`make serve`, save to reload, the site's own content** ({s['posts']} Markdown "
                  f"files in content/posts/, a copy; `{REAL_POST}` edited {len(times)} times): "
                  f"median {statistics.median(times):.2f} s ({', '.join(f'{t:.2f}' for t in s['times'])} s)."]
    if results.get("books"):
        lines += results["books"]["report"]
    lines += ["", "**Peak memory** (ru_maxrss of the build process, MB; median)", "",
              "| posts | ours | stock | Hugo |", "|---:|---:|---:|---:|"]
    for n in mem_sizes:
        lines.append(f"| {n} | {_f(med(runs, 'ours', n, 'rss_mb'), '{:.0f}')} "
                     f"| {_f(med(runs, 'stock', n, 'rss_mb'), '{:.0f}')} "
                     f"| {_f(med(runs, 'hugo', n, 'rss_mb'), '{:.0f}')} |")
    for what in ("ours", "stock"):
        pts = [(n, med(runs, what, n, "rss_mb")) for n in mem_sizes if med(runs, what, n, "rss_mb")]
        lin = linearity(pts)
        if lin:
            lines += ["", f"Growth, {what}: {lin}."]
    extra = [n for n in mem_sizes if n not in sizes]
    if extra:
        lines += ["", "Build times at " + ", ".join(
            f"N={n}: ours {_f(med(runs, 'ours', n))} s, stock {_f(med(runs, 'stock', n))} s"
            + (f", Hugo {_f(med(runs, 'hugo', n))} s" if results["hugo"] else "")
            for n in extra) + " (one alternated run each)."]
    smp = results.get("samples")
    if smp and smp["samples"]:
        count = smp["samples"]  # CPU seconds seen by the samples
        lines += ["", f"**Where our build spends its time, sampled** (a clean build, "
                  f"N={smp['posts']}: the stack on "
                  f"SIGPROF every {SAMPLE_EVERY * 1000:.0f} ms of CPU, each sample weighted by the CPU "
                  f"time since the last, {count:.1f} s sampled; no per-call cost, so these are the real "
                  "shares. Self: the innermost frame's group, a builtin or C call counting for its "
                  "caller; inclusive: the group is anywhere on the stack)", "",
                  "| group | self | inclusive |", "|---|---:|---:|"]
        for g, c in sorted(smp["inclusive"].items(), key=lambda kv: kv[1], reverse=True):
            own = smp["self"].get(g, 0)
            if c >= count * 0.01 and g not in ("tools.build",):
                lines.append(f"| {g} | {100 * own / count:.0f}% | {100 * c / count:.0f}% |")
        lines += ["", "Innermost frames with the most CPU: " + ", ".join(
            f"`{where}` {100 * c / count:.0f}%" for where, c in smp["top"][:8]) + "."]
    prof = results.get("profile")
    if prof:
        total = prof["total"]
        pct = lambda t: f"{100 * t / total:.0f}%"
        plain = med(runs, "ours", prof["posts"], "cpu")
        slower = f", {total / plain:.1f}× the unprofiled CPU time" if plain else ""
        lines += ["", f"**Where our build spends its time** (cProfile of a clean `tools.build`, N={prof['posts']}, "
                  f"{total:.1f} s profiled{slower}; every second is inflated, code made of many small calls most: trust the sampled shares above, use this for call counts and call paths)", "",
                  "Self time by group (each second counted once; a builtin's time goes to the group "
                  "that called it, file and directory calls to I/O):", "",
                  "| group | self s | share |", "|---|---:|---:|"]
        for g, t in sorted(prof["groups"].items(), key=lambda kv: kv[1], reverse=True):
            if t >= total * 0.005:
                lines.append(f"| {g} | {t:.1f} | {pct(t)} |")
        lines += ["", "Subsystems (cumulative time of one function each; they nest, Pygments "
                  "inside Markdown):", "", "| subsystem | calls | cumulative s | share |",
                  "|---|---:|---:|---:|"]
        for row in prof["landmarks"]:
            lines.append(f"| {row['what']} | {row['calls']} | {row['cumulative']:.1f} | {pct(row['cumulative'])} |")
        lines += ["", "Plugins (calls into each from Pelican's signals, readers and generator loop, and "
                  "from Markdown):", "", "| plugin | cumulative s | share |", "|---|---:|---:|"]
        for row in prof["plugins"]:
            if row["cumulative"] >= total * 0.002:
                lines.append(f"| {row['what']} | {row['cumulative']:.1f} | {pct(row['cumulative'])} |")
        lines += ["", "What `Pelican.run` calls:", "", "| call | calls | cumulative s | share |",
                  "|---|---:|---:|---:|"]
        for row in prof["phases"]:
            if row["cumulative"] >= total * 0.005:
                lines.append(f"| `{row['what']}` | {row['calls']} | {row['cumulative']:.1f} "
                             f"| {pct(row['cumulative'])} |")
        lines += ["", "Top functions by cumulative time:", "",
                  "| cumulative s | self s | calls | group | function |", "|---:|---:|---:|---|---|"]
        for row in prof["top"][:25]:
            lines.append(f"| {row['cumulative']:.1f} | {row['self']:.1f} | {row['calls']} "
                         f"| {row['group']} | `{row['function']}` |")
    if results.get("labs") is not None:
        lines += ["", "**Lab harness overhead** (`python -m labs bench`)", "", results["labs"]]
    return "\n".join(lines) + "\n"


def update_file(path, text):
    """Replace what is between the bench markers of path with text."""
    with open(path, encoding="utf-8") as f:
        old = f.read()
    if BEGIN not in old or END not in old:
        raise BenchError(f"{path}: no {BEGIN} ... {END} markers to write the figures between")
    head, rest = old.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + BEGIN + "\n" + text + END + tail)


# --- main ---------------------------------------------------------------------------------

def _sizes(text):
    try:
        values = sorted({int(x) for x in text.split(",") if x.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of post counts: {text!r}")
    if not values or values[0] < 1:
        raise argparse.ArgumentTypeError("post counts must be at least 1")
    return values


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=_sizes, default=[100, 1000],
                        help="post counts for the timed builds (default 100,1000)")
    parser.add_argument("--reps", type=int, default=3, help="alternated runs per size (default 3)")
    parser.add_argument("--memory-sizes", type=_sizes, default=[100, 1000, 2000],
                        help="post counts for peak memory; those not in --sizes get one run (default 100,1000,2000)")
    parser.add_argument("--profile-size", type=int, default=1000, help="posts for the cProfile run (0: none)")
    parser.add_argument("--serve-edits", type=int, default=1,
                        help="save-to-reload samples through tools.serve at the largest size (0: none)")
    parser.add_argument("--book-pages", type=int, default=250,
                        help="pages of the book built against stock Pelican's posts (0: none)")
    parser.add_argument("--no-hugo", action="store_true", help="leave Hugo out even when installed")
    parser.add_argument("--no-labs", action="store_true", help="leave out `python -m labs bench`")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--work", default=os.path.join(ROOT, ".cache", "bench"),
                        help="work directory: corpora, outputs, report (default .cache/bench)")
    parser.add_argument("--update", metavar="FILE", help="write the figures between the bench markers of FILE")
    parser.add_argument("--quick", action="store_true",
                        help="a check while optimizing: N=100, one run, no serve, profile or labs (about 30 s)")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.reps, args.memory_sizes = [100], 1, [100]
        args.profile_size, args.serve_edits, args.no_labs, args.book_pages = 0, 0, True, 0
    if args.reps < 1:
        parser.error("--reps must be at least 1")

    with_hugo = bool(hugo_path()) and not args.no_hugo
    if not hugo_path() and not args.no_hugo:
        say(HUGO_MISSING + ": Hugo is left out")
    os.makedirs(args.work, exist_ok=True)
    command = "python -m tools.bench " + " ".join(argv if argv is not None else sys.argv[1:])
    results = {"date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "command": command.strip(),
               "machine": machine(), "sizes": args.sizes, "reps": args.reps,
               "memory_sizes": sorted(set(args.memory_sizes)), "hugo": with_hugo, "runs": []}
    try:
        setups = {}
        for n in sorted(set(args.sizes) | set(args.memory_sizes) | ({args.profile_size} - {0})):
            setups[n] = Setup(args.work, n, args.seed)
            setups[n].write()
        for n in args.sizes:
            say(f"N={n}: {args.reps} alternated runs")
            results["runs"] += [asdict(r) for r in measure_size(setups[n], args.reps, with_hugo)]
        for n in results["memory_sizes"]:
            if n not in args.sizes:
                say(f"N={n}: one alternated run for peak memory")
                results["runs"] += [asdict(r) for r in measure_size(setups[n], 1, with_hugo, rebuild=False)]
        if args.serve_edits:
            n = max(args.sizes)
            say(f"N={n}: make serve, save to reload")
            results["serve"] = {"posts": n, "times": measure_serve(setups[n], args.serve_edits)}
            say("the site's own content: make serve, save to reload")
            results["serve_real"] = measure_serve_real(args.work, max(3, args.serve_edits))
        if args.profile_size:
            say(f"N={args.profile_size}: our build, sampled")
            results["samples"] = run_sampled(setups[args.profile_size])
            say(f"N={args.profile_size}: cProfile of our build")
            results["profile"] = run_profile(setups[args.profile_size])
        if args.book_pages:
            say(f"a book of {args.book_pages} pages")
            results["books"] = books_bench(args)
        if not args.no_labs:
            say("python -m labs bench")
            results["labs"] = labs_bench()
    except BenchError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1
    results["load_end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    text = report(results)
    with open(os.path.join(args.work, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    with open(os.path.join(args.work, "report.md"), "w") as f:
        f.write(text)
    print(text)
    if args.update:
        try:
            update_file(args.update, text)
        except BenchError as e:
            print(f"bench: {e}", file=sys.stderr)
            return 1
    say(f"report: {os.path.relpath(os.path.join(args.work, 'report.md'))}"
        + (f"; figures written into {args.update}" if args.update else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
