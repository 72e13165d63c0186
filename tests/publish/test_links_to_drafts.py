"""A published post linking to a draft: the publish build stops at the link's line
(it would otherwise point at nothing), the author's build links to the draft's page."""
import pytest

from tests.helpers import ROOT, run_build
from tools.build import BuildFailed, build


@pytest.fixture
def content(tmp_path):
    posts = tmp_path / "content" / "posts"
    posts.mkdir(parents=True)
    (posts / "pub.md").write_text("---\ntitle: Pub\ndate: 2016-01-01\nslug: pub\n---\n"
                                  "Some words.\n\nSee [the draft]({filename}dr.md).\n")
    (posts / "dr.md").write_text("---\ntitle: Dr\ndate: 2016-01-02\nslug: dr\ndraft: true\n---\nx\n")
    return tmp_path / "content"


def test_publish_build_refuses_a_link_to_a_draft(content, tmp_path, monkeypatch):
    monkeypatch.setenv("SITEURL", "https://example.org/blog")
    monkeypatch.chdir(ROOT)
    with pytest.raises(BuildFailed) as failed:
        build(str(ROOT / "publishconf.py"), {"PATH": str(content), "OUTPUT_PATH": str(tmp_path / "public")},
              cache=None)
    assert failed.value.errors == [
        f"{content}/posts/pub.md:8: link {{filename}}dr.md to a post this build does not write "
        "(a draft, or dated in the future): publish that post first, or remove the link"]
    assert not (tmp_path / "public").exists()


def test_author_build_links_to_the_draft(content, tmp_path):
    out = run_build(content, tmp_path / "output")
    assert 'href="/drafts/en/dr/"' in (out / "en/2016/01/01/pub/index.html").read_text(encoding="utf-8")
