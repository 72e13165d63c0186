"""Markdown extension: a line `{% lab NAME STEP [output] %}` becomes the block's commands
(and recorded output); a `{% labrecord NAME %} … {% endlabrecord %}` block becomes its
Markdown filled with the lab's recorded measurements. A bad tag becomes a short note,
never the raw tag; the content check (labs_site/__init__.py) reports it at path:line and
fails the build. Captions are in the default language; labs_site.localize renders them
again in the post's."""
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from cnnotes.front_matter import code_css_class
from cnnotes.labs_site import caption, record_tag, tag

PRIORITY = 27  # like the pdf tag: before fenced code (25) is stashed
# Every tag found becomes a figure.lab-step, a figure.lab-record or this note: the content
# check reads a post's file only when its HTML has one of them (labs_site.TAG_MARKERS).
BAD_TAG = '<p class="lab-step-error">lab: a bad lab tag (the build says why)</p>'


class LabTagPreprocessor(Preprocessor):
    def __init__(self, md, settings, labs):
        super().__init__(md)
        self.settings, self.labs = settings, labs

    def _stash(self, markup):
        return ["", self.md.htmlStash.store(markup), ""]

    def run(self, lines):
        steps = dict(tag.find_tags(lines))
        blocks, errors = record_tag.find_blocks(lines)
        if not steps and not blocks and not errors:  # a lone {% endlabrecord %} is a bad tag too
            return lines
        lang = self.settings.get("DEFAULT_LANG", "en")
        base = caption.labs_url(self.settings, lang)
        starts = {b.start: b for b in blocks}
        stray = {i for i, _ in errors} - set(starts)   # a {% endlabrecord %} alone
        out, i = [], 0
        while i < len(lines):
            block = starts.get(i)
            if block is not None:
                bad = block.end is None or record_tag.check(block, lines, self.labs())
                out += self._stash(BAD_TAG if bad else
                                   record_tag.render(block, lines, self.labs(), base, lang))
                i = (block.end if block.end is not None else i) + 1
                continue
            if i in steps:
                try:
                    t = tag.parse(steps[i], self.labs())
                    out += self._stash(tag.render(t, self.labs(), code_css_class(self.settings), base, lang))
                except tag.TagError:
                    out += self._stash(BAD_TAG)
            elif i in stray:
                out += self._stash(BAD_TAG)
            else:
                out.append(lines[i])
            i += 1
        return out


class LabTagExtension(Extension):
    """`labs` is a callable returning {name: LabInfo}, loaded once per build."""

    def __init__(self, settings=None, labs=None, **kwargs):
        self.settings = settings or {}
        self.labs = labs or (lambda: {})
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.preprocessors.register(LabTagPreprocessor(md, self.settings, self.labs), "lab_tag", PRIORITY)
