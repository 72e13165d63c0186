"""sitemap.xml entries and hreflang alternates; _absolute is urljoin, quicker where
urljoin only joins."""
import datetime
import random
from types import SimpleNamespace as NS
from urllib.parse import urljoin

from lxml import etree

from cnnotes.sitemap import _absolute, render, sitemap_entries

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
    from cnnotes.sitemap import SitemapGenerator, write_last

    first, last = object(), object()
    sitemap = SitemapGenerator.__new__(SitemapGenerator)
    generators = [first, sitemap, last]
    write_last(generators)
    assert generators == [first, last, sitemap]


BASES = ["http://127.0.0.1:8000/", "https://x.org/blog/", "/", "", "https://x.org", "https://x.org/a/b",
         "https://x.org/?q=1", "https://x.org/#f", "https://x.org/a/./", "https://x.org//", "https://x.org/a//b/",
         "https://x.org/中文/", "https://x.org/../", "//x.org/", "file:///tmp/"]
PIECES = ["en", "zh", "2015", "a", ".", "..", "/", "//", "?", "#", "x=1", ":", "http:", "%20", "中文", "-",
          "index.html", " ", "~", "_", "\t", "\n", "\u3000", "ａ"]


def test_absolute_urls_are_urljoins():
    rng = random.Random(5)
    for base in BASES:
        for _ in range(2000):
            url = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 7)))
            assert _absolute(base, url) == urljoin(base, url), (base, url)
    assert _absolute("https://x.org/blog/", "zh/2016/07/19/ru-he/") == "https://x.org/blog/zh/2016/07/19/ru-he/"
