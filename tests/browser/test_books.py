"""Book pages in Debian Chromium, on a desktop and a phone: the tree (current page
highlighted and scrolled into view, sections that open and close), the drawer on a phone,
previous/next, the language switch between editions, search filtered by book, axe."""
from pathlib import Path

import pytest

from tests.browser.test_site import Session

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "books"
ETCD_ZH = "zh/books/k8s-handbook/concepts/etcd/"
ETCD_EN = "en/books/k8s-handbook/concepts/etcd/"
CNI_ZH = "zh/books/k8s-handbook/concepts/network/cni/"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# where the current page's entry is, against the tree's visible box and the window
CURRENT_BOX = """() => { const nav = document.getElementById('book-nav');
    const a = nav.querySelector('[aria-current=page]').getBoundingClientRect();
    const n = nav.getBoundingClientRect();
    return {top: a.top, bottom: a.bottom, navTop: n.top, navBottom: n.bottom, scrolled: nav.scrollTop,
            windowScroll: window.scrollY, innerHeight: window.innerHeight}; }"""


def big_book(root: Path) -> Path:
    """A content dir with one book of 12 chapters × 20 pages, as long as a real handbook."""
    book = root / "books" / "big"
    lines = ["* [序言](README.md)"]
    (book).mkdir(parents=True)
    (book / "README.md").write_text("# 大手册\n\n序言。\n", encoding="utf-8")
    for chapter in range(12):
        folder = book / f"c{chapter:02d}"
        folder.mkdir()
        (folder / "README.md").write_text(f"# 第 {chapter} 章\n\n本章。\n", encoding="utf-8")
        lines.append(f"* [第 {chapter} 章](c{chapter:02d}/README.md)")
        for n in range(19):
            (folder / f"p{n:02d}.md").write_text(f"# 第 {chapter} 章第 {n} 节\n\n正文。\n", encoding="utf-8")
            lines.append(f"  * [第 {chapter} 章第 {n} 节](c{chapter:02d}/p{n:02d}.md)")
    (book / "SUMMARY.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (book / "book.json").write_text('{"language": "zh"}', encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def base(build_site, serve_dir):
    return serve_dir(build_site(FIXTURE))


@pytest.fixture(scope="module")
def big_base(build_site, serve_dir, tmp_path_factory):
    return serve_dir(build_site(big_book(tmp_path_factory.mktemp("big-book") / "content")))


def session(browser, base, viewport, **options):
    return Session(browser, base, viewport=viewport, **options)


def test_desktop_tree_marks_the_page_and_sections_open_and_close(chromium_browser, base):
    s = session(chromium_browser, base, DESKTOP)
    try:
        assert s.goto(ETCD_ZH).status == 200
        page = s.page
        tree = page.get_by_role("navigation", name="Kubernetes 手册")
        current = tree.locator("[aria-current=page]")
        assert current.inner_text() == "etcd" and current.is_visible()
        assert current.evaluate("a => getComputedStyle(a).backgroundColor") != \
            tree.get_by_role("link", name="调度器").evaluate("a => getComputedStyle(a).backgroundColor")
        flannel = tree.get_by_role("link", name="Flannel 网络")
        assert not flannel.is_visible()          # its section (网络) is closed
        tree.locator("summary", has_text="网络").click()
        assert flannel.is_visible()
        flannel.click()
        page.wait_for_url(base + "zh/books/k8s-handbook/concepts/network/flannel/")
        assert page.get_by_role("navigation", name="Kubernetes 手册").locator("[aria-current=page]").inner_text() \
            == "Flannel 网络"
        # previous / next in book order
        page.get_by_role("navigation", name="上一页与下一页").get_by_role("link", name="下一页 → CNI 插件").click()
        page.wait_for_url(base + CNI_ZH)
        assert page.locator("h1").inner_text() == "CNI 插件"
        assert page.get_by_role("button", name="目录", exact=True).is_hidden()  # the drawer button: phones only
        assert s.page.evaluate(OVERFLOW) == 0
        assert s.foreign_requests() == [] and s.errors == []
    finally:
        s.context.close()


def test_current_page_is_scrolled_into_view_in_a_long_tree(chromium_browser, big_base):
    s = session(chromium_browser, big_base, DESKTOP)
    try:
        assert s.goto("zh/books/big/c10/p15/").status == 200
        box = s.page.evaluate(CURRENT_BOX)
        assert box["scrolled"] > 0, box                      # the tree scrolled, by itself
        assert box["navTop"] <= box["top"] and box["bottom"] <= box["navBottom"], box
        assert box["windowScroll"] == 0, box                 # the page did not move
    finally:
        s.context.close()


def test_phone_tree_is_a_drawer(chromium_browser, big_base):
    s = session(chromium_browser, big_base, PHONE, has_touch=True, is_mobile=True)
    try:
        assert s.goto("zh/books/big/c10/p15/").status == 200
        page = s.page
        tree = page.locator("#book-nav")
        opener = page.get_by_role("button", name="目录", exact=True)
        assert opener.is_visible() and not tree.is_visible()
        assert opener.get_attribute("aria-expanded") == "false"
        opener.click()
        tree.wait_for(state="visible")  # it slides in
        assert opener.get_attribute("aria-expanded") == "true"
        page.wait_for_function("() => !document.getAnimations().length")
        current = tree.locator("[aria-current=page]")
        box = current.bounding_box()
        assert current.inner_text() == "第 10 章第 15 节" and 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"]
        assert tree.bounding_box()["width"] <= PHONE["width"]
        assert page.evaluate("document.querySelector('main').inert") is True  # focus stays in the drawer
        page.keyboard.press("Escape")
        tree.wait_for(state="hidden")
        assert opener.get_attribute("aria-expanded") == "false"
        assert page.evaluate("document.querySelector('main').inert") is False
        opener.click()
        page.get_by_role("button", name="关闭目录").click()
        tree.wait_for(state="hidden")
        opener.click()
        tree.get_by_role("link", name="第 11 章", exact=True).click()
        page.wait_for_url(big_base + "zh/books/big/c11/")
        assert page.locator("h1").inner_text() == "第 11 章"
        assert page.evaluate(OVERFLOW) == 0
        assert s.errors == []
    finally:
        s.context.close()


def test_phone_without_javascript_lists_the_tree_after_the_page(chromium_browser, base):
    s = session(chromium_browser, base, PHONE, java_script_enabled=False)
    try:
        s.goto(ETCD_ZH)
        tree = s.page.locator("#book-nav")
        assert tree.is_visible() and s.page.get_by_role("button", name="目录", exact=True).is_hidden()
        assert tree.bounding_box()["y"] > s.page.locator("article").bounding_box()["y"]
    finally:
        s.context.close()


def test_language_switch_between_editions(chromium_browser, base):
    s = session(chromium_browser, base, DESKTOP)
    try:
        s.goto(ETCD_ZH)
        page = s.page
        page.get_by_role("navigation", name="语言").get_by_role("link", name="English").click()
        page.wait_for_url(base + ETCD_EN)
        assert page.locator("h1").inner_text() == "etcd, the store"
        assert page.get_by_role("navigation", name="The Kubernetes Handbook") \
            .locator("[aria-current=page]").inner_text() == "etcd"
        s.goto(CNI_ZH)  # no English version: it says so, and the switch leads to the English book
        assert page.locator(".book-page__only-in").inner_text().startswith("本页只有中文版。")
        page.get_by_role("navigation", name="语言").get_by_role("link", name="English").click()
        page.wait_for_url(base + "en/books/k8s-handbook/")
        assert page.locator("h1").inner_text() == "The Kubernetes Handbook"
    finally:
        s.context.close()


def search(page, base, query, book=""):
    page.goto(base + "zh/search/")
    page.select_option("select[name=book]", book)
    page.fill("#search-page-q", query)  # the search page's own box, not the header's
    page.press("#search-page-q", "Enter")
    page.wait_for_function(
        "q => document.querySelector('[data-search-page]').dataset.state === 'done'"
        " && new URL(location.href).searchParams.get('q') === q", arg=query)
    return page.eval_on_selector_all(".search-result h2 a", "as => as.map(a => new URL(a.href).pathname)")


def test_search_finds_book_pages_and_filters_by_book(chromium_browser, base):
    s = session(chromium_browser, base, DESKTOP)
    try:
        page = s.page
        found = search(page, base, "网络")
        assert "/zh/books/k8s-handbook/concepts/network/" in found
        assert "/zh/books/lab-notes/netns/" in found
        only = search(page, base, "网络", book="lab-notes")
        assert only and all(url.startswith("/zh/books/lab-notes/") for url in only)
        assert "book=lab-notes" in page.url
        # exact Chinese: 存储 is in the etcd page; 储存 (its characters the other way) in none
        assert search(page, base, "状态存储") == ["/" + ETCD_ZH]
        assert page.locator(".search-result .search-book").all_inner_texts() == ["Kubernetes 手册"]
        assert search(page, base, "储存") == []
        # a post and a book page both hold "etcd"
        both = search(page, base, "watch")
        assert "/en/2016/08/01/watching-keys-in-etcd/" in both and "/" + ETCD_ZH in both
        assert sorted(search(page, base, "watch", book="k8s-handbook")) == ["/" + ETCD_EN, "/" + ETCD_ZH]
        assert s.errors == []
    finally:
        s.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_book_pages_pass_axe(chromium_browser, base, axe_violations, viewport, scheme):
    s = session(chromium_browser, base, viewport, color_scheme=scheme)
    try:
        for url in (ETCD_ZH, "zh/books/k8s-handbook/concepts/network/", CNI_ZH, "zh/books/lab-notes/netns/", "books/"):
            assert s.goto(url).status == 200
            assert axe_violations(s.page) == [], url
        if viewport is PHONE:
            s.goto("en/books/k8s-handbook/")
            s.page.get_by_role("button", name="Contents", exact=True).click()
            s.page.locator("#book-nav").wait_for(state="visible")
            assert axe_violations(s.page) == []
    finally:
        s.context.close()


@pytest.mark.parametrize("width, sidebar", [(1280, True), (1150, False), (1000, False), (390, False)])
def test_the_page_toc_is_in_the_sidebar_or_in_the_page(chromium_browser, base, width, sidebar):
    s = session(chromium_browser, base, {"width": width, "height": 800})
    try:
        s.goto(ETCD_ZH)
        side = s.page.locator(".toc-sidebar")
        inline = s.page.locator("details.book-page__toc")
        assert side.is_visible() is sidebar and inline.is_visible() is not sidebar
        if not sidebar:
            inline.locator("summary").click()
            inline.get_by_role("link", name="高可用").click()
            s.page.wait_for_url("**/#%E9%AB%98%E5%8F%AF%E7%94%A8")
            # the site scrolls smoothly: wait until the section is in the window
            s.page.wait_for_function("""() => { const r = document.getElementById('高可用')
                .getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }""", timeout=5000)
        assert s.page.evaluate(OVERFLOW) == 0
    finally:
        s.context.close()
