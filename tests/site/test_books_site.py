"""The fixture books (tests/fixtures/books) built as a site, read with an HTML parser:
what a reader gets on a book page, in both languages, and that every link resolves."""
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "books"
# What a reader downloads for one book page, navigation tree included (its HTML; the
# stylesheets and scripts are cached across pages). The budget is 100 KB.
PAGE_BUDGET_BYTES = 100 * 1024


EDIT = "https://example.org/notes/edit/main/content/"


@pytest.fixture(scope="module")
def site(build_site):
    return build_site(FIXTURE, {"BOOKS_EDIT_URL": EDIT})


def page(site, url):
    path = site / unquote(url).strip("/") / "index.html"
    assert path.is_file(), f"{url} was not written"
    return html.fromstring(path.read_bytes())


def texts(doc, xpath):
    return [" ".join(el.text_content().split()) for el in doc.xpath(xpath)]


ETCD_ZH = "zh/books/k8s-handbook/concepts/etcd/"
ETCD_EN = "en/books/k8s-handbook/concepts/etcd/"
FLANNEL = "zh/books/k8s-handbook/concepts/network/flannel/"


def test_the_tree_holds_the_whole_book_with_the_current_page_marked(site):
    doc = page(site, FLANNEL)
    tree = doc.xpath("//nav[@id='book-nav']")[0]
    links = [a.get("href") for a in tree.xpath(".//a[not(contains(@class, 'book-nav__title'))]")]
    assert links == ["/zh/books/k8s-handbook/", "/zh/books/k8s-handbook/concepts/", "/" + ETCD_ZH,
                     "/zh/books/k8s-handbook/concepts/network/", "/" + FLANNEL,
                     "/zh/books/k8s-handbook/concepts/network/cni/", "/zh/books/k8s-handbook/concepts/scheduler/",
                     "/zh/books/k8s-handbook/practice/", "/zh/books/k8s-handbook/practice/quick-start/"]
    assert texts(tree, ".//a[@aria-current='page']") == ["Flannel 网络"]
    # the sections holding the page are open, the others closed below the top level
    opened = texts(tree, ".//details[@open]/summary")
    assert opened == ["概念", "核心概念", "网络", "实践"]
    assert texts(page(site, ETCD_ZH), "//nav[@id='book-nav']//details[@open]/summary") == ["概念", "核心概念", "实践"]


def test_breadcrumbs_previous_next_and_toc_follow_the_book(site):
    doc = page(site, FLANNEL)
    assert texts(doc, "//nav[@class='breadcrumbs']//li") == ["Kubernetes 手册", "概念", "核心概念", "网络", "Flannel 网络"]
    assert texts(doc, "//nav[contains(@class, 'book-page__nav')]/a") == ["← 上一页 网络", "下一页 → CNI 插件"]
    assert texts(doc, "//aside[@class='toc-sidebar']//a") == []  # two headings: no sidebar TOC
    etcd = page(site, ETCD_ZH)
    assert texts(etcd, "//aside[@class='toc-sidebar']//a") == ["数据模型", "Watch 机制", "高可用"]
    landing = page(site, "zh/books/k8s-handbook/")
    assert texts(landing, "//h1") == ["Kubernetes 手册"]
    assert not landing.xpath("//nav[@class='breadcrumbs']")
    assert texts(landing, "//nav[contains(@class, 'book-page__nav')]/a") == ["下一页 → 核心概念"]


def test_pages_without_front_matter_take_title_from_heading_and_date(site):
    doc = page(site, FLANNEL)
    assert texts(doc, "//h1") == ["Flannel 网络"]  # once: the heading became the title
    assert doc.xpath("//html/@lang") == ["zh-CN"]
    stamp = doc.xpath("//footer[@class='book-page__footer']//time/@datetime")[0]
    assert re.match(r"\d{4}-\d\d-\d\d", stamp)
    etcd = page(site, ETCD_ZH)  # `updated:` in its front matter wins
    assert etcd.xpath("//footer[@class='book-page__footer']//time/@datetime")[0].startswith("2016-09-01")
    assert texts(etcd, "//footer[@class='book-page__footer']//time") == ["最后更新于 2016年9月1日"]


def test_relative_links_images_and_post_links_become_urls(site):
    etcd = page(site, ETCD_ZH)
    body = etcd.xpath("//div[@class='post__body']")[0]
    hrefs = [a.get("href") for a in body.xpath(".//a")]
    assert hrefs == ["/" + FLANNEL + "#子网分配", "/en/2016/08/01/watching-keys-in-etcd/"]
    src = body.xpath(".//img/@src")[0]
    assert src == "/books/k8s-handbook/concepts/images/etcd-cluster.svg"
    assert (site / src.lstrip("/")).is_file()
    post = page(site, "en/2016/08/01/watching-keys-in-etcd/")
    assert "/" + ETCD_ZH + "#watch-机制" in post.xpath("//div[@class='post__body']//a/@href")


def test_every_link_on_every_book_page_resolves(site):
    checked = 0
    for path in sorted(site.glob("*/books/**/index.html")):
        doc = html.fromstring(path.read_bytes())
        for url in doc.xpath("//a/@href | //img/@src | //link[@rel='alternate' and @hreflang]/@href"):
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                continue
            target = site / unquote(parts.path).lstrip("/")
            if parts.path.endswith("/") or not parts.path:
                target = (target if parts.path else path.parent) / "index.html"
            assert target.is_file(), f"{path.relative_to(site)}: {url} leads nowhere"
            if parts.fragment:
                ids = html.fromstring(target.read_bytes()).xpath("//@id")
                assert unquote(parts.fragment) in ids, f"{path.relative_to(site)}: {url}: no such anchor"
            checked += 1
    assert checked > 200


def test_backlinks_list_book_pages_and_posts(site):
    assert texts(page(site, ETCD_ZH), "//section[@class='backlinks']//li") == [
        "Kubernetes 手册", "核心概念", "Flannel 网络", "快速启动集群", "Watching keys in etcd (文章)"]
    assert not page(site, "zh/books/k8s-handbook/practice/").xpath("//section[@class='backlinks']")


def test_translations_are_paired_with_hreflang_and_the_language_switch(site):
    zh, en = page(site, ETCD_ZH), page(site, ETCD_EN)
    assert zh.xpath("//link[@rel='alternate'][@hreflang='en']/@href") == ["/" + ETCD_EN]
    assert en.xpath("//link[@rel='alternate'][@hreflang='zh-CN']/@href") == ["/" + ETCD_ZH]
    assert zh.xpath("//nav[@class='lang-switch']//a/@href") == ["/" + ETCD_EN]
    assert texts(en, "//h1") == ["etcd, the store"] and en.xpath("//html/@lang") == ["en"]
    # the English edition has its own order and title
    assert texts(en, "//nav[@id='book-nav']//a") == ["The Kubernetes Handbook", "Preface", "Concepts", "etcd"]
    # a page with one language says so, and the switch leads to the book in the other
    cni = page(site, "zh/books/k8s-handbook/concepts/network/cni/")
    assert texts(cni, "//p[contains(@class, 'book-page__only-in')]") == [
        "本页只有中文版。 Read the book in English: The Kubernetes Handbook"]
    assert cni.xpath("//nav[@class='lang-switch']//a/@href") == ["/en/books/k8s-handbook/"]


def test_per_page_translations_beside_pages(site):
    zh, en = page(site, "zh/books/lab-notes/netns/"), page(site, "en/books/lab-notes/netns/")
    assert texts(zh, "//h1") == ["网络命名空间"] and texts(en, "//h1") == ["Network namespaces"]
    assert en.xpath("//link[@rel='alternate'][@hreflang='zh-CN']/@href") == ["/zh/books/lab-notes/netns/"]
    # name.en.md links to shared.md, which has no English version: the Chinese page
    assert en.xpath("//div[@class='post__body']//a/@href") == ["/zh/books/lab-notes/shared/"]
    # mkdocs.yml's nav: order and section titles; "edit this page" from the setting
    assert texts(zh, "//nav[@id='book-nav']//a") == ["实验笔记", "首页", "网络命名空间", "容器共享网络"]
    assert zh.xpath("//a[@class='book-page__edit']/@href") == [EDIT + "books/lab-notes/docs/netns.md"]


def test_hugo_sections_in_folder_order_by_weight(site):
    doc = page(site, "en/books/go-tips/basics/maps/")
    assert texts(doc, "//nav[@id='book-nav']//a") == [
        "Go tips", "Go tips", "Basics", "Sizing maps", "Building strings", "Profiling"]
    assert texts(doc, "//nav[@class='breadcrumbs']//li") == ["Go tips", "Basics", "Sizing maps"]
    # the book's own edit_url (book.yaml) wins over the setting
    assert doc.xpath("//a[@class='book-page__edit']/@href") == [
        "https://example.org/go-tips/edit/main/books/go-tips/basics/maps.md"]


def test_gitbook_blocks_on_the_page(site):
    readme = page(site, "zh/books/k8s-handbook/")
    assert texts(readme, "//div[contains(@class, 'hint--info')]/p[@class='hint__label']") == ["说明"]
    network = page(site, "zh/books/k8s-handbook/concepts/network/")
    assert texts(network, "//section[@class='tab']/p[@class='tab__title']") == ["Flannel", "Calico"]
    flannel = page(site, FLANNEL)
    assert flannel.xpath("//p[@class='embed']/a/@href") == ["https://github.com/flannel-io/flannel"]
    quick = page(site, "zh/books/k8s-handbook/practice/quick-start/")
    assert texts(quick, "//p[@class='code-title']/following-sibling::div[1]//pre") == ["kubeadm init"]
    assert texts(quick, "//p[@class='code-title']") == ["控制节点上"]
    netns = page(site, "zh/books/lab-notes/netns/")  # MkDocs' admonition
    assert texts(netns, "//div[@class='admonition note']/p") == ["需要 root", "创建网络命名空间需要 root 权限。"]


def test_books_list_menu_and_sitemap(site):
    for prefix, title in (("", "The Kubernetes Handbook"), ("zh/", "Kubernetes 手册")):
        doc = html.fromstring((site / prefix / "books" / "index.html").read_bytes())
        assert title in texts(doc, "//ul[@class='book-list']//h2")
        assert doc.xpath(f"//nav[@class='site-nav']//a[@href='/{prefix}books/']")
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/zh/books/k8s-handbook/concepts/etcd/</loc>" in sitemap
    assert 'hreflang="en" href="http://127.0.0.1:8000/en/books/k8s-handbook/concepts/etcd/"' in sitemap


def test_search_index_has_book_pages_with_their_book(site):
    meta = json.loads((site / "search-index" / "meta.json").read_text(encoding="utf-8"))
    rows = {row[0]: row for row in meta["pages"]}
    assert rows[ETCD_ZH][1:] == ["etcd 存储", "2016-09-01", "zh", "k8s-handbook"]
    assert len(rows["en/2016/08/01/watching-keys-in-etcd/"]) == 4  # a post: no book
    search = html.fromstring((site / "zh" / "search" / "index.html").read_bytes())
    assert search.xpath("//select[@name='book']/option/@value") == ["", "go-tips", "k8s-handbook", "lab-notes"]


def test_a_book_page_stays_under_its_budget(site):
    for url in (ETCD_ZH, FLANNEL, "zh/books/k8s-handbook/"):
        size = (site / url / "index.html").stat().st_size
        assert size < PAGE_BUDGET_BYTES, f"{url}: {size} bytes"


def test_a_page_of_a_handbook_sized_book_stays_under_the_budget(tmp_path, build_site):
    """A book the size of the handbook that was tried (235 pages, three levels, Chinese
    titles and paths as long as its): the tree on every page is the heavy part."""
    book = tmp_path / "content" / "books" / "handbook"
    lines = ["# Summary", ""]
    paragraph = "Kubernetes 集群中的每个组件都通过 API Server 读写状态，etcd 保存全部数据。" * 20
    for chapter in range(12):
        folder = f"chapter-{chapter:02d}-concepts-and-components"
        lines.append(f"* [第 {chapter} 章：核心概念与组件](chapter-{chapter:02d}-concepts-and-components/README.md)")
        (book / folder).mkdir(parents=True)
        (book / folder / "README.md").write_text(f"# 第 {chapter} 章：核心概念与组件\n\n{paragraph}\n")
        for section in range(19):
            name = f"{folder}/kubernetes-component-{section:02d}.md"
            lines.append(f"  * [组件 {section}：调度器与控制器管理器](kubernetes-component-{section:02d}.md)"
                         .replace("](", f"]({folder}/"))
            (book / name).write_text(f"# 组件 {section}：调度器与控制器管理器\n\n## 概述\n\n{paragraph}\n")
    (book / "README.md").write_text("# 手册\n\n" + paragraph + "\n")
    (book / "book.json").write_text('{"language": "zh-hans"}')
    (book / "SUMMARY.md").write_text("\n".join(["* [序言](README.md)", *lines]) + "\n")
    site = build_site(tmp_path / "content")
    pages = sorted(site.glob("zh/books/handbook/**/index.html"))
    assert len(pages) == 1 + 12 * 20
    biggest = max(pages, key=lambda p: p.stat().st_size)
    assert biggest.stat().st_size < PAGE_BUDGET_BYTES, f"{biggest}: {biggest.stat().st_size} bytes"


def test_front_matter_lab_gives_the_lab_box_as_on_posts(site):
    doc = page(site, "zh/books/lab-notes/shared/")
    box = doc.xpath("//aside[contains(@class, 'lab-box')]")
    assert box and "make lab-netns" in box[0].text_content()
    assert texts(doc, "//h1") == ["容器共享网络"]


def test_the_page_toc_is_also_in_the_page_for_narrow_screens(site):
    doc = page(site, ETCD_ZH)
    assert texts(doc, "//details[@class='book-page__toc']//a") == ["数据模型", "Watch 机制", "高可用"]
    assert texts(doc, "//details[@class='book-page__toc']/summary") == ["本页内容"]
    assert not page(site, FLANNEL).xpath("//details[@class='book-page__toc']")
