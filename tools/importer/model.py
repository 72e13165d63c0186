"""What a source tool's module tells the importer about each file to move in."""
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class SourceFile:
    source: Path                 # the file in the old site
    dest: str                    # where it goes, relative to content/ (posts/x.md)
    kind: str                    # "post", "page" or "asset"
    old_url: str = ""            # its address on the old site ("/posts/x/")
    lang: str = ""               # the language the tool gives it (file name, folder ...)
    translation_key: str = ""    # posts with one key are translations of each other
    slug: str = ""               # the slug to give it when its metadata has none


@dataclass
class Report:
    tool: str = ""
    posts: list = field(default_factory=list)         # content-relative paths written
    pages: list = field(default_factory=list)
    assets: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)     # there already, the same
    translations: list = field(default_factory=list)  # [(slug, [paths])]
    aliases: list = field(default_factory=list)       # [(old URL, path)]
    languages: list = field(default_factory=list)     # [(path, lang, why)]
    repaired: list = field(default_factory=list)      # ["path:line: what was done"]
    needs_hand: list = field(default_factory=list)    # ["path:line: message"]

    book: str = ""                                    # the book's folder under content/

    def lines(self) -> list[str]:
        written = (f"  book {self.book}: {len(self.pages)} pages written" if self.book else
                   f"  posts: {len(self.posts)} written, pages: {len(self.pages)}")
        out = [f"import from {self.tool}:",
               f"{written}, assets: {len(self.assets)}, already there and the same: {len(self.unchanged)}",
               f"  translations: {len(self.translations)} pairs",
               *[f"    {slug}: {', '.join(paths)}" for slug, paths in self.translations],
               f"  aliases (old URLs that will redirect): {len(self.aliases)}",
               *[f"    {url} -> {path}" for url, path in self.aliases]]
        decided = [x for x in self.languages if x[2] != "given"]
        if decided:
            out.append(f"  languages decided: {len(decided)}")
            out += [f"    {path}: {lang} ({why})" for path, lang, why in decided]
        out.append(f"  repaired: {len(self.repaired)}")
        out += [f"    {x}" for x in self.repaired]
        out.append(f"  needs a hand: {len(self.needs_hand)}")
        out += [f"    {x}" for x in self.needs_hand]
        return out


def url_slug(text: str) -> str:
    """A lowercase URL segment from a title, as the static site tools make one."""
    text = re.sub(r"[^\w\s-]", "", str(text).strip().lower(), flags=re.U)
    return re.sub(r"[\s_-]+", "-", text).strip("-")


def plain_lang(value) -> str:
    """A tool's language code as this site's: zh-CN, zh_Hans, cn -> zh; en-US -> en."""
    text = str(value or "").strip().lower().replace("_", "-")
    if text in ("cn", "chs", "cht") or text.startswith("zh"):
        return "zh"
    if text.startswith("en"):
        return "en"
    return text


def front_matter(path: Path) -> dict:
    """A post's raw metadata (lowercase keys), {} when unreadable (run.py reports why)."""
    from cnnotes.front_matter.formats import read_metadata
    from cnnotes.front_matter.yaml_meta import FrontMatterError

    try:
        found = read_metadata(path.read_text(encoding="utf-8"))
    except (FrontMatterError, UnicodeDecodeError):
        return {}
    return found.raw if found else {}


def post_date(raw: dict, fallback: str = ""):
    """The post's date (datetime) from its metadata or a Jekyll-style name, or None."""
    from cnnotes.front_matter.fields import FieldError, parse_date

    for value in (raw.get("date"), raw.get("publishdate"), fallback):
        if value:
            try:
                return parse_date(value)
            except FieldError:
                continue
    return None


def files_under(folder: Path):
    """Every file under folder (hidden ones left out), in a stable order."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))


MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")
