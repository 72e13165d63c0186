"""The book pages' UI strings in English and 中文 (bilingual.strings.lookup's rules)."""
from cnnotes.bilingual.strings import lookup

STRINGS = {
    "books": {"en": "Books", "zh": "知识库"},
    "books_intro": {"en": "Handbooks, read like a book: in order, with a table of contents.",
                    "zh": "按章节阅读的手册，有目录，有顺序。"},
    "book_nav": {"en": "Book contents", "zh": "本书目录"},
    "open_nav": {"en": "Contents", "zh": "目录"},
    "close_nav": {"en": "Close the contents", "zh": "关闭目录"},
    "on_this_page": {"en": "On this page", "zh": "本页内容"},
    "previous": {"en": "Previous", "zh": "上一页"},
    "next": {"en": "Next", "zh": "下一页"},
    "page_navigation": {"en": "Previous and next page", "zh": "上一页与下一页"},
    "last_updated": {"en": "Last updated {date}", "zh": "最后更新于 {date}"},
    "edit_page": {"en": "Edit this page", "zh": "编辑本页"},
    "linked_from": {"en": "Pages that link here", "zh": "链接到本页的页面"},
    "only_in": {"en": "This page is only in {lang}.", "zh": "本页只有{lang}版。"},
    "book_in": {"en": "Read the book in {lang}", "zh": "阅读本书的{lang}版"},
    "pages_count": {"en": "{n} pages", "zh": "{n} 页"},
    "pages_count_one": {"en": "1 page", "zh": "1 页"},
    "post": {"en": "post", "zh": "文章"},
    "this_page_in": {"en": "This page in {lang}", "zh": "本页的{lang}版"},
    "lang_en": {"en": "English", "zh": "英文"},
    "lang_zh": {"en": "Chinese", "zh": "中文"},
}


def book_t(key: str, lang: str = "en", /, **kwargs) -> str:
    return lookup(STRINGS, key, lang, **kwargs)


def lang_name(lang: str, ui_lang: str) -> str:
    """A language's name in the UI language ("Chinese", "中文")."""
    return lookup(STRINGS, f"lang_{lang}", ui_lang) if f"lang_{lang}" in STRINGS else lang
