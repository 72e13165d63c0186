"""Posts in several languages, UI strings and dates."""
import datetime
from types import SimpleNamespace as NS

from cnnotes.bilingual.posts import entries, group_by, link_neighbours, posts_from
from cnnotes.bilingual.strings import format_date, lang_prefix, t


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
    assert t("posts_count", "en", n=1) == "1 post" and t("posts_count", "en", n=2) == "2 posts"
    assert lang_prefix("en") == "" and lang_prefix("zh") == "zh/"


def test_category_and_tag_names_follow_the_ui_language():
    from cnnotes.bilingual.terms import term_name
    net = NS(slug="networking", name="Networking")
    assert term_name(net, "zh") == "网络" and term_name(net, "en") == "Networking"
    assert term_name(NS(slug="etcd", name="etcd"), "zh") == "etcd"        # product names stay
    assert term_name(net, "zh", {"zh": {"networking": "网络通信"}}) == "网络通信"
    assert term_name(net, "zh", taken={"网络", "Networking"}) == "Networking"  # a post's own 网络
    assert term_name(NS(slug="wang-luo", name="网络"), "zh", taken={"网络"}) == "网络"


def test_chinese_pages_show_chinese_names_at_the_same_urls(tmp_path):
    """A post in Networking tagged network: zh pages say 网络, the URLs keep the slug."""
    import lxml.html

    from tests.helpers import run_build

    (tmp_path / "content" / "posts").mkdir(parents=True)
    (tmp_path / "content" / "posts" / "p.md").write_text(
        "---\ntitle: A post\ndate: 2016-07-19\nlang: en\nslug: p\ntags: [network, etcd]\n"
        "categories: [Networking]\n---\nText.\n", encoding="utf-8")
    out = run_build(tmp_path / "content", tmp_path / "output")

    def doc(path):
        return lxml.html.fromstring((out / path / "index.html").read_text(encoding="utf-8"))

    cats = doc("zh/categories").xpath("//ul[@class='term-cloud']//a")
    assert [(a.text, a.get("href")) for a in cats] == [("网络", "/zh/categories/networking/")]
    assert doc("zh/categories/networking").xpath("//h1")[0].text_content() == "分类“网络”下的文章"
    assert {a.text for a in doc("zh/tags").xpath("//ul[@class='term-cloud']//a")} == {"网络", "etcd"}
    assert [a.text for a in doc("categories").xpath("//ul[@class='term-cloud']//a")] == ["Networking"]
    post = doc("en/2016/07/19/p")   # an English post: its category in English
    assert post.xpath("//a[@class='post__category']")[0].text == "Networking"


def test_posts_and_pages_link_their_versions_and_themselves_as_canonical(tmp_path):
    """base.html: a post or a page lists its language versions as hreflang alternates and
    names itself canonical; a listing lists its UI-language versions, no canonical."""
    import lxml.html

    from tests.helpers import run_build

    for rel, text in {
        "posts/p.md": "---\ntitle: A post\ndate: 2016-07-19\nlang: en\nslug: p\n---\nText.\n",
        "posts/p.zh.md": "---\ntitle: 文章\ndate: 2016-07-19\nlang: zh\nslug: p\n---\n正文。\n",
        "pages/about.md": "---\ntitle: About\nlang: en\nslug: about\n---\nAbout.\n",
        "pages/about.zh.md": "---\ntitle: 关于\nlang: zh\nslug: about\n---\n关于。\n",
        "pages/solo.md": "---\ntitle: Solo\nlang: en\nslug: solo\n---\nOne language.\n",
    }.items():
        (tmp_path / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "content" / rel).write_text(text, encoding="utf-8")
    out = run_build(tmp_path / "content", tmp_path / "output")

    def head(url):
        doc = lxml.html.fromstring((out / url / "index.html").read_text(encoding="utf-8"))
        alts = {a.get("hreflang"): a.get("href") for a in doc.xpath("//head/link[@rel='alternate'][@hreflang]")}
        return alts, [a.get("href") for a in doc.xpath("//head/link[@rel='canonical']")]

    for en, zh in (("en/2016/07/19/p/", "zh/2016/07/19/p/"), ("en/about/", "zh/about/")):
        want = {"en": "/" + en, "zh-CN": "/" + zh}
        assert head(en) == (want, ["/" + en])
        assert head(zh) == (want, ["/" + zh])
    assert head("en/solo/") == ({}, ["/en/solo/"])
    assert head("archives/") == ({"en": "/archives/", "zh-CN": "/zh/archives/"}, ["/archives/"])
