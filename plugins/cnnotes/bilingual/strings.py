"""UI strings and dates in the page's language (English and 中文).

`t(key, lang)` falls back to English, then to the key itself, so a missing
string shows up as a readable key rather than breaking the page.
"""
import datetime

LANG_NAMES = {"en": "English", "zh": "中文"}
LANG_SHORT = {"en": "EN", "zh": "中"}
# <html lang> and hreflang values
HTML_LANG = {"en": "en", "zh": "zh-CN"}

STRINGS = {
    "site_name": {"en": "Cloud Native Notes", "zh": "云原生笔记"},
    "home": {"en": "Home", "zh": "首页"},
    "archives": {"en": "Archives", "zh": "归档"},
    "tags": {"en": "Tags", "zh": "标签"},
    "categories": {"en": "Categories", "zh": "分类"},
    "tag": {"en": "Tag", "zh": "标签"},
    "category": {"en": "Category", "zh": "分类"},
    "contents": {"en": "Contents", "zh": "目录"},
    "read_more": {"en": "Read more", "zh": "阅读全文"},
    "read_more_about": {"en": "Read more: {title}", "zh": "阅读全文：{title}"},
    "also_in": {"en": "also in {lang}", "zh": "另有 {lang} 版"},
    "written_in": {"en": "Written in {lang}", "zh": "以{lang}写作"},
    "this_post_in": {"en": "This post in {lang}", "zh": "本文的{lang}版"},
    "language": {"en": "Language", "zh": "语言"},
    "reading_time": {"en": "{n} min read", "zh": "阅读约 {n} 分钟"},
    "updated": {"en": "Updated {date}", "zh": "更新于 {date}"},
    "posted_in": {"en": "in", "zh": "分类"},
    "newer": {"en": "Newer", "zh": "较新"},
    "older": {"en": "Older", "zh": "较早"},
    "newer_posts": {"en": "Newer posts", "zh": "较新的文章"},
    "older_posts": {"en": "Older posts", "zh": "较早的文章"},
    "page_n_of_m": {"en": "Page {n} of {m}", "zh": "第 {n} / {m} 页"},
    "posts_count": {"en": "{n} posts", "zh": "{n} 篇文章"},
    "posts_count_one": {"en": "1 post", "zh": "1 篇文章"},
    "posts_tagged": {"en": "Posts tagged “{name}”", "zh": "标签“{name}”下的文章"},
    "posts_in_category": {"en": "Posts in “{name}”", "zh": "分类“{name}”下的文章"},
    "all_posts": {"en": "All posts", "zh": "全部文章"},
    "no_posts": {"en": "No posts yet.", "zh": "还没有文章。"},
    "skip_to_content": {"en": "Skip to content", "zh": "跳到正文"},
    "main_nav": {"en": "Main", "zh": "主导航"},
    "feeds": {"en": "Feeds", "zh": "订阅"},
    "colon": {"en": ": ", "zh": "："},  # before a list or a value: "Feeds: …" / "订阅：…"
    "feed_all": {"en": "Atom feed (all posts)", "zh": "Atom 订阅（全部文章）"},
    "feed_lang": {"en": "Atom feed (posts in English)", "zh": "Atom 订阅（中文文章）"},
    "feed_tag": {"en": "Atom feed for “{name}”", "zh": "“{name}”的 Atom 订阅"},
    "copy": {"en": "Copy", "zh": "复制"},
    "copied": {"en": "Copied", "zh": "已复制"},
    "copy_code": {"en": "Copy code to clipboard", "zh": "复制代码"},
    "not_found_title": {"en": "Page not found", "zh": "页面不存在"},
    "not_found_text": {
        "en": "Nothing lives at this address. It may have moved when the blog did.",
        "zh": "这个地址没有内容，可能在博客迁移时改了位置。",
    },
    "back_home": {"en": "Back to the home page", "zh": "回到首页"},
    "tagged": {"en": "Tags", "zh": "标签"},
    "breadcrumb": {"en": "Breadcrumb", "zh": "面包屑导航"},
    "post_navigation": {"en": "More posts", "zh": "更多文章"},
    "pagination": {"en": "Pagination", "zh": "分页"},
    "footer_text": {
        "en": "Every infrastructure post has a lab that reproduces it for real.",
        "zh": "每篇基础设施文章都有一个真实可运行的实验。",
    },
    "subtitle": {
        "en": "Containers, networks and schedulers, reproduced for real",
        "zh": "容器、网络与调度：每篇都能亲手复现",
    },
}

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def lookup(table: dict, key: str, lang: str = "en", /, **kwargs) -> str:
    """The string `key` of a plugin's table ({key: {lang: text}}) in `lang`, formatted with
    kwargs; `KEY_one` when n=1 and there is one; English, then the key, when missing."""
    if kwargs.get("n") == 1 and f"{key}_one" in table:
        key = f"{key}_one"
    entry = table.get(key)
    text = key if entry is None else entry.get(lang) or entry.get("en", key)
    return text.format(**kwargs) if kwargs else text


def t(key: str, lang: str = "en", /, **kwargs) -> str:
    """The site's UI string `key` in `lang` (see lookup)."""
    return lookup(STRINGS, key, lang, **kwargs)


def format_date(date, lang: str = "en") -> str:
    """'Aug 24, 2016' / '2016年8月24日' (no locale needed)."""
    if not isinstance(date, (datetime.date, datetime.datetime)):
        return ""
    if lang == "zh":
        return f"{date.year}年{date.month}月{date.day}日"
    return f"{_MONTHS[date.month - 1]} {date.day}, {date.year}"


def lang_prefix(lang: str, default_lang: str = "en") -> str:
    """URL prefix of listing pages in a UI language: '' for the default, 'zh/' otherwise."""
    return "" if lang == default_lang else f"{lang}/"
