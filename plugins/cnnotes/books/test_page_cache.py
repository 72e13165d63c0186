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


BOOK_PROBE = '''
import json, os
from pelican import signals

def record(generators):
    for generator in generators:
        reader = getattr(generator, "reader", None)
        if reader is not None and hasattr(reader, "cache"):
            with open(os.environ["BOOK_PROBE_OUT"], "w") as f:
                json.dump({"hits": reader.cache.hits, "misses": reader.cache.misses}, f)

def register():
    signals.all_generators_finalized.connect(record)
'''


def test_workers_render_book_pages_ahead_and_the_site_is_the_same(tmp_path, monkeypatch):
    import json

    import pelicanconf
    from tools.bench_books import BookSetup

    book = BookSetup(str(tmp_path / "work"), 250, 2)
    book.write()
    probe = tmp_path / "plugins" / "book_probe"
    probe.mkdir(parents=True)
    (probe / "__init__.py").write_text(BOOK_PROBE)

    def build(name, workers):
        monkeypatch.setenv("BOOK_PROBE_OUT", str(tmp_path / f"{name}.json"))
        out = run_build(book.ours, tmp_path / name, CACHE_PATH=str(tmp_path / f"cache-{name}"),
                        RENDER_WORKERS=workers, PLUGIN_PATHS=[str(tmp_path / "plugins")],
                        PLUGINS=[*pelicanconf.PLUGINS, "book_probe"])
        return pages(out), json.loads((tmp_path / f"{name}.json").read_text())

    alone, alone_counts = build("alone", 0)
    shared, shared_counts = build("shared", 1)
    assert alone_counts == {"hits": 0, "misses": 251}        # 250 pages and the book's README
    assert shared_counts["hits"] > 0, shared_counts           # found rendered by the worker
    assert shared == alone and len(alone) >= 251
