"""The published site in Debian's Chromium, at its public address under the /blog/ prefix.

The browser asks for https://example.org/blog/...; each request is answered by the real
web server serving public/ under /blog/ (tests/publish/conftest.py), so the pages run
exactly as readers get them: absolute URLs, fingerprinted assets, the search index and
pdf.js found under the prefix. Any request elsewhere is refused and fails the test."""
import re

import pytest

from tests.publish.conftest import SITEURL

pytestmark = pytest.mark.browser
PUBLIC = SITEURL + "/"


@pytest.fixture
def reader(chromium_browser, deployed):
    context = chromium_browser.new_context()
    elsewhere, failures, errors = [], [], []

    def answer(route):
        url = route.request.url
        if not url.startswith(PUBLIC):
            elsewhere.append(url)
            return route.abort()
        response = route.fetch(url=deployed + url[len(PUBLIC):], max_redirects=0)
        route.fulfill(response=response)

    context.route(re.compile(r".*"), answer)
    page = context.new_page()
    page.on("response", lambda r: r.status >= 400 and failures.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: failures.append(f"failed {r.url}"))
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    page.wait_for_load_state("networkidle")  # what the page fetches after load counts too
    context.unroute_all(behavior="wait")
    context.close()
    assert not elsewhere, elsewhere
    assert not failures, failures
    assert not errors, errors


def test_home_page_loads_its_fingerprinted_css_and_js(reader):
    assert reader.goto(PUBLIC).status == 200
    sheets = reader.evaluate("() => [...document.styleSheets].map(s => s.href).filter(Boolean)")
    assert any(re.search(r"/blog/theme/css/site\.[0-9a-f]{10}\.css$", s) for s in sheets), sheets
    # site.css applied: the page is laid out by it, not the browser's defaults
    assert reader.evaluate("() => getComputedStyle(document.querySelector('.site-header')).display") != "inline"


def test_search_finds_chinese_under_the_prefix(reader):
    reader.goto(PUBLIC + "zh/search/?q=%E9%9B%86%E7%BE%A4")  # 集群
    reader.wait_for_selector("[data-search-page][data-state=done]", timeout=30000)
    links = reader.eval_on_selector_all(".search-result h2 a", "as => as.map(a => a.href)")
    assert links and all(link.startswith(PUBLIC) for link in links), links
    assert any("ru-he-kuai-su-qi-dong-yi-ge-kubernetes-ji-qun" in link for link in links)


def test_pdf_viewer_loads_pdfjs_under_the_prefix(reader):
    reader.goto(PUBLIC + "en/2016/05/05/the-rise-of-cloud-computing-systems-jeff-dean/")
    reader.wait_for_selector("figure[data-pdf-viewer][data-state=ready]", timeout=30000)
    assert reader.evaluate("() => document.querySelector('figure[data-pdf-viewer] canvas').width") > 0
