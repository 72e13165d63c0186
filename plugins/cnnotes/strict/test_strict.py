"""The content errors other plugins report through, and the links check."""
import os

from cnnotes import strict


def test_errors_are_path_line_message_and_deduplicated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    post = tmp_path / "content" / "posts" / "x.md"
    post.parent.mkdir(parents=True)
    post.write_text("---\ntitle: x\nlab: nope\n---\n")
    with strict.collecting() as found:
        strict.error(str(post), 3, "unknown lab 'nope'")
        strict.error(str(post), 3, "unknown lab 'nope'")
        strict.error("/elsewhere/y.md", None, "no line")
    strict.error("/elsewhere/z.md", 1, "after")
    assert [str(e) for e in found.errors] == [
        "content/posts/x.md:3: unknown lab 'nope'",
        "/elsewhere/y.md:1: no line",
    ]


def test_errors_are_logged_at_error_level(caplog):
    with caplog.at_level("ERROR"):
        strict.error("a.md", 2, "bad")
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [("ERROR", "a.md:2: bad")]


def test_error_at_uses_front_matter_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    class Content:
        source_path = os.path.join(str(tmp_path), "a.md")
        front_matter_lines = {"title": 2, "lab": 5}

    with strict.collecting() as found:
        strict.error_at(Content, "lab", "bad lab")
        strict.error_at(Content, "slug", "dup")
        strict.error_at_key(Content.source_path, {"title": 3}, "lab", "in a reader")
    assert [str(e) for e in found.errors] == ["a.md:5: bad lab", "a.md:2: dup", "a.md:3: in a reader"]


def test_line_of(tmp_path):
    f = tmp_path / "p.md"
    f.write_text("a\nsee [x]({filename}missing.md)\n")
    assert strict.line_of(str(f), "{filename}missing.md") == 2
    assert strict.line_of(str(f), "absent", 7) == 7


def _check_links(tmp_path, monkeypatch, posts):
    """check_links over real Pelican articles {relative path: (html, summary)} under
    tmp_path/content, the markdown files holding the same html; the errors it reports."""
    from types import SimpleNamespace

    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    monkeypatch.chdir(tmp_path)
    content = tmp_path / "content"
    settings = dict(DEFAULT_CONFIG, PATH=str(content))
    articles = []
    for rel, (html, summary) in posts.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\ntitle: t\n---\n\n" + html + "\n")
        metadata = {"title": "t", "summary": summary} if summary else {"title": "t"}
        metadata["intrasite_links"] = strict.intrasite_links((html, summary), settings)
        articles.append(Article(html, metadata, settings=settings, source_path=str(path)))
    context = {"generated_content": {rel: a for rel, a in zip(posts, articles)},
               "static_content": {}}
    generator = SimpleNamespace(
        context=context, settings=settings, articles=articles, translations=[],
        hidden_articles=[], hidden_translations=[], drafts=[], drafts_translations=[])
    with strict.collecting() as found:
        strict.check_links([generator])
    return [str(e) for e in found.errors]


BROKEN = ("broken link {filename}missing.md: no post or page at that path "
          "(paths are relative to this file, or to content/ with a leading /)")


def test_broken_link_is_reported_among_other_text_and_links(tmp_path, monkeypatch):
    prose = "<p>Plain prose, a = sign, an <em>emphasis</em> and an outside "
    prose += '<a href="https://example.org/">link</a>.</p>\n' * 20
    html = (prose + '<p>See <a href="{filename}b.md">B</a> and\n'
            '<a href="{filename}missing.md">this</a>.</p>\n' + prose)
    errors = _check_links(tmp_path, monkeypatch, {
        "posts/a.md": (html, None),
        "posts/b.md": ("<p>No links here.</p>", "<p>Nor here.</p>"),
        "posts/c.md": ("<p>Its summary links.</p>",
                       '<p><a href="{filename}missing.md">x</a></p>'),
    })
    assert errors == [f"content/posts/a.md:{5 + 20 + 1}: {BROKEN}",
                      f"content/posts/c.md:1: {BROKEN}"]


def test_broken_link_in_single_quotes_is_reported(tmp_path, monkeypatch):
    html = "<p>Text first.</p>\n<p><a class='x' href = '{filename}missing.md#top'>x</a></p>"
    errors = _check_links(tmp_path, monkeypatch, {"posts/a.md": (html, None)})
    assert errors == [
        "content/posts/a.md:6: broken link {filename}missing.md#top: no post or page at that "
        "path (paths are relative to this file, or to content/ with a leading /)"]
