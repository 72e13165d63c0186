"""A lab's transcript rendered (labs_site.transcript): the site's Markdown (front_matter's
converter), code in the CSS class codehilite gives (front_matter.code_css_class, as
notebook posts and lab tags), heading ids counted from each transcript alone."""
import copy

import nbformat
from bs4 import BeautifulSoup

import pelicanconf
from cnnotes.front_matter import code_css_class
from cnnotes.labs_site.transcript import to_html


def settings(css_class=None):
    md = copy.deepcopy(pelicanconf.MARKDOWN)
    hilite = md["extension_configs"]["markdown.extensions.codehilite"]
    if css_class is None:
        hilite.pop("css_class", None)
    else:
        hilite["css_class"] = css_class
    return {"MARKDOWN": md}


def notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Set-up\n\nA *prose* cell.\n\n```\nplain\n```"),
        nbformat.v4.new_code_cell("echo hi", metadata={"lab": {"name": "hi", "role": "step",
                                                               "status": "passed"}}),
        nbformat.v4.new_markdown_cell("## Set-up"),
    ]
    return nb


def test_code_css_class_follows_codehilite_else_its_default():
    assert code_css_class(settings("highlight")) == "highlight"
    assert code_css_class(settings()) == "codehilite"
    assert code_css_class({"MARKDOWN": {"extension_configs": {}}}) == "codehilite"
    assert code_css_class({}) == "codehilite"


def test_transcript_code_uses_the_sites_code_class_and_markdown():
    for cls in ("highlight", None):
        doc = BeautifulSoup(to_html(notebook(), settings(cls)), "lxml")
        want = cls or "codehilite"
        block = doc.select_one("#block-hi")
        assert block.select_one(f"div.{want} code") is not None
        assert doc.select_one(".lab-prose em").get_text() == "prose"
        assert doc.select_one(f".lab-prose div.{want}") is not None  # fenced code: codehilite


def test_heading_ids_are_counted_from_each_transcript_alone():
    s = settings("highlight")
    for _ in range(2):
        doc = BeautifulSoup(to_html(notebook(), s), "lxml")
        assert [h["id"] for h in doc.select(".lab-prose h2")] == ["set-up", "set-up-2"]
