"""Moving a site in: the same steps for every source tool (see __init__.py)."""
import os
import re
from collections import defaultdict
from pathlib import Path

from cnnotes.front_matter.foreign_keys import ALIAS_KEYS, as_site_paths
from cnnotes.front_matter.formats import read_metadata
from cnnotes.front_matter.language import guess_lang
from cnnotes.cjk.slugs import title_slug
from cnnotes.front_matter.fences import Fences
from cnnotes.front_matter.yaml_meta import FrontMatterError
from cnnotes.shortcodes import HUGO_BLOCKS, HUGO_INLINE, LIQUID_BLOCKS, LIQUID_INLINE, SITE_TAGS, unknown_message
from cnnotes.shortcodes.syntax import find_tags

from .books import book_form, import_book
from .detect import UnknownSite, detect
from .model import Report
from .write import write_new

SLUG_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
LANGUAGES = ("en", "zh")


class Post:
    """A post or page on its way: its file, metadata and the keys to add."""

    def __init__(self, item, text):
        self.item, self.text = item, text
        self.add = {}
        self.problems = []  # (line in the source, message)
        self.repairs = []   # what the import changed, said in the report when it writes the file
        try:
            self.meta = read_metadata(text)
            if self.meta is None:
                self.problems.append((1, "no front matter: add '---', title, date, '---' at the top"))
        except FrontMatterError as e:
            self.meta = None
            self.problems.append((e.line, e.message))
        self.raw = self.meta.raw if self.meta else {}

    def slug(self):
        return self.add.get("slug") or str(self.raw.get("slug") or "")


def decide_lang(post, import_lang):
    """(lang, why) for a post: its own, the tool's, IMPORT_LANG, or its text."""
    from .model import plain_lang
    own = plain_lang(post.raw.get("lang") or "")
    if own:
        return own, "given"
    if post.item.lang:
        return post.item.lang, f"{post.item.lang} in the old site"
    if import_lang:
        return import_lang, "IMPORT_LANG"
    title = str(post.raw.get("title") or "")
    body = post.meta.body if post.meta else post.text
    return ("zh", "mostly Chinese text") if guess_lang(title, body) == "zh" else ("en", "not mostly Chinese text")


def unsupported_tags(text: str, first_line: int = 1):
    """[(line, message)] for tags and shortcodes the site does not render."""
    found = []
    fences = Fences()
    block = None
    for number, line in enumerate(text.splitlines(), 1):
        if number < first_line or block is None and fences.in_code(line):
            continue
        for tag in find_tags(line, number):
            if block is not None:
                if tag.name in ("end" + block, block) or tag.closing:
                    block = None
                continue
            names = (LIQUID_INLINE | LIQUID_BLOCKS | dict.fromkeys(("raw",) + SITE_TAGS)) if tag.syntax == "liquid" \
                else (HUGO_INLINE | HUGO_BLOCKS)
            if tag.name in names:
                if tag.name in ("raw",) or tag.name in (LIQUID_BLOCKS if tag.syntax == "liquid" else HUGO_BLOCKS):
                    block = tag.name
            elif not tag.closing and not tag.name.startswith("end"):
                found.append((number, unknown_message(tag)))
    return found


def run(source_root, content_dir, import_lang=None, book_slug=None) -> Report:
    source_root, content_dir = Path(source_root).resolve(), Path(content_dir)
    try:
        tool = detect(source_root)
    except UnknownSite:
        if book_form(source_root):
            return import_book(source_root, content_dir, import_lang, book_slug)
        raise
    report = Report(tool=f"{tool.NAME} site {source_root}")
    items = tool.collect(source_root)
    posts = [Post(i, i.source.read_text(encoding="utf-8")) for i in items if i.kind != "asset"]
    for post in posts:
        lang, why = decide_lang(post, import_lang)
        if lang not in LANGUAGES:
            post.problems.append((1, f"language '{lang}' is not one of {', '.join(LANGUAGES)}: "
                                     "set lang: to one of them"))
            lang = "en"
        if "lang" not in post.raw:
            post.add["lang"] = lang
        report.languages.append((post.item.dest, lang, why))
        if not post.raw.get("slug") and post.item.slug:
            slug = post.item.slug if SLUG_RE.fullmatch(post.item.slug) else ""
            if slug:
                post.add["slug"] = slug
    _pair_translations(posts, report)
    _separate_duplicates(posts, report, content_dir)
    for post in posts:
        old = post.item.old_url
        known = [p for k in ALIAS_KEYS if k in post.raw for p in as_site_paths(post.raw[k])]
        if old and old not in known:
            post.add["aliases" if not any(k in post.raw for k in ALIAS_KEYS) else "moved_from"] = [old]
        for alias in dict.fromkeys(([old] if old else []) + known):
            report.aliases.append((alias, post.item.dest))
    _same_titles(posts, report, content_dir)
    for post in posts:
        text = post.text
        if post.meta is not None and post.meta.notices:
            post.repairs.append("its front matter lacked the opening '---': added")
        if post.meta is not None and (post.add or post.meta.notices):
            from .write import add_keys
            text = add_keys(text, post.meta.format, bool(post.meta.notices), post.add)
        written = write_new(content_dir, post.item.dest, text.encode("utf-8"), post.item.kind, report)
        shown = os.path.join(content_dir, post.item.dest)
        if written:
            report.repaired += [f"{shown}:1: {repair}" for repair in post.repairs]
        for line, message in post.problems:
            report.needs_hand.append(f"{shown}:{line}: {message}")
        for line, message in unsupported_tags(text):
            report.needs_hand.append(f"{shown}:{line}: {message}")
    for item in items:
        if item.kind == "asset":
            write_new(content_dir, item.dest, item.source.read_bytes(), "asset", report)
    return report


def _pair_translations(posts, report):
    """Posts with one translation key (or one slug) in two languages get one slug."""
    groups = defaultdict(list)
    for post in posts:
        key = post.item.translation_key or str(post.raw.get("translationkey") or "")
        if key:
            groups[("key", key)].append(post)
    for (_, key), group in groups.items():
        group.sort(key=lambda p: (p.add.get("lang") or p.raw.get("lang") or "") != "en")
        slug = group[0].slug()
        for post in group[1:]:
            if post.slug() != slug:
                if "slug" in post.raw:
                    post.problems.append((post.meta.lines.get("slug", 1),
                                          f"translation of {group[0].item.dest} (translationKey "
                                          f"'{key}') but its slug differs: give both slug '{slug}'"))
                else:
                    post.add["slug"] = slug
    by_slug = defaultdict(list)
    for post in posts:
        if post.slug():
            by_slug[(post.item.kind, post.slug())].append(post)
    for (_, slug), group in sorted(by_slug.items()):
        langs = {p.add.get("lang") or p.raw.get("lang") for p in group}
        if len(group) > 1 and len(langs) == len(group):
            report.translations.append((slug, [p.item.dest for p in group]))


def _separate_duplicates(posts, report, content_dir):
    """Two posts with one slug in one language: the second gets the slug with -2."""
    seen = {}
    for post in sorted(posts, key=lambda p: p.item.dest):
        lang = post.add.get("lang") or post.raw.get("lang")
        key = (post.item.kind, lang, post.slug() or _title_key(post))
        if key in seen and key[2] and "slug" in post.raw:  # the post's own: its author's call
            post.problems.append((post.meta.lines.get("slug", 1),
                                  f"same slug as {seen[key].item.dest} in '{lang}': give one of them another"))
        elif key in seen and key[2]:
            base = post.slug() or title_slug(str(post.raw.get("title") or "")) or "post"
            number = 2
            while (key[0], lang, f"{base}-{number}") in seen:
                number += 1
            alt = f"{base}-{number}"
            post.add["slug"] = alt
            seen[(key[0], lang, alt)] = post
            post.repairs.append(f"same slug as {seen[key].item.dest} in '{lang}'; "
                                f"given slug '{alt}' (change it if you like)")
        else:
            seen[key] = post


def _same_titles(posts, report, content_dir):
    """Say which posts share a title in one language (the old tool told them apart by
    file name; their slugs, from the file names too, keep them apart here)."""
    groups = defaultdict(list)
    for post in posts:
        if post.raw.get("title"):
            groups[(post.add.get("lang") or post.raw.get("lang"), str(post.raw["title"]))].append(post)
    for (lang, title), group in sorted(groups.items(), key=lambda kv: str(kv[0])):
        if len(group) > 1:
            slugs = ", ".join(f"'{p.slug()}'" for p in group)
            for post in group:
                post.repairs.append(f"{len(group)} posts titled '{title}' in '{lang}': "
                                    f"slugs {slugs} keep them apart")


def _title_key(post):
    return "title:" + str(post.raw.get("title") or "")
