"""Jekyll: `_config.yml` with `_posts/`. `2017-06-01-name.md` keeps its name (the date
and slug Jekyll reads from it); pages are the Markdown files at the top; assets/ and
images/ go to the same place under content/. Old URLs from `permalink`."""
import re
from pathlib import Path

from .config import read_config
from .model import MARKDOWN_SUFFIXES, SourceFile, files_under, front_matter, plain_lang, post_date

NAME = "Jekyll"
STYLES = {"date": "/:categories/:year/:month/:day/:title:output_ext",
          "pretty": "/:categories/:year/:month/:day/:title/",
          "ordinal": "/:categories/:year/:y_day/:title:output_ext",
          "none": "/:categories/:title:output_ext"}
NAME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
ASSET_DIRS = ("assets", "images", "img", "files")
NOT_PAGES = ("index", "README", "404", "CHANGELOG", "LICENSE")


def detect(root: Path) -> bool:
    return (root / "_config.yml").is_file() and (root / "_posts").is_dir()


def categories(raw) -> list[str]:
    value = raw.get("categories", raw.get("category")) or []
    if isinstance(value, str):
        value = value.split()
    return [str(v) for v in value]


def old_url(permalink: str, stem: str, raw: dict) -> str:
    if raw.get("permalink"):  # the post's own address wins over the site's pattern
        return "/" + str(raw["permalink"]).strip().lstrip("/")
    m = NAME_RE.match(stem)
    date = post_date(raw, m.group(1) if m else "")
    title = str(raw.get("slug") or (m.group(2) if m else stem))  # Jekyll: slug overrides :title
    if date is None:
        return ""
    values = {"year": f"{date:%Y}", "month": f"{date:%m}", "day": f"{date:%d}",
              "i_month": str(date.month), "i_day": str(date.day), "short_year": f"{date:%y}",
              "y_day": f"{date.timetuple().tm_yday:03d}", "title": title,
              "slug": str(raw.get("slug") or title), "output_ext": ".html",
              "categories": "/".join(c.lower() for c in categories(raw))}
    url = re.sub(r":(categories|year|month|day|i_month|i_day|short_year|y_day|title|slug|output_ext)",
                 lambda m: values[m.group(1)], STYLES.get(permalink, permalink))
    return "/" + re.sub(r"/+", "/", url).lstrip("/")


def collect(root: Path) -> list[SourceFile]:
    config = read_config(root / "_config.yml")
    permalink = str(config.get("permalink") or "date")
    out = []
    posts_dir = root / "_posts"
    for path in files_under(posts_dir):
        rel = path.relative_to(posts_dir).as_posix()
        if path.suffix not in MARKDOWN_SUFFIXES:
            out.append(SourceFile(path, f"posts/{rel}", "asset"))
            continue
        raw = front_matter(path)
        stem = path.name.rsplit(".", 1)[0]
        m = NAME_RE.match(stem)
        out.append(SourceFile(path, f"posts/{rel}", "post", old_url(permalink, stem, raw),
                              plain_lang(raw.get("lang") or ""), slug=m.group(2) if m else stem))
    for path in sorted(root.iterdir()):
        if path.suffix in MARKDOWN_SUFFIXES and path.stem not in NOT_PAGES:
            raw = front_matter(path)
            url = str(raw.get("permalink") or f"/{path.stem}.html")
            out.append(SourceFile(path, f"pages/{path.name}", "page", url,
                                  plain_lang(raw.get("lang") or ""), slug=path.stem))
    for folder in ASSET_DIRS:
        for path in files_under(root / folder):
            out.append(SourceFile(path, path.relative_to(root).as_posix(), "asset"))
    return out
