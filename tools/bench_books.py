"""Book benchmarks for `make bench` (tools.bench runs `python -m tools.bench_books`).

One handbook of N pages (GitBook form: SUMMARY.md, ten chapters with a README.md each)
whose pages have the text of the first N posts of the blog corpus (tools/corpus.py),
against stock Pelican building those N posts as posts:

- a clean build of the site holding only the book, ours, alternated with stock's;
- a one-page rebuild (a sentence appended to one page, the render cache kept);
- `make serve`: from saving a page to the served page showing the edit;
- what a deep page transfers before the reader does anything, navigation tree included
  (Lighthouse on the publish build served with gzip, as tools.lighthouse does), when
  Lighthouse and Chromium are installed.
"""
from __future__ import annotations

import functools
import glob
import http.server
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import asdict

from tools import corpus
from tools.bench import (PY, ROOT, BenchError, Run, _f, _ratio, free_port, med, run_child,
                         save_to_reload, say, stock_settings)

BOOK = "bench-book"
CHAPTERS = 10
EDITED_PAGE = 3  # the page edited for rebuilds and in make serve


def _page_text(post) -> str:
    """A post's text as a book page: its title as the page's heading, without the tags
    books do not take (pdf, lab) and the links to other posts."""
    kept = [b for b in post.body.split("\n\n")
            if not b.startswith(("{% pdf", "{% lab", "See [", "之前"))]
    return f"# {post.title}\n\n" + "\n\n".join(kept)


class BookSetup:
    def __init__(self, work, pages, seed):
        self.n = pages
        self.dir = os.path.join(work, f"book{pages}")
        self.ours = os.path.join(self.dir, "ours")
        self.book = os.path.join(self.ours, "books", BOOK)
        self.stock = os.path.join(self.dir, "stock")
        self.out = {"ours": os.path.join(self.dir, "out-ours"), "stock": os.path.join(self.dir, "out-stock")}
        self.cache = os.path.join(self.dir, "cache-ours")
        self.seed = seed
        self.pages = []  # (path under the book, title)

    def write(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        posts = corpus.posts(self.n, self.seed, labs={})
        os.makedirs(os.path.join(self.stock, "posts"))
        for post in posts:
            with open(os.path.join(self.stock, "posts", post.filename), "w", encoding="utf-8") as f:
                f.write(corpus.stock_text(post))
        per_chapter = -(-self.n // CHAPTERS)
        summary = ["# Summary", "", "* [Introduction](README.md)"]
        chapters = [posts[i:i + per_chapter] for i in range(0, len(posts), per_chapter)]
        for c, chapter in enumerate(chapters, 1):
            folder = f"ch{c:02d}"
            os.makedirs(os.path.join(self.book, folder))
            first, rest = chapter[0], chapter[1:]
            self._page(f"{folder}/README.md", first)
            summary.append(f"* [{first.title}]({folder}/README.md)")
            for k, post in enumerate(rest, 1):
                name = f"{folder}/p{k:03d}.md"
                self._page(name, post)
                summary.append(f"  * [{post.title}]({name})")
        with open(os.path.join(self.book, "README.md"), "w", encoding="utf-8") as f:
            f.write("# Bench book\n\nA handbook for the benchmark.\n")
        with open(os.path.join(self.book, "SUMMARY.md"), "w", encoding="utf-8") as f:
            f.write("\n".join(summary) + "\n")
        with open(os.path.join(self.book, "book.yaml"), "w", encoding="utf-8") as f:
            f.write("title: Bench book\nlang: en\n")
        with open(os.path.join(self.dir, "stock.py"), "w") as f:
            f.write(stock_settings(self.stock, self.out["stock"]))

    def _page(self, name, post):
        with open(os.path.join(self.book, name), "w", encoding="utf-8") as f:
            f.write(_page_text(post))
        self.pages.append(name)

    def cmd(self, what, settings="pelicanconf.py"):
        if what == "ours":
            return [PY, "-m", "tools.build", settings, "--content", self.ours, "--output",
                    self.out["ours"], "-q", "--cache", self.cache]
        return [PY, "-m", "pelican", "-s", os.path.join(self.dir, "stock.py"), "-q"]

    def clean(self, what):
        paths = [self.out[what]]
        if what == "ours":
            paths += [self.cache, os.path.join(ROOT, ".cache", "jinja"), *glob.glob(self.out["ours"] + ".*")]
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)

    def url(self, name) -> str:
        stem = name[:-len("/README.md")] if name.endswith("/README.md") else name[:-len(".md")]
        return f"/en/books/{BOOK}/{stem}/"

    def edit(self, k):
        name = self.pages[EDITED_PAGE]
        mark = f"Edited for rebuild number {k}."
        with open(os.path.join(self.book, name), "a", encoding="utf-8") as f:
            f.write(f"\n{mark}\n")
        return self.url(name), mark

    def check(self, what):
        if what == "ours":
            found = sum(1 for name in self.pages if os.path.isfile(os.path.join(
                self.out["ours"], self.url(name).strip("/"), "index.html")))
        else:
            found = len([f for f in os.listdir(self.out["stock"]) if f.startswith("bench-") and f.endswith(".html")])
        if found != self.n:
            raise BenchError(f"{what} (book of {self.n} pages) wrote {found} pages, expected {self.n}")


def measure(work, pages, reps, seed=1, serve_edits=1) -> dict:
    setup = BookSetup(work, pages, seed)
    setup.write()
    runs = []
    for k in range(reps):
        for what in ("ours", "stock"):
            setup.clean(what)
            r = run_child(setup.cmd(what), f"book {what}", pages)
            if k == 0:
                setup.check(what)
            runs.append(r)
            say(f"  book of {pages} pages, run {k + 1}/{reps}: {what:6} clean   {r.wall:7.2f} s wall {r.cpu:7.2f} s CPU")
        setup.edit(k)
        r = run_child(setup.cmd("ours"), "book ours rebuild", pages)
        runs.append(r)
        say(f"  book of {pages} pages, run {k + 1}/{reps}: ours   one-page rebuild {r.wall:7.2f} s wall")
    results = {"pages": pages, "runs": [asdict(r) for r in runs]}
    if serve_edits:
        results["serve"] = save_to_reload(setup.ours, os.path.join(setup.dir, "out-serve"),
                                          lambda k: setup.edit(100 + k), f"book of {pages} pages", serve_edits)
    results["transfer"] = page_transfer(setup)
    return results


def page_transfer(setup) -> dict:
    """Lighthouse's bytes transferred for a page deep in the book (publish build, gzip)."""
    from tools import lighthouse

    if not lighthouse.LIGHTHOUSE.exists():
        return {"skipped": f"{lighthouse.LIGHTHOUSE.relative_to(lighthouse.ROOT)} is missing: run make deps"}
    if not os.path.exists(lighthouse.CHROMIUM):
        return {"skipped": f"{lighthouse.CHROMIUM} is missing: install the Debian package chromium"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    site = os.path.join(setup.dir, "out-publish")
    shutil.rmtree(site, ignore_errors=True)
    done = subprocess.run([PY, "-m", "tools.build", "publishconf.py", "--content", setup.ours, "--output",
                           site, "--no-cache", "-q"], cwd=ROOT, env=dict(os.environ, SITEURL=base, LOCAL_PUBLISH_CHECK="1"))
    if done.returncode != 0:
        raise BenchError("the book's publish build failed")
    handler = functools.partial(lighthouse.GzipHandler, directory=site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = setup.pages[len(setup.pages) // 2 + 1]
    try:
        found = lighthouse.audit(base + setup.url(page), os.path.join(setup.dir, "lighthouse.json"))
    finally:
        server.shutdown()
    say(f"  book page {setup.url(page)}: {found['bytes'] / 1024:.1f} KB transferred")
    return {"page": setup.url(page), "bytes": found["bytes"], "requests": found["requests"],
            "scores": found["scores"]}


def report_lines(books) -> list:
    runs = [Run(**r) for r in books["runs"]]
    n = books["pages"]
    ours, stock = med(runs, "book ours", n), med(runs, "book stock", n)
    rebuild = med(runs, "book ours rebuild", n)
    lines = ["", f"**A book of {n} pages** (tools/bench_books.py: one handbook in GitBook form, ten "
             f"chapters, its pages the text of the first {n} posts of the corpus; ours builds the site "
             f"holding only the book, clean, alternated with stock Pelican building those {n} texts as "
             "posts; seconds, medians)", "",
             "| pages | ours clean wall | stock clean wall | ours / stock | ours one-page rebuild wall "
             "| `make serve` save to reload |",
             "|---:|---:|---:|---:|---:|---:|"]
    serve = books.get("serve") or []
    shown = ", ".join(f"{t:.2f} s" for t in serve) if serve else "not measured"
    lines.append(f"| {n} | {_f(ours)} | {_f(stock)} | **{_f(_ratio(ours, stock))}×** | {_f(rebuild)} | {shown} |")
    transfer = books.get("transfer") or {}
    if "bytes" in transfer:
        s = transfer["scores"]
        lines += ["", f"A page deep in the book (`{transfer['page']}`, the whole navigation tree in it) "
                  f"transfers {transfer['bytes'] / 1024:.1f} KB in {transfer['requests']} requests before "
                  f"the reader does anything (Lighthouse, mobile emulation, publish build served with gzip; "
                  f"scores {s['performance']}/{s['accessibility']}/{s['best-practices']}/{s['seo']})."]
    elif transfer.get("skipped"):
        lines += ["", f"A book page's transfer was not measured: {transfer['skipped']}."]
    return lines


def main(argv=None) -> int:
    """python -m tools.bench_books [--pages 250] [--reps 3] [--json FILE]: what tools.bench
    runs, in a process of its own; prints the report's lines."""
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m tools.bench_books", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=250)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--serve-edits", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", default=os.path.join(ROOT, ".cache", "bench"))
    parser.add_argument("--json", help="write the results, with the report's lines, here")
    args = parser.parse_args(argv)
    try:
        found = measure(args.work, args.pages, args.reps, args.seed, args.serve_edits)
    except BenchError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1
    found["report"] = report_lines(found)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(found, f, indent=1, ensure_ascii=False)
    print("\n".join(found["report"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
