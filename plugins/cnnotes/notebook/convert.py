"""A notebook's cells and saved outputs as HTML, with nbconvert (never executed).

nbconvert does the walking (cell types, output types, which of an output's
formats to show, ANSI colours in tracebacks); our template
(templates/notebook_post) keeps the markup small, and two filters make a
notebook look like a Markdown post: code goes through Pygments with the CSS
class codehilite uses (so the theme's pygments.css colours both), and Markdown
cells go through the site's own Markdown (same extensions, heading ids, tags).
"""
import os

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

from cnnotes.front_matter import code_css_class, convert, new_markdown

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
TEMPLATE = "notebook_post"
# What a notebook's language_info may name, and what Pygments has without IPython.
LEXER_FALLBACKS = {"ipython3": "python3", "ipython": "python3", "ipython2": "python2"}


def lexer_for(name):
    for candidate in (name, LEXER_FALLBACKS.get(name or "")):
        if candidate:
            try:
                return get_lexer_by_name(candidate)
            except ClassNotFound:
                pass
    return TextLexer()


def notebook_language(nb):
    info = nb.metadata.get("language_info", {}) or {}
    kernel = nb.metadata.get("kernelspec", {}) or {}
    return info.get("pygments_lexer") or info.get("name") or kernel.get("language") or "python3"


def output_alt(output):
    """Alt text for an image output: its own text form, else a plain description."""
    text = (output.get("data", {}) or {}).get("text/plain", "")
    text = " ".join(str(text).split()).strip("<>")
    return text or "Notebook output image"


def to_html(nb, settings):
    """The body HTML of a notebook post."""
    css_class = code_css_class(settings)
    default_lexer = notebook_language(nb)

    formatter = HtmlFormatter(cssclass=css_class, wrapcode=True)

    def highlight_code(source, language=None, metadata=None):
        return highlight(source or " ", lexer_for(language or default_lexer), formatter)

    md = new_markdown(settings)  # one converter for every Markdown cell

    def markdown2html(source):
        return convert(md, source)

    from nbconvert import HTMLExporter  # here: importing it costs most of a second

    exporter = HTMLExporter(
        template_name=TEMPLATE,
        extra_template_basedirs=[TEMPLATES],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        filters={"highlight_code": highlight_code, "markdown2html": markdown2html,
                 "output_alt": output_alt},
    )
    body, _ = exporter.from_notebook_node(nb)
    return body.strip()
