"""Books moving in: `python -m tools.importer` (what `make import FROM=` runs) on a
GitBook, an MkDocs and a Hugo docs book, then the site built with them, as a reader
sees it: the pages, the tree, the Hugo shortcodes as links and note boxes."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_build
from tools.importer.books import convert_shortcodes
from tools.importer.run import run

ROOT = Path(__file__).resolve().parents[2]
BOOKS = ROOT / "tests" / "fixtures" / "books"
HUGO_DOCS = ROOT / "tests" / "fixtures" / "movein" / "hugo-docs" / "content" / "docs"


def import_(source, content, *args):
    done = subprocess.run([sys.executable, "-m", "tools.importer", str(source), "--content", str(content), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def body(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    return html[html.index('<div class="post__body">'):html.index('<footer class="book-page__footer">')]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    content = tmp_path_factory.mktemp("content")
    shutil.copytree(BOOKS / "posts", content / "posts")   # a book page links to this post
    reports = {name: import_(source, content, *args) for name, source, args in (
        ("gitbook", BOOKS / "books" / "k8s-handbook", ()),
        ("mkdocs", BOOKS / "books" / "lab-notes", ()),
        ("hugo", HUGO_DOCS, ("--slug", "go-perf")))}
    out = run_build(content, tmp_path_factory.mktemp("site") / "output",
                    CACHE_PATH=str(tmp_path_factory.mktemp("cache")))
    return content, out, reports


def test_each_form_is_said_and_needs_no_hand(site):
    _, _, reports = site
    assert "import from GitBook book" in reports["gitbook"] and "book books/k8s-handbook: 14 pages written" in reports["gitbook"]
    assert "import from MkDocs book" in reports["mkdocs"] and "book books/lab-notes: 5 pages written" in reports["mkdocs"]
    assert "import from Hugo docs book" in reports["hugo"] and "book books/go-perf: 5 pages written" in reports["hugo"]
    assert all("needs a hand: 0" in r for r in reports.values()), reports
    assert "books/go-perf/book.yaml: zh (languageCode in the Hugo site's config)" in reports["hugo"]


def test_the_imported_books_build_with_their_order_and_languages(site):
    _, out, _ = site
    for page in ("zh/books/k8s-handbook/concepts/network/flannel", "en/books/k8s-handbook/concepts/etcd",
                 "zh/books/lab-notes/shared", "en/books/lab-notes/netns", "zh/books/go-perf/basics/strings"):
        assert (out / page / "index.html").is_file(), page
    strings = (out / "zh/books/go-perf/basics/strings/index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN"' in strings or '<html lang="zh' in strings
    tree = strings[strings.index('<nav class="book-nav"'):strings.index("</nav>", strings.index('<nav class="book-nav"'))]
    order = [t for t in ("给映射定大小", "拼接字符串", "性能分析") if t in tree]
    assert order == ["给映射定大小", "拼接字符串", "性能分析"] and tree.index("给映射定大小") < tree.index("拼接字符串") < tree.index("性能分析")
    assert "Go 性能小抄" in strings


def test_hugo_shortcodes_become_links_and_note_boxes(site):
    _, out, _ = site
    landing = body(out / "zh/books/go-perf/index.html")
    assert re.search(r'<a href="[^"]*/zh/books/go-perf/basics/maps/">映射的大小</a>', landing), landing
    assert 'class="hint hint--info"' in landing and "每一页都可以单独阅读" in landing
    strings = body(out / "zh/books/go-perf/basics/strings/index.html")
    assert re.search(r'<a href="[^"]*/zh/books/go-perf/pprof/">性能分析</a>', strings)
    assert 'class="hint hint--warning"' in strings
    maps = body(out / "zh/books/go-perf/basics/maps/index.html")
    assert re.search(r'<a href="[^"]*/zh/books/go-perf/basics/strings/">下一页</a>', maps)
    for page in (landing, strings, maps.split("<pre")[0]):
        assert "{{&lt;" not in page and "{{<" not in page


def test_a_second_import_changes_nothing(site, tmp_path):
    content, _, _ = site
    before = {p: p.read_bytes() for p in (content / "books").rglob("*") if p.is_file()}
    report = import_(HUGO_DOCS, content, "--slug", "go-perf")
    assert "0 pages written, assets: 0, already there and the same: 6" in report
    assert {p: p.read_bytes() for p in (content / "books").rglob("*") if p.is_file()} == before


def test_what_has_no_markdown_form_is_reported_at_its_line(tmp_path):
    shutil.copytree(HUGO_DOCS.parents[1], tmp_path / "site")
    section = tmp_path / "site" / "content" / "docs"
    page = section / "pprof" / "_index.md"
    page.write_text(page.read_text(encoding="utf-8") + '\n见[别处]({{< ref "nowhere.md" >}})。\n\n'
                    "{{< details \"更多\" >}}\n细节\n{{< /details >}}\n", encoding="utf-8")
    content = tmp_path / "content"
    report = run(section, content, import_lang="en", book_slug="go-perf")
    shown = content / "books" / "go-perf" / "pprof" / "_index.md"
    hand = "\n".join(report.needs_hand)
    assert f'{shown}:7: {{{{< ref "nowhere.md" >}}}}: no page \'nowhere.md\' in the book' in hand
    assert f"{shown}:9: " in hand and "details" in hand
    assert len(report.needs_hand) == 3, report.needs_hand  # the ref once, details' two tags
    # the Hugo site's languageCode says zh, before IMPORT_LANG (as for a blog's posts)
    assert report.languages == [("books/go-perf/book.yaml", "zh", "languageCode in the Hugo site's config")]


def test_shortcodes_in_code_are_left_as_they_are(tmp_path):
    page = tmp_path / "a.md"
    text = 'x {{< hint >}}\n```\n{{< hint >}}\n```\n{{< /hint >}}\n'
    converted, problems = convert_shortcodes(text, page, tmp_path)
    assert converted.splitlines() == ['x {% hint style="info" %}', "```", "{{< hint >}}", "```", "{% endhint %}"]
    assert problems == []
