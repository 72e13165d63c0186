"""`{% pdf URL [height=N] %}`: PDFs embedded with Mozilla pdf.js (npm pdfjs-dist).

- The Markdown extension (markdown_ext.py) renders each tag as a figure holding
  a plain link; theme/static/js/pdf-viewer.js turns it into a viewer: every
  page in a frame of the tag's height, each with a selectable text layer (so
  the browser's find sees the whole PDF), canvases drawn near the view only,
  page navigation, zoom, download.
- For each post, this plugin checks its tags against the source file and
  reports, at path:line: a local PDF that does not exist, a refused URL, a bad
  option, a tag that is not alone on its line (it would show raw).
- A post with a viewer gets pdf-viewer.js / pdf-viewer.css (extra_js/extra_css),
  and the build copies pdf.js into the output (assets.py).
- PDF_MIRROR = True downloads cross-origin PDFs into the output so they render
  inline; otherwise they get an "open the PDF" card.
"""
import os
import re
import shutil
from urllib.parse import unquote

import lxml.html
from pelican import signals

from cnnotes import build_cache
from cnnotes import strict

from cnnotes.pdf import assets, tag
from cnnotes.pdf.markdown_ext import PdfExtension

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")
RAW_TAG_RE = re.compile(r"\{%\s*pdf\b")
MIRROR_CACHE = os.path.join(assets.ROOT, ".cache", "pdf-mirror")

_state = {"used": False, "mirrors": {}}


def add_extension(pelican):
    _state.update(used=False, mirrors={})
    md = pelican.settings.setdefault("MARKDOWN", {})
    extensions = md.setdefault("extensions", [])
    if not any(isinstance(e, PdfExtension) for e in extensions):
        extensions.append(PdfExtension(settings=pelican.settings))


def _local_file(settings, source_path, pdf):
    path = unquote(pdf.local_path)
    if path.startswith("/"):
        return os.path.join(settings["PATH"], path.lstrip("/"))
    return os.path.join(os.path.dirname(source_path), path)


def check_tags(settings, source_path, lines):
    """Report every bad tag in a Markdown file at its line; fetch mirrored PDFs."""
    for index, args in tag.find_tags(lines):
        line = index + 1
        try:
            pdf = tag.parse(args, siteurl=settings.get("SITEURL", ""),
                            mirror=bool(settings.get("PDF_MIRROR")))
        except tag.TagError as e:
            strict.error(source_path, line, str(e))
            continue
        if pdf.kind == "local":
            full = _local_file(settings, source_path, pdf)
            if not os.path.isfile(full):
                strict.error(source_path, line,
                             f"PDF not found: {strict.display_path(full)} (a path with a leading / "
                             f"is from {strict.display_path(settings['PATH'])}/, else beside this file)")
        elif pdf.kind == "mirror":
            name = os.path.basename(pdf.href)
            try:
                _state["mirrors"][name] = assets.mirror(pdf.source_url, MIRROR_CACHE, name)
            except assets.AssetError as e:
                strict.error(source_path, line, str(e))


def _raw_tag_shown(content):
    """True when rendered HTML shows `{% pdf` as text (outside code)."""
    if not RAW_TAG_RE.search(content):
        return False
    root = lxml.html.fragment_fromstring(content, create_parent="div")
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        in_code = any(a.tag in ("code", "pre") for a in [el, *el.iterancestors()])
        if not in_code and el.text and RAW_TAG_RE.search(el.text):
            return True
        parent_in_code = any(a.tag in ("code", "pre") for a in el.iterancestors())
        if not parent_in_code and el.tail and RAW_TAG_RE.search(el.tail):
            return True
    return False


def check_content(instance):
    source = getattr(instance, "source_path", None)
    content = getattr(instance, "_content", None)
    if not source or not content:
        return
    if "pdf-embed" not in content and not RAW_TAG_RE.search(content):
        return  # no tag: every tag outside code renders as a pdf-embed figure
    settings = instance.settings
    lines = []
    if source.endswith(MARKDOWN_SUFFIXES):
        with open(source, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
        check_tags(settings, source, lines)
    if _raw_tag_shown(content):
        tag_lines = {i for i, _ in tag.find_tags(lines)}
        line = next((i + 1 for i, text in enumerate(lines)
                     if RAW_TAG_RE.search(text) and i not in tag_lines), None)
        strict.error(source, line, "a {% pdf URL %} tag must be alone on its line, "
                                   "as a paragraph of its own (it would show as raw text)")
    content = tag.localize(content, getattr(instance, "lang", "en"))
    instance._content = content
    if "data-pdf-viewer" in content:
        static = f"{settings['SITEURL']}/{settings['THEME_STATIC_DIR']}"
        # once: a post restored from the build cache's snapshot has them already
        build_cache.add_once(instance, "extra_js", f"{static}/js/pdf-viewer.js")
        build_cache.add_once(instance, "extra_css", f"{static}/css/pdf-viewer.css")
        _state["used"] = True


def copy_assets(pelican):
    """pdf.js and mirrored PDFs into the output, when a page has a viewer."""
    out = pelican.output_path
    build = build_cache.active()
    copy = None
    if build is not None:  # unchanged files are linked from the previous output
        copy = lambda source, target: build.tree.copy(source, os.path.relpath(target, out))  # noqa: E731
    if _state["used"]:
        try:
            assets.copy_pdfjs(os.path.join(out, pelican.settings["THEME_STATIC_DIR"]), copy=copy)
        except assets.AssetError as e:
            strict.error(os.path.join(assets.ROOT, "package.json"), None, str(e))
    if _state["mirrors"]:
        target = os.path.join(out, tag.MIRROR_DIR)
        os.makedirs(target, exist_ok=True)
        for name, cached in _state["mirrors"].items():
            (copy or shutil.copy2)(cached, os.path.join(target, name))


def register():
    signals.initialized.connect(add_extension)
    signals.content_object_init.connect(check_content)
    signals.finalized.connect(copy_assets)
