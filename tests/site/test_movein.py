"""Moving a blog in: the fixture sites of Hexo, Hugo, Jekyll and Pelican
(tests/fixtures/movein/), and one written like a real Hugo blog (hugo-blog: no
language keys, Chinese and English, front matter without its opening `---`, two
posts with one title, page bundles).

Each fixture's posts build copied unchanged into content/posts/; each site builds
after the importer; no tag or shortcode reaches a page; every old URL, requested
from a real HTTP server, redirects to the right post, at the site root and under a
path prefix; the redirect pages are in no listing, feed, sitemap or search index; a
second import changes nothing.
"""
import logging
import os
import re
import shutil
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from cnnotes.front_matter.formats import read_metadata
from tools.build import build
from tools.importer.run import run as import_site

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "movein"
TOOLS = ["hexo", "hugo", "jekyll", "pelican"]
# where each tool keeps its posts and the site-root files they link, as (from, to under content/)
POST_TREES = {
    "hexo": [("source/_posts", "posts")],
    "hugo": [("content/posts", "posts"), ("static", "")],
    "jekyll": [("_posts", "posts"), ("assets", "assets")],
    "pelican": [("content", "posts"), ("content/images", "images")],
}
RAW_TAG_RE = re.compile(r"\{%|\{\{<|\{\{%")
REFRESH_RE = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


def build_site(content: Path, output: Path) -> Path:
    """A strict build of pelicanconf.py (no build cache), from the project root."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return Path(build(str(ROOT / "pelicanconf.py"),
                          {"PATH": str(content), "OUTPUT_PATH": str(output)}, cache=None))
    finally:
        os.chdir(cwd)


def outside_code(html: str) -> str:
    """A page's HTML without its <pre> and <code> elements (where tags are examples)."""
    return re.sub(r"<(pre|code)\b.*?</\1>", "", html, flags=re.S)


def raw_tags(output: Path) -> list:
    found = []
    for page in sorted(output.rglob("*.html")):
        for m in RAW_TAG_RE.finditer(outside_code(page.read_text(encoding="utf-8"))):
            found.append(f"{page.relative_to(output)}: {m.group(0)}")
    return found


def titles(content: Path) -> dict:
    """{content-relative path: title} of every Markdown file under content/."""
    out = {}
    for path in content.rglob("*.md"):
        found = read_metadata(path.read_text(encoding="utf-8"))
        out[path.relative_to(content).as_posix()] = str(found.raw["title"])
    return out


def page_titles(output: Path) -> set:
    found = set()
    for page in output.rglob("index.html"):
        m = re.search(r'<h1 class="(?:post|page)__title">(.*?)</h1>', page.read_text(encoding="utf-8"), re.S)
        if m:
            found.add(m.group(1).strip())
    return found


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Factory: (report, content dir, output dir) of a fixture site imported and built."""
    done = {}

    def _imported(name):
        if name not in done:
            top = tmp_path_factory.mktemp(f"import-{name}")
            report = import_site(FIXTURES / name, top / "content")
            done[name] = (report, top / "content", build_site(top / "content", top / "output"))
        return done[name]

    return _imported


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode("utf-8")


def follow(url):
    """(final URL, its HTML) after the redirect page at url."""
    status, page = fetch(url)
    assert status == 200, url
    m = REFRESH_RE.search(page)
    assert m, f"{url} is no redirect page"
    assert f'<link rel="canonical" href="{m.group(1)}">' in page
    assert f'<a href="{m.group(1)}">' in page  # a plain link too
    target = urljoin(url, m.group(1))
    status, html = fetch(target)
    assert status == 200, target
    return target, html


@pytest.mark.parametrize("tool", TOOLS)
def test_posts_build_unchanged_when_copied_into_content(tool, tmp_path, caplog):
    content = tmp_path / "content"
    for source, dest in POST_TREES[tool]:
        src = FIXTURES / tool / source
        if tool == "pelican" and dest == "posts":  # Pelican's posts are the Markdown at the top
            (content / dest).mkdir(parents=True)
            for md in src.glob("*.md"):
                shutil.copy(md, content / dest / md.name)
        else:
            shutil.copytree(src, content / dest, dirs_exist_ok=True)
    with caplog.at_level(logging.WARNING):
        output = build_site(content, tmp_path / "output")
    assert set(titles(content / "posts").values()) <= page_titles(output)
    assert raw_tags(output) == []


def test_a_chinese_post_without_lang_is_published_in_chinese(tmp_path, caplog):
    post = FIXTURES / "hexo" / "source" / "_posts" / "flannel-vxlan.md"
    assert "lang:" not in post.read_text(encoding="utf-8")
    (tmp_path / "content" / "posts").mkdir(parents=True)
    shutil.copy(post, tmp_path / "content" / "posts")
    with caplog.at_level(logging.WARNING):
        output = build_site(tmp_path / "content", tmp_path / "output")
    pages = [p for p in output.glob("*/2019/03/02/*/index.html")]
    assert [p.relative_to(output).parts[0] for p in pages] == ["zh"]
    html = pages[0].read_text(encoding="utf-8")
    assert '<html lang="zh-CN"' in html
    assert any("flannel-vxlan.md:1: no lang: published as 'zh' (mostly Chinese text)" in r.getMessage()
               for r in caplog.records)


@pytest.mark.parametrize("tool", TOOLS + ["hugo-blog"])
def test_imported_site_builds_with_every_post_and_no_raw_tag(tool, imported):
    report, content, output = imported(tool)
    assert report.posts and not report.needs_hand, report.lines()
    assert set(titles(content).values()) <= page_titles(output)
    assert raw_tags(output) == []


@pytest.mark.parametrize("tool", TOOLS + ["hugo-blog"])
def test_old_urls_redirect_to_the_right_post(tool, imported, serve_dir):
    report, content, output = imported(tool)
    names = titles(content)
    base = serve_dir(output)
    assert report.aliases
    for old, dest in report.aliases:
        target, html = follow(urljoin(base, old.lstrip("/")))
        assert f">{names[dest]}</h1>" in html, (old, target)


def test_old_urls_work_under_a_path_prefix(imported, serve_dir, tmp_path):
    report, content, output = imported("hugo")
    (tmp_path / "blog").symlink_to(output, target_is_directory=True)
    base = serve_dir(tmp_path) + "blog/"
    names = titles(content)
    for old, dest in report.aliases:
        target, html = follow(urljoin(base, old.lstrip("/")))
        assert urlsplit(target).path.startswith("/blog/") and f">{names[dest]}</h1>" in html


@pytest.mark.parametrize("tool", ["hexo", "hugo", "jekyll"])
def test_redirect_pages_are_in_no_listing_feed_sitemap_or_search(tool, imported):
    report, content, output = imported(tool)
    listed = [output / "sitemap.xml", *output.glob("feeds/**/*.xml"), *output.glob("search-index/*"),
              output / "index.html", output / "zh" / "index.html", *output.glob("**/archives/index.html"),
              *output.glob("**/tags/**/index.html"), *output.glob("**/categories/**/index.html")]
    texts = {p: p.read_text(encoding="utf-8") for p in listed if p.is_file()}
    assert output / "sitemap.xml" in texts and any("search-index" in str(p) for p in texts)
    linked = {}  # every address a listing, feed, sitemap or the index names, as a site path
    for p, text in texts.items():
        for m in re.finditer(r'"([^"\s<>]*/[^"\s<>]*)"|<loc>([^<]+)</loc>|<id>([^<]+)</id>', text):
            url = next(g for g in m.groups() if g)
            path = urlsplit(url).path.removesuffix("index.html").strip("/")
            linked.setdefault(path, p)
    for old, _ in report.aliases:
        path = old.strip("/")
        assert (output / path).exists()
        assert path not in linked, (old, linked.get(path))
    # the scan does find the posts' own addresses
    assert any(re.fullmatch(r"(en|zh)/\d{4}/\d{2}/\d{2}/[^/]+", path) for path in linked)


def test_the_real_blog_gets_its_languages(imported, serve_dir):
    """hugo-blog: no post gives a language; at least 95% come out in their own."""
    report, content, output = imported("hugo-blog")
    expected = dict(line.split() for line in (FIXTURES / "hugo-blog" / "LANGUAGES.txt")
                    .read_text(encoding="utf-8").splitlines() if line and not line.startswith("#"))
    base = serve_dir(output)
    right = 0
    for name, lang in expected.items():
        _, html = follow(urljoin(base, f"posts/{name}/"))
        right += f'<html lang="{ {"zh": "zh-CN", "en": "en"}[lang] }"' in html
    assert right / len(expected) >= 0.95, f"{right} of {len(expected)}"


def test_the_real_blog_is_repaired_and_says_so(imported):
    report, content, _ = imported("hugo-blog")
    unfenced = [p for p in (FIXTURES / "hugo-blog" / "content" / "posts").glob("*.md")
                if not p.read_text(encoding="utf-8").startswith("---")]
    assert len(unfenced) >= 3
    for p in unfenced:  # the import wrote the opening '---'
        assert (content / "posts" / p.name).read_text(encoding="utf-8").startswith("---\n")
    same_title = [p for p, t in titles(content).items() if t == "Notes on etcd"]
    assert len(same_title) == 2
    assert len({(content / p).read_text(encoding="utf-8").split("slug: ")[1].split("\n")[0]
                for p in same_title}) == 2
    assert any("mostly Chinese text" in line for line in report.lines())
    said = "\n".join(report.repaired)
    for p in unfenced:
        assert f"{content}/posts/{p.name}:1: its front matter lacked the opening '---': added" in said
    for p in same_title:
        assert f"{content}/{p}:1: 2 posts titled 'Notes on etcd' in 'en'" in said


@pytest.mark.parametrize("tool", TOOLS + ["hugo-blog"])
def test_a_second_import_changes_nothing(tool, tmp_path):
    content = tmp_path / "content"
    first = import_site(FIXTURES / tool, content)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in content.rglob("*") if p.is_file()}
    second = import_site(FIXTURES / tool, content)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in content.rglob("*") if p.is_file()}
    assert after == before
    assert not (second.posts or second.pages or second.assets or second.needs_hand or second.repaired)
    assert len(second.unchanged) == len(first.posts) + len(first.pages) + len(first.assets)
