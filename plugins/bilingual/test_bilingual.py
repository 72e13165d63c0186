"""Posts in several languages, UI strings and dates."""
import datetime
from types import SimpleNamespace as NS

from bilingual.posts import entries, group_by, link_neighbours, posts_from
from bilingual.strings import format_date, lang_prefix, t


def art(lang, day, slug, tags=()):
    return NS(lang=lang, date=datetime.datetime(2016, 8, day), slug=slug, translations=[],
              tags=[NS(slug=x, name=x) for x in tags], category=NS(slug="c", name="C"),
              url=f"{lang}/{slug}/")


def pair():
    zh = art("zh", 24, "k8s", ["kubernetes", "集群"])
    en = art("en", 24, "k8s", ["kubernetes"])
    zh.translations, en.translations = [en], [zh]
    return zh, en


def test_listing_shows_each_post_once_in_the_ui_language():
    zh, en = pair()
    only_en = art("en", 1, "old")
    only_zh = art("zh", 30, "new")
    posts = posts_from([zh, only_en, only_zh])  # Pelican's originals
    assert [e.article for e in entries(posts, "en")] == [only_zh, en, only_en]
    assert [e.article for e in entries(posts, "zh")] == [only_zh, zh, only_en]
    en_entry = entries(posts, "en")[1]
    assert en_entry.others == [zh]
    assert entries(posts, "en")[0].others == []


def test_tags_merge_versions_and_neighbours_keep_language():
    zh, en = pair()
    older = art("zh", 1, "older")
    posts = posts_from([zh, older])
    tags = group_by(posts, "tags")
    assert list(tags) == ["kubernetes", "集群"] and len(tags["kubernetes"][1]) == 1
    link_neighbours(posts)
    assert en.older is older and zh.older is older and older.newer is zh
    assert en.newer is None


def test_strings_and_dates():
    d = datetime.date(2016, 8, 24)
    assert format_date(d, "en") == "Aug 24, 2016"
    assert format_date(d, "zh") == "2016年8月24日"
    assert t("contents", "en") == "Contents" and t("contents", "zh") == "目录"
    assert t("also_in", "en", lang="中文") == "also in 中文"
    assert t("no-such-key", "zh") == "no-such-key"
    assert lang_prefix("en") == "" and lang_prefix("zh") == "zh/"
