"""Book pages in the render cache: a build with the cache writes what a clean build
writes; an edited page, and a page a link now resolves to, show in the next build."""
import shutil
from pathlib import Path

from tests.helpers import run_build

FIXTURE = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "books"
NETNS_EN = Path("en/books/lab-notes/netns/index.html")


def body(page: bytes) -> str:
    text = page.decode()
    return text[text.index('<div class="post__body">'):text.index('<footer class="book-page__footer">')]


def pages(out):
    return {p.relative_to(out): p.read_bytes() for p in out.rglob("index.html") if "books" in p.parts}


def test_cached_book_pages_are_what_a_clean_build_writes_and_follow_edits(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    cache = tmp_path / "cache"
    clean = pages(run_build(content, tmp_path / "clean", CACHE_PATH=str(cache)))
    entries = list((cache / "render" / "books").rglob("*.json"))
    assert len(entries) >= 20                      # every page of the three books, kept
    assert pages(run_build(content, tmp_path / "warm", CACHE_PATH=str(cache))) == clean
    assert 'href="/zh/books/lab-notes/shared/"' in body(clean[NETNS_EN])  # no English page yet

    docs = content / "books" / "lab-notes" / "docs"
    (docs / "shared.en.md").write_text("# Sharing a network\n\n## How\n\n`--net=container:NAME`.\n")
    added = pages(run_build(content, tmp_path / "added", CACHE_PATH=str(cache)))
    assert 'href="/en/books/lab-notes/shared/"' in body(added[NETNS_EN])  # the link follows the new page
    (docs / "netns.en.md").write_text((docs / "netns.en.md").read_text() + "\nEdited while cached.\n")
    edited = pages(run_build(content, tmp_path / "edited", CACHE_PATH=str(cache)))
    assert "Edited while cached." in body(edited[NETNS_EN])
