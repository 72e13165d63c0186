"""`make github` and `make publish` as an author runs them, in a copy of this repository
whose `origin` is a real bare repository on this machine (`git init --bare`)."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.publish.conftest import ROOT, UNFINISHED, write_unfinished

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


@pytest.fixture(scope="module")
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


MAKE = ["make", "--no-print-directory", "-o", ".venv/.installed", "-o", "node_modules/.installed"]


def test_make_github_pushes_public_to_gh_pages_with_nojekyll_and_cname(checkout):
    repo, origin = checkout
    run([*MAKE, "github"], repo, {"SITEURL": "https://blog.example.org", "CNAME": "blog.example.org"})
    tree = run(["git", "--git-dir", str(origin), "ls-tree", "-r", "--name-only", "gh-pages"], repo).stdout.split()
    assert {".nojekyll", "CNAME", "index.html", "robots.txt", "sitemap.xml", "404.html"} <= set(tree)
    assert any(p.startswith("theme/pdfjs/") for p in tree)
    assert not [p for p in tree if p.startswith("drafts/") or any(slug in p for slug in UNFINISHED)]
    cname = run(["git", "--git-dir", str(origin), "show", "gh-pages:CNAME"], repo).stdout
    assert cname.strip() == "blog.example.org"
    robots = run(["git", "--git-dir", str(origin), "show", "gh-pages:robots.txt"], repo).stdout
    assert "Sitemap: https://blog.example.org/sitemap.xml" in robots
    # main is untouched: only gh-pages was pushed, and output/ (the author's tree) was not written
    heads = run(["git", "--git-dir", str(origin), "for-each-ref", "--format=%(refname)"], repo).stdout.split()
    assert heads == ["refs/heads/gh-pages"]
    assert (repo / "public" / "index.html").is_file() and not (repo / "output").exists()


def test_make_github_again_replaces_the_branch_without_a_cname(checkout):
    repo, origin = checkout
    run([*MAKE, "github"], repo, {"SITEURL": "https://user.github.io/repo"})
    tree = run(["git", "--git-dir", str(origin), "ls-tree", "-r", "--name-only", "gh-pages"], repo).stdout.split()
    assert ".nojekyll" in tree and "CNAME" not in tree
    index = run(["git", "--git-dir", str(origin), "show", "gh-pages:index.html"], repo).stdout
    assert 'href="https://user.github.io/repo/theme/' in index


@pytest.mark.parametrize("siteurl, says", [
    (None, "SITEURL is not set"),
    ("https://cloudnative-notes.example", "is a placeholder or local address"),
    ("http://127.0.0.1:8000", "is a placeholder or local address"),
    ("example.org/blog", "is not an absolute http(s) URL"),
])
def test_make_publish_refuses_a_missing_or_placeholder_siteurl(checkout, siteurl, says):
    repo, _ = checkout
    shutil.rmtree(repo / "public", ignore_errors=True)
    result = run([*MAKE, "publish"], repo, {"SITEURL": siteurl} if siteurl else {}, check=False)
    assert result.returncode != 0
    line = next(line for line in result.stderr.splitlines() if says in line)
    assert line.startswith("publishconf.py:") and "make publish" in line
    assert not (repo / "public").exists()
