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
from pelican.generators import Generator

from cnnotes import strict
from cnnotes.pdf import assets, tag
from cnnotes.pdf.markdown_ext import PdfExtension

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")
RAW_TAG_RE = re.compile(r"\{%\s*pdf\b")
MIRROR_CACHE = os.path.join(assets.ROOT, ".cache", "pdf-mirror")


class SitePdfExtension(PdfExtension):
    """The tag's Markdown extension, with the checks and assets of a document that has one
    (front_matter.finish_document calls finish_document for every document)."""

    def finish_document(self, html, metadata, source_path):
        return check_document(self.settings, source_path, html, metadata)


def add_extension(pelican):
    md = pelican.settings.setdefault("MARKDOWN", {})
    extensions = md.setdefault("extensions", [])
    if not any(isinstance(e, PdfExtension) for e in extensions):
        extensions.append(SitePdfExtension(settings=pelican.settings))


def _local_file(settings, source_path, pdf):
    path = unquote(pdf.local_path)
    if path.startswith("/"):
        return os.path.join(settings["PATH"], path.lstrip("/"))
    return os.path.join(os.path.dirname(source_path), path)


def check_tags(settings, source_path, lines) -> dict:
    """Report every bad tag in a Markdown file at its line; fetch mirrored PDFs.
    Returns {file name: the mirrored copy} for the PDFs to copy into the output."""
    mirrors = {}
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
                mirrors[name] = assets.mirror(pdf.source_url, MIRROR_CACHE, name)
            except assets.AssetError as e:
                strict.error(source_path, line, str(e))
    return mirrors
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


def check_document(settings, source, content, metadata):
    """A document's HTML with its viewers in its language, after checking its tags
    against its file; a viewer's script and stylesheet go into its metadata."""
    if not source or not content:
        return content
    if "pdf-embed" not in content and not RAW_TAG_RE.search(content):
        return content  # no tag: every tag outside code renders as a pdf-embed figure
    lines = []
    if source.endswith(MARKDOWN_SUFFIXES):
        with open(source, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
        metadata["pdf_mirrors"] = check_tags(settings, source, lines)
    if _raw_tag_shown(content):
        tag_lines = {i for i, _ in tag.find_tags(lines)}
        line = next((i + 1 for i, text in enumerate(lines)
                     if RAW_TAG_RE.search(text) and i not in tag_lines), None)
        strict.error(source, line, "a {% pdf URL %} tag must be alone on its line, "
                                   "as a paragraph of its own (it would show as raw text)")
    content = tag.localize(content, metadata.get("lang") or settings.get("DEFAULT_LANG", "en"))
    if "data-pdf-viewer" in content:
        static = f"{settings['SITEURL']}/{settings['THEME_STATIC_DIR']}"
        metadata["extra_js"] = [*metadata.get("extra_js", []), f"{static}/js/pdf-viewer.js"]
        metadata["extra_css"] = [*metadata.get("extra_css", []), f"{static}/css/pdf-viewer.css"]
        metadata["pdf_viewer"] = True
    return content


def documents(context):
    """Every post and page of the build, in every language and status."""
    seen = {}
    for key in ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                "drafts_translations", "pages", "hidden_pages", "draft_pages"):
        for doc in context.get(key) or ():
            for one in (doc, *getattr(doc, "translations", ())):
                seen.setdefault(id(one), one)
    return list(seen.values())


class PdfAssetsGenerator(Generator):
    """pdf.js and mirrored PDFs into the output, when a page has a viewer."""

    def generate_output(self, writer):
        docs = documents(self.context)
        if any(getattr(d, "pdf_viewer", False) for d in docs):
            try:
                assets.copy_pdfjs(os.path.join(self.output_path, self.settings["THEME_STATIC_DIR"]))
            except assets.AssetError as e:
                strict.error(os.path.join(assets.ROOT, "package.json"), None, str(e))
        mirrors = {}
        for d in docs:
            mirrors.update(getattr(d, "pdf_mirrors", None) or {})
        if mirrors:
            target = os.path.join(self.output_path, tag.MIRROR_DIR)
            os.makedirs(target, exist_ok=True)
            for name, cached in sorted(mirrors.items()):
                shutil.copy2(cached, os.path.join(target, name))


def get_generators(pelican):
    return PdfAssetsGenerator


def register():
    signals.initialized.connect(add_extension)
    signals.get_generators.connect(get_generators)
