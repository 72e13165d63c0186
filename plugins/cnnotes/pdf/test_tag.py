"""Parsing and rendering of {% pdf %} tags, and the Markdown extension (no build)."""
import markdown
import pytest

from cnnotes.pdf import tag
from cnnotes.pdf.markdown_ext import PdfExtension


def test_local_paths_become_static_links():
    pdf = tag.parse("/files/slides.pdf height=500")
    assert (pdf.href, pdf.kind, pdf.height, pdf.name) == (
        "{static}/files/slides.pdf", "local", 500, "slides.pdf")
    assert tag.parse("talk.pdf").href == "{static}talk.pdf"
    assert tag.parse('"/files/a%20b.pdf"').name == "a b.pdf"
    assert tag.parse("{attach}x.pdf").local_path == "x.pdf"


def test_urls_on_the_site_itself_are_local():
    pdf = tag.parse("https://blog.example.com/sub/files/x.pdf#page=2",
                    siteurl="https://blog.example.com/sub")
    assert (pdf.kind, pdf.href, pdf.local_path) == (
        "local", "{static}/files/x.pdf#page=2", "/files/x.pdf")


def test_other_hosts_get_a_card_or_a_mirror():
    remote = tag.parse("https://pdfs.example.org/a/paper.pdf", siteurl="https://blog.example.com")
    assert remote.kind == "remote" and remote.href == "https://pdfs.example.org/a/paper.pdf"
    mirrored = tag.parse("https://pdfs.example.org/a/paper.pdf", siteurl="https://b.example.com",
                         mirror=True)
    assert mirrored.kind == "mirror"
    assert mirrored.href.startswith("https://b.example.com/pdf-mirror/")
    assert mirrored.href.endswith("-paper.pdf")


@pytest.mark.parametrize("args, why", [
    ('"><script>alert(1)</script>', "cannot read"),
    ("javascript:alert(1)", "only http(s)"),
    ("JavaScript:alert(1)", "only http(s)"),
    ("data:application/pdf;base64,JVBER", "only http(s)"),
    ("file:///etc/passwd", "only http(s)"),
    ("/files/x.pdf'onmouseover=alert(1)", "cannot read"),
    ("/files/x.pdf\"><img", "cannot read"),
    ("'/files/x\".pdf'", "quote"),
    ("'/files/<b>.pdf'", "angle bracket"),
    ("'/files/a b.pdf'", "space"),
    ("", "needs a URL"),
    ("/files/x.pdf height=abc", "height='abc'"),
    ("/files/x.pdf height=99999", "height='99999'"),
    ("/files/x.pdf width=3", "unknown pdf tag option"),
])
def test_unsafe_or_wrong_arguments_are_refused(args, why):
    with pytest.raises(tag.TagError, match=why.replace("(", r"\(").replace(")", r"\)")):
        tag.parse(args)


def test_render_escapes_what_it_writes():
    out = tag.render(tag.parse("/files/x.pdf?a=1&b=2"))
    assert 'href="{static}/files/x.pdf?a=1&amp;b=2"' in out
    card = tag.render(tag.parse("https://h.example.org/r&d.pdf"))
    assert 'href="https://h.example.org/r&amp;d.pdf"' in card
    assert "r&amp;d.pdf</a>" in card


def test_find_tags_skips_fenced_and_indented_code():
    lines = ["{% pdf /a.pdf %}", "```", "{% pdf /in-fence.pdf %}", "```",
             "    {% pdf /indented.pdf %}", "~~~~", "{% pdf /tilde.pdf %}", "```",
             "{% pdf /still-in-tilde.pdf %}", "~~~~", "text {% pdf /inline.pdf %}", " {%pdf /b.pdf%} "]
    assert list(tag.find_tags(lines)) == [(0, "/a.pdf"), (11, "/b.pdf")]


def test_localize_the_card():
    card = tag.render(tag.parse("https://h.example.org/p.pdf"))
    zh = tag.localize(card, "zh")
    assert "这个 PDF 在另一个网站（h.example.org）上" in zh and "打开 PDF: p.pdf" in zh
    assert tag.localize(card, "en") == card


def _md(text, **settings):
    return markdown.Markdown(extensions=["fenced_code", PdfExtension(settings)]).convert(text)


def test_markdown_extension_renders_tags_as_blocks_and_never_raw():
    out = _md("Intro.\n{% pdf /files/x.pdf %}\nAfter.\n\n```\n{% pdf /code.pdf %}\n```\n"
              "\n{% pdf javascript:alert(1) %}\n")
    assert out.count("<figure") == 1
    assert '<p>Intro.</p>\n<figure class="pdf-embed" data-pdf-viewer' in out
    assert "<code>{% pdf /code.pdf %}\n</code>" in out
    assert "javascript" not in out
    assert '<p class="pdf-embed-error">' in out
