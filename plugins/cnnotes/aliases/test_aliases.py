"""Old addresses as redirect files, relative links from them, and the build's errors
for aliases that cannot be redirect pages."""
import textwrap
from pathlib import Path

import pytest

from cnnotes.aliases.paths import AliasError, alias_file, relative_url
from tests.helpers import run_build, shown
from tools.build import BuildFailed


@pytest.mark.parametrize("alias, rel", [
    ("/posts/flannel/", "posts/flannel/index.html"),
    ("posts/flannel", "posts/flannel/index.html"),
    ("/2017/06/01/docker.html", "2017/06/01/docker.html"),
    ("https://old.example.org/2019/x/?utm=1#top", "2019/x/index.html"),
    ("/2018/%E4%B8%AD%E6%96%87/", "2018/中文/index.html"),
])
def test_alias_file(alias, rel):
    assert alias_file(alias) == rel


@pytest.mark.parametrize("alias", ["/", "", "/posts/../etc/", "https://old.example.org/"])
def test_bad_aliases(alias):
    with pytest.raises(AliasError):
        alias_file(alias)


def test_relative_url_works_under_any_prefix():
    assert relative_url("posts/flannel/index.html", "en/2019/03/02/flannel/") == "../../en/2019/03/02/flannel/"
    assert relative_url("2017/docker.html", "zh/2017/06/01/docker/") == "../zh/2017/06/01/docker/"
    assert relative_url("x/index.html", "en/about/") == "../en/about/"


def post(path: Path, title, date, extra=""):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(f"""\
        ---
        title: {title}
        date: {date}
        lang: en
        {extra}
        ---
        Text.
        """), encoding="utf-8")
    return path


def test_aliases_that_cannot_be_pages_are_errors_at_their_line(tmp_path):
    content = tmp_path / "content"
    first = post(content / "posts" / "a.md", "First", "2020-01-01", "aliases: [/old/a/]")
    second = post(content / "posts" / "b.md", "Second", "2020-01-02", "aliases: [/old/a/, /]")
    third = post(content / "posts" / "c.md", "Third", "2020-01-03",
                 "redirect_from: /en/2020/01/01/first/")
    with pytest.raises(BuildFailed) as failed:
        run_build(content, tmp_path / "out", CACHE_CONTENT=False)
    errors = failed.value.errors
    assert f"{shown(second)}:5: alias '/old/a/' is also an alias of {shown(first)}" in errors
    assert any(e.startswith(f"{shown(second)}:5: alias '/' is the site's home page") for e in errors)
    assert f"{shown(third)}:5: alias '/en/2020/01/01/first/' is the address of {shown(first)}" in errors
    assert len(errors) == 3
