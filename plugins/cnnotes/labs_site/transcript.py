"""A lab's transcript.ipynb as HTML, with nbconvert and our template
(nbconvert/lab_transcript): the page body of /labs/<name>/. Never executed."""
from __future__ import annotations

import os

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import BashLexer, BashSessionLexer

from cnnotes.front_matter import code_css_class, convert, new_markdown, reset_heading_ids

NB_TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nbconvert")


def never_run_notebook(info):
    """A transcript for a lab with none committed: its prose and blocks, nothing run."""
    from labs.format import never_run_transcript

    return never_run_transcript(info.lab)


def transcript_key(nb, settings) -> list:
    import json

    from cnnotes.render_cache import settings_key, text_digest

    return ["transcript", settings_key(settings), text_digest(json.dumps(nb, sort_keys=True, default=str))]


def to_html(nb, settings) -> str:
    """The transcript as HTML (one transcript: Transcripts renders many)."""
    return Transcripts(settings).html(nb)


class Transcripts:
    """Transcripts as HTML, kept by the render cache for the same notebook (and code and
    settings). One nbconvert exporter renders them all: building one compiles its
    templates, which costs more than rendering a transcript."""

    def __init__(self, settings):
        from cnnotes.render_cache import RenderCache

        self.settings = settings
        self.cache = RenderCache(settings, "labs")
        self.exporter = None
        self.md = None  # the Markdown converter of the transcript being rendered

    def html(self, nb) -> str:
        return self.cache.get_or_make(transcript_key(nb, self.settings), lambda: self._render(nb))

    def _render(self, nb) -> str:
        import nbformat

        if self.exporter is None:
            self.exporter = self._exporter()
        self.md = new_markdown(self.settings)  # one converter for every cell
        reset_heading_ids(self.settings)      # heading ids numbered from this transcript alone
        # a NotebookNode for nbconvert (labs_site.data reads plain ones)
        body, _ = self.exporter.from_notebook_node(nbformat.from_dict(nb))
        return body.strip()

    def _exporter(self):
        formatter = HtmlFormatter(cssclass=code_css_class(self.settings), wrapcode=True)  # no state between cells
        bash, session = BashLexer(), BashSessionLexer()

        def code(source, language=None, metadata=None):
            return highlight(source or " ", bash, formatter)

        def console(text):
            return highlight(text or " ", session, formatter)

        def join_stream(outputs):
            return "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")

        def markdown2html(source):
            return convert(self.md, source)

        # here: importing it costs most of a second. Not HTMLExporter: it parses its result
        # again with BeautifulSoup's pure-Python parser, for markup this template never makes
        # (images without alt text, JupyterLab's cells)
        from nbconvert.exporters import TemplateExporter

        return TemplateExporter(
            template_name="lab_transcript",
            template_file="index.html.j2",
            extra_template_basedirs=[NB_TEMPLATES],
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            filters={"highlight_code": code, "console_html": console, "join_stream": join_stream,
                     "markdown2html": markdown2html},
        )


def notebook_of(info):
    return info.transcript if info.transcript is not None else never_run_notebook(info)


def notebook_in(lang, name, nb, settings):
    """(the transcript as the page in UI language `lang` shows it: the lab's prose
    translated where a translation exists (translation.py), the commands the lab's;
    that translation or None)."""
    from cnnotes.labs_site import translation

    tr = None if lang == settings.get("DEFAULT_LANG", "en") else translation.load(name, lang)
    return translation.translate_notebook(nb, tr, lang), tr


def _every_page(settings):
    """(lab name, the notebook of its page in each UI language) for every lab."""
    from cnnotes.bilingual.localized import ui_langs
    from cnnotes.labs_site.data import labs_of

    for name, info in sorted(labs_of(settings)().items()):
        if info.lab is not None:
            nb = notebook_of(info)
            for lang in ui_langs(settings):
                yield name, notebook_in(lang, name, nb, settings)[0]


def render_all(settings):
    """In a worker process: every lab page's transcript, in every language, into the
    render cache."""
    transcripts = Transcripts(settings)
    for _, nb in _every_page(settings):
        transcripts.html(nb)


# Missing transcripts (of the default language) worth a worker's start: a transcript
# takes a twentieth of a second, a worker's start most of one.
MIN_MISSING = 3


def prerender_tasks(settings):
    """cnnotes.render_cache.pool's signal: render the transcripts ahead when the cache
    lacks MIN_MISSING of the default language's (render_all makes every language's at
    once; translating every notebook to look for the others would cost a build more than
    it saves). Fewer: the build renders them itself."""
    from cnnotes.labs_site.data import labs_of
    from cnnotes.render_cache import RenderCache

    cache = RenderCache(settings, "labs")
    missing = sum(1 for info in labs_of(settings)().values()
                  if info.lab is not None and not cache.has(transcript_key(notebook_of(info), settings)))
    return [render_all] if missing >= MIN_MISSING else []
