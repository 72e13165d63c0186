"""The author's build (pelicanconf.py, what `make html` and `make serve` write to output/)
shows the unfinished posts a publish build leaves out, each under a banner saying so,
marked noindex; and keeps plain asset names and a robots.txt that keeps crawlers out."""
from bs4 import BeautifulSoup


def banner(page):
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    found = soup.select_one(".unfinished-banner")
    noindex = soup.select_one('meta[name="robots"][content="noindex"]') is not None
    return (" ".join(found.get_text().split()) if found else None), noindex


def test_drafts_show_under_drafts_with_a_banner_and_noindex(author_site):
    text, noindex = banner(author_site / "drafts/en/a-draft-not-for-readers/index.html")
    assert text.startswith("Draft: not published") and noindex
    text, noindex = banner(author_site / "drafts/en/status-draft-post/index.html")
    assert text.startswith("Draft: not published") and noindex
    text, noindex = banner(author_site / "drafts/en/a-post-past-its-expiry-date/index.html")
    assert text.startswith("Expired on Jan 1, 2017") and noindex


def test_a_future_post_is_listed_with_a_scheduled_banner(author_site):
    text, noindex = banner(author_site / "en/2099/01/01/a-post-scheduled-for-2099/index.html")
    assert text.startswith("Scheduled for Jan 1, 2099") and noindex
    home = (author_site / "index.html").read_text(encoding="utf-8")
    assert "A post scheduled for 2099" in home


def test_finished_posts_have_no_banner(author_site):
    posts = [p for p in author_site.glob("*/20*/*/*/*/index.html") if "/2099/" not in str(p)]
    assert len(posts) >= 4 and all(banner(p) == (None, False) for p in posts)
    assert banner(author_site / "index.html") == (None, False)


def test_plain_asset_names_and_robots_keep_crawlers_out(author_site):
    assert (author_site / "theme/css/site.css").is_file()
    assert "Disallow: /" in (author_site / "robots.txt").read_text().splitlines()


def test_drafts_page_lists_every_unfinished_post(author_site):
    for path, words in (("drafts/index.html", "Scheduled for Jan 1, 2099"),
                        ("zh/drafts/index.html", "定于2099年1月1日发布")):
        soup = BeautifulSoup((author_site / path).read_text(encoding="utf-8"), "lxml")
        assert soup.select_one('meta[name="robots"][content="noindex"]') is not None
        links = {a.get_text(): a["href"] for a in soup.select(".drafts-list a")}
        assert links == {"A post scheduled for 2099": "/en/2099/01/01/a-post-scheduled-for-2099/",
                         "A draft not for readers": "/drafts/en/a-draft-not-for-readers/",
                         "A status draft post": "/drafts/en/status-draft-post/",
                         "A post past its expiry date": "/drafts/en/a-post-past-its-expiry-date/"}
        assert words in soup.select_one(".drafts-list").get_text()
