"""A lab's transcript.ipynb as HTML, with nbconvert and our template
(nbconvert/lab_transcript): the page body of /labs/<name>/. Never executed."""
from __future__ import annotations

import functools
import os

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import BashLexer, BashSessionLexer

from cnnotes.front_matter import code_css_class, convert, new_markdown, reset_heading_ids

NB_TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nbconvert")


def never_run_notebook(info):
    """A transcript for a lab with none committed: its prose and blocks, nothing run."""
    from labs.record import build_transcript
    from labs.runner import BlockResult, RunResult

    res = RunResult(lab=info.lab, run_id="", status="never run", date="", duration=0.0)
    res.blocks = [BlockResult(b.name, b.role, b.line, transcript=b.is_transcript)
                  for b in info.lab.blocks]
    return build_transcript(res)


def to_html(nb, settings) -> str:
    """The transcript as HTML. nbconvert takes most of a second per lab, so the build
    cache keeps the result for the same notebook (and code and settings)."""
    import json

    from cnnotes import build_cache

    return build_cache.cached("labs_site.transcript", json.dumps(nb, sort_keys=True, default=str),
                              lambda: _to_html(nb, settings))


def prerender_tasks(settings):
    """The transcripts to render, as one task (one process imports nbconvert, which
    costs as much as a few transcripts) that build_cache.prerender runs with the posts.
    The labs are loaded by that task, in the pool: loading them here, before the pool
    starts, read every transcript with nbformat first (0.11 s of a clean build)."""
    return [functools.partial(_render_all, settings)]


def _render_all(settings):
    from cnnotes import labs_site

    return [to_html(info.transcript if info.transcript is not None else never_run_notebook(info), settings)
            for info in labs_site.labs().values() if info.lab is not None]


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
