"""Relative links in book pages, made into links Pelican resolves.

A book written for GitBook or MkDocs links its pages by relative file path
(`../concepts/etcd.md#watch`) and shows images by relative path (`images/a.png`).
After Markdown has made the HTML, this treeprocessor turns:

- a link to a Markdown file (with or without `#anchor`) into `{filename}path#anchor`,
  which Pelican replaces by the page's URL (posts and pages too: a book page may link
  to a post by its relative path as well);
- a link to a folder (`concepts/`) into a link to its own page (README.md, _index.md,
  index.md);
- any other relative `src` or `href` (an image, a PDF beside the page) into
  `{static}path`, which Pelican copies to the output at that path.

Every link it changed is recorded in `md.book_links` as `Link(kind, text, target,
fragment)` (target: the absolute path of the file), for the plugin to check (a missing
target is a `path:line` error) and to list as backlinks. It also drops the page's first
`<h1>` when it gave the page its title (the template shows the title).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .order import MARKDOWN_SUFFIXES, section_page

PRIORITY = 16  # after inline (20): links exist; before strict's local targets (14), which
# would read a page's relative link as a post's, and before toc (5)


@dataclass(frozen=True)
class Link:
    kind: str        # "page" or "file"
    text: str        # as written in the page
    target: str      # absolute path of the file it names
    fragment: str    # the #anchor, without '#'


@dataclass
class PageLinks:
    """What the treeprocessor needs to know about the page being converted."""
    source_dir: str             # the page's folder (absolute)
    prefer_suffix: str = ""     # ".en": a link to x.md means x.en.md when that exists
    drop_title_h1: bool = False


def is_relative(url: str) -> bool:
    if not url or url.startswith(("#", "/", "{", "|", "?")):
        return False
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc


def resolve(page: PageLinks, url: str) -> tuple[str, str, str]:
    """(kind, absolute target path, fragment) of a relative URL from this page."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    target = os.path.normpath(os.path.join(page.source_dir, path))
    if path.endswith("/") or (not path.endswith(MARKDOWN_SUFFIXES) and os.path.isdir(target)):
        own = section_page(target)
        if own is None:
            return "page", os.path.join(target, "README.md"), parts.fragment
        target = os.path.join(target, own)
    if target.endswith(MARKDOWN_SUFFIXES):
        if page.prefer_suffix:
            stem, ext = os.path.splitext(target)
            translated = stem + page.prefer_suffix + ext
            if os.path.isfile(translated):
                target = translated
        return "page", target, parts.fragment
    return "file", target, parts.fragment


class RelativeLinks(Treeprocessor):
    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, root):
        page = self.extension.page
        found = self.md.book_links = []
        if page is None:
            return
        if page.drop_title_h1:
            for parent in root.iter():
                h1 = next((child for child in parent if child.tag == "h1"), None)
                if h1 is not None:
                    parent.remove(h1)
                    break
        for el in [el for el in root.iter() if el.tag in ("a", "img")]:
            attr = "href" if el.tag == "a" else "src"
            url = el.get(attr)
            if url is None or not is_relative(url):
                continue
            kind, target, fragment = resolve(page, url)
            found.append(Link(kind, url, target, fragment))
            rel = os.path.relpath(target, page.source_dir).replace(os.sep, "/")
            anchor = f"#{fragment}" if fragment else ""
            el.set(attr, ("{filename}" if kind == "page" else "{static}") + rel + anchor)


class RelativeLinksExtension(Extension):
    """Set `.page` (a PageLinks) before converting each page; None leaves links alone."""

    def __init__(self, **kwargs):
        self.page = None
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.book_links = []
        md.treeprocessors.register(RelativeLinks(md, self), "book_relative_links", PRIORITY)
