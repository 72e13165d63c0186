"""The search client (theme/static/js/search.js) on a small fixture site.

The fixture pages (tests/fixtures/search/site) are plain HTML: this tests the
indexer and the client together without Pelican, with traps a naive search
falls into: words split by inline markup (<strong>镜</strong>像), words in the
navigation or footer (not the body), a page holding both bigrams of 集群网 but
not the word, full-width letters, Latin words glued to Chinese.
"""
import shutil
from pathlib import Path

import jinja2
import pytest

from cnnotes.search import index as search_index

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "search" / "site"
THEME = ROOT / "theme"

SEARCH_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>search</title><link rel="icon" href="data:,"></head>
<body>{body}<script src="/theme/js/search.js"></script></body></html>
"""


def make_site(dest):
    """The fixture pages, their index, a search page per language and search.js."""
    shutil.copytree(FIXTURE, dest)
    search_index.main([str(dest)])
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(THEME / "templates"), autoescape=True)
    partial = env.get_template("partials/search_results.html")
    for lang, folder in (("en", dest / "search"), ("zh", dest / "zh" / "search")):
        folder.mkdir(parents=True)
        body = partial.render(SITEURL="", search_lang=lang)
        (folder / "index.html").write_text(SEARCH_PAGE.format(lang=lang, body=body), encoding="utf-8")
    (dest / "theme" / "js").mkdir(parents=True)
    shutil.copy(THEME / "static" / "js" / "search.js", dest / "theme" / "js" / "search.js")
    return dest


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return make_site(tmp_path_factory.mktemp("search") / "site")


@pytest.fixture
def page(chromium_browser, serve_dir, site):
    base = serve_dir(site)
    context = chromium_browser.new_context()
    pg = context.new_page()
    pg.base = base
    requests = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.requests = requests
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: m.type == "error" and errors.append("console: " + m.text))
    pg.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
    pg.errors = errors
    yield pg
    context.close()
    assert not errors


def search(pg, query, lang="", ui="search/"):
    """Search through the page's own form, as a reader does; return the results."""
    if not pg.url.endswith(ui) and ui not in pg.url:
        pg.goto(pg.base + ui)
    pg.select_option("select[name=lang]", lang)
    pg.fill("input[name=q]", query)
    pg.press("input[name=q]", "Enter")
    pg.wait_for_function(
        "q => { const r = document.querySelector('[data-search-page]');"
        " return r.dataset.state === 'done' && new URL(location.href).searchParams.get('q') === q; }",
        arg=query)
    return pg.eval_on_selector_all(".search-result", """items => items.map(li => ({
        url: new URL(li.querySelector('h2 a').href).pathname,
        title: li.querySelector('h2 a').textContent,
        date: li.querySelector('time').getAttribute('datetime'),
        shown_date: li.querySelector('time').textContent,
        lang: li.querySelector('.search-lang').textContent,
        excerpt: li.querySelector('.search-excerpt').textContent,
        marks: Array.from(li.querySelectorAll('mark')).map(m => m.textContent),
    }))""")


def urls(results):
    return sorted(r["url"] for r in results)


def test_chinese_words_are_found_and_highlighted(page):
    results = search(page, "集群")
    assert urls(results) == ["/zh/cluster.html", "/zh/network.html"]
    first = results[0]
    assert first["url"] == "/zh/cluster.html"  # in the title too: ranked first
    assert first["title"] == "如何快速启动一个Kubernetes集群"
    assert first["date"] == "2016-07-20" and first["lang"] == "中文"
    assert first["shown_date"] == "Jul 20, 2016"
    assert "集群" in first["marks"] and "集群" in first["excerpt"]
    assert urls(search(page, "网络")) == ["/zh/cluster.html", "/zh/network.html"]
    assert page.text_content(".search-status") == "2 results for “网络”"
    assert urls(search(page, "启动")) == ["/zh/cluster.html"]


def test_a_result_always_holds_the_exact_string(page):
    # network.html has 集群 and 群网 (社群网站) but not 集群网
    assert urls(search(page, "集群网")) == ["/zh/cluster.html"]
    assert urls(search(page, "数据包路径")) == ["/zh/network.html"]
    assert search(page, "路径数据包") == []


def test_inline_markup_does_not_split_words(page):
    assert urls(search(page, "镜像")) == ["/zh/cluster.html", "/zh/runtime.html"]


def test_navigation_and_footer_are_not_indexed(page):
    assert search(page, "导航专用词") == []
    assert search(page, "页脚专用词") == []


def test_english_words_prefixes_and_language_filter(page):
    assert urls(search(page, "flannel")) == [
        "/en/flannel.html", "/zh/cluster.html", "/zh/network.html"]
    assert urls(search(page, "Flann")) == urls(search(page, "flannel"))
    assert urls(search(page, "flannel", lang="en")) == ["/en/flannel.html"]
    assert urls(search(page, "etcd-server")) == ["/en/flannel.html"]
    assert urls(search(page, "10.1.0.0/16")) == ["/zh/cluster.html"]
    assert urls(search(page, "three-member cluster")) == ["/en/etcd.html"]
    assert search(page, "ster") == []  # not a word start


def test_mixed_query_and_full_width_letters(page):
    assert urls(search(page, "Kubernetes集群")) == ["/zh/cluster.html"]
    assert urls(search(page, "oci")) == ["/zh/runtime.html"]
    results = search(page, "ＯＣＩ")
    assert urls(results) == ["/zh/runtime.html"]
    assert results[0]["marks"] == ["OCI", "ＯＣＩ"]


def test_query_in_the_url_and_chinese_labels(page):
    page.goto(page.base + "zh/search/?q=%E5%90%AF%E5%8A%A8")  # 启动
    page.wait_for_selector("[data-search-page][data-state=done]")
    assert page.text_content(".search-status") == "“启动”：1 个结果"
    assert page.text_content(".search-result time") == "2016年7月20日"
    assert page.text_content("select[name=lang] option[value='']").strip() == "全部"
    assert page.input_value("select[name=lang]") == ""   # all languages selected
    assert page.eval_on_selector("select[name=lang]",
                                 "s => s.options[s.selectedIndex].textContent.trim()") == "全部"
    assert page.text_content("label[for=search-page-lang]") == "语言"


def test_markup_in_a_query_is_text(page):
    query = '<img src=x onerror="alert(1)">集群'
    search(page, query)
    assert page.query_selector(".search-page img") is None
    assert query in page.text_content(".search-status")


def test_no_request_leaves_the_site(page):
    search(page, "集群")
    search(page, "flannel")
    assert page.requests and all(u.startswith(page.base) for u in page.requests)
