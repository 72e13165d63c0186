"""The reading-notes series on a built site: notes written by `make notes` itself
(tools.notes), then the series page, previous/next week links and the feed as a reader
gets them."""
import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from cnnotes.reading_notes.series import collect, link, week_of
from tools import notes
from tests.helpers import run_build
from tools.build import BuildFailed

ROOT = Path(__file__).resolve().parents[3]

NOW = dt.datetime(2026, 11, 27, 12, 0)
ATOM = {"a": "http://www.w3.org/2005/Atom"}
W52 = "en/2020/12/27/reading-notes-2020-week-52/"
W53 = "en/2021/01/03/reading-notes-2020-week-53/"
W53_ZH = "zh/2021/01/03/reading-notes-2020-week-53/"
W01 = "en/2021/01/10/reading-notes-2021-week-01/"
W17_ZH = "zh/2016/05/01/reading-notes-2016-week-17/"


# --- the series, without a build ----------------------------------------------------

def art(slug, lang="en", date=dt.datetime(2020, 1, 1), series="reading-notes", translations=()):
    return SimpleNamespace(slug=slug, lang=lang, date=date, series=series,
                           translations=list(translations), title=slug)


def test_week_comes_from_the_slug_else_from_the_date():
    assert week_of(art("reading-notes-2020-week-53")) == (2020, 53)
    assert week_of(art("my-notes", date=dt.datetime(2021, 1, 1))) == (2020, 53)


def test_weeks_are_newest_first_and_linked_in_the_same_language_when_written():
    zh53 = art("reading-notes-2020-week-53", "zh")
    w53 = art("reading-notes-2020-week-53", translations=[zh53])
    w52 = art("reading-notes-2020-week-52")
    w01 = art("reading-notes-2021-week-01")
    other = art("a-post", series=None)
    weeks = collect([w52, other, w01, w53])
    assert [(w.year, w.week) for w in weeks] == [(2021, 1), (2020, 53), (2020, 52)]
    link(weeks)
    assert (w53.reading_notes.previous, w53.reading_notes.next) == (w52, w01)
    assert (zh53.reading_notes.previous, zh53.reading_notes.next) == (w52, w01)
    assert w52.reading_notes.previous is None and w01.reading_notes.next is None
    assert w52.reading_notes.next is w53
    assert not hasattr(other, "reading_notes")


# --- a site built from notes that `make notes` wrote ----------------------------------

def publish(root, week, year, lang="en", entries=("- https://a.example/ | A | tags: k8s | why",)):
    inbox = root / notes.INBOX
    inbox.parent.mkdir(parents=True, exist_ok=True)
    inbox.write_text(notes.INBOX_HEADER + "\n".join(entries) + "\n", encoding="utf-8")
    path, _ = notes.write(root, NOW, week, year, lang, fetch=notes.no_fetch)
    return root / path


def build_site(content, out):
    try:
        return run_build(content, out)
    except BuildFailed as failed:
        pytest.fail("site build failed:\n" + "\n".join(failed.errors), pytrace=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("notes-site")
    publish(root, 52, 2020)
    publish(root, 53, 2020, entries=("- https://etcd.example/ | etcd raft | tags: etcd | consensus",
                                     "- https://k8s.example/ | Pods | tags: k8s | the unit"))
    # a Chinese translation of week 53, written by hand beside the generated one
    en = (root / "content/reading-notes/2020-week-53.md").read_text(encoding="utf-8")
    zh = en.replace("title: Reading notes of week 53", "title: 第53周阅读笔记") \
           .replace("lang: en", "lang: zh\ntranslation: true")
    (root / "content/reading-notes/2020-week-53.zh.md").write_text(zh, encoding="utf-8")
    publish(root, 1, 2021)
    publish(root, 17, 2016, lang="zh")
    posts = root / "content/posts"
    posts.mkdir()
    (posts / "hello.md").write_text("---\ntitle: Hello\ndate: 2021-01-05\nlang: en\n---\nHi.\n",
                                    encoding="utf-8")
    return build_site(root / "content", root / "output")


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "lxml")


def test_series_page_lists_every_week_newest_first(site):
    en = page(site, "reading-notes/")
    assert en.h1.get_text() == "Reading notes"
    assert [h.get_text() for h in en.select("section h2")] == ["2021", "2020", "2016"]
    items = en.select(".reading-notes-list li")
    assert [li.select_one("a").get_text() for li in items] == [
        "Reading notes of week 1", "Reading notes of week 53", "Reading notes of week 52",
        "第17周阅读笔记"]
    assert [li.select_one("a")["href"] for li in items] == ["/" + W01, "/" + W53, "/" + W52, "/" + W17_ZH]
    assert items[1].select_one("a.also-in")["href"] == "/" + W53_ZH
    assert "Hello" not in en.select_one("main").get_text()
    assert en.select_one("a.reading-notes-feed")["href"] == "/feeds/reading-notes.atom.xml"


def test_series_page_in_chinese_shows_chinese_versions(site):
    zh = page(site, "zh/reading-notes/")
    assert zh.h1.get_text() == "阅读笔记"
    titles = [li.select_one("a").get_text() for li in zh.select(".reading-notes-list li")]
    assert titles == ["Reading notes of week 1", "第53周阅读笔记", "Reading notes of week 52",
                      "第17周阅读笔记"]


def test_the_menu_links_to_the_series_page(site):
    assert page(site, "").select_one('.site-nav a[href="/reading-notes/"]').get_text() == "Reading notes"
    assert page(site, "zh/").select_one('.site-nav a[href="/zh/reading-notes/"]').get_text() == "阅读笔记"


def nav(site, url):
    found = page(site, url).select_one("nav.reading-notes-nav")
    prev, nxt = found.select_one("a[rel=prev]"), found.select_one("a[rel=next]")
    return (prev["href"] if prev else None), (nxt["href"] if nxt else None)


def test_each_week_links_to_the_previous_and_next_week(site):
    assert nav(site, W53) == ("/" + W52, "/" + W01)
    assert nav(site, W53_ZH) == ("/" + W52, "/" + W01)  # no Chinese week 52 or 1: English
    assert nav(site, W52) == ("/" + W17_ZH, "/" + W53)
    assert nav(site, W01) == ("/" + W53, None)
    assert nav(site, W17_ZH) == (None, "/" + W52)
    w53 = page(site, W53)
    assert "Previous week" in w53.select_one("a[rel=prev]").get_text()
    assert "上一周" not in w53.get_text()
    assert page(site, W53_ZH).select_one(".reading-notes-all a")["href"] == "/zh/reading-notes/"


def test_a_notes_post_shows_its_entries_grouped_by_tag(site):
    body = page(site, W53).select_one(".post__body")
    assert [h.get_text() for h in body.select("h2")] == ["etcd", "k8s"]
    link = body.select_one("li a")
    assert (link.get_text(), link["href"]) == ("etcd raft", "https://etcd.example/")
    assert "consensus" in body.select_one("li").get_text()


def test_other_posts_have_no_series_navigation(site):
    assert page(site, "en/2021/01/05/hello/").select_one("nav.reading-notes-nav") is None


def test_the_series_feed_has_every_version_newest_first(site):
    feed = etree.parse(str(site / "feeds/reading-notes.atom.xml"))
    titles = feed.xpath("//a:entry/a:title/text()", namespaces=ATOM)
    assert titles[0] == "Reading notes of week 1"
    assert sorted(titles[1:3]) == ["Reading notes of week 53", "第53周阅读笔记"]
    assert titles[3:] == ["Reading notes of week 52", "第17周阅读笔记"]
    assert "Hello" not in titles


def test_the_count_of_weeks_reads_as_english():
    from cnnotes.reading_notes.strings import rn_t
    assert rn_t("count", "en", n=1) == "1 week"
    assert rn_t("count", "en", n=3) == "3 weeks"
    assert rn_t("count", "zh", n=1) == "共 1 周"
