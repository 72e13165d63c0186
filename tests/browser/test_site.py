"""The built fixture site in Debian Chromium: what a reader does and sees.

Language switch, TOC links to Chinese headings, the copy button, no console
errors, no request to any host but 127.0.0.1, and axe-core finding no serious
or critical accessibility violation, in light and dark mode.
"""
from urllib.parse import unquote, urlparse

import pytest

pytestmark = pytest.mark.browser

ZH_POST = "zh/2016/08/24/ru-he-kuai-su-qi-dong-yi-ge-kubernetes-ji-qun/"
EN_POST = "en/2016/08/24/ru-he-kuai-su-qi-dong-yi-ge-kubernetes-ji-qun/"
PAGES = ["", "zh/", ZH_POST, EN_POST, "en/2016/07/19/setup-hyperd-with-flannel-network/",
         "zh/2016/05/03/docker-1-11-rong-qi-zhi-jian-ru-he-gong-xiang-wang-luo/",
         "archives/", "zh/archives/", "tags/", "zh/tags/kubernetes/", "categories/",
         "en/about/", "zh/about/", "no-such-page/"]


@pytest.fixture(scope="module")
def base(fixture_site, serve_dir):
    return serve_dir(fixture_site)


class Session:
    """A browser context that records every request and every console error."""

    def __init__(self, browser, base, **options):
        self.base = base
        self.requests, self.errors = [], []
        self.context = browser.new_context(**options)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        if urlparse(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            route.abort()

    def goto(self, path):
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        return response

    def foreign_requests(self):
        return [u for u in self.requests
                if urlparse(u).hostname != "127.0.0.1" and not u.startswith(("data:", "blob:"))]


@pytest.fixture
def session(chromium_browser, base):
    s = Session(chromium_browser, base, viewport={"width": 1280, "height": 800})
    yield s
    s.context.close()


def test_language_switch_reaches_the_translation(session):
    session.goto(ZH_POST)
    page = session.page
    assert page.get_attribute("html", "lang") == "zh-CN"
    page.get_by_role("navigation", name="语言").get_by_role("link", name="English").click()
    page.wait_for_url(session.base + EN_POST)
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").inner_text() == "How to start a Kubernetes cluster quickly"
    page.get_by_role("navigation", name="Language").get_by_role("link", name="中文").click()
    page.wait_for_url(session.base + ZH_POST)
    assert page.locator("h1").inner_text() == "如何快速启动一个Kubernetes集群"
    # listings switch to the same listing in the other language
    session.goto("archives/")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="中文").click()
    page.wait_for_url(session.base + "zh/archives/")
    assert page.locator("h1").inner_text() == "归档"
    assert session.errors == []


def _top_of(page, element_id):
    return page.evaluate("id => document.getElementById(id).getBoundingClientRect().top", element_id)


def test_toc_links_scroll_to_chinese_headings(session):
    page = session.page
    page.set_viewport_size({"width": 1000, "height": 800})  # the [TOC] box shows without the sidebar
    session.goto(ZH_POST)
    assert _top_of(page, "准备工作-2") > 800  # below the fold at first
    page.locator(".post__body .toc").get_by_role("link", name="准备工作").nth(1).click()
    page.wait_for_function("() => Math.abs(document.getElementById('准备工作-2')"
                           ".getBoundingClientRect().top) < 40")
    assert unquote(urlparse(page.url).fragment) == "准备工作-2"
    page.wait_for_function("() => decodeURIComponent(document.querySelector("
                           "'.toc-sidebar a.is-current')?.getAttribute('href')) === '#准备工作-2'")
    # the sidebar TOC (on a wide screen, instead of the box) goes to the same heading
    # and marks it as current
    page.set_viewport_size({"width": 1280, "height": 800})
    sidebar = page.get_by_role("complementary").get_by_role("link", name="启动集群")
    sidebar.click()
    page.wait_for_function("() => Math.abs(document.getElementById('启动集群')"
                           ".getBoundingClientRect().top) < 40")
    page.wait_for_function("() => document.querySelector('.toc-sidebar a.is-current')"
                           "?.textContent === '启动集群'")
    assert sidebar.get_attribute("aria-current") == "location"
    assert session.errors == []


def test_copy_button_copies_the_code(chromium_browser, base):
    s = Session(chromium_browser, base, viewport={"width": 1280, "height": 800})
    try:
        s.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
        s.goto(ZH_POST)
        page = s.page
        block = page.locator(".post__body .highlight").first
        block.hover()
        button = block.get_by_role("button", name="复制代码")
        button.click()
        page.wait_for_function("() => document.querySelector('.copy-button').textContent === '已复制'")
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == "$ kubectl get nodes\nNAME        STATUS    AGE\n127.0.0.1   Ready     1m"
        assert s.errors == []
    finally:
        s.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_load_without_errors_or_other_hosts(chromium_browser, base, scheme):
    s = Session(chromium_browser, base, color_scheme=scheme, viewport={"width": 1280, "height": 800})
    try:
        for path in PAGES:
            seen = len(s.errors)
            response = s.goto(path)
            missing = path == "no-such-page/"
            assert response.status == (404 if missing else 200), path
            if missing:  # the browser reports the 404 itself; nothing else may fail
                assert [e for e in s.errors[seen:] if "404 (Not Found)" not in e] == []
                del s.errors[seen:]
                assert s.page.locator("h1").inner_text() == "404 · Page not found"
        assert s.errors == []
        assert s.foreign_requests() == []
        assert any(u.endswith("/theme/js/site.js") for u in s.requests)
    finally:
        s.context.close()


AXE_PAGES = ["", "zh/", ZH_POST, EN_POST, "zh/archives/", "tags/kubernetes/", "no-such-page/"]


@pytest.mark.parametrize("scheme, width", [("light", 1280), ("dark", 1280), ("light", 390)])
def test_axe_finds_no_serious_violations(chromium_browser, base, axe_violations, scheme, width):
    s = Session(chromium_browser, base, color_scheme=scheme, viewport={"width": width, "height": 800})
    try:
        problems = []
        for path in AXE_PAGES:
            response = s.goto(path)
            assert response.status == (404 if path == "no-such-page/" else 200), path
            problems += [f"/{path}: {v}" for v in axe_violations(s.page)]
        assert problems == []
        assert s.foreign_requests() == []
    finally:
        s.context.close()
