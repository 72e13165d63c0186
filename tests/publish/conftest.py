"""A real publish: a fresh copy of this repository (`checkout`) with unfinished posts
added to its real content (drafts, one dated in the future, one past its expiryDate),
published with `SITEURL=https://example.org/blog make publish` and served by a real web
server under /blog/ (http.server, the whole public/ tree, nothing rewritten).

- `published`: (public Path, its unfinished posts' slugs and titles), built once.
- `deployed`: the server's base for the prefix, http://127.0.0.1:PORT/blog/.
- `checkout`: a committed copy of this working tree with a bare `origin`, where
  `make publish`, `make github` and `make rsync_upload` run as an author runs them
  (`run(args, cwd, env)`, `MAKE`).
- `author_site`: tests/fixtures/site plus the same unfinished posts, built with
  pelicanconf.py (what `make html` / `make serve` write to output/).
"""
import functools
import http.server
import os
import shutil
import subprocess
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITEURL = "https://example.org/blog"
PREFIX = "/blog/"
# .venv and node_modules are linked from this repository and up to date: make must not
# reinstall them into the copy
MAKE = ["make", "--no-print-directory", "-o", ".venv/.installed", "-o", "node_modules/.installed"]

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
def published(checkout, tmp_path_factory):
    """`SITEURL=https://example.org/blog make publish` in the fresh copy (`checkout`), its
    public/ copied (modes kept) to www/blog/ for the server: later tests in that copy may
    build it again."""
    repo, _ = checkout
    run([*MAKE, "publish"], repo, {"SITEURL": SITEURL})
    www = tmp_path_factory.mktemp("www")
    shutil.copytree(repo / "public", www / "blog", symlinks=True)
    return SimpleNamespace(public=www / "blog", www=www, unfinished=UNFINISHED)


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


GIT_ENV = {"GIT_AUTHOR_NAME": "Author", "GIT_AUTHOR_EMAIL": "author@example.org",
           "GIT_COMMITTER_NAME": "Author", "GIT_COMMITTER_EMAIL": "author@example.org"}


def run(args, cwd, env=None, check=True):
    clean = {k: v for k, v in os.environ.items()
             if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "SITEURL", "CNAME")}
    result = subprocess.run(args, cwd=cwd, env={**clean, **GIT_ENV, **(env or {})},
                            capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}",
                    pytrace=False)
    return result


@pytest.fixture(scope="session")
def checkout(tmp_path_factory):
    """A copy of the working tree (files as they are now), committed, with a bare origin;
    .venv and node_modules are this repository's (linked, not reinstalled)."""
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.skip("git and make are needed: install Debian's git and make")
    for needed in (".venv/.installed", "node_modules/.installed"):
        if not (ROOT / needed).exists():
            pytest.skip(f"{needed} is missing: run make deps first")
    base = tmp_path_factory.mktemp("github")
    repo, origin = base / "repo", base / "origin.git"
    files = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT).stdout
    for rel in filter(None, files.split("\0")):
        if (ROOT / rel).is_file():
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, repo / rel)  # mtimes kept: make sees .venv as up to date
    for link in (".venv", "node_modules"):
        (repo / link).symlink_to(ROOT / link)
    write_unfinished(repo / "content" / "posts")
    run(["git", "init", "--bare", "--quiet", str(origin)], base)
    run(["git", "init", "--quiet", "-b", "main"], repo)
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "--quiet", "-m", "site"], repo)
    run(["git", "remote", "add", "origin", str(origin)], repo)
    return repo, origin
