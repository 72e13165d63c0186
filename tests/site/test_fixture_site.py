"""The fixture site (tests/fixtures/site), built once, read with a real HTML parser.

What a reader sees: each post once on every listing in both UI languages,
the language switch and hreflang links, readable Chinese heading ids shared
by [TOC] and the sidebar, summaries without TOC or tags, dates and UI strings
in the page's language, feeds, sitemap, static files, and no other host.
"""
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup
from lxml import etree

ZH_POST = "zh/2016/08/24/ru-he-kuai-su-qi-dong-yi-ge-kubernetes-ji-qun/"
EN_POST = "en/2016/08/24/ru-he-kuai-su-qi-dong-yi-ge-kubernetes-ji-qun/"
FLANNEL = "en/2016/07/19/setup-hyperd-with-flannel-network/"
DOCKER_ZH = "zh/2016/05/03/docker-1-11-rong-qi-zhi-jian-ru-he-gong-xiang-wang-luo/"
ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture(scope="module")
def site(fixture_site):
    return fixture_site


def soup(site: Path, url: str) -> BeautifulSoup:
    path = site / url / "index.html" if url.endswith("/") or not url else site / url
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def entry_titles(page):
    return [a.get_text(strip=True) for a in page.select("article.entry .entry__title a")]


def test_urls_follow_the_scheme(site):
    for url in (ZH_POST, EN_POST, FLANNEL, DOCKER_ZH, "en/about/", "zh/about/", "",
                "zh/", "archives/", "zh/archives/", "tags/kubernetes/", "zh/tags/kubernetes/",
                "categories/kubernetes/", "zh/categories/kubernetes/", "tags/", "zh/categories/"):
        assert (site / url / "index.html").is_file(), url
    assert (site / "404.html").is_file()
    assert (site / "files" / "slides.pdf").read_bytes().startswith(b"%PDF")
    assert (site / "images" / "diagram.svg").is_file()


def test_indexes_list_every_post_once_newest_first_in_the_ui_language(site):
    en, zh = soup(site, ""), soup(site, "zh/")
    assert entry_titles(en) == [
        "How to start a Kubernetes cluster quickly",
        "Setup hyperd with flannel network",
        "Docker 1.11 容器之间如何共享网络",
    ]
    assert entry_titles(zh) == [
        "如何快速启动一个Kubernetes集群",
        "Setup hyperd with flannel network",
        "Docker 1.11 容器之间如何共享网络",
    ]
    first_en = en.select("article.entry")[0]
    assert first_en.select_one("time").get_text() == "Aug 24, 2016"
    also = first_en.select_one("a.also-in")
    assert also.get_text(strip=True) == "also in 中文" and also["href"] == "/" + ZH_POST
    assert first_en.select_one(".lang-mark").get_text(" ", strip=True).endswith("EN")
    first_zh = zh.select("article.entry")[0]
    assert first_zh.select_one("time").get_text() == "2016年8月24日"
    assert first_zh.select_one("a.also-in")["href"] == "/" + EN_POST
    docker = en.select("article.entry")[2]
    assert docker.select_one(".lang-mark").get_text(" ", strip=True).endswith("中")
    assert docker.select_one("a.also-in") is None
    assert docker["lang"] == "zh-CN"


def test_archives_tags_categories_exist_in_both_languages(site):
    for prefix, heading in (("", "Archives"), ("zh/", "归档")):
        page = soup(site, prefix + "archives/")
        assert page.h1.get_text() == heading
        assert len(page.select(".archive-list li")) == 3
    tag = soup(site, "zh/tags/kubernetes/")
    assert [a.get_text() for a in tag.select(".archive-list__title > a:not(.also-in)")] == \
        ["如何快速启动一个Kubernetes集群"]
    assert soup(site, "tags/ji-qun/").select(".archive-list li a")[0]["href"] == "/" + EN_POST
    cats = soup(site, "zh/categories/")
    assert {a.get_text() for a in cats.select(".term-cloud a")} == {"Kubernetes", "Networking", "网络"}


def test_language_switch_and_hreflang(site):
    zh = soup(site, ZH_POST)
    assert zh.html["lang"] == "zh-CN"
    switch = zh.select_one("nav.lang-switch a.lang-switch__translation")
    assert switch["href"] == "/" + EN_POST and switch.get_text() == "English"
    alternates = {link["hreflang"]: link["href"] for link in zh.select('link[rel="alternate"][hreflang]')}
    assert alternates == {"zh-CN": "/" + ZH_POST, "en": "/" + EN_POST}
    en = soup(site, EN_POST)
    assert en.html["lang"] == "en"
    assert en.select_one("nav.lang-switch a.lang-switch__translation")["href"] == "/" + ZH_POST
    # a post without translation switches to the other language's home page
    flannel = soup(site, FLANNEL)
    assert flannel.select_one("nav.lang-switch a")["href"] == "/zh/"
    # listings switch to the same listing
    assert soup(site, "tags/kubernetes/").select_one("nav.lang-switch a")["href"] == "/zh/tags/kubernetes/"
    assert soup(site, "zh/archives/").select_one("nav.lang-switch a")["href"] == "/archives/"
    assert soup(site, "zh/about/").select_one("nav.lang-switch a")["href"] == "/en/about/"


def test_chinese_heading_ids_are_readable_unique_and_shared_by_both_tocs(site):
    page = soup(site, ZH_POST)
    body = page.select_one(".post__body")
    ids = [h["id"] for h in body.select("h2, h3")]
    assert ids == ["为什么-kubernetes-难部署", "准备工作", "安装", "准备工作-2", "启动集群"]
    inline = [a["href"] for a in body.select("div.toc a")]
    sidebar = [a["href"] for a in page.select("aside.toc-sidebar a")]
    assert inline == sidebar == ["#" + i for i in ids]
    assert page.select_one("aside.toc-sidebar h2").get_text() == "目录"
    assert "[TOC]" not in body.get_text()


def test_sidebar_toc_only_with_three_headings(site):
    assert soup(site, DOCKER_ZH).select_one("aside.toc-sidebar") is not None   # 4 headings
    assert soup(site, FLANNEL).select_one("aside.toc-sidebar") is None         # 1 heading
    assert soup(site, EN_POST).select_one("aside.toc-sidebar h2").get_text() == "Contents"


def test_summaries_and_descriptions_hold_no_toc_or_tags(site):
    # the index pages show a summary per post; archives and tag pages list titles only
    # (.archive-list li), so each page is checked with the selector it actually uses
    checked = {"": (".entry__summary", 3), "zh/": (".entry__summary", 3),
               "archives/": (".archive-list li", 3), "tags/network/": (".archive-list li", 2)}
    for url, (selector, count) in checked.items():
        items = soup(site, url).select(selector)
        assert len(items) == count, (url, selector, len(items))
        for item in items:
            html = str(item)
            assert "[TOC]" not in html and "{%" not in html and 'class="toc"' not in html, url
    for url in (ZH_POST, EN_POST, FLANNEL, DOCKER_ZH):
        desc = soup(site, url).select_one('meta[property="og:description"]')["content"]
        assert desc and "[TOC]" not in desc and "{%" not in desc and "准备工作" not in desc
    en = soup(site, "")
    summaries = [s.get_text(" ", strip=True) for s in en.select(".entry__summary")]
    # before <!-- more -->
    assert summaries[0] == ("This post starts a Kubernetes cluster on one machine with a few "
                            "commands and explains what each component does.")
    # cut by words (English) and by characters (Chinese)
    assert summaries[1].endswith("…") and len(summaries[1].split()) == 55
    assert summaries[2].endswith("…") and "暂停容器" in summaries[2]
    assert "每个网络命名空间" not in summaries[2]  # the cut stays in the first paragraph
    assert len(re.findall(r"[\u4e00-\u9fff]", summaries[2])) <= 140


def test_unrendered_tags_show_as_code_not_raw(site):
    body = soup(site, FLANNEL).select_one(".post__body")
    # flannel.md's {% pdf %} renders as a viewer; its two lab-tag examples (inline code, its
    # words in spans (cnnotes.inline_code), and a fenced block) stay as code text
    nodes = body.find_all(string=re.compile(r"\{%"))
    for node in nodes:
        assert node.find_parent(["code", "pre"]) is not None, node
    codes = [c for c in body.find_all("code") if "{%" in c.get_text()]
    assert [c.get_text().strip() for c in codes] == ["{% lab flannel start-etcd %}"] * 2
    assert body.select_one("figure[data-pdf-viewer]") is not None
    assert codes[0].find_parent("pre") is None and codes[1].find_parent("pre") is not None
    assert "liquid-tag" not in str(body)  # no tag was left for the fallback


def test_article_meta_in_the_page_language(site):
    zh = soup(site, ZH_POST)
    meta = zh.select_one(".post__meta").get_text(" ", strip=True)
    assert "2016年8月24日" in meta and "更新于 2016年9月1日" in meta
    assert re.search(r"阅读约 \d+ 分钟", meta)
    en = soup(site, FLANNEL)
    assert "Jul 19, 2016" in en.select_one(".post__meta").get_text(" ", strip=True)
    assert re.search(r"\d+ min read", en.select_one(".reading-time").get_text())
    assert [a.get_text() for a in zh.select(".post__tags a")] == ["#kubernetes", "#集群"]


def test_prev_next_in_the_same_language(site):
    zh = soup(site, ZH_POST)
    assert zh.select_one("a.post-nav__older")["href"] == "/" + FLANNEL
    assert soup(site, FLANNEL).select_one("a.post-nav__newer")["href"] == "/" + EN_POST
    assert soup(site, DOCKER_ZH).select_one("a.post-nav__older") is None


def test_intrasite_links_resolved(site):
    zh = soup(site, ZH_POST).select_one(".post__body")
    hrefs = [a["href"] for a in zh.select("a[href]") if not a["href"].startswith("#")]
    assert "/" + FLANNEL in hrefs and "/files/slides.pdf" in hrefs
    assert "{filename}" not in str(zh) and "{static}" not in str(zh)


def test_pages_and_menu(site):
    about = soup(site, "zh/about/")
    assert about.html["lang"] == "zh-CN" and about.h1.get_text() == "关于"
    nav = [a.get_text() for a in soup(site, "zh/").select("nav.site-nav a")]
    assert nav[:5] == ["首页", "归档", "标签", "分类", "关于"]  # plugins may add more after


def test_feeds(site):
    def entries(name):
        tree = etree.parse(str(site / "feeds" / name))
        return tree.findall("a:entry", ATOM)

    assert len(entries("all.atom.xml")) == 4
    assert {e.findtext("a:title", namespaces=ATOM) for e in entries("zh.atom.xml")} == {
        "如何快速启动一个Kubernetes集群", "Docker 1.11 容器之间如何共享网络"}
    assert len(entries("en.atom.xml")) == 2
    assert len(entries("tags/kubernetes.atom.xml")) == 2
    for entry in entries("all.atom.xml"):
        summary = entry.findtext("a:summary", default="", namespaces=ATOM)
        content = entry.findtext("a:content", default="", namespaces=ATOM)
        for text in (summary, content):
            assert "[TOC]" not in text and 'class="toc"' not in text
        assert "{%" not in summary


def test_sitemap_has_hreflang_alternates(site):
    tree = etree.parse(str(site / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = {u.findtext("s:loc", namespaces=ns): u for u in tree.findall("s:url", ns)}
    zh = urls["http://127.0.0.1:8000/" + ZH_POST]
    alts = {link.get("hreflang"): link.get("href") for link in zh.findall("x:link", ns)}
    assert alts == {"zh-CN": "http://127.0.0.1:8000/" + ZH_POST, "en": "http://127.0.0.1:8000/" + EN_POST}
    home = urls["http://127.0.0.1:8000/"]
    assert {link.get("hreflang") for link in home.findall("x:link", ns)} == {"en", "zh-CN"}
    assert "http://127.0.0.1:8000/" + DOCKER_ZH in urls


def test_sitemap_lists_labs_and_reading_notes_pages_with_alternates(site):
    """Pages written by other plugins' generators (bilingual.localized.write_localized),
    after the sitemap generator in the plugin order, are in sitemap.xml; the search page
    (one page for every query) is not."""
    base = "http://127.0.0.1:8000/"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = etree.parse(str(site / "sitemap.xml"))
    urls = {u.findtext("s:loc", namespaces=ns): u for u in root.findall("s:url", ns)}

    def alts(url):
        return {a.get("hreflang"): a.get("href") for a in urls[base + url].findall("x:link", ns)}

    for path in ("labs/", "labs/flannel/", "reading-notes/", "tags/", ""):
        want = {"en": base + path, "zh-CN": base + "zh/" + path}
        assert alts(path) == want, path
        assert alts("zh/" + path) == want, path
    assert (site / "labs/flannel/index.html").is_file()
    assert not any("search/" in u for u in urls)
    assert len(urls) == len(root.findall("s:url", ns))  # each URL once


def test_no_request_to_another_host(site):
    for page in site.rglob("*.html"):
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        for el in doc.select("[src], link[href]"):
            url = el.get("src") or el.get("href")
            assert not urlparse(url).netloc, f"{page.relative_to(site)}: {url}"


def test_theme_assets(site):
    css = (site / "theme" / "css" / "pygments.css").read_text()
    assert "prefers-color-scheme: dark" in css and ".highlight .k" in css
    assert (site / "theme" / "js" / "site.js").is_file()
    code = soup(site, ZH_POST).select_one(".post__body div.highlight pre")
    assert code is not None and "kubectl get nodes" in code.get_text()


def test_404_page_in_both_languages(site):
    page = soup(site, "404.html")
    text = page.get_text(" ", strip=True)
    assert "Page not found" in text and "页面不存在" in text
    assert page.select_one('section[lang="zh-CN"] a')["href"] == "/zh/"
