"""tools.build's memoized date formatting: the same text as Pelican's locale-safe
strftime, one strftime call for the formats where that is the same."""
import datetime as dt

import pytest
from pelican import utils
from pelican.utils import SafeDatetime

from tools import build

FORMATS = [
    "%Y/%m/%d", "%Y-%m-%dT%H:%M:%S", "%a %d %B %Y", "%-d %b", "%%Y", "%s", "%Y年%m月%d日",
    "%Q", "%Y %z %Z %f", "%c %x %X %p %j %G-W%V-%u %U %W %w %y %I %M %A %H", "%Y", "",
    "no directive", "%%", "%Y\0x", "\ud800%Y", "%-m/%-d/%Y", "%:z",
]
RAISING = ["%Y %", "%", "%Y%\n"]  # a lone % at the end, or before a newline
DATES = [
    SafeDatetime(2024, 3, 5, 7, 8, 9),
    SafeDatetime(1999, 12, 31, 23, 59, 59, 123456),
    SafeDatetime(2026, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=8), "CST")),
    SafeDatetime(2021, 7, 14, 12, 30, tzinfo=dt.timezone.utc),
]


@pytest.mark.parametrize("date", DATES, ids=str)
def test_memoized_strftime_gives_what_pelicans_gives(date):
    expected = {fmt: utils.strftime(date, fmt) for fmt in FORMATS}
    with build.memoized_date_formatting():
        for _ in range(2):  # the first computation, then the memo
            assert {fmt: date.strftime(fmt) for fmt in FORMATS} == expected
            assert all(date.strftime(f, safe=False) == dt.datetime.strftime(date, f)
                       for f in ["%Y", "%-d"])


@pytest.mark.parametrize("fmt", RAISING)
def test_a_format_pelican_cannot_format_still_raises(fmt):
    date = DATES[0]
    with pytest.raises(Exception) as pelicans:
        utils.strftime(date, fmt)
    with build.memoized_date_formatting(), pytest.raises(pelicans.type):
        date.strftime(fmt)


def test_plain_formats_take_one_strftime_call_others_pelicans(monkeypatch):
    calls = []
    pelicans = utils.strftime
    monkeypatch.setattr(utils, "strftime", lambda d, f: calls.append(f) or pelicans(d, f))
    with build.memoized_date_formatting():
        for fmt in ["%Y/%m/%d", "%a %d %B %Y", "%%Y", "%Y-%m-%dT%H:%M:%S%z"]:
            DATES[2].strftime(fmt)
        assert calls == []
        for fmt in ["%-d %b", "%s", "%Q", "%Y年"]:
            DATES[2].strftime(fmt)
        assert calls == ["%-d %b", "%s", "%Q", "%Y年"]


@pytest.mark.parametrize("save_as, written", [("", []), ("tag/{slug}/", ["tag/go/", "tag/k8s/"])])
def test_pelicans_tag_pages_are_skipped_only_when_nothing_would_be_written(save_as, written):
    from types import SimpleNamespace

    from pelican.generators import ArticlesGenerator
    from pelican.urlwrappers import Tag

    settings = {"TAG_SAVE_AS": save_as, "TAG_URL": "tag/{slug}/", "SLUGIFY_SOURCE": "title"}
    tags = {Tag(name, settings): [] for name in ("go", "k8s")}
    calls = []
    generator = SimpleNamespace(settings=settings, tags=tags, dates=[], context={}, articles=[],
                                get_template=lambda name: name)
    with build.listings_only_when_written():
        ArticlesGenerator.generate_tags(generator, lambda name, *a, **k: calls.append(name))
    assert calls == written
    assert "listings_only_when_written" not in repr(ArticlesGenerator.generate_tags)  # put back


def test_urls_formatted_in_one_build_are_kept_for_the_next(monkeypatch):
    from types import SimpleNamespace

    from cnnotes import build_cache
    from pelican.contents import Article

    def post(slug):
        made = Article.__new__(Article)  # what URL formatting reads of a post, nothing else
        made.settings = {"ARTICLE_URL": "{lang}/{slug}/", "PATH": "/site"}
        made.metadata, made.slug, made.lang, made.in_default_lang = {}, slug, "zh", True
        made.source_path, made._status = f"/site/posts/{slug}.md", "published"
        return made

    first = SimpleNamespace(urls={}, urls_used={})
    monkeypatch.setattr(build_cache, "_active", first)
    with build.memoized_urls():
        assert post("a-post")._expand_settings("url") == "zh/a-post/"
    assert list(first.urls_used.values()) == ["zh/a-post/"]

    # the next build: the same setting and values give the text kept, not formatted again
    kept = {key: "kept/" for key in first.urls_used}
    second = SimpleNamespace(urls=kept, urls_used={})
    monkeypatch.setattr(build_cache, "_active", second)
    with build.memoized_urls():
        assert post("a-post")._expand_settings("url") == "kept/"
        assert post("another-post")._expand_settings("url") == "zh/another-post/"
    assert sorted(second.urls_used.values()) == ["kept/", "zh/another-post/"]
