"""UI strings of the reading-notes pages, in the site's two languages."""
from cnnotes.bilingual.strings import lookup

STRINGS = {
    "title": {"en": "Reading notes", "zh": "阅读笔记"},
    "intro": {"en": "Links worth reading, collected week by week, newest first.",
              "zh": "每周收集的值得一读的文章，最新的在前。"},
    "count": {"en": "{n} weeks", "zh": "共 {n} 周"},
    "count_one": {"en": "1 week", "zh": "共 1 周"},
    "week": {"en": "Week {week}, {year}", "zh": "{year}年第{week}周"},
    "previous": {"en": "Previous week", "zh": "上一周"},
    "next": {"en": "Next week", "zh": "下一周"},
    "all": {"en": "All reading notes", "zh": "全部阅读笔记"},
    "feed": {"en": "Atom feed of the reading notes", "zh": "阅读笔记的 Atom 订阅"},
    "nav": {"en": "Reading notes navigation", "zh": "阅读笔记导航"},
    "none": {"en": "No reading notes yet.", "zh": "还没有阅读笔记。"},
}


def rn_t(key: str, lang: str = "en", /, **kwargs) -> str:
    return lookup(STRINGS, key, lang, **kwargs)
