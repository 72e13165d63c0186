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
    """The transcript as HTML. nbconvert takes most of a second per lab, so the render
    cache keeps the result for the same notebook (and code and settings)."""
    from cnnotes.render_cache import RenderCache

    return RenderCache(settings, "labs").get_or_make(transcript_key(nb, settings), lambda: _to_html(nb, settings))


def notebook_of(info):
    return info.transcript if info.transcript is not None else never_run_notebook(info)


def render_all(settings):
    """In a worker process: every lab's transcript page body into the render cache."""
    from cnnotes.labs_site.data import load_all

    for info in load_all(settings).values():
        if info.lab is not None:
            to_html(notebook_of(info), settings)


def prerender_tasks(settings):
    """cnnotes.render_cache.pool's signal: render the transcripts ahead when the cache
    lacks one of them."""
    from cnnotes.labs_site.data import labs_of
    from cnnotes.render_cache import RenderCache

    cache = RenderCache(settings, "labs")
    if any(info.lab is not None and not cache.has(transcript_key(notebook_of(info), settings))
           for info in labs_of(settings)().values()):
        return [render_all]
    return []


def _to_html(nb, settings) -> str:
    import nbformat

    nb = nbformat.from_dict(nb)  # a NotebookNode for nbconvert (labs_site.data reads plain ones)
    formatter = HtmlFormatter(cssclass=code_css_class(settings), wrapcode=True)  # no state between cells
    bash, session = BashLexer(), BashSessionLexer()

    def code(source, language=None, metadata=None):
        return highlight(source or " ", bash, formatter)

    def console(text):
        return highlight(text or " ", session, formatter)

    def join_stream(outputs):
        return "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")

    md = new_markdown(settings)  # one converter for every cell
    reset_heading_ids(settings)  # heading ids numbered from this transcript alone

    def markdown2html(source):
        return convert(md, source)

    # here: importing it costs most of a second. Not HTMLExporter: it parses its result
    # again with BeautifulSoup's pure-Python parser, for markup this template never makes
    # (images without alt text, JupyterLab's cells), a quarter of a second for six labs
    from nbconvert.exporters import TemplateExporter

    exporter = TemplateExporter(
        template_name="lab_transcript",
        template_file="index.html.j2",
        extra_template_basedirs=[NB_TEMPLATES],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        filters={"highlight_code": code, "console_html": console, "join_stream": join_stream,
                 "markdown2html": markdown2html},
    )
    body, _ = exporter.from_notebook_node(nb)
    return body.strip()
