"""The error registry other plugins report through."""
import os

import strict


def test_errors_are_path_line_message_and_deduplicated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    strict.reset()
    post = tmp_path / "content" / "posts" / "x.md"
    post.parent.mkdir(parents=True)
    post.write_text("---\ntitle: x\nlab: nope\n---\n")
    strict.error(str(post), 3, "unknown lab 'nope'")
    strict.error(str(post), 3, "unknown lab 'nope'")
    strict.error("/elsewhere/y.md", None, "no line")
    assert [str(e) for e in strict.errors()] == [
        "content/posts/x.md:3: unknown lab 'nope'",
        "/elsewhere/y.md:1: no line",
    ]
    strict.reset()
    assert strict.errors() == []


def test_error_at_uses_front_matter_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    strict.reset()

    class Content:
        source_path = os.path.join(str(tmp_path), "a.md")
        front_matter_lines = {"title": 2, "lab": 5}

    strict.error_at(Content, "lab", "bad lab")
    strict.error_at(Content, "slug", "dup")
    assert [str(e) for e in strict.errors()] == ["a.md:5: bad lab", "a.md:2: dup"]
    strict.reset()


def test_line_of(tmp_path):
    f = tmp_path / "p.md"
    f.write_text("a\nsee [x]({filename}missing.md)\n")
    assert strict.line_of(str(f), "{filename}missing.md") == 2
    assert strict.line_of(str(f), "absent", 7) == 7
