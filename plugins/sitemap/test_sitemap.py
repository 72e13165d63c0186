"""sitemap.xml entries and hreflang alternates."""
import datetime
from pathlib import Path
from types import SimpleNamespace as NS

import pytest
from lxml import etree

from sitemap import render, sitemap_entries

ROOT = Path(__file__).resolve().parents[2]
NS_MAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def test_pairs_list_each_other_and_plugins_can_add_urls():
    en = NS(lang="en", url="en/p/", date=datetime.datetime(2016, 8, 24), translations=[])
    zh = NS(lang="zh", url="zh/p/", date=datetime.datetime(2016, 8, 24), translations=[en],
            modified=datetime.datetime(2016, 9, 1))
    en.translations = [zh]
    context = {"articles": [zh], "pages": [],
               "sitemap_urls": [("", {"en": "", "zh": "zh/"}), ("labs/flannel/", {})]}
    xml = render(sitemap_entries(context), "https://x.test/")
    root = etree.fromstring(xml.encode())
    urls = {u.findtext("s:loc", namespaces=NS_MAP): u for u in root.findall("s:url", NS_MAP)}
    assert set(urls) == {"https://x.test/zh/p/", "https://x.test/en/p/", "https://x.test/",
                         "https://x.test/labs/flannel/"}
    assert urls["https://x.test/zh/p/"].findtext("s:lastmod", namespaces=NS_MAP) == "2016-09-01"
    alts = {a.get("hreflang"): a.get("href") for a in urls["https://x.test/en/p/"].findall("x:link", NS_MAP)}
    assert alts == {"en": "https://x.test/en/p/", "zh-CN": "https://x.test/zh/p/"}
    assert urls["https://x.test/labs/flannel/"].findall("x:link", NS_MAP) == []


def test_write_last_moves_only_the_sitemap_generator_to_the_end():
    from sitemap import SitemapGenerator, write_last

    first, last = object(), object()
    sitemap = SitemapGenerator.__new__(SitemapGenerator)
    generators = [first, sitemap, last]
    write_last(generators)
    assert generators == [first, last, sitemap]


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    """tests/fixtures/site built with the repository's labs (as tests/conftest.py does)."""
    from tests.helpers import run_build
    from tools.build import BuildFailed

    out = tmp_path_factory.mktemp("sitemap-site") / "output"
    try:
        return run_build(ROOT / "tests" / "fixtures" / "site", out)
    except BuildFailed as failed:
        pytest.fail("site build failed:\n" + "\n".join(failed.errors), pytrace=False)


def test_built_sitemap_lists_labs_and_reading_notes_pages_with_alternates(fixture_site):
    """Pages written by other plugins' generators (bilingual.localized.write_localized),
    after the sitemap generator in the plugin order, are in sitemap.xml; the noindex
    search page is not."""
    base = "http://127.0.0.1:8000/"
    root = etree.parse(str(fixture_site / "sitemap.xml"))
    urls = {u.findtext("s:loc", namespaces=NS_MAP): u for u in root.findall("s:url", NS_MAP)}

    def alts(url):
        return {a.get("hreflang"): a.get("href") for a in urls[base + url].findall("x:link", NS_MAP)}

    for path in ("labs/", "labs/flannel/", "reading-notes/", "tags/", ""):
        want = {"en": base + path, "zh-CN": base + "zh/" + path}
        assert alts(path) == want, path
        assert alts("zh/" + path) == want, path
    assert (fixture_site / "labs/flannel/index.html").is_file()
    assert not any("search/" in u for u in urls)
    assert len(urls) == len(root.findall("s:url", NS_MAP))  # each URL once
