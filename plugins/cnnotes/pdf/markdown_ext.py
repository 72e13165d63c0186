"""Markdown extension: a line `{% pdf URL [height=N] %}` becomes the PDF figure.

A preprocessor (before fenced code is stashed, so it tracks fences itself and
leaves tags inside code blocks alone). A tag it cannot render becomes a short
error note, never the raw tag; the content check (pdf/__init__.py) reports the
same problem at path:line and fails the build.
"""
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from cnnotes.pdf import tag

PRIORITY = 27  # after NormalizeWhitespace (30), before FencedBlockPreprocessor (25)


class PdfTagPreprocessor(Preprocessor):
    def __init__(self, md, settings):
        super().__init__(md)
        self.settings = settings

    def run(self, lines):
        found = dict(tag.find_tags(lines))
        if not found:
            return lines
        out = []
        for i, line in enumerate(lines):
            if i not in found:
                out.append(line)
                continue
            try:
                pdf = tag.parse(found[i], siteurl=self.settings.get("SITEURL", ""),
                                mirror=bool(self.settings.get("PDF_MIRROR")))
                markup = tag.render(pdf)
            except tag.TagError:
                markup = '<p class="pdf-embed-error">PDF: a bad pdf tag (the build says why)</p>'

            out += ["", self.md.htmlStash.store(markup), ""]
        return out


class PdfExtension(Extension):
    """Needs Pelican's settings (SITEURL, PDF_MIRROR) to classify URLs."""

    def __init__(self, settings=None, **kwargs):
        self.settings = settings or {}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.preprocessors.register(PdfTagPreprocessor(md, self.settings), "pdf_tag", PRIORITY)
