"""make newpost: the file it writes, its front matter, and that it never overwrites."""
import datetime as dt

import pytest
import yaml

from cnnotes.cjk import slugs  # the site's own plugin: plugins/ is on pythonpath (pytest.ini)
from tools import newpost

NOW = dt.datetime(2026, 11, 27, 14, 30)


def run(root, *argv):
    return newpost.main(list(argv), root=root, now=NOW)


def meta(path):
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_writes_a_post_with_front_matter_and_prints_its_path(tmp_path, capsys):
    (tmp_path / "labs/flannel").mkdir(parents=True)
    (tmp_path / "labs/flannel/lab.md").write_text("---\n---\n")
    assert run(tmp_path, "--title", "Setup hyperd with flannel network", "--lab", "flannel") == 0
    out = capsys.readouterr().out.strip()
    assert out == "content/posts/setup-hyperd-with-flannel-network.md"
    text = (tmp_path / out).read_text(encoding="utf-8")
    assert meta(tmp_path / out) == {
        "title": "Setup hyperd with flannel network", "date": "2026-11-27 14:30", "lang": "en",
        "slug": "setup-hyperd-with-flannel-network", "tags": [], "categories": [], "lab": "flannel",
        "draft": True}
    assert "\n<!-- more -->\n\n[TOC]\n\n## First section\n" in text


def test_chinese_title_gets_a_pinyin_slug(tmp_path, capsys):
    assert run(tmp_path, "--title", "如何快速启动一个Kubernetes集群", "--lang", "zh") == 0
    path = tmp_path / "content/posts/ru-he-kuai-su-qi-dong-yi-ge-kubernetes-ji-qun.md"
    assert capsys.readouterr().out.strip() == str(path.relative_to(tmp_path))
    m = meta(path)
    assert m["title"] == "如何快速启动一个Kubernetes集群" and m["lang"] == "zh"
    assert "## 第一节" in path.read_text(encoding="utf-8")


def test_titles_that_yaml_would_misread_are_quoted(tmp_path, capsys):
    assert run(tmp_path, "--title", "Docker: the #1 tool", "--slug", "docker") == 0
    assert meta(tmp_path / "content/posts/docker.md")["title"] == "Docker: the #1 tool"


def test_never_overwrites(tmp_path, capsys):
    assert run(tmp_path, "--title", "Hello", "--slug", "hello") == 0
    path = tmp_path / "content/posts/hello.md"
    path.write_text(path.read_text() + "my words\n")
    before = path.read_text()
    capsys.readouterr()
    assert run(tmp_path, "--title", "Hello again", "--slug", "hello") == 1
    assert "content/posts/hello.md already exists" in capsys.readouterr().err
    assert path.read_text() == before


def test_the_other_language_becomes_a_translation(tmp_path, capsys):
    assert run(tmp_path, "--title", "Hello", "--slug", "hello") == 0
    assert run(tmp_path, "--title", "你好", "--slug", "hello", "--lang", "zh") == 0
    zh = tmp_path / "content/posts/hello.zh.md"
    assert capsys.readouterr().out.splitlines()[-1] == "content/posts/hello.zh.md"
    assert meta(zh)["translation"] is True and meta(zh)["slug"] == "hello"
    assert run(tmp_path, "--title", "你好", "--slug", "hello", "--lang", "zh") == 1
    assert "hello.zh.md already exists" in capsys.readouterr().err


def test_a_slug_used_by_another_file_is_refused(tmp_path, capsys):
    posts = tmp_path / "content/posts"
    posts.mkdir(parents=True)
    (posts / "old-name.md").write_text("---\ntitle: X\nlang: en\nslug: hello\n---\n")
    assert run(tmp_path, "--title", "Hello", "--slug", "hello") == 1
    assert "old-name.md already has slug 'hello'" in capsys.readouterr().err
    assert not (posts / "hello.md").exists()


@pytest.mark.parametrize("argv, message", [
    (["--title", ""], "no title"),
    (["--title", "X", "--lang", "fr"], "unknown language 'fr'"),
    (["--title", "X", "--slug", "Bad Slug"], "bad slug 'Bad Slug'"),
    (["--title", "X", "--lab", "nope"], "unknown lab 'nope'"),
])
def test_bad_input_is_refused_with_a_message(tmp_path, capsys, argv, message):
    assert run(tmp_path, *argv) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "content").exists()


@pytest.mark.parametrize("title", ["如何快速启动一个Kubernetes集群", "Go性能优化技巧",
                                   "Play with docker v1.12", "C++ & Go: 10 tips"])
def test_slugs_match_the_sites_own(title):
    """The site makes a slug from a title without `slug:`; newpost must agree with it."""
    assert newpost.slug_from_title(title) == slugs.title_slug(title)


# --- FROM: the other language's version of a post ----------------------------------

ZH_POST = """---
title: Go性能优化技巧
date: 2016-05-06 23:05
lang: zh
# a comment the author keeps
tags: [go, performance]
categories: [Go]
---
正文第一段。

<!-- more -->
"""


def test_from_starts_the_other_language_as_a_draft_translation(tmp_path, capsys):
    posts = tmp_path / "content/posts"
    posts.mkdir(parents=True)
    (posts / "go-tips.md").write_text(ZH_POST, encoding="utf-8")
    assert run(tmp_path, "--from", "content/posts/go-tips.md") == 0
    assert capsys.readouterr().out.strip() == "content/posts/go-tips.en.md"
    made = posts / "go-tips.en.md"
    m = meta(made)
    # the same slug (the one the site gives the original: from its title), the other lang
    assert m["slug"] == slugs.title_slug("Go性能优化技巧") and m["lang"] == "en"
    assert m["translation"] is True and m["status"] == "draft"
    # front matter copied, the title left to translate, marked; the body to translate in place
    assert m["title"] == "Go性能优化技巧" and m["tags"] == ["go", "performance"]
    assert m["date"] == "2016-05-06 23:05" and m["categories"] == ["Go"]
    text = made.read_text(encoding="utf-8")
    assert "# a comment the author keeps" in text and "translate this title" in text
    assert text.endswith("---\n正文第一段。\n\n<!-- more -->\n")
    assert (posts / "go-tips.md").read_text(encoding="utf-8") == ZH_POST  # untouched
    # never twice
    assert run(tmp_path, "--from", "content/posts/go-tips.md") == 1
    err = capsys.readouterr().err
    assert "content/posts/go-tips.en.md" in err and "not overwritten" in err


def test_from_an_english_post_with_a_lang_suffix(tmp_path, capsys):
    posts = tmp_path / "content/posts"
    posts.mkdir(parents=True)
    (posts / "x.en.md").write_text("---\ntitle: 'Docker: the runtime'\nlang: en\nslug: x\n"
                                   "published: true\n---\nBody\n", encoding="utf-8")
    assert run(tmp_path, "--from", str(posts / "x.en.md")) == 0
    m = meta(posts / "x.zh.md")
    assert m == {"title": "Docker: the runtime", "lang": "zh", "slug": "x",
                 "translation": True, "status": "draft"}


@pytest.mark.parametrize("argv, message", [
    (["--from", "content/posts/nope.md"], "FROM=content/posts/nope.md: no such file"),
    (["--from", "content/posts/go-tips.md", "--lang", "zh"],
     "POST_LANG=zh: content/posts/go-tips.md is in zh; its other language is en"),
    (["--from", "content/posts/go-tips.md", "--title", "Go tips"],
     "TITLE cannot be given with it"),
])
def test_from_refuses_what_it_cannot_do(tmp_path, capsys, argv, message):
    posts = tmp_path / "content/posts"
    posts.mkdir(parents=True)
    (posts / "go-tips.md").write_text(ZH_POST, encoding="utf-8")
    assert run(tmp_path, *argv) == 1
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in posts.iterdir()) == ["go-tips.md"]


def test_a_line_break_in_a_value_is_refused(tmp_path, capsys):
    assert run(tmp_path, "--title", "two\nlines") == 1
    assert "TITLE contains a line break" in capsys.readouterr().err
    assert not (tmp_path / "content").exists()


def test_a_new_post_is_a_draft_and_says_how_to_publish_it(tmp_path, capsys):
    assert run(tmp_path, "--title", "Hello", "--slug", "hello") == 0
    assert meta(tmp_path / "content/posts/hello.md")["draft"] is True
    err = capsys.readouterr().err
    assert "/drafts/en/hello/" in err and "draft: true" in err
