"""`make lighthouse`: Lighthouse (npm lighthouse, pinned) on the publish build, in
Debian's Chromium, under mobile emulation; prints the figures for BENCHMARKS.md.

The site is built with publishconf.py (absolute URLs, as published) for a local
address, served on 127.0.0.1 with gzip for text (as GitHub Pages serves it), and each
page below is audited once: Performance, Accessibility, Best Practices and SEO, and the
bytes transferred before the reader does anything (Lighthouse's total byte weight: it
loads the page and does not scroll or tap, so a PDF viewer below the fold does not
count until it is in view).

    python -m tools.lighthouse [--pages NAME ...] [--json DIR]
"""
import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
OUT = ROOT / ".cache" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {  # name: path on the site
    "home (en)": "",
    "Chinese post": "zh/2016/08/24/ru-he-kuai-su-qi-dong-yi-ge-kubernetes-ji-qun/",
    "PDF post": "en/2016/05/05/the-rise-of-cloud-computing-systems-jeff-dean/",
    "lab page": "labs/flannel/",
    "search with a query": "search/?q=flannel",
    "Chinese lab page": "zh/labs/flannel/",
    "flannel post (zh)": "zh/2016/07/19/setup-hyperd-with-flannel-network/",
}
BUDGET_BYTES = 100 * 1024
COMPRESSED = {".html", ".css", ".js", ".mjs", ".json", ".svg", ".txt", ".xml", ".map"}


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, text gzipped when the client accepts it (as the host does)."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (path.suffix in COMPRESSED and path.is_file()
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            body = gzip.compress(path.read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return _Body(body)
        return super().send_head()


class _Body:
    def __init__(self, data):
        self.data = data

    def read(self, *args):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(site, siteurl):
    env = dict(os.environ, SITEURL=siteurl, LOCAL_PUBLISH_CHECK="1")
    done = subprocess.run([sys.executable, "-m", "tools.build", "publishconf.py", "--output", str(site),
                           "--no-cache", "-q"], cwd=ROOT, env=env)
    if done.returncode != 0:
        sys.exit(f"the publish build failed (exit {done.returncode})")


def audit(url, report):
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    cmd = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={report}", "--quiet",
           "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
           f"--only-categories={','.join(CATEGORIES)}",
           # its full-page screenshot stretches the window to the page's height, which a
           # reader never does: the PDF viewer would then count as "in view"
           "--disable-full-page-screenshot"]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0 or not Path(report).is_file():
        raise RuntimeError(f"lighthouse failed on {url}: {done.stderr.strip()[-500:]}")
    with open(report, encoding="utf-8") as f:
        data = json.load(f)
    audits = data["audits"]
    failed = [a["id"] for a in audits.values()
              if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") in ("binary", "metricSavings", "numeric")]
    return {
        "scores": {c: round(100 * (data["categories"][c]["score"] or 0)) for c in CATEGORIES},
        "bytes": int(audits["total-byte-weight"]["numericValue"]),
        "requests": len(audits["network-requests"]["details"]["items"]),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "not_perfect": failed,
        "version": data.get("lighthouseVersion"),
    }


def table(results):
    lines = ["| page | Performance | Accessibility | Best Practices | SEO | transferred | requests | LCP | CLS |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, r in results.items():
        s = r["scores"]
        kb = r["bytes"] / 1024
        flag = "" if r["bytes"] <= BUDGET_BYTES else " (over 100 KB)"
        lines.append(f"| {name} | {s['performance']} | {s['accessibility']} | {s['best-practices']} | "
                     f"{s['seo']} | {kb:.1f} KB{flag} | {r['requests']} | {r['lcp_ms']} ms | {r['cls']} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.lighthouse", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", nargs="*", choices=list(PAGES), help="only these pages")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE.relative_to(ROOT)} is missing: run make deps")
    if not os.path.exists(CHROMIUM):
        sys.exit(f"{CHROMIUM} is missing: install the Debian package chromium")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    site = OUT / "site"
    shutil.rmtree(site, ignore_errors=True)
    build(site, base.rstrip("/"))
    handler = functools.partial(GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    results = {}
    try:
        for name in args.pages or PAGES:
            report = OUT / (name.replace(" ", "-").replace("(", "").replace(")", "") + ".json")
            results[name] = audit(base + PAGES[name], report)
            r = results[name]
            print(f"{name}: {r['scores']} {r['bytes'] / 1024:.1f} KB"
                  + (f"  not perfect: {', '.join(r['not_perfect'])}" if r["not_perfect"] else ""), file=sys.stderr)
    finally:
        server.shutdown()
    version = next(iter(results.values()))["version"] if results else "?"
    print(f"Lighthouse {version}, mobile emulation (its default: Moto G Power, slow 4G, 4x CPU "
          f"slowdown), Debian chromium, publish build served with gzip on 127.0.0.1.\n")
    print(table(results))
    over = [n for n, r in results.items() if r["bytes"] > BUDGET_BYTES]
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
