"""Hexo: `_config.yml` with `source/_posts/`. Posts keep their file names (Hexo's slug);
an asset folder (`post_asset_folder`) goes beside its post; other files under source/
(images ...) go to the same place under content/. Old URLs from `permalink`."""
import re
from pathlib import Path

from .config import read_config
from .model import MARKDOWN_SUFFIXES, SourceFile, files_under, front_matter, plain_lang, post_date

NAME = "Hexo"
DEFAULT_PERMALINK = ":year/:month/:day/:title/"


def detect(root: Path) -> bool:
    return (root / "_config.yml").is_file() and (root / "source" / "_posts").is_dir()


def old_url(permalink: str, title_path: str, raw: dict) -> str:
    if raw.get("permalink"):  # the post's own address wins over the site's pattern
        return "/" + str(raw["permalink"]).strip().lstrip("/")
    date = post_date(raw)
    if date is None:
        return ""
    name = title_path.rsplit("/", 1)[-1]
    values = {"year": f"{date:%Y}", "month": f"{date:%m}", "day": f"{date:%d}",
              "i_month": str(date.month), "i_day": str(date.day), "hour": f"{date:%H}",
              "minute": f"{date:%M}", "second": f"{date:%S}", "title": title_path,
              "name": name, "post_title": str(raw.get("title") or name), "id": name}
    url = re.sub(r":(i_month|i_day|post_title|year|month|day|hour|minute|second|title|name|id)",
                 lambda m: values[m.group(1)], permalink)
    return "/" + url.lstrip("/")


def in_asset_folder(path: Path, posts_dir: Path) -> bool:
    """Whether path is in a post's asset folder (a folder named like a post file beside it)."""
    for folder in path.relative_to(posts_dir).parents:
        if folder.name and any((posts_dir / folder).with_suffix(s).is_file() for s in MARKDOWN_SUFFIXES):
            return True
    return False


def collect(root: Path) -> list[SourceFile]:
    config = read_config(root / "_config.yml")
    permalink = str(config.get("permalink") or DEFAULT_PERMALINK)
    posts_dir = root / "source" / "_posts"
    out = []
    for path in files_under(posts_dir):
        rel = path.relative_to(posts_dir).as_posix()
        if path.suffix in MARKDOWN_SUFFIXES and not in_asset_folder(path, posts_dir):
            raw = front_matter(path)
            title_path = rel.rsplit(".", 1)[0]
            lang = plain_lang(raw.get("lang") or raw.get("language") or "")
            out.append(SourceFile(path, f"posts/{rel}", "post", old_url(permalink, title_path, raw),
                                  lang, slug=title_path.rsplit("/", 1)[-1]))
        else:  # a file of a post's asset folder
            out.append(SourceFile(path, f"posts/{rel}", "asset"))
    source = root / "source"
    for path in files_under(source):
        rel = path.relative_to(source).as_posix()
        if rel.split("/")[0].startswith("_"):
            continue  # _posts, _drafts, _data
        if path.suffix in MARKDOWN_SUFFIXES:
            name = rel.rsplit(".", 1)[0]
            name = name[: -len("/index")] if name.endswith("/index") else name
            out.append(SourceFile(path, f"pages/{name.replace('/', '-')}.md", "page",
                                  f"/{name}/", slug=name.replace("/", "-")))
        else:
            out.append(SourceFile(path, rel, "asset"))
    return out
