"""Hexo's and Jekyll's `{% %}` tags and Hugo's `{{< >}}` shortcodes, rendered as their
authors meant, so posts moved in from those tools build unchanged.

- Hexo (hexo.py): codeblock, blockquote, post_link, post_path, asset_img, asset_link,
  asset_path, raw, youtube, iframe; Jekyll (jekyll.py): highlight, post_url, link,
  raw; Hugo (hugo.py): figure, highlight, ref, relref, youtube, gist.
- Links to posts and files become Pelican's intrasite links (targets.py); a
  third-party embed becomes a link card (cards.py): nothing loads from another host.
- Any other tag or shortcode, or one that names a missing post or file, is a
  `path:line` error naming it and saying what to write instead (the reader reports
  the DocumentError). Tags inside fenced code and inline code stay text, as does
  whatever `{% raw %}` ... `{% endraw %}` holds.
- Images a post links by a relative path (`![](diagram.png)` in a Hugo page bundle,
  or in a Hexo asset folder) become `{static}` links (BundleImages), so Pelican
  copies them beside the post.

The preprocessor runs after the site's own tags (pdf, lab: priority 27) and before
fenced code is stashed (25), tracking fences itself so file line numbers stay exact.
"""
import os
from urllib.parse import unquote

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from pelican import signals

from cnnotes.front_matter import DocumentError
from cnnotes.front_matter.fences import Fences
from cnnotes.front_matter.source import current_source_path

from . import hexo, hugo, jekyll, targets
from .common import Context, Html, TagError
from .syntax import find_tags, is_end_of

PRIORITY = 26  # after the pdf and lab tags (27), before fenced code (25)
LIQUID_BLOCKS = {**hexo.BLOCKS, **jekyll.BLOCKS}
LIQUID_INLINE = {**hexo.INLINE, **jekyll.INLINE}
HUGO_BLOCKS = hugo.BLOCKS
HUGO_INLINE = hugo.INLINE
# this site's own tags: their plugins (pdf, labs_site) render them and report their misuse
SITE_TAGS = ("pdf", "lab", "labrecord", "endlabrecord")
# what to write instead of tags and shortcodes that are not rendered here
INSTEAD = {
    "include": "paste the included file's text here",
    "img": "write ![alt](image.png) with the image beside the post",
    "image": "write ![alt](image.png) with the image beside the post",
    "gallery": "write one ![alt](image.png) per image",
    "note": "write a Markdown quote (> ...)",
    "alert": "write a Markdown quote (> ...)",
    "quote": "write a Markdown quote (> ...)",
    "pullquote": "write a Markdown quote (> ...)",
    "tweet": "write a link to the post: [text](https://...)",
    "x": "write a link to the post: [text](https://...)",
    "vimeo": "write a link to the video: [text](https://...)",
    "instagram": "write a link: [text](https://...)",
    "jsfiddle": "write a link: [text](https://...)",
    "param": "write the value itself",
    "toc": "write [TOC] on a line of its own",
    "more": "write <!-- more --> on a line of its own",
}


def known_names(syntax: str) -> str:
    names = (LIQUID_INLINE | LIQUID_BLOCKS | {"raw": None}) if syntax == "liquid" \
        else (HUGO_INLINE | HUGO_BLOCKS)
    return ", ".join(sorted(names))


def unknown_message(tag) -> str:
    shown = f"{{% {tag.name} %}}" if tag.syntax == "liquid" else f"{{{{< {tag.name} >}}}}"
    tool = "Hexo/Jekyll tag" if tag.syntax == "liquid" else "Hugo shortcode"
    instead = INSTEAD.get(tag.name, "write the Markdown or HTML it stood for")
    return (f"{tool} {shown} is not supported: {instead} "
            f"(supported: {known_names(tag.syntax)})")


class ShortcodePreprocessor(Preprocessor):
    """Renders tags line by line; collects errors, then raises one DocumentError at the
    first (naming every other line too)."""

    def __init__(self, md, settings):
        super().__init__(md)
        self.settings = settings

    def run(self, lines):
        if not any("{%" in line or "{{" in line for line in lines):
            return lines
        ctx = Context(self.md, self.settings, current_source_path())
        errors = []
        out = []
        fences = Fences()
        i = 0
        while i < len(lines):
            line = lines[i]
            if fences.in_code(line):
                out.append(line)
                i += 1
                continue
            tags = find_tags(line, i + 1)
            if not tags:
                out.append(line)
                i += 1
                continue
            first = tags[0]
            blocks = LIQUID_BLOCKS if first.syntax == "liquid" else HUGO_BLOCKS
            whole_line = line[: first.start].strip() == "" and line[first.end:].strip() == ""
            if whole_line and (first.name in blocks or (first.syntax == "liquid" and first.name == "raw")):
                end = self._block_end(lines, i, first)
                if end is None:
                    errors.append((first.line, f"{first.text} is never closed"))
                    out.append(line)
                    i += 1
                    continue
                body = lines[i + 1:end]
                if first.name == "raw" and first.syntax == "liquid":
                    out += self._raw_lines(body)
                else:
                    try:
                        out += blocks[first.name](first, body, ctx)
                    except TagError as e:
                        errors.append((first.line, f"{first.text}: {e}"))
                        out += body
                i = end + 1
                continue
            out.append(self._inline(line, tags, ctx, errors, whole_line))
            i += 1
        if errors:
            line, message = errors[0]
            more = [str(n) for n, _ in errors[1:]]
            if more:
                message += f" (more tag errors at lines {', '.join(more)})"
            raise DocumentError(line, message)
        return out

    def _raw_lines(self, body):
        """`{% raw %}` lines: their tags stay text (stashed, so nothing later reads them)."""
        out = []
        for line in body:
            if "{%" in line or "{{" in line:
                out.append(self._escape_tags(line))
            else:
                out.append(line)
        return out

    def _escape_tags(self, text):
        return text.replace("{%", self.md.htmlStash.store("{%")).replace(
            "{{", self.md.htmlStash.store("{{"))

    @staticmethod
    def _block_end(lines, start, opener):
        """The index of the line closing the block opened at start, or None."""
        for j in range(start + 1, len(lines)):
            if any(is_end_of(t, opener) for t in find_tags(lines[j], j + 1)):
                return j
        return None

    def _inline(self, line, tags, ctx, errors, whole_line):
        pieces, at = [], 0
        skip_until = -1
        for n, tag in enumerate(tags):
            if tag.start < skip_until:
                continue
            pieces.append(line[at: tag.start])
            at = tag.end
            if tag.syntax == "liquid" and tag.name == "raw":  # inline raw ... endraw
                close = next((t for t in tags[n + 1:] if t.syntax == "liquid" and t.name == "endraw"), None)
                if close is None:
                    errors.append((tag.line, f"{tag.text} is never closed"))
                    continue
                pieces.append(self._escape_tags(line[tag.end: close.start]))
                at = skip_until = close.end
                continue
            if tag.syntax == "liquid" and tag.name in SITE_TAGS:
                pieces.append(tag.text)
                continue
            table = LIQUID_INLINE if tag.syntax == "liquid" else HUGO_INLINE
            render = table.get(tag.name)
            if render is None:
                errors.append((tag.line, unknown_message(tag)))
                continue
            try:
                result = render(tag, ctx)
            except TagError as e:
                errors.append((tag.line, f"{tag.text}: {e}"))
                continue
            if isinstance(result, Html):
                placeholder = self.md.htmlStash.store(result.markup)
                pieces.append(f"\n\n{placeholder}\n\n" if whole_line and len(tags) == 1 else placeholder)
            else:
                pieces.append(result)
        pieces.append(line[at:])
        return "".join(pieces)


class BundleImages(Treeprocessor):
    """`<img src="x.png">` and `<a href="x.pdf">` whose relative path is a file of the
    post's own (beside it, or in its Hexo asset folder) -> `{static}` links; so is an
    image at a root path (`/images/x.png`, Hugo's static/ and Jekyll's assets/ moved
    in) that is a file under content/. Anything else is left as written."""

    def __init__(self, md, settings):
        super().__init__(md)
        self.settings = settings

    def run(self, root):
        source = current_source_path()
        if source is None:
            return
        content_root = self.settings.get("PATH")
        for el in root.iter():
            name = "src" if el.tag == "img" else "href" if el.tag == "a" else None
            value = el.get(name) if name else None
            if not value or value.startswith(("#", "{", "|", "//")) or ":" in value.split("/")[0]:
                continue
            if value.startswith("/"):  # a file at the site's root: works under a path prefix too
                link = content_root and targets.static_link(content_root, unquote(value.split("#")[0]))
                if link and el.tag == "img":
                    el.set(name, link)
                continue
            path = value.split("#")[0]
            if path.endswith(targets.MARKDOWN_SUFFIXES):  # another post, by its file
                if os.path.isfile(os.path.join(os.path.dirname(source), unquote(path))):
                    el.set(name, "{filename}" + value)
                continue
            try:
                el.set(name, targets.asset_link(source, unquote(path)))
            except targets.TargetError:
                pass


# tags whose output shows another post's title: they depend on that post's text
TITLE_TAGS = ("post_link", "post_path", "post_url", "{% link", "ref ", "relref")


class ShortcodeExtension(Extension):
    """Needs Pelican's settings (PATH: where posts named by a tag are found).

    What it renders depends on the content tree, not only on the text: which posts and
    files exist (a tag naming a post, an image beside the post), and the titles of the
    posts a tag links without a label. cache_key says so to the render cache."""

    def __init__(self, settings=None, **kwargs):
        self.settings = settings or {}
        self._tree = self._posts = None
        super().__init__(**kwargs)

    def _files(self):
        root = self.settings.get("PATH") or "."
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                yield os.path.relpath(os.path.join(folder, name), root)

    def cache_key(self, text):
        from cnnotes.render_cache import text_digest

        if not any(mark in text for mark in ("{%", "{{<", "{{%", "](", "src=", "href=")):
            return None
        if self._tree is None:  # every file's path: what exists, for links and images
            self._tree = text_digest("\n".join(self._files()))
        if not any(tag in text for tag in TITLE_TAGS):
            return self._tree
        if self._posts is None:  # and every post's text, for the titles tags show
            root = self.settings.get("PATH") or "."
            parts = []
            for rel in self._files():
                if rel.endswith(targets.MARKDOWN_SUFFIXES):
                    with open(os.path.join(root, rel), "rb") as f:
                        parts.append(f"{rel}\0{text_digest(f.read())}")
            self._posts = text_digest("\n".join(parts))
        return self._tree + self._posts

    def extendMarkdown(self, md):
        md.preprocessors.register(ShortcodePreprocessor(md, self.settings), "moved_in_tags", PRIORITY)
        # after the inline patterns (20), before strict's local targets (14), which would take a
        # relative image for one beside the post
        md.treeprocessors.register(BundleImages(md, self.settings), "bundle_images", 15)


def add_extension(pelican):
    md = pelican.settings.setdefault("MARKDOWN", {})
    extensions = md.setdefault("extensions", [])
    if not any(isinstance(e, ShortcodeExtension) for e in extensions):
        extensions.append(ShortcodeExtension(settings=pelican.settings))


def register():
    signals.initialized.connect(add_extension)
