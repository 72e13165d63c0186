"""Reading notes: inbox -> weekly post -> archive, as the author runs it (no network:
the title fetcher is injected, and the real one is tried only against a loopback server)."""
import datetime as dt
import http.server
import socket
import threading

import pytest
import yaml

from tools import notes

NOW = dt.datetime(2026, 11, 27, 14, 30)  # a Friday in ISO week 48 of 2026


def run(root, *argv, now=NOW, fetch=None, capsys=None):
    calls = []

    def fake_fetch(url):
        calls.append(url)
        return (fetch or {}).get(url)

    code = notes.main(list(argv), root=root, now=now, fetch=fake_fetch)
    return code, calls


def inbox(root):
    return (root / notes.INBOX).read_text(encoding="utf-8")


def front_matter(text):
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def test_add_creates_the_inbox_with_its_documented_header(tmp_path, capsys):
    code, calls = run(tmp_path, "add", "https://kubernetes.io/blog/", "--comment", "good intro",
                      "--tags", "k8s, network", fetch={"https://kubernetes.io/blog/": "K8s Blog"})
    assert code == 0
    text = inbox(tmp_path)
    assert text.startswith("# Reading-notes inbox")
    assert "- URL | title | tags: tag1, tag2 | comment" in text
    assert text.endswith("- https://kubernetes.io/blog/ | K8s Blog | tags: k8s, network | good intro\n")
    assert calls == ["https://kubernetes.io/blog/"]
    assert "K8s Blog" in capsys.readouterr().out


def test_add_with_a_title_does_not_fetch_and_escapes_bars(tmp_path):
    code, calls = run(tmp_path, "add", "https://a.example/x", "--title", "A | B", "--tags", "")
    assert code == 0 and calls == []
    line = inbox(tmp_path).splitlines()[-1]
    assert line == r"- https://a.example/x | A \| B | tags: "
    assert notes.parse_entry(line, "x:1").title == "A | B"


def test_add_without_reachable_page_leaves_the_title_empty(tmp_path):
    code, _ = run(tmp_path, "add", "https://a.example/x", "--tags", "go", "--comment", "c")
    assert code == 0
    assert inbox(tmp_path).splitlines()[-1] == "- https://a.example/x |  | tags: go | c"


@pytest.mark.parametrize("url", ["", "ftp://a.example/", "not a url", "https://"])
def test_add_rejects_a_bad_url_and_keeps_the_inbox(tmp_path, capsys, url):
    run(tmp_path, "add", "https://a.example/1", "--tags", "k8s")
    before = inbox(tmp_path)
    code, _ = run(tmp_path, "add", url)
    assert code == 1
    assert "URL" in capsys.readouterr().err
    assert inbox(tmp_path) == before


def test_add_refuses_a_link_already_in_the_inbox(tmp_path, capsys):
    run(tmp_path, "add", "https://a.example/1", "--tags", "k8s")
    before = inbox(tmp_path)
    code, _ = run(tmp_path, "add", "https://a.example/1", "--tags", "go")
    assert code == 1
    err = capsys.readouterr().err
    assert "inbox.md:" in err and "already in the inbox" in err
    assert inbox(tmp_path) == before


def write_inbox(root, *lines):
    path = root / notes.INBOX
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(notes.INBOX_HEADER + "\n" + "".join(l + "\n" for l in lines), encoding="utf-8")


WEEK17 = """\
---
title: Reading notes of week 17
date: 2016-05-01
lang: en
slug: reading-notes-2016-week-17
tags: [k8s, network, go]
category: Reading notes
series: reading-notes
---

What I read during week 17 of 2016 (2016-04-25 to 2016-05-01).

<!-- more -->

## k8s

- [Borg, Omega, and Kubernetes](https://queue.acm.org/detail.cfm?id=2898444) — lessons from three systems
- [https://k8s.example/pods](https://k8s.example/pods)

## go

- [Fetched \\[title\\] &lt;b>](https://go.example/perf) — zero-copy

## Other

- [Untagged](https://other.example/)
"""


def test_write_publishes_the_inbox_grouped_by_tag(tmp_path, capsys):
    write_inbox(tmp_path,
                "- https://queue.acm.org/detail.cfm?id=2898444 | Borg, Omega, and Kubernetes "
                "| tags: k8s, network | lessons from three systems",
                "- https://go.example/perf | | tags: go | zero-copy",
                "- https://k8s.example/pods | | tags: k8s |",
                "- https://other.example/ | Untagged | tags:")
    fetched = {"https://go.example/perf": "Fetched [title] <b>"}
    code, calls = run(tmp_path, "write", "--week", "17", "--year", "2016", fetch=fetched)
    assert code == 0
    assert capsys.readouterr().out.strip() == "content/reading-notes/2016-week-17.md"
    assert calls == ["https://go.example/perf", "https://k8s.example/pods"]
    post = (tmp_path / "content/reading-notes/2016-week-17.md").read_text(encoding="utf-8")
    assert post == WEEK17
    meta = front_matter(post)
    assert meta["tags"] == ["k8s", "network", "go"] and meta["date"] == dt.date(2016, 5, 1)
    # the inbox keeps only its header; the archive keeps the entries, titles filled in
    assert inbox(tmp_path) == notes.INBOX_HEADER
    archive = (tmp_path / notes.ARCHIVE).read_text(encoding="utf-8")
    assert "## 2016 week 17: reading-notes-2016-week-17 (2016-week-17.md)" in archive
    assert "- https://go.example/perf | Fetched [title] <b> | tags: go | zero-copy" in archive
    assert "- https://k8s.example/pods | https://k8s.example/pods | tags: k8s" in archive


def test_write_in_chinese(tmp_path, capsys):
    write_inbox(tmp_path, "- https://a.example/ | 标题 | tags: 网络 | 好文", "- https://b.example/ | B | tags:")
    code, _ = run(tmp_path, "write", "--week", "17", "--year", "2016", "--lang", "zh")
    assert code == 0
    path = tmp_path / "content/reading-notes/2016-week-17.zh.md"
    assert capsys.readouterr().out.strip() == "content/reading-notes/2016-week-17.zh.md"
    post = path.read_text(encoding="utf-8")
    meta = front_matter(post)
    assert meta["title"] == "第17周阅读笔记"
    assert meta["lang"] == "zh" and meta["slug"] == "reading-notes-2016-week-17"
    assert "2016年第17周（2016-04-25 至 2016-05-01）读过的文章。" in post
    assert "## 网络\n\n- [标题](https://a.example/) — 好文\n" in post
    assert "## 其他\n\n- [B](https://b.example/)\n" in post


def test_write_never_overwrites_a_week(tmp_path, capsys):
    write_inbox(tmp_path, "- https://a.example/ | A | tags: k8s | one")
    assert run(tmp_path, "write", "--week", "17", "--year", "2016")[0] == 0
    write_inbox(tmp_path, "- https://b.example/ | B | tags: k8s | two")
    post = tmp_path / "content/reading-notes/2016-week-17.md"
    before_post, before_inbox = post.read_text(), inbox(tmp_path)
    capsys.readouterr()
    # neither in the same language nor in the other one
    for extra in ([], ["--lang", "zh"]):
        code, _ = run(tmp_path, "write", "--week", "17", "--year", "2016", *extra)
        assert code == 1
        err = capsys.readouterr().err
        assert "2016-week-17.md already exists" in err and "APPEND=1" in err
    assert post.read_text() == before_post and inbox(tmp_path) == before_inbox
    assert not (tmp_path / "content/reading-notes/2016-week-17.zh.md").exists()


def test_append_adds_new_entries_under_their_tags(tmp_path, capsys):
    write_inbox(tmp_path, "- https://a.example/ | A | tags: k8s | one",
                "- https://z.example/ | Z | tags: go | zed")
    run(tmp_path, "write", "--week", "17", "--year", "2016")
    write_inbox(tmp_path, "- https://b.example/ | B | tags: k8s, storage | two",
                "- https://a.example/ | A again | tags: k8s | duplicate",
                "- https://c.example/ | C | tags: etcd | three")
    code, _ = run(tmp_path, "write", "--week", "17", "--year", "2016", "--append")
    assert code == 0
    post = (tmp_path / "content/reading-notes/2016-week-17.md").read_text(encoding="utf-8")
    assert front_matter(post)["tags"] == ["k8s", "go", "storage", "etcd"]
    assert ("## k8s\n\n- [A](https://a.example/) — one\n- [B](https://b.example/) — two\n\n"
            "## go\n\n- [Z](https://z.example/) — zed\n\n"
            "## etcd\n\n- [C](https://c.example/) — three\n") in post
    assert "A again" not in post
    assert inbox(tmp_path) == notes.INBOX_HEADER
    archive = (tmp_path / notes.ARCHIVE).read_text(encoding="utf-8")
    assert archive.count("## 2016 week 17") == 2 and "A again" in archive


def test_append_to_a_week_without_notes_creates_them(tmp_path):
    write_inbox(tmp_path, "- https://a.example/ | A | tags: k8s | one")
    assert run(tmp_path, "write", "--week", "17", "--year", "2016", "--append")[0] == 0
    assert (tmp_path / "content/reading-notes/2016-week-17.md").exists()


def test_a_malformed_line_names_it_and_changes_nothing(tmp_path, capsys):
    write_inbox(tmp_path, "- https://a.example/ | A | tags: k8s | fine",
                "- https://b.example/ | B | k8s | tags field without its name")
    before = inbox(tmp_path)
    bad_line = before.splitlines().index("- https://b.example/ | B | k8s | tags field without its name") + 1
    code, calls = run(tmp_path, "write", "--week", "17", "--year", "2016")
    assert code == 1 and calls == []
    err = capsys.readouterr().err
    assert f"content/reading-notes/inbox.md:{bad_line}:" in err and '"tags:"' in err
    assert inbox(tmp_path) == before
    assert sorted(p.name for p in (tmp_path / notes.NOTES_DIR).iterdir()) == ["inbox.md"]


@pytest.mark.parametrize("line, why", [
    ("* https://a.example/ | A | tags: x", 'starts with "- "'),
    ("- https://a.example/ | A", "at least URL, title and tags"),
    ("- a.example | A | tags: x", "not an http(s) URL"),
])
def test_malformed_lines(line, why):
    with pytest.raises(notes.NotesError) as error:
        notes.parse_inbox("# header\n\n" + line + "\n", "inbox.md")
    assert str(error.value).startswith("inbox.md:3: ") and why in str(error.value)


def test_an_empty_inbox_is_an_error(tmp_path, capsys):
    write_inbox(tmp_path)
    assert run(tmp_path, "write")[0] == 1
    assert "no entries" in capsys.readouterr().err
    assert not list((tmp_path / notes.NOTES_DIR).glob("*week*"))


def test_this_week_is_the_default_and_dated_now(tmp_path, capsys):
    write_inbox(tmp_path, "- https://a.example/ | A | tags: k8s | one")
    assert run(tmp_path, "write")[0] == 0
    post = (tmp_path / "content/reading-notes/2026-week-48.md").read_text(encoding="utf-8")
    meta = front_matter(post)
    assert meta["title"] == "Reading notes of week 48" and meta["date"] == "2026-11-27 14:30"


def test_new_years_day_can_belong_to_week_53_of_the_previous_year(tmp_path):
    write_inbox(tmp_path, "- https://a.example/ | A | tags: k8s | one")
    assert run(tmp_path, "write", now=dt.datetime(2021, 1, 1, 9, 0))[0] == 0
    post = (tmp_path / "content/reading-notes/2020-week-53.md").read_text(encoding="utf-8")
    assert front_matter(post)["slug"] == "reading-notes-2020-week-53"
    assert "(2020-12-28 to 2021-01-03)" in post


def test_week_1_can_start_in_the_previous_december(tmp_path):
    write_inbox(tmp_path, "- https://a.example/ | A | tags: k8s | one")
    assert run(tmp_path, "write", now=dt.datetime(2024, 12, 30, 8, 0))[0] == 0
    post = (tmp_path / "content/reading-notes/2025-week-01.md").read_text(encoding="utf-8")
    meta = front_matter(post)
    assert meta["title"] == "Reading notes of week 1" and meta["date"] == "2024-12-30 08:00"
    assert "(2024-12-30 to 2025-01-05)" in post


def test_a_past_week_is_dated_its_sunday():
    assert notes.post_date(2020, 53, NOW) == "2021-01-03"
    assert notes.post_date(2025, 1, NOW) == "2025-01-05"


@pytest.mark.parametrize("week, year, message", [
    (53, 2021, "ISO year 2021 has weeks 1 to 52"),
    (0, 2016, "ISO year 2016 has weeks 1 to 52"),
    (49, 2026, "has not started yet"),
])
def test_impossible_weeks_are_refused(tmp_path, capsys, week, year, message):
    write_inbox(tmp_path, "- https://a.example/ | A | tags: k8s | one")
    before = inbox(tmp_path)
    assert run(tmp_path, "write", "--week", str(week), "--year", str(year))[0] == 1
    assert message in capsys.readouterr().err
    assert inbox(tmp_path) == before


def test_year_without_week_is_refused(tmp_path, capsys):
    write_inbox(tmp_path, "- https://a.example/ | A | tags: k8s | one")
    assert run(tmp_path, "write", "--year", "2016")[0] == 1
    assert "--year needs --week" in capsys.readouterr().err


# --- the real fetcher, against a server on loopback only ------------------------------

class Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        pages = {
            "/utf8": ("text/html; charset=utf-8", "<html><head><title>\n  Flannel &amp; VXLAN \n"
                      "</title></head><body><title>not this</title></body></html>".encode()),
            "/gbk": ("text/html", '<meta charset="gbk"><title>云原生</title>'.encode("gbk")),
            "/none": ("text/html", b"<html><body>no title</body></html>"),
            "/pdf": ("application/pdf", b"%PDF-1.4"),
        }
        if self.path not in pages:
            self.send_error(404)
            return
        kind, body = pages[self.path]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_title_reads_the_pages_title(server):
    assert notes.fetch_title(server + "/utf8") == "Flannel & VXLAN"
    assert notes.fetch_title(server + "/gbk") == "云原生"
    assert notes.fetch_title(server + "/none") is None
    assert notes.fetch_title(server + "/pdf") is None
    assert notes.fetch_title(server + "/missing") is None


def test_fetch_title_gives_up_on_a_closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert notes.fetch_title(f"http://127.0.0.1:{port}/", timeout=1) is None


# --- the published week 17 is in the format `make notes` writes ----------------------

def test_make_notes_reproduces_the_published_week_17_from_the_archive(tmp_path):
    """content/reading-notes/2016-week-17.md, rebuilt from its archive.md entries by
    `write`, differs only in its date (the author wrote it on the Friday)."""
    root = notes.ROOT
    archive = (root / notes.ARCHIVE).read_text(encoding="utf-8")
    section = archive.split("## 2016 week 17: reading-notes-2016-week-17 (2016-week-17.md)\n")[1]
    entries = [line for line in section.split("\n## ")[0].splitlines() if line.startswith("- ")]
    assert len(entries) == 7
    write_inbox(tmp_path, *entries)
    assert run(tmp_path, "write", "--week", "17", "--year", "2016")[0] == 0
    made = (tmp_path / "content/reading-notes/2016-week-17.md").read_text(encoding="utf-8")
    published = (root / "content/reading-notes/2016-week-17.md").read_text(encoding="utf-8")
    undated = lambda text: [l for l in text.splitlines() if not l.startswith("date: ")]
    assert undated(made) == undated(published)


@pytest.mark.parametrize("title, link", [
    ("A & B < C", "[A & B < C](https://x.org/)"),           # stored as typed: text, not HTML
    ("Fetched [title] <b>", r"[Fetched \[title\] &lt;b>](https://x.org/)"),  # not a tag
    ("&copy; sign", "[&amp;copy; sign](https://x.org/)"),   # not a character reference
])
def test_titles_are_stored_as_text_and_shown_as_typed(title, link):
    import markdown

    assert notes.markdown_link(title, "https://x.org/") == link
    shown = markdown.markdown(link)
    assert html_text(shown) == title


def html_text(fragment):
    import html as html_lib
    import re as re_lib

    return html_lib.unescape(re_lib.sub(r"<[^>]+>", "", fragment))
