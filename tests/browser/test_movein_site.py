"""A moved-in Hugo blog (tests/fixtures/movein/hugo), imported and built, in Debian
Chromium: an old URL, under a path prefix, lands on the post by the redirect page's
meta refresh, and the imported posts load nothing from another host (link cards
instead of embeds)."""
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tools.build import build
from tools.importer.run import run as import_site

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def prefixed_base(tmp_path_factory, serve_dir):
    """The imported site built for, and served under, the path prefix /blog/."""
    top = tmp_path_factory.mktemp("movein-browser")
    import_site(ROOT / "tests" / "fixtures" / "movein" / "hugo", top / "content")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        output = build(str(ROOT / "pelicanconf.py"),
                       {"PATH": str(top / "content"), "OUTPUT_PATH": str(top / "output"),
                        "SITEURL": "/blog"}, cache=None)
    finally:
        os.chdir(cwd)
    (top / "served").mkdir()
    (top / "served" / "blog").symlink_to(output, target_is_directory=True)
    return serve_dir(top / "served") + "blog/"


@pytest.mark.parametrize("old, title", [
    ("2019/cgroups.html", "Limiting memory with cgroups v2"),
    ("2019/11/cgroups/", "Limiting memory with cgroups v2"),
    ("zh/2020/05/etcd-raft/", "etcd 是怎样使用 Raft 的"),
])
def test_an_old_url_lands_on_the_post(chromium_browser, prefixed_base, old, title):
    page = chromium_browser.new_page()
    hosts = set()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).hostname))
    try:
        page.goto(prefixed_base + old)
        page.wait_for_function("() => document.querySelector('h1.post__title') !== null", timeout=10000)
        assert page.inner_text("h1.post__title") == title
        assert urlsplit(page.url).path.startswith("/blog/") and "/20" in page.url
        assert hosts == {"127.0.0.1"}
    finally:
        page.close()


def test_embeds_are_link_cards_and_load_nothing_from_elsewhere(chromium_browser, prefixed_base,
                                                              axe_violations):
    page = chromium_browser.new_page()
    hosts = set()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).hostname))
    try:
        page.goto(prefixed_base + "en/2019/11/20/cgroups/")
        cards = page.locator("a.link-card")
        assert cards.count() == 2
        assert cards.nth(0).get_attribute("href") == "https://www.youtube.com/watch?v=ikZ8_mRotT4"
        assert page.locator("iframe, script[src*='gist']").count() == 0
        assert page.evaluate("() => document.querySelector('img[alt=\"The cgroup tree\"]').naturalWidth") > 0
        assert hosts == {"127.0.0.1"}
        assert axe_violations(page) == []
    finally:
        page.close()
