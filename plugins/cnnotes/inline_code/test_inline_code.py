"""The words of inline code in spans; code blocks and the text itself unchanged."""
import markdown

from cnnotes.inline_code.markdown_ext import InlineCodeWordsExtension


def render(text):
    return markdown.markdown(text, extensions=[InlineCodeWordsExtension(), "extra", "codehilite"])


def test_each_word_of_inline_code_is_a_span_and_the_spaces_stay_between():
    html = render("Run `flanneld --subnet-file  /run/a.env` now.")
    assert ('<code><span class="code-word">flanneld</span> <span class="code-word">--subnet-file</span>'
            '  <span class="code-word">/run/a.env</span></code>') in html


def test_markup_in_inline_code_stays_escaped_text():
    assert '<span class="code-word">&lt;b&gt;&amp;</span>' in render("`<b>&`")


def test_code_blocks_are_left_alone():
    html = render("```\nls -l --all\n```\n\n    indented -x y")
    assert "code-word" not in html
    assert "ls -l --all" in html
