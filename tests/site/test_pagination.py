"""Index pages split at INDEX_PAGE_SIZE, in both UI languages, linked both ways."""
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]


def test_index_is_paginated_in_both_languages(build_site):
    site = build_site(ROOT / "tests" / "fixtures" / "site", {"INDEX_PAGE_SIZE": 2})
    first = BeautifulSoup((site / "index.html").read_text(), "lxml")
    second = BeautifulSoup((site / "page" / "2" / "index.html").read_text(), "lxml")
    assert len(first.select("article.entry")) == 2 and len(second.select("article.entry")) == 1
    assert first.select_one('.pagination a[rel="next"]')["href"] == "/page/2/"
    assert second.select_one('.pagination a[rel="prev"]')["href"] == "/"
    assert second.select_one(".pagination span").get_text() == "Page 2 of 2"
    zh2 = BeautifulSoup((site / "zh" / "page" / "2" / "index.html").read_text(), "lxml")
    assert zh2.select_one(".pagination span").get_text() == "第 2 / 2 页"
    assert zh2.select_one("nav.lang-switch a")["href"] == "/page/2/"
    assert not (site / "page" / "3").exists()
