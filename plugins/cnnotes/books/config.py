"""Finding books under content/ and the editions (languages) of each, with their order.

A book is a folder under BOOKS_DIR (default `books`): `content/books/<book>/`. Its
config, all optional, is the first of:

- `book.yaml` (this site's own): `title`, `lang`, `nav` (MkDocs style), `edit_url`;
- `book.json` (GitBook): `title`, `language` (`zh-hans` …), `root` (the pages' folder);
- `mkdocs.yml` (MkDocs): `site_name`, `nav`, `docs_dir` (default `docs`), `theme.language`.

Its editions (one per language):

- GitBook's `LANGS.md` at the root: each listed folder (`* [English](en/)`) is an edition;
- otherwise the root is the edition in the book's language, and a folder named after
  another site language (`en/`) holding a SUMMARY.md, README.md or config is that
  language's edition, with its own order and title;
- pages named `name.<lang>.md` beside `name.md` form an edition in `<lang>`, in the
  order of the book's own pages.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field

import yaml

from cnnotes.front_matter.yaml_meta import FrontMatterError, parse, split

from .order import Entry, MARKDOWN_SUFFIXES, folder_order, parse_nav, parse_summary

CONFIG_FILES = ("book.yaml", "book.yml", "book.json", "mkdocs.yml", "mkdocs.yaml")
ORDER_FILES = ("SUMMARY.md", "LANGS.md")


class BookError(ValueError):
    def __init__(self, path: str, line: int, message: str):
        super().__init__(message)
        self.path, self.line, self.message = path, line, message


@dataclass
class Edition:
    """One language of a book: its pages' folder, its order, its title."""
    book: str                  # the book's slug: its folder's name
    lang: str
    root: str                  # absolute folder of its pages
    entries: list              # [order.Entry]
    title: str | None = None
    suffix: str = ""           # ".en" when its pages are name.en.md beside the book's own
    order_file: str | None = None  # SUMMARY.md or the config with nav:, for messages
    edit_url: str | None = None
    skip: tuple = ()           # folders under root that are other editions
    # what the generator makes of it
    pages: list = field(default_factory=list)     # BookPage, in reading order
    unlisted: list = field(default_factory=list)  # pages outside the order
    landing: object = None                        # its README's page (else its first)
    tree_nodes: list = field(default_factory=list)
    tree: object = None                           # tree.Tree


def normalize_lang(value, languages, path, line=1) -> str:
    """`zh-hans`, `zh_CN`, `zh` -> `zh`; a language the site does not have is an error."""
    lang = re.split(r"[-_]", str(value).strip().lower(), 1)[0]
    if lang not in languages:
        raise BookError(path, line, f"language {value!r} is not one of the site's ({', '.join(languages)})")
    return lang


def _line_of_key(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"^\s*\"?{re.escape(key)}\"?\s*:", line):
            return number
    return 1


class _LenientLoader(yaml.SafeLoader):
    """mkdocs.yml may hold `!!python/name:` and `!ENV` tags for MkDocs' plugins: kept as
    plain values, never executed."""


_LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_config(folder: str) -> tuple[dict, str | None, str]:
    """(config as a dict, its path or None, its text)."""
    for name in CONFIG_FILES:
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        try:
            if name.endswith(".json"):
                data = json.loads(text)
            else:
                data = yaml.load(text, Loader=_LenientLoader)
        except json.JSONDecodeError as e:
            raise BookError(path, e.lineno, f"{name} is not valid JSON ({e.msg})") from None
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            raise BookError(path, (mark.line + 1) if mark else 1, f"{name} is not valid YAML ({e.problem})") from None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise BookError(path, 1, f"{name} must be a mapping of settings")
        return data, path, text
    return {}, None, ""


def _nav_lines(text: str) -> dict:
    """{title or path: line} of a config's nav: entries, for messages."""
    lines = {}
    for number, line in enumerate(text.splitlines(), 1):
        m = re.match(r"^\s*-\s*(?:\"([^\"]+)\"|'([^']+)'|([^:#]+?))\s*(?::|$)", line)
        if m:
            lines.setdefault((m.group(1) or m.group(2) or m.group(3)).strip(), number)
    lines["nav"] = _line_of_key(text, "nav")
    return lines


def _order(root: str, config: dict, config_path: str | None, config_text: str, skip, keep) -> tuple[list, str | None]:
    summary = os.path.join(root, "SUMMARY.md")
    if os.path.isfile(summary):
        with open(summary, encoding="utf-8") as f:
            return parse_summary(f.read(), summary), summary
    if config.get("nav") is not None:
        return parse_nav(config["nav"], config_path, _nav_lines(config_text)), config_path
    return folder_order(root, lambda rel: _weight(root, rel), skip, keep), None


def _weight(root: str, rel: str):
    """A Hugo page's `weight:` (None without one)."""
    try:
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            front, _, _ = split(f.read())
        raw = parse(front)[0] if front else {}
    except (OSError, FrontMatterError):
        return None
    weight = raw.get("weight")
    return weight if isinstance(weight, (int, float)) else None


def find_editions(folder: str, settings) -> list[Edition]:
    """Every edition of the book in `folder` (raises BookError, OrderError)."""
    languages = tuple(settings.get("LANGUAGES") or (settings["DEFAULT_LANG"],))
    slug = os.path.basename(os.path.normpath(folder))
    config, config_path, text = read_config(folder)
    theme = config.get("theme") if isinstance(config.get("theme"), dict) else {}
    lang_value = config.get("lang") or config.get("language") or theme.get("language")
    lang = normalize_lang(lang_value, languages, config_path or folder,
                          _line_of_key(text, "lang" if "lang" in config else "language")) \
        if lang_value else settings["DEFAULT_LANG"]
    root = folder
    if config_path and config_path.endswith(("mkdocs.yml", "mkdocs.yaml")):
        root = os.path.join(folder, str(config.get("docs_dir") or "docs"))
    elif config.get("root"):
        root = os.path.join(folder, str(config["root"]))
    if not os.path.isdir(root):
        raise BookError(config_path or folder, 1, f"the book's pages folder {os.path.relpath(root, folder)!r} does not exist")
    title = config.get("title") or config.get("site_name")
    edit_url = config.get("edit_url")
    langs_file = os.path.join(root, "LANGS.md")
    if os.path.isfile(langs_file):
        with open(langs_file, encoding="utf-8") as f:
            listed = parse_summary(f.read(), langs_file)
        editions = []
        for entry in listed:
            sub = os.path.join(root, (entry.path or "").strip("/"))
            sub_lang = normalize_lang(os.path.basename(sub.rstrip("/")), languages, langs_file, entry.line)
            editions.append(_edition_in(sub, slug, sub_lang, title, edit_url, languages))
        return editions
    others = tuple(lg for lg in languages if lg != lang)
    sub_editions = [lg for lg in others if os.path.isdir(os.path.join(root, lg)) and any(
        os.path.isfile(os.path.join(root, lg, name)) for name in ("SUMMARY.md", "README.md", *CONFIG_FILES))]
    suffixes = tuple(f".{lg}" for lg in others)

    def keep(name):
        stem = os.path.splitext(name)[0]
        return not stem.endswith(suffixes)

    entries, order_file = _order(root, config, config_path, text, tuple(sub_editions), keep)
    main = Edition(slug, lang, root, entries, title, "", order_file, edit_url, tuple(sub_editions))
    editions = [main]
    for lg in sub_editions:
        editions.append(_edition_in(os.path.join(root, lg), slug, lg, None, edit_url, languages))
    for lg in others:
        if lg in sub_editions:
            continue
        translated = _translated_entries(root, entries, f".{lg}")
        if translated:
            editions.append(Edition(slug, lg, root, translated, None, f".{lg}", order_file, edit_url,
                                    tuple(sub_editions)))
    return editions


def _edition_in(folder, slug, lang, title, edit_url, languages) -> Edition:
    config, config_path, text = read_config(folder)
    entries, order_file = _order(folder, config, config_path, text, (), lambda name: True)
    return Edition(slug, lang, folder, entries, config.get("title") or config.get("site_name") or None,
                   "", order_file, config.get("edit_url") or edit_url)


def _translated_entries(root, entries, suffix) -> list:
    """The book's order kept to the pages that have a `name<suffix>.md` beside them."""
    out = []
    for entry in entries:
        children = _translated_entries(root, entry.children, suffix)
        path = None
        if entry.path and entry.path.endswith(MARKDOWN_SUFFIXES):
            stem, ext = os.path.splitext(entry.path)
            if os.path.isfile(os.path.join(root, stem + suffix + ext)):
                path = stem + suffix + ext
        if path or children:
            out.append(Entry(None if path else entry.title, path, entry.line, children))
    return out
