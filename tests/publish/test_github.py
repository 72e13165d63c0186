"""`make github` and `make publish` as an author runs them, in a copy of this repository
whose `origin` is a real bare repository on this machine (`git init --bare`)."""
import shutil

import pytest

from tests.publish.conftest import MAKE, UNFINISHED, run


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


def test_make_html_and_make_publish_keep_to_their_own_trees(checkout):
    repo, _ = checkout
    run([*MAKE, "publish"], repo, {"SITEURL": "https://example.org/blog"})
    published = {p: p.stat().st_mtime_ns for p in (repo / "public").rglob("*") if p.is_file()}
    run([*MAKE, "html"], repo)
    assert {p: p.stat().st_mtime_ns for p in (repo / "public").rglob("*") if p.is_file()} == published
    assert 'href="/theme/css/site.css"' in (repo / "output" / "index.html").read_text(encoding="utf-8")
    assert (repo / "output" / "drafts" / "en" / "a-draft-not-for-readers" / "index.html").is_file()
    author = {p: p.stat().st_mtime_ns for p in (repo / "output").rglob("*") if p.is_file()}
    run([*MAKE, "publish"], repo, {"SITEURL": "https://example.org/blog"})
    assert {p: p.stat().st_mtime_ns for p in (repo / "output").rglob("*") if p.is_file()} == author
    index = (repo / "public" / "index.html").read_text(encoding="utf-8")
    assert "https://example.org/blog/theme/css/site." in index and "a-draft-not-for-readers" not in index
