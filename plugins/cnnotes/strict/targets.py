"""Local image and link targets, whatever way they are written, go through Pelican's
`{static}` / `{filename}` links: checked (a missing file is a `path:line` error) and
published where the link points.

Authors write images as `/images/x.png`, `{static}/images/x.png`, `../images/x.png`
or `diagram.png` beside the post (a bundle asset). Pelican only checks and rewrites
the `{...}` forms; the others pass through unchecked, and a relative one breaks
because the page's URL (/en/2016/07/19/slug/) is not the source's folder. This
Markdown extension rewrites, in the rendered tree:

- a relative target (`diagram.png`, `../images/x.png`) to `{static}` + it, so it is
  relative to the Markdown file, as in an editor's preview; Pelican copies a file
  outside STATIC_PATHS too when a post links it, next to its source path;
- a relative `x.md` (or other source file) to `{filename}x.md`: a link to that post;
- a root-relative target under a STATIC_PATHS folder (`/images/x.png`), and any
  root-relative image, to `{static}/...`: a file under content/.

An `<img src="...">` written as raw HTML gets the same treatment (no plugin writes
`<img>` tags, so every one in a post's HTML is the author's); other raw HTML is left
as written: `{static}` works there.

The strict plugin's link check then reports a missing target at its line, and the
feeds make every link absolute. Other root-relative links (`/en/...`, `/labs/`) are
URLs of generated pages and are left as written.
"""
import posixpath
import re

from markdown import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

# element -> attributes holding a URL of a file or page
URL_ATTRIBUTES = {"img": ("src",), "a": ("href",), "source": ("src",), "video": ("src", "poster"),
                  "audio": ("src",), "track": ("src",), "embed": ("src",), "iframe": ("src",)}
SOURCE_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown", ".ipynb")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def rewritten(value: str, tag: str, static_dirs) -> str:
    """The `{static}` / `{filename}` form of a local target, or value unchanged."""
    if not value or value.startswith(("#", "{", "|", "?", "//")) or _SCHEME_RE.match(value):
        return value
    path = re.split(r"[?#]", value, maxsplit=1)[0]
    if not path:
        return value
    is_source = path.lower().endswith(SOURCE_SUFFIXES)
    if path.startswith("/"):
        first = path.lstrip("/").split("/", 1)[0]
        if is_source:
            return "{filename}" + value
        if first in static_dirs or tag != "a":
            return "{static}" + value
        return value
    if path.endswith("/") or posixpath.basename(path) in ("", ".", ".."):
        return value  # a folder: no file to check
    return ("{filename}" if is_source else "{static}") + value


class LocalTargets(Treeprocessor):
    def __init__(self, md, static_dirs):
        super().__init__(md)
        self.static_dirs = static_dirs

    def run(self, root):
        for el in root.iter():
            for attribute in URL_ATTRIBUTES.get(el.tag, ()):
                value = el.get(attribute)
                if value:
                    new = rewritten(value.strip(), el.tag, self.static_dirs)
                    if new != value:
                        el.set(attribute, new)


_IMG_RE = re.compile(r"<img\b[^>]*>", re.I)
_SRC_RE = re.compile(r"""(\ssrc\s*=\s*)(["'])(.*?)\2""", re.I | re.S)


class RawImageTargets(Postprocessor):
    """`<img src>` in the finished HTML (raw HTML included; code is escaped by now)."""

    def __init__(self, md, static_dirs):
        super().__init__(md)
        self.static_dirs = static_dirs

    def run(self, text):
        if "<img" not in text and "<IMG" not in text:
            return text

        def tag(match):
            def src(m):
                new = rewritten(m.group(3).strip(), "img", self.static_dirs)
                return f"{m.group(1)}{m.group(2)}{new}{m.group(2)}"
            return _SRC_RE.sub(src, match.group(0), count=1)

        return _IMG_RE.sub(tag, text)


class LocalTargetsExtension(Extension):
    """Added to MARKDOWN's extensions by the strict plugin, with the site's settings."""

    def __init__(self, **kwargs):
        self.config = {"static_paths": [[], "STATIC_PATHS: root-relative files under them"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        static_dirs = {str(p).strip("/").split("/", 1)[0] for p in self.getConfig("static_paths")}
        # after "inline" (20), which makes the <img> and <a> elements
        md.treeprocessors.register(LocalTargets(md, static_dirs), "local_targets", 14)
        # after "raw_html" (30), which puts raw HTML back
        md.postprocessors.register(RawImageTargets(md, static_dirs), "raw_image_targets", 5)
