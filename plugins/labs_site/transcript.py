"""A lab's transcript.ipynb as HTML, with nbconvert and our template
(nbconvert/lab_transcript): the page body of /labs/<name>/. Never executed."""
from __future__ import annotations

import os

from markdown import Markdown
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import BashLexer, BashSessionLexer

NB_TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nbconvert")


def _markdown_kwargs(settings):
    try:
        from front_matter import _reset_heading_ids, markdown_kwargs
        # heading ids numbered from this transcript alone, whatever post was read last
        _reset_heading_ids(settings)
        return markdown_kwargs(settings)
    except Exception:   # the site core's reader is not there: plain Markdown
        return {"extensions": ["extra"]}


def css_class(settings):
    configs = settings.get("MARKDOWN", {}).get("extension_configs", {})
    for name in ("markdown.extensions.codehilite", "codehilite"):
        if name in configs:
            return configs[name].get("css_class", "codehilite")
    return "highlight"


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

    import build_cache

    return build_cache.cached("labs_site.transcript", json.dumps(nb, sort_keys=True, default=str),
                              lambda: _to_html(nb, settings))


def prerender_tasks(settings):
    """The transcripts to render, as one task (one process imports nbconvert, which
    costs as much as a few transcripts) that build_cache.prerender runs with the posts."""
    import labs_site

    notebooks = [info.transcript if info.transcript is not None else never_run_notebook(info)
                 for info in labs_site.labs().values() if info.lab is not None]
    return [lambda: [to_html(nb, settings) for nb in notebooks]] if notebooks else []


def _to_html(nb, settings) -> str:
    cls = css_class(settings)

    def code(source, language=None, metadata=None):
        return highlight(source or " ", BashLexer(), HtmlFormatter(cssclass=cls, wrapcode=True))

    def console(text):
        return highlight(text or " ", BashSessionLexer(), HtmlFormatter(cssclass=cls, wrapcode=True))

    def join_stream(outputs):
        return "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")

    md = Markdown(**_markdown_kwargs(settings))  # one converter for every cell

    def markdown2html(source):
        md.reset()
        return md.convert(source)

    from nbconvert import HTMLExporter  # here: importing it costs most of a second

    exporter = HTMLExporter(
        template_name="lab_transcript",
        extra_template_basedirs=[NB_TEMPLATES],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        filters={"highlight_code": code, "console_html": console, "join_stream": join_stream,
                 "markdown2html": markdown2html},
    )
    body, _ = exporter.from_notebook_node(nb)
    return body.strip()
