"""Markdown extension: a line `{% lab NAME STEP [output] %}` becomes the block's commands
(and recorded output). A bad tag becomes a short note, never the raw tag; the content
check (labs_site/__init__.py) reports it at path:line and fails the build."""
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from labs_site import tag

PRIORITY = 27  # like the pdf tag: before fenced code (25) is stashed


class LabTagPreprocessor(Preprocessor):
    def __init__(self, md, settings, labs):
        super().__init__(md)
        self.settings, self.labs = settings, labs

    def run(self, lines):
        found = dict(tag.find_tags(lines))
        if not found:
            return lines
        from labs_site.transcript import css_class
        out = []
        for i, line in enumerate(lines):
            if i not in found:
                out.append(line)
                continue
            try:
                t = tag.parse(found[i], self.labs())
                markup = tag.render(t, self.labs(), css_class(self.settings),
                                    self.settings.get("SITEURL", ""))
            except tag.TagError:
                markup = '<p class="lab-step-error">lab: a bad lab tag (the build says why)</p>'
            out += ["", self.md.htmlStash.store(markup), ""]
        return out


class LabTagExtension(Extension):
    """`labs` is a callable returning {name: LabInfo}, loaded once per build."""

    def __init__(self, settings=None, labs=None, **kwargs):
        self.settings = settings or {}
        self.labs = labs or (lambda: {})
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.preprocessors.register(LabTagPreprocessor(md, self.settings, self.labs), "lab_tag", PRIORITY)
