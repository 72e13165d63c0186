"""Hugo: `hugo.toml`/`config.toml` (or .yaml, .json) with `content/`. Sections'
posts and page bundles (`posts/x/index.md` with its images) go under posts/,
top-level files are pages, static/ goes to the top of content/. A language in the
file name (`x.en.md`) or, in a multilingual site, the default content language gives
the language; `translationKey` pairs translations. Old URLs from `[permalinks]`."""
import re
from pathlib import Path

from .config import read_config
from .model import MARKDOWN_SUFFIXES, SourceFile, files_under, front_matter, plain_lang, post_date, url_slug

NAME = "Hugo"
CONFIG_NAMES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json",
                "config.toml", "config.yaml", "config.yml", "config.json")


def config_file(root: Path):
    return next((root / n for n in CONFIG_NAMES if (root / n).is_file()), None)


def detect(root: Path) -> bool:
    return config_file(root) is not None and (root / "content").is_dir()


def _lower_keys(d):
    return {str(k).lower(): v for k, v in (d or {}).items()}


def file_lang(path: Path, languages) -> str:
    """`x.en.md` -> en, when en is one of the site's languages (or looks like a code)."""
    parts = path.name.split(".")
    if len(parts) >= 3:
        code = parts[-2].lower()
        if code in languages or re.fullmatch(r"[a-z]{2}(-[a-z]{2,4})?", code):
            return code
    return ""


def content_name(path: Path) -> str:
    """Hugo's :filename: the file name without suffix and language; a bundle's folder."""
    if path.name.split(".")[0] in ("index", "_index"):
        return path.parent.name
    return path.name.split(".")[0]


def old_url(pattern: str, section: str, path: Path, raw: dict, lang_prefix: str) -> str:
    if raw.get("url"):  # the post's own address wins over the site's pattern
        return "/" + str(raw["url"]).strip().lstrip("/")
    name = content_name(path)
    slug = str(raw.get("slug") or "") or name
    date = post_date(raw)
    values = {"section": section, "slug": slug, "filename": name, "contentbasename": name,
              "title": url_slug(raw.get("title") or name), "slugorfilename": slug,
              "slugorcontentbasename": slug}
    if date is not None:
        values.update(year=f"{date:%Y}", month=f"{date:%m}", day=f"{date:%d}")
    if not pattern:
        url = f"/{section}/{slug}/" if section else f"/{slug}/"
    else:
        missing = [t for t in re.findall(r":(\w+)", pattern) if t not in values]
        if missing:
            return ""
        url = re.sub(r":(\w+)", lambda m: values[m.group(1)], pattern)
    return (lang_prefix + "/" + url.lstrip("/")).lower()


def collect(root: Path) -> list[SourceFile]:
    config = _lower_keys(read_config(config_file(root)))
    permalinks = _lower_keys(config.get("permalinks"))
    languages = {str(k).lower() for k in _lower_keys(config.get("languages"))}
    default_lang = str(config.get("defaultcontentlanguage") or "en").lower()
    multilingual = len(languages) > 1
    content = root / "content"
    out = []
    for path in files_under(content):
        rel = path.relative_to(content).as_posix()
        parts = rel.split("/")
        section = parts[0] if len(parts) > 1 else ""
        if path.suffix not in MARKDOWN_SUFFIXES:
            out.append(SourceFile(path, rel if section else f"pages/{rel}", "asset"))
            continue
        if path.name.startswith("_index."):
            continue  # a section's list page: this site makes its own listings
        raw = front_matter(path)
        lang = file_lang(path, languages) or (default_lang if multilingual else "")
        lang = plain_lang(raw.get("lang") or lang)
        prefix = f"/{lang}" if multilingual and lang and lang != plain_lang(default_lang) else ""
        kind = "post" if section else "page"
        pattern = str(permalinks.get(section) or permalinks.get("page") or "") if section else ""
        dest = f"posts/{'/'.join(parts[1:])}" if kind == "post" else f"pages/{rel}"
        out.append(SourceFile(path, dest, kind, old_url(pattern, section, path, raw, prefix), lang,
                              str(raw.get("translationkey") or ""), slug=content_name(path)))
    for path in files_under(root / "static"):
        out.append(SourceFile(path, path.relative_to(root / "static").as_posix(), "asset"))
    return out
