"""Start a post: `make newpost TITLE=... POST_LANG=en|zh SLUG=... LAB=...`.

Writes content/posts/<slug>.md with the YAML front matter README.md describes, as a
draft (`draft: true`: `make serve` shows it under /drafts/ with a banner, `make publish`
leaves it out until the line is removed), and prints its path. It never overwrites: when <slug>.md exists in the other language, the
new file is its translation (<slug>.<lang>.md, `translation: true`); otherwise it stops
with a message. Without SLUG the slug comes from the title (Chinese as pinyin words).
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


def new_post(root: Path, title: str, lang: str = "en", slug: Optional[str] = None,
             lab: Optional[str] = None, now: Optional[dt.datetime] = None) -> Path:
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


def main(argv: Optional[list[str]] = None, *, root: Path = ROOT,
         now: Optional[dt.datetime] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.newpost", description=__doc__.split("\n")[0])
    parser.add_argument("--title", default="")
    parser.add_argument("--lang", default="en", help="en or zh")
    parser.add_argument("--slug", help="default: from the title")
    parser.add_argument("--lab", help="the lab that reproduces this post (labs/<lab>/lab.md)")
    args = parser.parse_args(argv)
    try:
        path = new_post(root, args.title, args.lang, args.slug, args.lab, now)
    except (NewPostError, OSError) as error:
        print(f"newpost: {error}", file=sys.stderr)
        return 1
    print(path)
    lang = args.lang
    print(f"a draft: `make serve` shows it at /drafts/{lang}/{path.name.split('.')[0]}/ (all drafts: /drafts/); "
          "delete its `draft: true` line (and set `date:`) to publish it", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
