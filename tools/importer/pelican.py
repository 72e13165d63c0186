"""Pelican: `pelicanconf.py` with its content folder (PATH). Articles go under posts/
keeping their folders, pages (PAGE_PATHS) under pages/, STATIC_PATHS to the same
place. Old URLs from ARTICLE_URL / ARTICLE_LANG_URL / PAGE_URL (Pelican's defaults
when unset); the settings file is read as text, never run."""
from pathlib import Path

from .config import python_settings
from .model import MARKDOWN_SUFFIXES, SourceFile, files_under, front_matter, plain_lang, post_date, url_slug

NAME = "Pelican"
DEFAULTS = {"PATH": "content", "DEFAULT_LANG": "en", "ARTICLE_URL": "{slug}.html",
            "ARTICLE_LANG_URL": "{slug}-{lang}.html", "PAGE_URL": "pages/{slug}.html",
            "PAGE_LANG_URL": "pages/{slug}-{lang}.html", "PAGE_PATHS": ["pages"],
            "STATIC_PATHS": ["images"], "ARTICLE_PATHS": [""]}


def detect(root: Path) -> bool:
    return (root / "pelicanconf.py").is_file()


def old_url(pattern: str, raw: dict, slug: str, lang: str) -> str:
    date = post_date(raw)
    category = url_slug(raw.get("category") or "misc")
    try:
        url = pattern.format(slug=slug, lang=lang, date=date, category=category,
                             author=url_slug(raw.get("author") or ""))
    except (AttributeError, KeyError, ValueError, TypeError):
        return ""
    return "/" + url.lstrip("/")


def collect(root: Path) -> list[SourceFile]:
    settings = dict(DEFAULTS, **python_settings(root / "pelicanconf.py"))
    content = root / settings["PATH"]
    default_lang = plain_lang(settings["DEFAULT_LANG"])
    page_dirs = [p.strip("/") for p in settings["PAGE_PATHS"]]
    static_dirs = [p.strip("/") for p in settings["STATIC_PATHS"]]
    out = []
    for path in files_under(content):
        rel = path.relative_to(content).as_posix()
        top = rel.split("/")[0]
        if path.suffix not in MARKDOWN_SUFFIXES:
            if top in static_dirs or len(rel.split("/")) > 1:
                out.append(SourceFile(path, rel, "asset"))
            continue
        raw = front_matter(path)
        slug = str(raw.get("slug") or url_slug(raw.get("title") or path.stem))
        lang = plain_lang(raw.get("lang") or "")
        translated = lang and lang != default_lang
        if top in page_dirs:
            pattern = settings["PAGE_LANG_URL" if translated else "PAGE_URL"]
            dest = "pages/" + rel.split("/", 1)[1]
            kind = "page"
        else:
            pattern = settings["ARTICLE_LANG_URL" if translated else "ARTICLE_URL"]
            dest = "posts/" + rel
            kind = "post"
        out.append(SourceFile(path, dest, kind, old_url(pattern, raw, slug, lang or default_lang),
                              lang, slug=slug))
    return out
