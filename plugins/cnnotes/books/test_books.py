"""The books plugin's parts: orders (SUMMARY.md, nav:, folder order), pages without front
matter, GitBook blocks, the tree, and content errors at path:line in real builds."""
import shutil
import textwrap
from pathlib import Path

import pytest

from cnnotes.books.order import flatten, folder_order, parse_nav, parse_summary, OrderError
from cnnotes.books.source import PageReader, first_heading
from cnnotes.books.tree import Node, Tree

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = ROOT / "tests" / "fixtures" / "books"


def settings():
    from pelican.settings import read_settings
    return read_settings(str(ROOT / "pelicanconf.py"))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


# --- orders ---------------------------------------------------------------------------------

def test_summary_gives_three_levels_parts_and_titles_without_pages():
    entries = parse_summary(textwrap.dedent("""
        # Summary

        * [序言](README.md)

        ## 概念

        * [核心概念](concepts/README.md)
          * [etcd](concepts/etcd.md#watch)
            * [Raft](concepts/raft.md)
        * 附录
        * [Site](https://example.org/)
        """).lstrip("\n"))
    assert [(e.title, e.path) for e in entries] == [("序言", "README.md"), ("概念", None)]
    part = entries[1]
    assert [(e.title, e.path) for e in part.children] == [("核心概念", "concepts/README.md"), ("附录", None)]
    etcd = part.children[0].children[0]
    assert (etcd.title, etcd.path, etcd.line) == ("etcd", "concepts/etcd.md", 8)
    assert [e.path for e in etcd.children] == ["concepts/raft.md"]


def test_summary_paths_are_unquoted():
    assert parse_summary("* [A page](my%20notes/a%20page.md#x)\n")[0].path == "my notes/a page.md"


def test_summary_entry_that_cannot_be_read_is_an_error_at_its_line():
    with pytest.raises(OrderError) as err:
        parse_summary("* [ok](a.md)\n* [broken](b.md\n", "SUMMARY.md")
    assert err.value.line == 2


def test_nav_list_as_mkdocs_writes_it():
    entries = parse_nav(["index.md", {"网络": "netns.md"}, {"进阶": [{"共享": "shared.md"}]},
                         {"外部": "https://example.org/"}], "book.yaml")
    assert [(e.title, e.path) for e in flatten(entries)] == [
        (None, "index.md"), ("网络", "netns.md"), ("进阶", None), ("共享", "shared.md")]


def test_folder_order_sorts_by_weight_then_name_and_sections_by_their_index(tmp_path):
    for rel in ("_index.md", "b.md", "a.md", "sec/_index.md", "sec/z.md", "sec/y.md", "a.en.md"):
        write(tmp_path / rel, "# x\n")
    weights = {"b.md": 1, "sec/_index.md": 2, "sec/z.md": 1}
    entries = folder_order(str(tmp_path), weights.get, keep=lambda name: not name.endswith(".en.md"))
    assert [e.path for e in flatten(entries)] == [
        "_index.md", "b.md", "sec/_index.md", "sec/z.md", "sec/y.md", "a.md"]


# --- pages -----------------------------------------------------------------------------------

def test_first_heading_skips_code_and_reads_setext_and_markup():
    assert first_heading("```\n# not this\n```\n\n# The **real** one\n") == "The real one"
    assert first_heading("Intro\n=====\n") == "Intro"
    assert first_heading("## only level two\n") is None


@pytest.fixture(scope="module")
def reader():
    return PageReader(settings())


def test_page_without_front_matter_takes_title_from_heading_and_language_from_book(reader, tmp_path):
    path = write(tmp_path / "a.md", "# 核心概念\n\n正文，见 [etcd](etcd.md#watch) 和 ![图](img/a.png)。\n")
    src = reader.read(str(path), path.read_text(), "zh", None)
    assert src.metadata["title"] == "核心概念" and src.metadata["lang"] == "zh"
    assert "<h1" not in src.content  # the template shows the title
    assert 'href="{filename}etcd.md#watch"' in src.content
    assert 'src="{static}img/a.png"' in src.content
    assert [(link.kind, Path(link.target).name, link.fragment) for link in src.links] == [
        ("page", "etcd.md", "watch"), ("file", "a.png", "")]


def test_front_matter_works_as_in_posts(reader, tmp_path):
    path = write(tmp_path / "b.md", """
        ---
        title: Given
        updated: 2016-09-01
        ---
        # A heading that stays

        Text.
        """)
    src = reader.read(str(path), path.read_text(), "en", None)
    assert src.metadata["title"] == "Given" and src.metadata["modified"].year == 2016
    assert "A heading that stays</h1>" in src.content


def test_gitbook_hint_tabs_and_embed_render_as_plain_html(reader, tmp_path):
    path = write(tmp_path / "c.md", """
        # Blocks

        {% hint style="warning" %}
        Careful with **this**.
        {% endhint %}

        {% tabs %}
        {% tab title="One" %}
        First tab.
        {% endtab %}
        {% tab title="Two" %}
        Second tab.
        {% endtab %}
        {% endtabs %}

        {% embed url="https://example.org/video" caption="The talk" %}

        ```
        {% hint style="info" %} stays as code
        ```
        """)
    src = reader.read(str(path), path.read_text(), "en", None)
    assert src.gitbook_errors == [] and src.unrendered_tags == []
    assert 'class="hint hint--warning"' in src.content and "<strong>this</strong>" in src.content
    assert src.content.count('class="tab"') == 2 and "<strong>Two</strong>" in src.content
    assert '<a href="https://example.org/video">Open The talk</a>' in src.content
    assert "{% hint style=&quot;info&quot; %} stays as code" in src.content


def test_gitbook_blocks_left_open_or_unknown_are_reported(reader, tmp_path):
    path = write(tmp_path / "d.md", '# D\n\n{% include "x.md" %}\n\n{% hint style="info" %}\nopen\n')
    src = reader.read(str(path), path.read_text(), "en", None)
    assert src.gitbook_errors == [('{% hint style="info" %}', "{% hint %} is never closed with {% endhint %}")]
    assert src.unrendered_tags == ['{% include "x.md" %}']


# --- the tree --------------------------------------------------------------------------------

def test_tree_marks_the_current_page_and_opens_its_sections():
    tree = Tree([Node("Intro", "b/"), Node("Part", None, None, [
        Node("Sec", "b/sec/", None, [Node("Leaf", "b/sec/leaf/")])])], "")
    html = tree.for_page("b/sec/leaf/")
    assert '<a href="/b/sec/leaf/" aria-current="page">Leaf</a>' in html
    assert 'data-n="1" open' in html and 'data-n="2" open' in html  # the part, and the section
    assert html.count("aria-current") == 1
    assert 'data-n="2" open' not in tree.for_page("b/")


# --- content errors in a build -----------------------------------------------------------------

def build_errors(tmp_path, change):
    """Errors of a build of the fixture after change(content dir)."""
    from tests.helpers import run_build, shown
    from tools.build import BuildFailed
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    change(content)
    with pytest.raises(BuildFailed) as failed:
        run_build(content, tmp_path / "out")
    return content, shown, failed.value.errors


def test_broken_relative_links_and_anchors_are_path_line_errors(tmp_path):
    def change(content):
        page = content / "books/k8s-handbook/concepts/scheduler.md"
        page.write_text(page.read_text() + "\n见 [没有的页](missing.md)，[坏锚点](etcd.md#没有这节)，"
                        "![没有的图](images/none.png)。\n", encoding="utf-8")
    content, shown, errors = build_errors(tmp_path, change)
    where = shown(content / "books/k8s-handbook/concepts/scheduler.md")
    assert f"{where}:7: broken link missing.md: no page at books/k8s-handbook/concepts/missing.md " \
           "(paths are relative to this page)" in errors
    assert any(e.startswith(f"{where}:7: broken link etcd.md#没有这节") for e in errors)
    assert any(e.startswith(f"{where}:7: broken link images/none.png") for e in errors)


def test_summary_entry_without_its_page_and_unknown_tag_are_errors(tmp_path):
    def change(content):
        summary = content / "books/k8s-handbook/SUMMARY.md"
        summary.write_text(summary.read_text() + "  * [Gone](practice/gone.md)\n", encoding="utf-8")
        cni = content / "books/k8s-handbook/concepts/network/cni.md"
        cni.write_text(cni.read_text() + '\n{% swagger src="api.yaml" %}\n', encoding="utf-8")
    content, shown, errors = build_errors(tmp_path, change)
    assert f"{shown(content / 'books/k8s-handbook/SUMMARY.md')}:18: 'practice/gone.md' is in the " \
           "book's order but there is no such page" in errors
    assert any(e.startswith(f"{shown(content / 'books/k8s-handbook/concepts/network/cni.md')}:9: "
                            '{% swagger src="api.yaml" %} has no equivalent') for e in errors)


def test_two_pages_at_one_url_are_an_error_and_drafts_are_left_out(tmp_path):
    from tests.helpers import run_build

    def change(content):
        write(content / "books/go-tips/basics.md", "# Basics again\n")  # basics/_index.md is /basics/ too
    content, shown, errors = build_errors(tmp_path, change)
    # pages are read folder by folder, a folder's own files first
    assert errors == [f"{shown(content / 'books/go-tips/basics/_index.md')}:1: this page and "
                      f"{shown(content / 'books/go-tips/basics.md')} would both be /en/books/go-tips/basics/: "
                      "rename one of them"]
    (content / "books/go-tips/basics.md").unlink()
    write(content / "books/go-tips/wip.md", "---\ntitle: Work in progress\ndraft: true\n---\nNot yet.\n")
    out = run_build(content, tmp_path / "out2")
    assert not (out / "en/books/go-tips/wip").exists()
    assert "Work in progress" not in (out / "en/books/go-tips/index.html").read_text(encoding="utf-8")


def test_check_reports_what_the_build_would_without_writing(tmp_path):
    from cnnotes.books.check import check_books, main
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    errors, pages = check_books(str(content), str(ROOT / "pelicanconf.py"))
    assert errors == [] and pages == 22
    flannel = content / "books/k8s-handbook/concepts/network/flannel.md"
    flannel.write_text(flannel.read_text(encoding="utf-8") + "\n[旧链接](../old.md)\n", encoding="utf-8")
    from tests.helpers import shown
    assert main([str(content), "--settings", str(ROOT / "pelicanconf.py")]) == 1
    errors, _ = check_books(str(content), str(ROOT / "pelicanconf.py"))
    assert errors == [f"{shown(flannel)}:15: broken link ../old.md: no page at books/k8s-handbook/concepts/old.md "
                      "(paths are relative to this page)"]
    assert list(tmp_path.iterdir()) == [content]  # nothing written


def test_gitbook_raw_tags_leave_their_text_as_written(reader, tmp_path):
    path = write(tmp_path / "e.md", """
        # Templates

        {% raw %}
        Helm writes `{{ .Values.image }}`.
        {% endraw %}

        Inline: {% raw %}`{{ .Release.Name }}`{% endraw %} too.
        """)
    src = reader.read(str(path), path.read_text(), "en", None)
    assert src.gitbook_errors == [] and src.unrendered_tags == []
    assert "<code>{{ .Values.image }}</code>" in src.content
    assert "Inline: <code>{{ .Release.Name }}</code> too." in src.content
    assert "raw" not in src.content


def test_mkdocs_admonitions_render_and_hugo_shortcodes_are_errors(reader, tmp_path):
    path = write(tmp_path / "f.md", """
        # Imported

        !!! warning "Mind the MTU"
            VXLAN adds 50 bytes.

        See {{< ref "other.md" >}} and `{{< shown as code >}}`.
        """)
    src = reader.read(str(path), path.read_text(), "en", None)
    assert '<div class="admonition warning">' in src.content
    assert '<p class="admonition-title">Mind the MTU</p>' in src.content
    assert src.gitbook_errors == [('{{< ref "other.md" >}}', 'Hugo shortcode {{< ref "other.md" >}} has no '
                                   "equivalent here: write it as Markdown (a relative .md link for ref/relref)")]


def test_filename_links_written_in_book_pages_are_checked(tmp_path):
    def change(content):
        page = content / "books/k8s-handbook/practice/README.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n[帖子]({filename}/posts/etcd-watch.md) "
                        "[没有]({filename}/posts/none.md)\n", encoding="utf-8")
    content, shown, errors = build_errors(tmp_path, change)
    assert errors == [f"{shown(content / 'books/k8s-handbook/practice/README.md')}:5: broken link "
                      "{filename}/posts/none.md: nothing at posts/none.md (paths are relative to this page, "
                      "or to content/ with a leading /)"]


def test_books_are_not_read_as_posts_when_posts_are_everywhere(tmp_path):
    from tests.helpers import run_build
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    out = run_build(content, tmp_path / "out", ARTICLE_PATHS=[""])
    assert (out / "zh/books/k8s-handbook/concepts/etcd/index.html").is_file()
    assert "etcd 存储" not in (out / "index.html").read_text(encoding="utf-8")  # not a post


def test_last_updated_comes_from_git_then_from_the_file(tmp_path):
    import datetime
    import os
    import subprocess
    from cnnotes.books.dates import file_date, git_dates
    if shutil.which("git") is None:
        pytest.skip("git is not installed: the Debian package 'git'")
    book = tmp_path / "book"
    write(book / "概念" / "etcd.md", "# etcd\n")
    write(book / "README.md", "# Book\n")
    env = dict(os.environ, GIT_AUTHOR_NAME="a", GIT_AUTHOR_EMAIL="a@example.org",
               GIT_COMMITTER_NAME="a", GIT_COMMITTER_EMAIL="a@example.org",
               GIT_AUTHOR_DATE="2016-09-01T10:00:00+08:00", GIT_COMMITTER_DATE="2016-09-01T10:00:00+08:00")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=env)
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(tmp_path), "commit", "-qm", "one"], check=True, env=env)
    env.update(GIT_COMMITTER_DATE="2017-01-02T03:04:05+08:00")
    (book / "README.md").write_text("# Book\n\nMore.\n")
    subprocess.run(["git", "-C", str(tmp_path), "commit", "-qam", "two"], check=True, env=env)
    write(book / "new.md", "# Not committed\n")
    dates = git_dates(str(book))
    assert dates[str(book / "概念" / "etcd.md")].isoformat() == "2016-09-01T10:00:00+08:00"
    assert dates[str(book / "README.md")].isoformat() == "2017-01-02T03:04:05+08:00"
    assert str(book / "new.md") not in dates  # the build takes the file's time then
    assert abs(file_date(str(book / "new.md")) - datetime.datetime.now(datetime.timezone.utc)).total_seconds() < 60
    assert git_dates(str(tmp_path.parent / "not-a-repo-here")) == {}


# --- editions ---------------------------------------------------------------------------------

def test_editions_from_langs_md_from_a_language_folder_and_from_name_en_md(tmp_path):
    from cnnotes.books.config import find_editions
    s = settings()
    langs = tmp_path / "langs"
    write(langs / "LANGS.md", "* [English](en/)\n* [中文](zh/)\n")
    for lang in ("en", "zh"):
        write(langs / lang / "README.md", f"# {lang}\n")
        write(langs / lang / "SUMMARY.md", "* [Intro](README.md)\n")
    assert [(e.lang, Path(e.root).name) for e in find_editions(str(langs), s)] == [("en", "en"), ("zh", "zh")]

    folder = tmp_path / "folder"
    write(folder / "book.json", '{"language": "zh-hans", "title": "手册"}')
    write(folder / "README.md", "# 手册\n")
    write(folder / "en" / "book.json", '{"title": "Handbook"}')
    write(folder / "en" / "README.md", "# Handbook\n")
    found = find_editions(str(folder), s)
    assert [(e.lang, e.title, e.skip) for e in found] == [("zh", "手册", ("en",)), ("en", "Handbook", ())]

    beside = tmp_path / "beside"
    write(beside / "book.yaml", "lang: zh\nnav:\n  - index.md\n  - a.md\n  - b.md\n")
    for name in ("index.md", "a.md", "b.md", "a.en.md"):
        write(beside / name, "# x\n")
    zh, en = find_editions(str(beside), s)
    assert (en.lang, en.suffix, [e.path for e in en.entries]) == ("en", ".en", ["a.en.md"])
    assert [e.path for e in zh.entries] == ["index.md", "a.md", "b.md"]


def test_bad_book_config_is_an_error_at_its_line(tmp_path):
    from cnnotes.books.config import BookError, find_editions
    write(tmp_path / "b" / "book.json", '{\n  "title": "x",\n  "language": \n}\n')
    with pytest.raises(BookError) as err:
        find_editions(str(tmp_path / "b"), settings())
    assert err.value.line == 4 and "not valid JSON" in err.value.message
    write(tmp_path / "c" / "book.yaml", "title: x\nlang: fr\n")
    with pytest.raises(BookError) as err:
        find_editions(str(tmp_path / "c"), settings())
    assert (err.value.line, err.value.message) == (2, "language 'fr' is not one of the site's (en, zh)")


def test_gitbook_code_titles_content_refs_and_files(reader, tmp_path):
    write(tmp_path / "assets" / "slides.pdf", "%PDF-1.4\n")
    path = write(tmp_path / "g.md", """
        # More blocks

        {% code title="main.go" %}
        ```go
        package main
        ```
        {% endcode %}

        {% content-ref url="other.md" %}
        [other.md](other.md)
        {% endcontent-ref %}

        {% file src="assets/slides.pdf" %}
        The slides
        {% endfile %}
        """)
    src = reader.read(str(path), path.read_text(), "en", None)
    assert src.gitbook_errors == [] and src.unrendered_tags == []
    assert '<p class="code-title"><code>main.go</code></p>' in src.content
    assert 'href="{filename}other.md"' in src.content
    assert '<a href="{static}assets/slides.pdf">slides.pdf</a>' in src.content
    assert "endcode" not in src.content and "content-ref" not in src.content
