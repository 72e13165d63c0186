"""A real publish: the real content plus unfinished posts (a draft, one dated in the
future, one past its expiryDate), built with publishconf.py under a path prefix
(SITEURL=https://example.org/blog, as `make publish` would) and served by a real web
server under /blog/ (http.server, the whole public/ tree, nothing rewritten).

- `published`: (public Path, its unfinished posts' slugs and titles), built once.
- `deployed`: the server's base for the prefix, http://127.0.0.1:PORT/blog/.
- `author_site`: tests/fixtures/site plus the same unfinished posts, built with
  pelicanconf.py (what `make html` / `make serve` write to output/).
"""
import functools
import http.server
import shutil
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITEURL = "https://example.org/blog"
PREFIX = "/blog/"

UNFINISHED = {
    "a-draft-not-for-readers": ("A draft not for readers", "draft: true\n"),
    "a-post-scheduled-for-2099": ("A post scheduled for 2099", ""),
    "a-post-past-its-expiry-date": ("A post past its expiry date", "expiryDate: 2017-01-01\n"),
    "status-draft-post": ("A status draft post", "status: draft\n"),
}


def write_unfinished(posts: Path) -> None:
    for slug, (title, extra) in UNFINISHED.items():
        date = "2099-01-01 10:00" if "2099" in slug else "2016-09-01 10:00"
        (posts / f"{slug}.md").write_text(
            f"---\ntitle: {title}\ndate: {date}\nlang: en\nslug: {slug}\ntags: [unfinished-tag]\n"
            f"categories: [Unfinished]\n{extra}---\nUnfinished words zyxwvut.\n", encoding="utf-8")


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    from tests.helpers import ROOT as root
    from tools.build import BuildFailed, build

    base = tmp_path_factory.mktemp("publish")
    content = base / "content"
    shutil.copytree(ROOT / "content", content)
    write_unfinished(content / "posts")
    public = base / "www" / "blog"
    mp = pytest.MonkeyPatch()
    mp.setenv("SITEURL", SITEURL)
    mp.chdir(root)
    try:
        build(str(ROOT / "publishconf.py"), {"PATH": str(content), "OUTPUT_PATH": str(public)}, cache=None)
    except BuildFailed as failed:
        pytest.fail("publish build failed:\n" + "\n".join(failed.errors), pytrace=False)
    finally:
        mp.undo()
    return SimpleNamespace(public=public, www=public.parent, unfinished=UNFINISHED)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def deployed(published):
    """http://127.0.0.1:PORT/blog/: public/ served under the prefix by a real HTTP server."""
    handler = functools.partial(_Quiet, directory=str(published.www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def author_site(build_site, tmp_path_factory):
    content = tmp_path_factory.mktemp("author") / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site", content)
    write_unfinished(content / "posts")
    return build_site(content)
