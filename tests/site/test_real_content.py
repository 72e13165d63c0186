"""The real blog in content/, built strictly and read with a real HTML parser.

Every post and translation renders with its title and language, translations link to
each other both ways, [TOC] becomes a table of contents, every link inside a post
resolves (pages, static files, in-page anchors), diagrams are accessible SVG, and the
Jeff Dean post says plainly that its PDF is a stand-in.
"""
from pathlib import Path
from urllib.parse import urlparse
from xml.etree import ElementTree

import pytest
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
SVG = "{http://www.w3.org/2000/svg}"


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path}: no front matter"
    return yaml.safe_load(text.split("---\n", 2)[1])


POSTS = sorted([*CONTENT.glob("posts/*.md"), *CONTENT.glob("reading-notes/20*.md")])
META = {p: front_matter(p) for p in POSTS}


@pytest.fixture(scope="module")
def site(build_site):
    return build_site(CONTENT)


def page_of(site: Path, meta: dict) -> Path:
    pages = list(site.glob(f"{meta['lang']}/*/*/*/{meta['slug']}/index.html"))
    assert len(pages) == 1, f"{meta['slug']} ({meta['lang']}): pages {pages}"
    return pages[0]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def target(site: Path, page: Path, url: str) -> Path:
    """The output file a same-site URL points to (directories mean their index.html)."""
    path = urlparse(url).path
    base = "/" + str(page.parent.relative_to(site)) + "/"
    absolute = path if path.startswith("/") else base + path
    file = site / absolute.lstrip("/")
    return file / "index.html" if absolute.endswith("/") else file


def test_ten_posts_and_five_translations():
    originals = [m for m in META.values() if not m.get("translation")]
    translations = [m for m in META.values() if m.get("translation")]
    assert len(originals) == 10 and len(translations) == 5
    slugs = {m["slug"] for m in originals}
    assert all(t["slug"] in slugs for t in translations)


@pytest.mark.parametrize("path", POSTS, ids=lambda p: p.name)
def test_post_renders_with_title_language_and_no_raw_markup(site, path):
    meta = META[path]
    page = soup(page_of(site, meta))
    assert page.select_one("h1").get_text(strip=True) == meta["title"]
    assert page.html["lang"].split("-")[0] == meta["lang"]
    body = page.select_one(".post__body")
    text = body.get_text(" ")
    for raw in ("{filename}", "{static}", "{%", "[TOC]", "<!-- more -->"):
        assert raw not in text, f"{path.name}: {raw} shown as text"
    if "[TOC]" in path.read_text(encoding="utf-8"):
        assert body.select(".toc a[href^='#']"), f"{path.name}: [TOC] gave no table of contents"


@pytest.mark.parametrize("path", [p for p in POSTS if META[p].get("translation")],
                         ids=lambda p: p.name)
def test_translations_link_both_ways(site, path):
    meta = META[path]
    original = next(m for m in META.values() if m["slug"] == meta["slug"] and not m.get("translation"))
    here, there = page_of(site, meta), page_of(site, original)
    for page, other, lang in ((here, there, original["lang"]), (there, here, meta["lang"])):
        links = soup(page).select(f"a[hreflang^='{lang}']")
        assert links, f"{page}: no link to the {lang} version"
        assert {target(site, page, a["href"]) for a in links} == {other}


@pytest.mark.parametrize("path", POSTS, ids=lambda p: p.name)
def test_every_link_in_a_post_resolves(site, path):
    page_path = page_of(site, META[path])
    page = soup(page_path)
    body = page.select_one(".post__body")
    refs = [a["href"] for a in body.select("a[href]")] + [i["src"] for i in body.select("img[src]")]
    assert refs, f"{path.name}: no links at all?"
    for ref in refs:
        url = urlparse(ref)
        if url.scheme or url.netloc:
            assert url.scheme in ("http", "https", "mailto"), f"{path.name}: odd link {ref}"
            continue
        if ref.startswith("#"):
            assert page.find(id=ref[1:]) is not None, f"{path.name}: no anchor {ref}"
            continue
        assert target(site, page_path, ref).is_file(), f"{path.name}: {ref} does not resolve"


def test_internal_post_links_exist_in_the_sources():
    """Links between posts use {filename}, so the strict build checks them; make sure they are there."""
    linking = [p for p in POSTS if "]({filename}" in p.read_text(encoding="utf-8")]
    assert len(linking) >= 5


def test_diagrams_are_accessible_svg(site):
    images = set()
    for path in POSTS:
        page_path = page_of(site, META[path])
        for img in soup(page_path).select(".post__body img[src$='.svg']"):
            assert img.get("alt"), f"{path.name}: diagram without alt text"
            images.add(target(site, page_path, img["src"]))
    assert len(images) >= 2
    for svg in images:
        root = ElementTree.parse(svg).getroot()
        assert root.find(f"{SVG}title").text.strip() and root.find(f"{SVG}desc").text.strip()
        assert "prefers-color-scheme: dark" in svg.read_text(encoding="utf-8")


def test_jeff_dean_post_embeds_the_stand_in_and_says_so(site):
    meta = next(m for m in META.values() if m["slug"] == "the-rise-of-cloud-computing-systems-jeff-dean")
    page_path = page_of(site, meta)
    page = soup(page_path)
    text = " ".join(page.select_one(".post__body").get_text(" ").split())
    assert "The original slides are not available here." in text
    assert "stand-in" in text
    pdf = "/files/jeff-dean-rise-of-cloud-computing-systems-notes.pdf"
    assert pdf in str(page.select_one(".post__body"))
    assert (site / pdf.lstrip("/")).read_bytes().startswith(b"%PDF")


def test_about_page_in_both_languages(site):
    en, zh = soup(site / "en/about/index.html"), soup(site / "zh/about/index.html")
    assert en.h1.get_text(strip=True) == "About" and zh.h1.get_text(strip=True) == "关于"
    assert en.select("a[hreflang^='zh']") and zh.select("a[hreflang^='en']")
