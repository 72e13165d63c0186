"""Start a post: `make newpost TITLE=... POST_LANG=en|zh SLUG=... LAB=...`, or the other
language's version of one: `make newpost FROM=content/posts/x.md`.

Writes content/posts/<slug>.md with the YAML front matter README.md describes, as a
draft (`draft: true`: `make serve` shows it under /drafts/ with a banner, `make publish`
leaves it out until the line is removed), and prints its path. It never overwrites: when <slug>.md exists in the other language, the
new file is its translation (<slug>.<lang>.md, `translation: true`); otherwise it stops
with a message. Without SLUG the slug comes from the title (Chinese as pinyin words).

FROM starts a translation of an existing post: the same slug, the other `lang`, its
front matter and body copied (to translate in place), `translation: true`, and
`status: draft` so it stays off the site until the author removes that line. The
title is left as it was, marked to translate. Values are taken as typed (make passes
them unexpanded); a line break in one is refused.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from pathlib import Path
from typing import Optional

from unidecode import unidecode

ROOT = Path(__file__).resolve().parent.parent
POSTS = Path("content/posts")
LANGS = ("en", "zh")
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CJK = re.compile(r"([\u3400-\u9fff\uf900-\ufaff])")

BODY = {
    "en": ("One or two sentences that sum the post up (shown in lists and feeds).",
           "First section"),
    "zh": ("用一两句话概括这篇文章（显示在文章列表和订阅中）。", "第一节"),
}


class NewPostError(Exception):
    """Bad input; the message says what to change."""


def slug_from_title(title: str) -> str:
    """Latin words lowercased; each Chinese character as its pinyin word, so
    `如何快速启动一个Kubernetes集群` -> `ru-he-kuai-su-qi-dong-yi-ge-kubernetes-ji-qun`."""
    spaced = CJK.sub(r" \1 ", title)
    words = re.findall(r"[a-z0-9]+", unidecode(spaced).lower())
    return "-".join(words)


def yaml_scalar(value: str) -> str:
    """Plain when YAML would read it back as the same string, else double-quoted."""
    if re.fullmatch(r"[\w\u0080-\uffff][\w\u0080-\uffff ,.()+/-]*", value) and \
            not value.endswith(" ") and \
            not re.fullmatch(r"(?i)(true|false|yes|no|on|off|null|~|[-+]?[\d.]+)", value):
        return value
    return json.dumps(value, ensure_ascii=False)


def front_matter_field(path: Path, key: str) -> Optional[str]:
    match = re.search(rf"^{key}:[ \t]*(.*?)[ \t]*$", path.read_text(encoding="utf-8"), re.M)
    return match.group(1).strip("'\"") if match else None


def choose_path(root: Path, slug: str, lang: str) -> tuple[Path, bool]:
    """(path to write, is it a translation); NewPostError if the post exists."""
    posts = root / POSTS
    for other in sorted(posts.glob("*.md")) if posts.is_dir() else []:
        if other.name.split(".")[0] == slug:
            continue
        if front_matter_field(other, "slug") == slug and \
                (front_matter_field(other, "lang") or "en") == lang:
            raise NewPostError(f"{POSTS / other.name} already has slug {slug!r} in {lang}")
    original = POSTS / f"{slug}.md"
    if not (root / original).exists():
        return original, False
    original_lang = front_matter_field(root / original, "lang") or "en"
    if original_lang == lang:
        raise NewPostError(f"{original} already exists (lang {lang}); not overwritten")
    translation = POSTS / f"{slug}.{lang}.md"
    if (root / translation).exists():
        raise NewPostError(f"{translation} already exists; not overwritten")
    return translation, True


def render(title: str, lang: str, slug: str, date: str, lab: Optional[str], translation: bool) -> str:
    summary, section = BODY[lang]
    lines = [
        "---",
        f"title: {yaml_scalar(title)}",
        f"date: {date}",
        f"lang: {lang}",
        f"slug: {slug}",
        "tags: []",
        "categories: []",
    ]
    if lab:
        lines.append(f"lab: {lab}")
    if translation:
        lines.append("translation: true")
    lines.append("draft: true                   # remove this line to publish the post")
    lines += ["---", summary, "", "<!-- more -->", "", "[TOC]", "", f"## {section}", ""]
    return "\n".join(lines)


def refuse_line_breaks(values: dict[str, Optional[str]]) -> None:
    """NewPostError for the first value (named by its make variable) with a line break."""
    for name, value in values.items():
        if value and re.search(r"[\r\n\v\f\x85\u2028\u2029]", value):
            raise NewPostError(f"{name} contains a line break; write it on one line. Got: {value!r}")


def new_post(root: Path, title: str, lang: str = "en", slug: Optional[str] = None,
             lab: Optional[str] = None, now: Optional[dt.datetime] = None) -> Path:
    refuse_line_breaks({"TITLE": title, "SLUG": slug, "LAB": lab})
    title = " ".join((title or "").split())
    if not title:
        raise NewPostError('no title: make newpost TITLE="..." [POST_LANG=zh] [SLUG=...] [LAB=...]')
    if lang not in LANGS:
        raise NewPostError(f"unknown language {lang!r}: POST_LANG is one of {', '.join(LANGS)}")
    slug = slug if slug is not None else slug_from_title(title)
    if not SLUG_RE.fullmatch(slug):
        raise NewPostError(f"bad slug {slug!r}: lowercase letters, digits and single hyphens "
                           "(SLUG=my-post)")
    if lab:
        labs = root / "labs"
        if not (labs / lab / "lab.md").is_file():
            known = sorted(p.parent.name for p in labs.glob("*/lab.md"))
            raise NewPostError(f"unknown lab {lab!r}: no labs/{lab}/lab.md "
                               f"(labs: {', '.join(known) or 'none'})")
    path, translation = choose_path(root, slug, lang)
    date = (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    text = render(title, lang, slug, date, lab, translation)
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(root / path, "x", encoding="utf-8") as out:  # "x": never overwrite
            out.write(text)
    except FileExistsError:
        raise NewPostError(f"{path} already exists; not overwritten") from None
    return path


# --- the other language's version of a post ------------------------------------------

_FRONT_RE = re.compile(r"\A(\ufeff?---[ \t]*\n)(.*?\n)(---[ \t]*\n)", re.S)
_KEY_RE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(.*)$")
TRANSLATE_MARK = "  # translate this title, then delete the status: draft line"


def _source_path(root: Path, source: str) -> tuple[Path, Path]:
    """(path as shown, absolute path) of the FROM file; NewPostError if it is no post."""
    given = Path(source)
    absolute = given if given.is_absolute() else root / given
    try:
        shown = absolute.resolve().relative_to(root.resolve())
    except ValueError:
        shown = absolute
    if not absolute.is_file():
        raise NewPostError(f"FROM={source}: no such file")
    if absolute.suffix != ".md":
        raise NewPostError(f"FROM={source}: not a Markdown post (.md)")
    return shown, absolute


def start_translation(root: Path, source: str, lang: Optional[str] = None) -> Path:
    """Write the other language's version of the post at `source` (see the module's
    docstring); returns its path. Never overwrites; the source is left as it is."""
    import yaml

    shown, absolute = _source_path(root, source)
    text = absolute.read_text(encoding="utf-8")
    match = _FRONT_RE.match(text)
    if not match:
        raise NewPostError(f"{shown}:1: no YAML front matter (--- ... ---) to copy")
    try:
        meta = yaml.safe_load(match.group(2)) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = 2 + mark.line if mark else 1
        raise NewPostError(f"{shown}:{line}: its front matter is not valid YAML; fix it first") from None
    if not isinstance(meta, dict) or not str(meta.get("title") or "").strip():
        raise NewPostError(f"{shown}:1: its front matter has no title")
    source_lang = str(meta.get("lang") or "en")
    others = [l for l in LANGS if l != source_lang]
    if lang is None:
        lang = others[0]
    if lang not in others:
        raise NewPostError(f"POST_LANG={lang}: {shown} is in {source_lang}; its other "
                           f"language is {' or '.join(others)}")
    slug = str(meta.get("slug") or "").strip() or slug_from_title(str(meta["title"]))
    stem = absolute.name[:-len(".md")]
    if stem.endswith(tuple(f".{l}" for l in LANGS)):
        stem = stem.rsplit(".", 1)[0]
    target = shown.parent / f"{stem}.{lang}.md"
    for other in sorted((root / POSTS).glob("*.md")) if (root / POSTS).is_dir() else []:
        if other.resolve() == absolute.resolve():
            continue
        if front_matter_field(other, "slug") == slug and \
                (front_matter_field(other, "lang") or "en") == lang:
            raise NewPostError(f"{POSTS / other.name} is already the {lang} version of slug "
                               f"{slug!r}; not overwritten")
    front = translated_front_matter(match.group(2), lang, slug)
    body = text[match.end():]
    (root / target).parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(root / target, "x", encoding="utf-8") as out:  # "x": never overwrite
            out.write("---\n" + front + "---\n" + body)
    except FileExistsError:
        raise NewPostError(f"{target} already exists; not overwritten") from None
    return target


def translated_front_matter(front: str, lang: str, slug: str) -> str:
    """The front matter's lines as written (comments and order kept), with `lang`,
    `slug`, `translation: true` and `status: draft` set, and the title marked."""
    out, seen = [], set()
    lines = front.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        match = _KEY_RE.match(line)
        key = match.group(1).lower() if match else None
        if key in ("lang", "slug", "translation", "status", "published"):
            # dropped (set below); so are the indented lines of a block value
            while index < len(lines) and lines[index][:1] in (" ", "\t", "-"):
                index += 1
            continue
        if key == "title" and "title" not in seen:
            line = line.rstrip() + TRANSLATE_MARK
        if key:
            seen.add(key)
        out.append(line)
    out += [f"lang: {lang}", f"slug: {slug}", "translation: true", "status: draft"]
    return "\n".join(out) + "\n"


def main(argv: Optional[list[str]] = None, *, root: Path = ROOT,
         now: Optional[dt.datetime] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.newpost", description=__doc__.split("\n")[0])
    parser.add_argument("--title", default="")
    parser.add_argument("--lang", default="", help="en or zh (default: en; with --from: the other one)")
    parser.add_argument("--slug", default="", help="default: from the title")
    parser.add_argument("--lab", default="", help="the lab that reproduces this post (labs/<lab>/lab.md)")
    parser.add_argument("--from", dest="source", default="",
                        help="start the other language's version of this post")
    args = parser.parse_args(argv)
    try:  # make passes every option, empty when not set
        if args.source:
            refuse_line_breaks({"FROM": args.source, "POST_LANG": args.lang})
            given = [name for name, value in (("TITLE", args.title), ("SLUG", args.slug),
                                              ("LAB", args.lab)) if value]
            if given:
                raise NewPostError(f"FROM copies the post's front matter; {', '.join(given)} "
                                   "cannot be given with it")
            path = start_translation(root, args.source, args.lang or None)
        else:
            path = new_post(root, args.title, args.lang or "en", args.slug or None,
                            args.lab or None, now)
    except (NewPostError, OSError) as error:
        print(f"newpost: {error}", file=sys.stderr)
        return 1
    print(path)
    written = path if path.is_absolute() else root / path
    lang = front_matter_field(written, "lang") or "en"
    slug = front_matter_field(written, "slug") or path.name.split(".")[0]
    print(f"a draft: `make serve` shows it at /drafts/{lang}/{slug}/ (all drafts: /drafts/); "
          "delete its `draft: true` line (and set `date:`) to publish it", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
