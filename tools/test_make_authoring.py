"""`make note`, `make notes`, `make newpost` as the author runs them: real make, in a copy
of the project's Makefile and tools (so the real inbox and posts are never touched), with
values full of what a shell or make would otherwise evaluate. They must reach the files
byte for byte. Titles are fetched from a server on 127.0.0.1 only."""
import http.server
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
TRICKY = 'see `uname -s` and $HOME "maps" & 中文'


@pytest.fixture
def project(tmp_path):
    """A copy of the Makefile and tools/ beside links to the installed .venv and
    node_modules (so `deps` finds them up to date and installs nothing)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed (Debian package 'make')")
    for name in (".venv", "node_modules"):
        if not (ROOT / name).exists():
            pytest.skip(f"{name} is missing: run make deps")
    copy = tmp_path / "project"
    (copy / "tools").mkdir(parents=True)
    shutil.copy(ROOT / "Makefile", copy / "Makefile")
    for tool in ("__init__.py", "notes.py", "newpost.py"):
        shutil.copy(ROOT / "tools" / tool, copy / "tools" / tool)
    for name in (".venv", "node_modules", "requirements.lock", "pyproject.toml", "package-lock.json"):
        (copy / name).symlink_to(ROOT / name)
    (copy / "content/posts").mkdir(parents=True)
    return copy


def make(project, *args, env=None):
    """`make -s ARGS` in the copy, its arguments passed as they are (no shell between).
    The installed-markers are taken as up to date (`-o`): the copy shares the project's
    .venv, and installing into it from the copy would point the editable package at
    the copy."""
    keep = ["-o", ".venv/.installed", "-o", "node_modules/.installed", "-o", ".cache/debian.installed"]
    return subprocess.run(["make", "-s", *keep, "-C", str(project), *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)


def inbox_entries(project):
    text = (project / "content/reading-notes/inbox.md").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.startswith("- ")]


class Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/page":
            self.send_error(404)
            return
        body = "<title>Flannel &amp; VXLAN: &lt;the&gt; &quot;backends&quot;</title>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_site():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_make_note_stores_what_was_typed_verbatim(project):
    marker = project / "evaluated"
    title = f"It's \"quoted\"; $(shell touch {marker}) & `touch {marker}` 云原生 # not a comment \\ $$"
    result = make(project, "note", "URL=https://example.com/a?b=1&c=$x", f"COMMENT={TRICKY}",
                  f"TITLE={title}", "TAGS=k8s,$PATH;x&y,网络")
    assert result.returncode == 0, result.stderr
    assert inbox_entries(project) == [
        f"- https://example.com/a?b=1&c=$x | {title} | tags: k8s, $PATH;x&y, 网络 | {TRICKY}"]
    assert not marker.exists()  # neither make nor the shell ran anything


def test_values_that_look_like_options_stay_values(project):
    result = make(project, "note", "URL=https://example.com/dash", "COMMENT=--help -x",
                  "TITLE=-t", "TAGS=-")
    assert result.returncode == 0, result.stderr
    assert inbox_entries(project) == ["- https://example.com/dash | -t | tags: - | --help -x"]
    result = make(project, "newpost", "TITLE=--version", "SLUG=version")
    assert result.returncode == 0, result.stderr
    assert 'title: "--version"\n' in (project / "content/posts/version.md").read_text()


def test_make_note_takes_values_from_the_environment_too(project):
    result = make(project, "note", env={"URL": "https://example.com/env", "COMMENT": TRICKY,
                                        "TITLE": "$HOME", "TAGS": ""})
    assert result.returncode == 0, result.stderr
    assert inbox_entries(project) == [f"- https://example.com/env | $HOME | tags:  | {TRICKY}"]


@pytest.mark.parametrize("variable", ["COMMENT", "TITLE", "TAGS", "URL"])
def test_make_note_refuses_a_line_break_and_writes_nothing(project, variable):
    values = {"URL": "https://example.com/a", "TITLE": "t", "COMMENT": "c", "TAGS": "k8s"}
    values[variable] = values[variable] + "\nsecond line"
    result = make(project, "note", *(f"{k}={v}" for k, v in values.items()))
    assert result.returncode != 0
    assert f"{variable} (" in result.stderr and "contains a line break" in result.stderr
    assert not (project / "content/reading-notes/inbox.md").exists()


def test_fetched_titles_are_text_and_a_failed_fetch_says_so(project, local_site):
    result = make(project, "note", f"URL={local_site}/page", "TAGS=network")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    result = make(project, "note", f"URL={local_site}/gone", "TAGS=network")
    assert result.returncode == 0, result.stderr
    assert f"could not fetch the title of {local_site}/gone (the server answered HTTP 404" \
        in result.stderr
    assert inbox_entries(project) == [
        f'- {local_site}/page | Flannel & VXLAN: <the> "backends" | tags: network',
        f"- {local_site}/gone |  | tags: network"]

    result = make(project, "notes", "WEEK=17", "YEAR=2016")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "content/reading-notes/2016-week-17.md"
    assert f"inbox.md:" in result.stderr and f"could not fetch the title of {local_site}/gone" \
        in result.stderr and "the URL stands in" in result.stderr
    post = (project / "content/reading-notes/2016-week-17.md").read_text(encoding="utf-8")
    assert f'- [Flannel & VXLAN: &lt;the> "backends"]({local_site}/page)' in post
    assert "&amp;" not in post
    assert f"- [{local_site}/gone]({local_site}/gone)" in post


def test_make_newpost_keeps_the_title_as_typed(project):
    title = 'Docker: `docker ps` & $HOME "quoted" it\'s 容器;'
    result = make(project, "newpost", f"TITLE={title}", "SLUG=docker-ps", "POST_LANG=zh")
    assert result.returncode == 0, result.stderr
    path = project / result.stdout.strip()
    meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert meta["title"] == title and meta["lang"] == "zh" and meta["slug"] == "docker-ps"


def test_make_newpost_from_starts_the_translation(project):
    make(project, "newpost", "TITLE=Play with docker", "SLUG=play")
    result = make(project, "newpost", "FROM=content/posts/play.md")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "content/posts/play.zh.md"
    meta = yaml.safe_load((project / "content/posts/play.zh.md").read_text(encoding="utf-8")
                          .split("---\n")[1])
    assert (meta["slug"], meta["lang"], meta["translation"], meta["status"]) == \
        ("play", "zh", True, "draft")


def test_make_notes_options_reach_the_tool(project):
    assert make(project, "note", "URL=https://example.com/1", "TITLE=一", "TAGS=k8s").returncode == 0
    result = make(project, "notes", "WEEK=17", "YEAR=2016", "NOTES_LANG=zh")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "content/reading-notes/2016-week-17.zh.md"
    assert make(project, "note", "URL=https://example.com/2", "TITLE=二", "TAGS=k8s").returncode == 0
    refused = make(project, "notes", "WEEK=17", "YEAR=2016", "NOTES_LANG=zh")
    assert refused.returncode != 0 and "not overwritten" in refused.stderr
    result = make(project, "notes", "WEEK=17", "YEAR=2016", "NOTES_LANG=zh", "APPEND=1")
    assert result.returncode == 0, result.stderr
    week = (project / "content/reading-notes/2016-week-17.zh.md").read_text(encoding="utf-8")
    assert "- [一](https://example.com/1)" in week and "- [二](https://example.com/2)" in week
    assert "title: 第17周阅读笔记" in week
    bad = make(project, "notes", "WEEK=seventeen")
    assert bad.returncode != 0 and "WEEK (--week) must be a number, got 'seventeen'" in bad.stderr
