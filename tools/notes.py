"""Weekly reading notes: links collected in an inbox become "Reading notes of week N".

    python -m tools.notes add URL [--comment C] [--tags a,b] [--title T] [--no-fetch]
    python -m tools.notes write [--week N] [--year Y] [--lang en|zh] [--append] [--no-fetch]

`add` appends one line to content/reading-notes/inbox.md (its header documents the line
format). `write` turns the whole inbox into content/reading-notes/<year>-week-<NN>.md
(`.zh.md` for Chinese), moves the entries to archive.md, and only then empties the inbox.
It never overwrites a week's notes: `--append` adds the new entries to them instead.
A malformed inbox line stops everything with `path:line: message` before anything is
written. Titles missing from the inbox are fetched from the page (5 s timeout); when
that fails, it says so and why, and the URL stands in. Titles are plain text (`A & B`),
in the inbox and in the post. The fetcher is a parameter so tests never touch the
network. Every value is taken as typed (make passes them unexpanded); a line break in
one is refused, since an inbox entry is one line.
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import html.parser
import json
import os
import re
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
NOTES_DIR = Path("content/reading-notes")
INBOX = NOTES_DIR / "inbox.md"
ARCHIVE = NOTES_DIR / "archive.md"
SERIES = "reading-notes"
CATEGORY = "Reading notes"
FETCH_TIMEOUT = 5.0
LINE_FORMAT = "- URL | title | tags: a, b | comment"

INBOX_HEADER = """\
# Reading-notes inbox: links collected this week, published by `make notes`.
#
# One link per line, added with
#     make note URL=https://... COMMENT="why it is worth reading" TAGS=k8s,network [TITLE=...]
# or by hand, in this form:
#     - URL | title | tags: tag1, tag2 | comment
# The title may be left empty ("- URL |  | tags: k8s | comment"): `make notes` then uses the
# page's <title>, or the URL if the page cannot be fetched. Write a "|" inside a title as "\\|";
# the comment is everything after the third "|". Tags are separated by commas and may be
# empty ("tags:"). Lines starting with "#" and blank lines are ignored; any other line
# must be an entry, or `make notes` stops and names the line.
#
# `make notes` (this ISO week; WEEK=17 YEAR=2016 to choose; NOTES_LANG=zh; APPEND=1) writes
# content/reading-notes/<year>-week-<NN>.md, moves the entries to archive.md and leaves
# only this header. This file is not part of the site.
"""

ARCHIVE_HEADER = """\
# Reading-notes archive: inbox entries already published, by week, in the inbox's format
# (with the titles they were published with). `make notes` appends to it; the site
# does not show it.
"""

TEXT = {
    "en": {
        "title": "Reading notes of week {week}",
        "intro": "What I read during week {week} of {year} ({start} to {end}).",
        "other": "Other",
    },
    "zh": {
        "title": "第{week}周阅读笔记",
        "intro": "{year}年第{week}周（{start} 至 {end}）读过的文章。",
        "other": "其他",
    },
}


class NotesError(Exception):
    """A problem the author must fix; the message says where."""


@dataclass
class Entry:
    url: str
    title: str = ""
    tags: list[str] = field(default_factory=list)
    comment: str = ""
    line: int = 0


class TitleUnavailable(Exception):
    """A page's title could not be had; the message says why (for the author)."""


# A fetcher returns the page's title, or None, or raises TitleUnavailable with the reason.
Fetcher = Callable[[str], Optional[str]]


# --- the inbox format -------------------------------------------------------------

URL_RE = re.compile(r"^https?://[^\s/|]+\S*$")
FIELD_SPLIT = re.compile(r"(?<!\\)\|")


def parse_entry(text: str, where: str) -> Entry:
    """One inbox line -> Entry; NotesError naming `where` (path:line) if malformed."""
    def bad(why: str) -> NotesError:
        return NotesError(f"{where}: {why}; expected \"{LINE_FORMAT}\", got: {text.strip()}")

    if not text.startswith("- "):
        raise bad('an entry starts with "- "')
    fields = FIELD_SPLIT.split(text[2:], maxsplit=3)
    if len(fields) < 3:
        raise bad("an entry has at least URL, title and tags, separated by \"|\"")
    url = fields[0].strip()
    if not URL_RE.match(url):
        raise bad(f"not an http(s) URL: {url!r}")
    title = fields[1].strip().replace("\\|", "|")
    tag_field = fields[2].strip()
    if not tag_field.lower().startswith("tags:"):
        raise bad('the third field must start with "tags:"')
    tags = split_tags(tag_field[len("tags:"):])
    comment = fields[3].strip() if len(fields) > 3 else ""
    return Entry(url=url, title=title, tags=tags, comment=comment)


def split_tags(text: str) -> list[str]:
    tags: list[str] = []
    for tag in text.split(","):
        tag = " ".join(tag.split())
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def format_entry(entry: Entry) -> str:
    title = entry.title.replace("|", "\\|")
    line = f"- {entry.url} | {title} | tags: {', '.join(entry.tags)}"
    if entry.comment:
        line += f" | {entry.comment}"
    return line


def parse_inbox(text: str, path: str) -> list[Entry]:
    """Every entry of the inbox; the first malformed line or duplicate URL is an error."""
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        entry = parse_entry(stripped, f"{path}:{number}")
        entry.line = number
        if entry.url in seen:
            raise NotesError(f"{path}:{number}: {entry.url} is already in the inbox "
                             f"at line {seen[entry.url]}")
        seen[entry.url] = number
        entries.append(entry)
    return entries


def inbox_header(text: str) -> str:
    """The comment lines at the top of the inbox (kept when it is emptied)."""
    lines = []
    for line in text.splitlines(keepends=True):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        lines.append(line)
    header = "".join(lines).rstrip("\n")
    return (header + "\n") if header else INBOX_HEADER


# --- titles from the web --------------------------------------------------------------

class _TitleParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_title = False
        self.done = False
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "title" and not self.done:
            self.in_title = True

    def handle_endtag(self, tag):
        if tag == "title" and self.in_title:
            self.in_title = False
            self.done = True

    def handle_data(self, data):
        if self.in_title:
            self.parts.append(data)


def title_from_html(body: bytes, charset: Optional[str] = None) -> Optional[str]:
    """The text of the first <title>, whitespace collapsed; None if there is none."""
    if not charset:
        meta = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", body[:4096], re.I)
        charset = meta.group(1).decode("ascii") if meta else "utf-8"
    try:
        text = body.decode(charset, errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    parser = _TitleParser()
    parser.feed(text)
    title = " ".join("".join(parser.parts).split())
    return title or None


def read_title(url: str, timeout: float = FETCH_TIMEOUT) -> str:
    """The page's <title>; TitleUnavailable saying why when it cannot be had in time."""
    request = urllib.request.Request(url, headers={"User-Agent": "reading-notes/1.0"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            kind = response.headers.get_content_type()
            if "html" not in kind:
                raise TitleUnavailable(f"the page is {kind}, not HTML")
            body = response.read(512 * 1024)
            title = title_from_html(body, response.headers.get_content_charset())
    except TitleUnavailable:
        raise
    except urllib.error.HTTPError as error:
        raise TitleUnavailable(f"the server answered HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        reason = error.reason
        why = getattr(reason, "strerror", None) or str(reason)
        raise TitleUnavailable(f"cannot connect: {why}") from None
    except (TimeoutError, OSError) as error:
        if isinstance(error, TimeoutError) or "timed out" in str(error):
            raise TitleUnavailable(f"no answer within {timeout:g} s") from None
        raise TitleUnavailable(str(error)) from None
    except Exception as error:  # a broken page or server must not stop the notes
        raise TitleUnavailable(f"{type(error).__name__}: {error}") from None
    if not title:
        raise TitleUnavailable("the page has no <title>")
    return title


def fetch_title(url: str, timeout: float = FETCH_TIMEOUT) -> Optional[str]:
    """The page's <title>, or None when it cannot be had within the timeout."""
    try:
        return read_title(url, timeout)
    except TitleUnavailable:
        return None


def title_or_reason(url: str, fetch: Fetcher) -> tuple[Optional[str], str]:
    """(title, "") from `fetch`, or (None, why it has none)."""
    try:
        title = fetch(url)
    except TitleUnavailable as error:
        return None, str(error)
    title = " ".join((title or "").split())
    return (title, "") if title else (None, "no title found")


def warn(message: str) -> None:
    print(f"notes: {message}", file=sys.stderr)


def no_fetch(url: str) -> Optional[str]:
    raise TitleUnavailable("not fetched: --no-fetch")


# --- ISO weeks ------------------------------------------------------------------------

def weeks_in_year(year: int) -> int:
    return dt.date(year, 12, 28).isocalendar()[1]


def week_days(year: int, week: int) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of ISO week `week` of ISO year `year`."""
    if not 1 <= year <= 9998:
        raise NotesError(f"year {year} is out of range")
    last = weeks_in_year(year)
    if not 1 <= week <= last:
        raise NotesError(f"week {week} does not exist: ISO year {year} has weeks 1 to {last}")
    monday = dt.date.fromisocalendar(year, week, 1)
    return monday, monday + dt.timedelta(days=6)


def choose_week(week: Optional[int], year: Optional[int], today: dt.date) -> tuple[int, int]:
    """(ISO year, week): the current ISO week by default; --week alone means this ISO year."""
    this_year, this_week, _ = today.isocalendar()
    if week is None:
        if year is not None:
            raise NotesError("--year needs --week (make notes WEEK=17 YEAR=2016)")
        return this_year, this_week
    return (this_year if year is None else year), week


def post_date(year: int, week: int, now: dt.datetime) -> str:
    """The date the notes are written if that is in their week, else the week's Sunday."""
    monday, sunday = week_days(year, week)
    if monday <= now.date() <= sunday:
        return now.strftime("%Y-%m-%d %H:%M")
    if now.date() < monday:
        raise NotesError(f"week {week} of {year} has not started yet (it starts on {monday})")
    return sunday.isoformat()


# --- the post -----------------------------------------------------------------------

def yaml_scalar(value: str) -> str:
    """A YAML scalar for `value`: plain when safe, else a double-quoted (JSON) string."""
    if re.fullmatch(r"[\w\u0080-\uffff][\w\u0080-\uffff .+/-]*", value) and \
            not re.fullmatch(r"(?i)(true|false|yes|no|on|off|null|~|[-+]?[\d.]+)", value) \
            and not value.endswith(" "):
        return value
    return json.dumps(value, ensure_ascii=False)


def yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(yaml_scalar(v) for v in values) + "]"


def slug_for(year: int, week: int) -> str:
    return f"{SERIES}-{year}-week-{week:02d}"


def post_path(year: int, week: int, lang: str) -> Path:
    suffix = ".md" if lang == "en" else f".{lang}.md"
    return NOTES_DIR / f"{year}-week-{week:02d}{suffix}"


def markdown_link(title: str, url: str) -> str:
    """A Markdown link showing `title` as the text it is: Markdown syntax escaped; `&`
    and `<` stay as they are (Markdown shows them as such), except where they would
    read as a character reference (`&copy;`) or start a tag (`<b>`)."""
    text = re.sub(r"&(?=#?\w+;)", "&amp;", title.replace("\\", "\\\\"))
    text = re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)
    text = re.sub(r"([\[\]*_`])", r"\\\1", text)
    target = f"<{url}>" if re.search(r"[()<>\s]", url) else url
    return f"[{text}]({target})"


def entry_markdown(entry: Entry) -> str:
    line = "- " + markdown_link(entry.title or entry.url, entry.url)
    if entry.comment:
        line += " — " + entry.comment
    return line


def gather_tags(entries: list[Entry]) -> list[str]:
    tags: list[str] = []
    for entry in entries:
        for tag in entry.tags:
            if tag not in tags:
                tags.append(tag)
    return tags


def group_by_tag(entries: list[Entry], lang: str) -> list[tuple[str, list[Entry]]]:
    """Sections in order of first appearance; an entry goes under its first tag."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        heading = entry.tags[0] if entry.tags else TEXT[lang]["other"]
        groups.setdefault(heading, []).append(entry)
    return list(groups.items())


def render_post(entries: list[Entry], year: int, week: int, lang: str, date: str) -> str:
    text = TEXT[lang]
    monday, sunday = week_days(year, week)
    front = [
        "---",
        f"title: {yaml_scalar(text['title'].format(week=week))}",
        f"date: {date}",
        f"lang: {lang}",
        f"slug: {slug_for(year, week)}",
        f"tags: {yaml_list(gather_tags(entries))}",
        f"category: {CATEGORY}",
        f"series: {SERIES}",
        "---",
        "",
        text["intro"].format(week=week, year=year, start=monday, end=sunday),
        "",
        "<!-- more -->",
    ]
    body = []
    for heading, group in group_by_tag(entries, lang):
        body += ["", f"## {heading}", ""] + [entry_markdown(e) for e in group]
    return "\n".join(front + body) + "\n"


def append_to_post(post: str, entries: list[Entry], lang: str, where: str) -> tuple[str, list[Entry]]:
    """The post with `entries` added under their tags (new sections at the end), its
    front matter's tags merged; entries whose URL the post already links are skipped."""
    match = re.match(r"---\n(.*?\n)---\n", post, re.S)
    if not match:
        raise NotesError(f"{where}:1: no front matter (--- ... ---) to append to")
    front, body = match.group(1), post[match.end():]
    fresh = [e for e in entries if f"]({e.url})" not in post and f"](<{e.url}>)" not in post]
    if not fresh:
        return post, []

    tag_line = re.search(r"^tags:[ \t]*(.*)$", front, re.M)
    old_tags: list[str] = []
    if tag_line:
        import yaml  # only needed to read the existing tags back

        try:
            loaded = yaml.safe_load(tag_line.group(1)) or []
        except yaml.YAMLError as error:
            raise NotesError(f"{where}: cannot read its tags: {error}") from None
        old_tags = [str(t) for t in (loaded if isinstance(loaded, list) else [loaded])]
    merged = old_tags + [t for t in gather_tags(fresh) if t not in old_tags]
    new_line = f"tags: {yaml_list(merged)}"
    front = (front[:tag_line.start()] + new_line + front[tag_line.end():]) if tag_line \
        else front + new_line + "\n"

    lines = body.rstrip("\n").split("\n")
    for heading, group in group_by_tag(fresh, lang):
        new = [entry_markdown(e) for e in group]
        try:
            start = lines.index(f"## {heading}")
        except ValueError:
            lines += ["", f"## {heading}", ""] + new
            continue
        end = start + 1
        while end < len(lines) and not lines[end].startswith("#"):
            end += 1
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        lines[end:end] = new
    return "---\n" + front + "---\n" + "\n".join(lines) + "\n", fresh


# --- files --------------------------------------------------------------------------

def write_atomic(path: Path, text: str, exclusive: bool = False) -> None:
    """Write via a temp file in the same folder; `exclusive` refuses an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        if exclusive:
            try:
                os.link(tmp, path)  # fails if path exists: never overwrite
            except FileExistsError:
                raise NotesError(f"{path} already exists; not overwritten") from None
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


# --- commands -----------------------------------------------------------------------

# add()'s values: how the author names them (make variable, option)
ADD_FIELDS = {"url": ("URL", "url"), "comment": ("COMMENT", "--comment"),
              "tags": ("TAGS", "--tags"), "title": ("TITLE", "--title")}


def refuse_line_breaks(**values: str) -> None:
    """NotesError naming the first value (by its make variable and option) holding a
    line break: an inbox entry is one line, and joining the lines silently would store
    something other than what was typed."""
    for key, value in values.items():
        if re.search(r"[\r\n\v\f\x85\u2028\u2029]", value or ""):
            name, option = ADD_FIELDS[key]
            raise NotesError(f"{name} ({option}) contains a line break; an inbox entry is one "
                             f"line: write it on one line. Got: {value!r}")


def add(root: Path, url: str, comment: str = "", tags: str = "", title: str = "",
        fetch: Fetcher = read_title) -> str:
    """Append one entry to the inbox; returns the line written."""
    refuse_line_breaks(url=url, comment=comment, tags=tags, title=title)
    url = url.strip()
    if not url:
        raise NotesError("no URL given: make note URL=https://... COMMENT=\"...\" TAGS=a,b")
    if not URL_RE.match(url):
        raise NotesError(f"not an http(s) URL: {url!r}")
    inbox = root / INBOX
    text = read_text(inbox)
    entries = parse_inbox(text, str(INBOX))
    for entry in entries:
        if entry.url == url:
            raise NotesError(f"{INBOX}:{entry.line}: {url} is already in the inbox")
    tag_list = split_tags(tags)
    if any("|" in t for t in tag_list):
        raise NotesError(f"a tag cannot contain \"|\": {tags!r}")
    title = " ".join(title.split())
    if not title:
        title, why = title_or_reason(url, fetch)
        title = title or ""
        if not title:
            warn(f"could not fetch the title of {url} ({why}); stored without one "
                 "(make notes tries again, and shows the URL if it still fails; "
                 "TITLE=... or editing the inbox line sets it)")
    entry = Entry(url=url, title=title, tags=tag_list, comment=" ".join(comment.split()))
    line = format_entry(entry)
    if not text:
        text = INBOX_HEADER + "\n"
    elif not text.endswith("\n"):
        text += "\n"
    write_atomic(inbox, text + line + "\n")
    return line


def existing_posts(root: Path, year: int, week: int) -> list[Path]:
    return [post_path(year, week, lang) for lang in TEXT
            if (root / post_path(year, week, lang)).exists()]


def write(root: Path, now: dt.datetime, week: Optional[int] = None, year: Optional[int] = None,
          lang: str = "en", append: bool = False, fetch: Fetcher = read_title) -> tuple[Path, int]:
    """Publish the inbox as a week's notes; returns (post path, entries added)."""
    if lang not in TEXT:
        raise NotesError(f"unknown language {lang!r}: use one of {', '.join(TEXT)}")
    year, week = choose_week(week, year, now.date())
    date = post_date(year, week, now)  # also validates the week
    inbox = root / INBOX
    inbox_text = read_text(inbox)
    entries = parse_inbox(inbox_text, str(INBOX))
    if not entries:
        raise NotesError(f"{INBOX} has no entries: nothing to publish "
                         "(add some with make note URL=...)")

    existing = existing_posts(root, year, week)
    if existing and not append:
        raise NotesError(f"{existing[0]} already exists (the notes of week {week} of {year}); "
                         "not overwritten. APPEND=1 (--append) adds the inbox's entries to it")

    for entry in entries:
        if not entry.title:
            title, why = title_or_reason(entry.url, fetch)
            if title is None:
                warn(f"{INBOX}:{entry.line}: could not fetch the title of {entry.url} ({why}); "
                     "the URL stands in as its title (write one in the inbox line to choose it)")
            entry.title = title or entry.url

    if existing:
        target = post_path(year, week, lang)
        target = target if target in existing else existing[0]
        current = read_text(root / target)
        post, added = append_to_post(current, entries, lang, str(target))
        if added:
            write_atomic(root / target, post)
    else:
        target = post_path(year, week, lang)
        added = entries
        write_atomic(root / target, render_post(entries, year, week, lang, date), exclusive=True)

    archive = root / ARCHIVE
    archived = read_text(archive) or ARCHIVE_HEADER
    archived = archived.rstrip("\n") + "\n\n" + \
        f"## {year} week {week:02d}: {slug_for(year, week)} ({target.name})\n\n" + \
        "\n".join(format_entry(e) for e in entries) + "\n"
    write_atomic(archive, archived)
    write_atomic(inbox, inbox_header(inbox_text))
    return target, len(added)


def optional_int(name: str, text: Optional[str]) -> Optional[int]:
    """An int option that may be given empty (make passes every variable, set or not)."""
    if text is None or not text.strip():
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise NotesError(f"{name} must be a number, got {text!r}") from None


def yes(text: Optional[str]) -> bool:
    """APPEND=1 / --append: set and not a "no" word."""
    return bool(text and text.strip()) and text.strip().lower() not in ("0", "no", "false", "off")


def main(argv: Optional[list[str]] = None, *, root: Path = ROOT,
         now: Optional[dt.datetime] = None, fetch: Fetcher = read_title) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.notes", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_add = sub.add_parser("add", help="add a link to the inbox")
    p_add.add_argument("url")
    p_add.add_argument("--comment", default="")
    p_add.add_argument("--tags", default="", help="comma separated, e.g. k8s,network")
    p_add.add_argument("--title", default="", help="default: the page's <title>, fetched")
    p_add.add_argument("--no-fetch", action="store_true", help="do not fetch titles")
    p_write = sub.add_parser("write", help="publish the inbox as a week's reading notes")
    p_write.add_argument("--week", help="ISO week (default: this week)")
    p_write.add_argument("--year", help="ISO year of --week (default: this one)")
    p_write.add_argument("--lang", default="", help=f"{' or '.join(sorted(TEXT))} (default: en)")
    p_write.add_argument("--append", nargs="?", const="1", default="",
                         help="add to that week's notes (an empty value means no)")
    p_write.add_argument("--no-fetch", action="store_true", help="do not fetch titles")
    args = parser.parse_args(argv)
    if args.no_fetch:
        fetch = no_fetch
    try:
        if args.command == "add":
            line = add(root, args.url, args.comment, args.tags, args.title, fetch=fetch)
            print(f"{INBOX}: {line}")
        else:
            target, count = write(root, now or dt.datetime.now(),
                                  optional_int("WEEK (--week)", args.week),
                                  optional_int("YEAR (--year)", args.year),
                                  args.lang.strip() or "en", yes(args.append), fetch=fetch)
            if count:
                print(target)
            else:
                print(f"{target}: already links every inbox entry; nothing added "
                      "(entries moved to the archive)", file=sys.stderr)
                print(target)
    except NotesError as error:
        print(f"notes: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"notes: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
