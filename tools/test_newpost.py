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


def test_a_new_post_is_a_draft_and_says_how_to_publish_it(tmp_path, capsys):
    assert run(tmp_path, "--title", "Hello", "--slug", "hello") == 0
    assert meta(tmp_path / "content/posts/hello.md")["draft"] is True
    err = capsys.readouterr().err
    assert "/drafts/en/hello/" in err and "draft: true" in err
