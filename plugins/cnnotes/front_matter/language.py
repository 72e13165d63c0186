"""A post's language when its front matter gives none.

Hexo and Hugo set the language per site, not per post, so most posts moved in from
them say nothing; a Chinese one would otherwise be published as DEFAULT_LANG. The
setting IMPORTED_POSTS_LANG, when set, is the language of every such post; else the
text decides: mostly CJK is `zh`, anything else DEFAULT_LANG. Code, URLs and HTML tags
are left out of the count: they are Latin in a Chinese post too.
"""
import re

from cnnotes.cjk.text import count_units

_FENCED_RE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[ \t]*$", re.M | re.S)
_NOISE_RE = re.compile(r"`[^`\n]*`|https?://\S+|<[^>\n]+>|\{[{%].*?[%}]\}|\]\([^)\s]*\)")


def guess_lang(title: str, body: str):
    """'zh' when the title and body are mostly CJK (more CJK characters than Latin
    words, each Chinese character standing for about a word), else None."""
    text = _NOISE_RE.sub(" ", _FENCED_RE.sub(" ", f"{title}\n{body}"))
    cjk, latin = count_units(text)
    return "zh" if cjk > latin else None


def decide_lang(title: str, body: str, settings) -> tuple[str, str]:
    """(language, why) for a post without `lang:`."""
    configured = settings.get("IMPORTED_POSTS_LANG")
    if configured:
        return configured, "IMPORTED_POSTS_LANG"
    if guess_lang(title, body) == "zh" and "zh" in (settings.get("LANGUAGES") or ()):
        return "zh", "mostly Chinese text"
    return settings["DEFAULT_LANG"], "not mostly Chinese text"
