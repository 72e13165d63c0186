"""The content check reads a post's file only when its HTML shows a lab tag: every tag
the Markdown extension finds renders to one of labs_site.TAG_MARKERS, a bad one too."""
import pytest
from markdown import Markdown

from cnnotes import labs_site
from cnnotes.labs_site.markdown_ext import LabTagExtension


@pytest.fixture
def errors():
    with labs_site.strict.collecting() as found:
        yield found


def lines_of(found):
    return [e.line for e in found.errors]


def rendered(body):
    md = Markdown(extensions=["extra", LabTagExtension(settings={"DEFAULT_LANG": "en"}, labs=dict)])
    return md.convert(body)


@pytest.mark.parametrize("body", [
    "Text.\n\n{% lab nope step %}\n",
    "{% lab %}\n",
    "{% labrecord nope %}\n| a |\n|---|\n| {{ x }} |\n{% endlabrecord %}\n",
    "{% labrecord nope %}\nno end\n",
    "{% endlabrecord %}\n",
])
def test_every_tag_renders_to_a_marker_and_is_checked(tmp_path, errors, body):
    html = rendered(body)
    assert any(m in html for m in labs_site.TAG_MARKERS), html
    src = tmp_path / "p.md"
    src.write_text("---\ntitle: P\n---\n" + body, encoding="utf-8")
    labs_site.check_document(str(src), {}, html, {})
    assert errors.errors and all(line > 3 for line in lines_of(errors))


def test_a_post_without_tags_is_not_read(tmp_path, errors, monkeypatch):
    body = "Text with `{% lab demo step %}` in code, and\n\n```\n{% lab demo step %}\n```\n"
    html = rendered(body)
    assert not any(m in html for m in labs_site.TAG_MARKERS)
    src = tmp_path / "p.md"
    src.write_text("---\ntitle: P\n---\n" + body, encoding="utf-8")

    def no_open(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(labs_site, "open", no_open, raising=False)
    labs_site.check_document(str(src), {}, html, {})
    assert errors.errors == []


def test_a_tag_in_the_summary_is_checked(tmp_path, errors):
    src = tmp_path / "p.md"
    src.write_text("---\ntitle: P\nsummary: |\n  {% lab nope step %}\n---\nBody.\n", encoding="utf-8")
    meta = {"summary": rendered("{% lab nope step %}\n")}
    labs_site.check_document(str(src), meta, "<p>Body.</p>", {})
    assert lines_of(errors) == [4]
