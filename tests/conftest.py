"""Fixtures shared by every test suite (site, browser, plugins, labs).

- `build_site(content_dir, settings_overrides=None) -> Path`: a strict build of
  pelicanconf.py with another content dir, into a temp dir (cached per
  arguments for the session). A failed build fails the test with the
  `path:line: message` list.
- `fixture_site`: tests/fixtures/site built once per session.
- `serve_dir(path) -> "http://127.0.0.1:PORT/"`: a threaded static server for
  a directory, alive until the session ends (404.html served for misses).
- `chromium_browser`: Debian's /usr/bin/chromium through Playwright (sync
  API), headless; skips with the exact reason when either is missing.
- `axe_source` / `axe_violations(page)`: axe-core, and the serious and critical
  violations it finds in a page (injected into the page when needed).
"""
import functools
import http.server
import os
import shutil
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


# --- building -------------------------------------------------------------------

@pytest.fixture(scope="session")
def build_site(tmp_path_factory):
    """Factory: build_site(content_dir, settings_overrides=None) -> output Path."""
    from tests.helpers import run_build
    from tools.build import BuildFailed

    cache = {}

    def _build(content_dir, settings_overrides=None):
        key = (str(Path(content_dir).resolve()), repr(sorted((settings_overrides or {}).items())))
        if key not in cache:
            overrides = dict(settings_overrides or {})
            content = overrides.pop("PATH", str(Path(content_dir).resolve()))
            out = overrides.pop("OUTPUT_PATH", str(tmp_path_factory.mktemp("site") / "output"))
            try:  # from the project root: messages and relative settings are relative to it
                cache[key] = run_build(content, out, **overrides)
            except BuildFailed as failed:
                pytest.fail("site build failed:\n" + "\n".join(failed.errors), pytrace=False)
        return cache[key]

    return _build


@pytest.fixture(scope="session")
def fixture_site(build_site):
    """tests/fixtures/site (zh+en pair, Chinese headings, [TOC], <!-- more -->, a PDF), built."""
    return build_site(ROOT / "tests" / "fixtures" / "site")


# --- serving --------------------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        not_found = Path(self.directory) / "404.html"
        if code == 404 and not_found.is_file():
            body = not_found.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)


@pytest.fixture(scope="session")
def serve_dir():
    """Factory: serve_dir(path) -> base URL ending in '/', on 127.0.0.1 and a free port."""
    servers = {}

    def _serve(path):
        path = str(Path(path).resolve())
        if path not in servers:
            handler = functools.partial(_QuietHandler, directory=path)
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            server.daemon_threads = True
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            servers[path] = server
        return f"http://127.0.0.1:{servers[path].server_address[1]}/"

    yield _serve
    for server in servers.values():
        server.shutdown()
        server.server_close()


# --- the browser ------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium_browser():
    """A headless Debian Chromium driven by Playwright; skipped with the reason if missing."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install the Debian package 'chromium' "
                    "(make test does it as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        pytest.skip(f"the Python package playwright is not importable ({e}): run make deps")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source():
    """node_modules/axe-core/axe.min.js, to inject into pages; skipped if npm packages are missing."""
    path = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        pytest.skip(f"{path.relative_to(ROOT)} is missing: run make deps (npm ci)")
    return path.read_text(encoding="utf-8")


AXE_SERIOUS = """async () => {
    const r = await axe.run(document, {resultTypes: ['violations']});
    return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                       .map(v => `${v.id} (${v.impact}): ` +
                                 v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""


@pytest.fixture(scope="session")
def axe_violations(axe_source):
    """Factory: axe_violations(page) -> ["id (impact): targets", ...], serious and critical only.

    Injects axe-core into the page's current document (once: a second call on the same
    document reuses it) and runs it on the whole document. Callers check the response of
    their goto first, so a renamed URL does not axe-check the 404 page instead."""
    def _run(page):
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.add_script_tag(content=axe_source)
        return page.evaluate(AXE_SERIOUS)

    return _run


def copy_tree(src, dest):
    """Copy a fixture directory (helper for tests that modify content)."""
    shutil.copytree(src, dest)
    return Path(dest)
