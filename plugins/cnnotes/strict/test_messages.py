"""What an author sees for mistakes made on purpose: one cause, one `path:line: message`,
at the line to change; Pelican's own warnings in the same form; every local image and
link target checked, and absolute in the feeds."""
import logging
import os
import re
import textwrap
from pathlib import Path

import pytest

from tools.build import BuildFailed, build

ROOT = Path(__file__).resolve().parents[3]


def post(title, date="2016-07-19 10:00", lang="en", slug=None, body="Body.\n", extra=""):
    lines = ["---", f"title: {title}", f"date: {date}", f"lang: {lang}"]
    if slug:
        lines.append(f"slug: {slug}")
    return "\n".join(lines) + "\n" + extra + "---\n" + textwrap.dedent(body)


def make_site(tmp_path, files, binary=()):
    content = tmp_path / "content"
    for rel, text in files.items():
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text(text, encoding="utf-8")
    for rel in binary:
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_bytes(b"\x89PNG\r\n\x1a\n")
    content.mkdir(exist_ok=True)
    return content


def build_errors(tmp_path, monkeypatch, files, binary=()):
    """The error lines of a build that must fail (run from tmp_path: paths are relative)."""
    make_site(tmp_path, files, binary)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BuildFailed) as failed:
        build(str(ROOT / "pelicanconf.py"), {"PATH": "content", "OUTPUT_PATH": "output"},
              quiet=True)
    return failed.value.errors


def test_a_duplicate_slug_is_one_message_at_the_newer_file_naming_both(tmp_path, monkeypatch,
                                                                       caplog):
    old = post("Old post", date="2016-01-01 10:00", slug="same")
    new = post("New post", date="2017-03-04 10:00", slug="same")
    caplog.set_level(logging.WARNING)
    # the newer post sorts first by name: the date decides, not the path
    errors = build_errors(tmp_path, monkeypatch, {"posts/a-new.md": new, "posts/z-old.md": old})
    assert errors == [
        "content/posts/a-new.md:5: duplicate slug 'same' for lang 'en': "
        "content/posts/z-old.md:5 has it too; change it here, in the newer post "
        "(a translation keeps the slug and takes the other lang)"]
    # Pelican's own "There are 2 items ... with lang en" is not shown besides
    assert not [r for r in caplog.records if "There are" in r.getMessage()]


def test_a_bad_date_is_not_also_a_broken_link_in_the_post_linking_to_it(tmp_path, monkeypatch,
                                                                      caplog):
    caplog.set_level(logging.WARNING)
    errors = build_errors(tmp_path, monkeypatch, {
        "posts/bad.md": post("Bad", date="2016-13-45", slug="bad"),
        # its translation, left without an original, is no second message either
        "posts/bad.zh.md": post("坏", lang="zh", slug="bad", extra="translation: true\n"),
        "posts/linking.md": post("Linking", body="See [bad]({filename}bad.md) and [it](bad.md).\n"),
    })
    assert errors == ["content/posts/bad.md:3: bad date '2016-13-45': month must be in 1..12"]
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == []


def test_a_missing_image_is_one_error_and_no_pelican_warning(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.WARNING)
    errors = build_errors(tmp_path, monkeypatch, {"posts/p.md": post("P", body="![x](nope.png)\n")})
    assert errors == [f"content/posts/p.md:6: broken link nope.png: no file at that path "
                      f"(looked for content/posts/nope.png) {HINT}"]
    # not Pelican's "Cannot get modification stamp for .../nope.png" besides
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == []


def test_every_front_matter_error_of_a_file_is_shown_together(tmp_path, monkeypatch):
    text = ("---\ntitle: Docker: the runtime\ndate: 2016-13-45\nlang: fr\n---\nBody\n")
    errors = build_errors(tmp_path, monkeypatch, {"posts/x.md": text})
    assert len(errors) == 3
    assert errors[0].startswith("content/posts/x.md:2: front matter is not valid YAML "
                                "(mapping values are not allowed here)")
    assert errors[0].endswith('quote the value, title: "Docker: the runtime"')
    assert errors[1] == "content/posts/x.md:3: bad date '2016-13-45': month must be in 1..12"
    assert errors[2] == "content/posts/x.md:4: unknown lang 'fr': use one of en, zh"


HINT = "(paths are relative to this file, or to content/ with a leading /)"


def test_every_missing_image_or_file_is_an_error_at_its_line(tmp_path, monkeypatch):
    body = """\
        ![root-relative](/images/missing.png)

        ![beside the post](missing.png)

        ![up and over](../images/nope.png)

        ![static]({static}/images/gone.png)

        [a file](/files/absent.pdf) and [a post](absent.md)

        <p><img src="/images/raw.png" alt="raw HTML"></p>

        ![fine](/images/there.png) ![fine too](diagram.png) [outside](https://example.org/x.png)
        """
    errors = build_errors(tmp_path, monkeypatch, {"posts/p.md": post("P", body=body)},
                          binary=["images/there.png", "posts/diagram.png"])
    assert errors == [
        f"content/posts/p.md:6: broken link /images/missing.png: no file at that path "
        f"(looked for content/images/missing.png) {HINT}",
        f"content/posts/p.md:8: broken link missing.png: no file at that path "
        f"(looked for content/posts/missing.png) {HINT}",
        f"content/posts/p.md:10: broken link ../images/nope.png: no file at that path "
        f"(looked for content/images/nope.png) {HINT}",
        f"content/posts/p.md:12: broken link {{static}}/images/gone.png: no file at that path "
        f"(looked for content/images/gone.png) {HINT}",
        f"content/posts/p.md:14: broken link /files/absent.pdf: no file at that path "
        f"(looked for content/files/absent.pdf) {HINT}",
        f"content/posts/p.md:14: broken link absent.md: no post or page at that path {HINT}",
        f"content/posts/p.md:16: broken link /images/raw.png: no file at that path "
        f"(looked for content/images/raw.png) {HINT}",
    ]


@pytest.fixture(scope="module")
def bundle_site(tmp_path_factory):
    """A post with an image in each style, all present; built (publish-like SITEURL unset)."""
    tmp = tmp_path_factory.mktemp("bundle")
    body = """\
        ![a](/images/a.png) ![b]({static}/images/b.png) ![c](../images/c.png)
        ![d](diagram.png) [the other post](other.md)

        <p><img src="raw.png" alt="raw HTML, beside the post"></p>

        <!-- more -->
        """
    content = make_site(tmp, {"posts/p.md": post("P", slug="p", body=body),
                               "posts/other.md": post("Other", slug="other")},
                        binary=["images/a.png", "images/b.png", "images/c.png", "posts/diagram.png",
                                "posts/raw.png"])
    from tests.helpers import run_build

    return run_build(content, tmp / "output")


def test_each_image_style_is_published_and_linked_where_it_is(bundle_site):
    page = (bundle_site / "en/2016/07/19/p/index.html").read_text(encoding="utf-8")
    for url in ("/images/a.png", "/images/b.png", "/images/c.png", "/posts/diagram.png",
                "/posts/raw.png"):
        assert f'src="{url}"' in page, url
        assert (bundle_site / url.lstrip("/")).is_file(), url
    assert 'href="/en/2016/07/19/other/"' in page


def test_feeds_carry_absolute_image_and_link_urls(bundle_site):
    base = "http://127.0.0.1:8000"  # SITEMAP_FALLBACK_URL: the feeds' base without SITEURL
    feed = (bundle_site / "feeds/all.atom.xml").read_text(encoding="utf-8")
    for url in ("/images/a.png", "/images/b.png", "/images/c.png", "/posts/diagram.png",
                "/en/2016/07/19/other/"):
        assert f"{base}{url}" in feed, url
    # nothing root-relative or relative is left in an entry's HTML (its tags escaped in the XML)
    assert re.findall(r'(?:src|href)="([^"]*)"', feed)
    assert all(url.startswith(base + "/") for url in re.findall(r'(?:src|href)="([^"]*)"', feed))


def test_pelicans_warnings_are_shown_as_path_line_message(tmp_path, monkeypatch, caplog):
    body = "Text.\n\n![](/images/x.png)\n"
    content = make_site(tmp_path, {"posts/alt.md": post("Alt", body=body)}, binary=["images/x.png"])
    monkeypatch.chdir(tmp_path)
    caplog.set_level(logging.WARNING)
    build(str(ROOT / "pelicanconf.py"), {"PATH": "content", "OUTPUT_PATH": "output"}, quiet=True)
    shown = [r.getMessage() for r in caplog.records if "alt attribute" in r.getMessage()]
    assert shown == ["content/posts/alt.md:8: Empty alt attribute for image x.png in "
                     "content/posts/alt.md"]
    assert not any(str(tmp_path) in r.getMessage() for r in caplog.records)


def test_a_warning_about_a_vanished_file_is_held_then_shown_as_path_line(tmp_path, monkeypatch):
    """Pelican's cache logs this when a file it was told about is gone (a link to a missing
    file, an editor's save): its exact call, through the filter the plugin installs. It
    waits until all content is read: dropped if the build has errors (the link check
    reported the cause), else shown relative, with a line."""
    from types import SimpleNamespace

    from cnnotes.strict.pelican_log import install_filters

    monkeypatch.chdir(tmp_path)
    gone = tmp_path / "content" / "posts" / "gone.md"
    gone.parent.mkdir(parents=True)
    warnings = install_filters(SimpleNamespace(settings={"PATH": str(tmp_path / "content")}))
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    logger = logging.getLogger("pelican.cache")
    handler = Keep()
    logger.addHandler(handler)

    def log_it(path):  # (Pelican's LimitFilter drops a message logged twice: two paths)
        err = FileNotFoundError(2, "No such file or directory", str(path))
        logger.warning("Cannot get modification stamp for %s\n\t%s", str(path), err)

    try:
        log_it(gone.with_name("other.md"))
        assert seen == []
        warnings.flush(build_has_errors=True)
        assert seen == []
        log_it(gone)
        assert seen == []
        warnings.flush(build_has_errors=False)
    finally:
        logger.removeHandler(handler)
    assert seen == ["content/posts/gone.md:1: Cannot get modification stamp for "
                    "content/posts/gone.md [Errno 2] No such file or directory: "
                    "'content/posts/gone.md'"]


@pytest.mark.parametrize("value, tag, expected", [
    ("/images/x.png", "img", "{static}/images/x.png"),
    ("/files/s.pdf", "a", "{static}/files/s.pdf"),
    ("/en/2016/07/19/x/", "a", "/en/2016/07/19/x/"),        # a page URL: left
    ("diagram.png", "img", "{static}diagram.png"),
    ("../images/x.png?v=2", "img", "{static}../images/x.png?v=2"),
    ("other.md#part", "a", "{filename}other.md#part"),
    ("https://example.org/x.png", "img", "https://example.org/x.png"),
    ("//cdn.example/x.png", "img", "//cdn.example/x.png"),
    ("mailto:a@b.c", "a", "mailto:a@b.c"),
    ("#section", "a", "#section"),
    ("{static}/images/x.png", "img", "{static}/images/x.png"),
    ("../", "a", "../"),
])
def test_which_targets_become_checked_links(value, tag, expected):
    from cnnotes.strict.targets import rewritten

    assert rewritten(value, tag, {"images", "files"}) == expected


def test_feed_urls_are_made_absolute_against_the_post():
    from cnnotes.feeds.absolute import absolute_urls

    page = "https://site.example/en/2016/07/19/p/"
    html = ('<img src="/images/a.png"> <img src=\'b.png\'> <a href="#top">t</a> '
            '<a href="https://x.org/">x</a> <a href="/q?a=1&amp;b=2">q</a>')
    assert absolute_urls(html, page) == (
        '<img src="https://site.example/images/a.png"> '
        "<img src='https://site.example/en/2016/07/19/p/b.png'> "
        '<a href="https://site.example/en/2016/07/19/p/#top">t</a> '
        '<a href="https://x.org/">x</a> <a href="https://site.example/q?a=1&amp;b=2">q</a>')
    assert absolute_urls(None, page) is None


def test_a_root_relative_page_link_must_name_a_built_page(tmp_path, monkeypatch):
    body = """\
        [the other post](/en/2016/07/19/other/) and [home](/) and [the feed](/feeds/all.atom.xml)

        [gone](/en/2016/07/19/gone/#part) and [typo](/en/2016/7/19/other/)
        """
    errors = build_errors(tmp_path, monkeypatch, {"posts/p.md": post("P", slug="p", body=body),
                                                  "posts/other.md": post("Other", slug="other")})
    why = "(link a post as its .md file, a file under content/ by its path)"
    assert errors == [
        f"content/posts/p.md:9: broken link /en/2016/07/19/gone/#part: the built site has no "
        f"page or file at that URL {why}",
        f"content/posts/p.md:9: broken link /en/2016/7/19/other/: the built site has no "
        f"page or file at that URL {why}"]
    assert not (tmp_path / "output").exists()  # nothing swapped in
