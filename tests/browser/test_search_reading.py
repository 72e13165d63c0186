"""Search on the real site as issue 21 asks for it: typos, other forms of English words,
the lab pages, help when nothing is found, excerpts that keep their lines, and results
under the header's box while typing. Chinese stays exact."""
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.browser.test_site import Session

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FLANNEL_EN = "/en/2016/07/19/setup-hyperd-with-flannel-network/"
FLANNEL_ZH = "/zh/2016/07/19/setup-hyperd-with-flannel-network/"


@pytest.fixture(scope="module")
def base(build_site, serve_dir):
    return serve_dir(build_site(ROOT / "content"))


@pytest.fixture
def session(chromium_browser, base):
    s = Session(chromium_browser, base, viewport={"width": 1366, "height": 900})
    yield s
    assert s.errors == []
    s.context.close()


def search(s, query, path="search/"):
    s.goto(f"{path}?q={quote(query)}")
    s.page.wait_for_selector("[data-search-page][data-state=done]")
    return s.page.eval_on_selector_all(".search-result", """items => items.map(li => ({
        url: new URL(li.querySelector('h2 a').href).pathname,
        excerpt: li.querySelector('.search-excerpt').innerText,
        marks: [...li.querySelectorAll('mark')].map(m => m.textContent.toLowerCase())}))""")


def urls(results):
    return {r["url"] for r in results}


def test_a_typo_in_a_long_word_still_finds_it_and_says_so(session):
    results = search(session, "flanel")
    assert {FLANNEL_EN, FLANNEL_ZH} <= urls(results)
    assert all("flannel" in r["marks"] for r in results)
    note = session.page.locator(".search-corrected").inner_text()
    assert "flanel" in note and "flannel" in note
    # a short word is not "corrected" into another one: "pdo" is not taken for pod
    assert search(session, "pdo") == []
    assert session.page.locator(".search-corrected").count() == 0


def test_plurals_and_other_forms_find_the_same_pages(session):
    plural, singular = urls(search(session, "benchmarks")), urls(search(session, "benchmark"))
    assert plural == singular and len([u for u in plural if "/labs/" not in u]) >= 2, plural
    # -s, -ed, -ing: each form finds the pages of the others
    leases, lease, leasing = (urls(search(session, w)) for w in ("leases", "lease", "leasing"))
    assert leases == lease and lease <= leasing and len(lease) >= 4, (leases, lease, leasing)
    renewing, renewed = urls(search(session, "renewing")), urls(search(session, "renewed"))
    assert renewing == renewed and len(renewed) >= 2, (renewing, renewed)


def test_lab_pages_and_their_transcripts_are_found(session):
    results = search(session, "tcpdump")
    assert "/labs/flannel/" in urls(results)
    results = search(session, "lab-fl-h1")
    assert "/labs/flannel/" in urls(results) and all(r["marks"] for r in results)


def test_chinese_stays_exact(session):
    for word in ("集群", "网络", "集群网络"):
        results = search(session, word, "zh/search/")
        for r in results:
            assert word in "".join(r["marks"]) or word in r["excerpt"], (word, r)
    assert search(session, "集群网络管理", "zh/search/") == []


def test_nothing_found_offers_other_queries_that_find_something(session):
    assert search(session, "集群网络管理", "zh/search/") == []
    help_box = session.page.locator(".search-suggestions")
    assert help_box.get_by_role("link", name="集群").count() == 1
    assert help_box.get_by_role("link", name="标签").count() == 1
    help_box.get_by_role("link", name="集群").click()
    session.page.wait_for_function("() => document.querySelectorAll('.search-result').length > 0")
    assert search(session, "kubrnetez") == []                         # two edits away
    session.page.locator(".search-suggestions").get_by_role("link", name="kubernetes").click()
    session.page.wait_for_function("() => document.querySelectorAll('.search-result').length > 3")


def test_an_excerpt_keeps_a_heading_apart_from_the_paragraph_after_it(session):
    results = search(session, "ip-masq")
    first = next(r for r in results if r["url"] == FLANNEL_EN)
    # the excerpt crosses from one block to the next: the reader sees two lines
    assert "\n" in first["excerpt"].strip("…\n "), first["excerpt"]


@pytest.mark.parametrize("home, word, expected", [("", "flannel", FLANNEL_EN), ("zh/", "集群", "/zh/")])
def test_results_show_under_the_header_box_while_typing(session, axe_violations, home, word, expected):
    session.goto(home)
    # neither search.js nor the index before the box is used
    assert not [u for u in session.requests if u.endswith("/search.js") or "search-index" in u]
    box = session.page.locator("header input[name=q]")
    box.click()
    box.press_sequentially(word, delay=40)
    panel = session.page.locator("#search-box-panel")
    panel.wait_for(state="visible")
    links = panel.locator(".search-box__results a")
    links.first.wait_for()
    assert session.page.url.rstrip("/") == session.base + home.rstrip("/") or session.page.url == session.base + home
    hrefs = links.evaluate_all("as => as.map(a => new URL(a.href).pathname)")
    assert any(h.startswith(expected) for h in hrefs), hrefs
    # the index was searched after the pause, not at every key
    shards = [u for u in session.requests if "/search-index/terms-" in u]
    assert len(shards) <= 2, shards
    assert axe_violations(session.page) == []
    box.press("ArrowDown")
    assert session.page.evaluate("document.activeElement.closest('#search-box-panel') !== null")
    session.page.keyboard.press("Escape")
    panel.wait_for(state="hidden")
    box.press("Enter")
    session.page.wait_for_selector("[data-search-page][data-state=done]")
