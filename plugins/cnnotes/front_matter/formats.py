"""The metadata formats other blog tools write, each turned into the same plain data.

A post moved in from Hexo, Jekyll, Hugo or Pelican keeps its metadata as its old
tool wrote it. `read_metadata(text)` recognises the format from the file's first
line and returns a `Metadata`: the raw dict (lowercase keys, dates as strings), the
line of every key (for `path:line` errors), the body and the body's first line:

- `---` YAML (Hexo, Jekyll, Hugo, this site): yaml_meta.py, as before;
- `+++` TOML (Hugo), read with the standard library's tomllib;
- a JSON object (Hugo's JSON front matter), followed by the body;
- Pelican's Markdown metadata, `Key: value` lines up to the first blank line;
- YAML whose opening `---` is missing (a file starting `title: ...` and closing
  with `---`): Hugo publishes those broken; here they are read as YAML, with a
  notice saying what to fix.

Each format raises FrontMatterError(line, message) for what it cannot read.
"""
import datetime
import json
import re
import tomllib
from dataclasses import dataclass, field

from .yaml_meta import FrontMatterError, parse, split

# a Pelican metadata line: `Title: x`, `Tags: a, b` (keys as Python-Markdown's meta reads them)
PELICAN_LINE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*:(\s|$)")
PELICAN_CONTINUATION_RE = re.compile(r"^( {4,}|\t)\S")
# a line YAML front matter may hold: a key, a list item, an indented continuation, a comment
YAML_LINE_RE = re.compile(r"^([A-Za-z_][\w -]*:(\s|$)|\s*-\s|\s+\S|#)")
TOML_KEY_RE = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")
TOML_TABLE_RE = re.compile(r"^\s*\[")
UNFENCED_SEARCH_LINES = 60  # how far to look for the closing `---` of an unfenced front matter


@dataclass
class Metadata:
    """A file's metadata as its format wrote it, and where its body starts."""
    raw: dict
    lines: dict
    body: str
    body_line: int
    format: str
    notices: list = field(default_factory=list)  # [(line, message)]: repaired, not refused


def read_metadata(text: str):
    """The Metadata of a Markdown file's text, or None when it starts with none of the
    formats. Raises FrontMatterError(line, message) for a format it cannot read."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0].rstrip("\r")
    if re.fullmatch(r"---[ \t]*", first):
        front, body, body_line = split(text)
        raw, lines = parse(front)
        return Metadata(raw, lines, body, body_line, "yaml")
    if re.fullmatch(r"\+\+\+[ \t]*", first):
        return read_toml(text)
    if first.lstrip().startswith("{"):
        return read_json(text)
    unfenced = read_unfenced_yaml(text)
    if unfenced is not None:
        return unfenced
    if PELICAN_LINE_RE.match(first):
        return read_pelican(text)
    return None


def read_toml(text: str) -> Metadata:
    """Hugo's `+++` TOML front matter."""
    lines = text.splitlines(keepends=True)
    for end in range(1, len(lines)):
        if re.fullmatch(r"\+\+\+[ \t]*", lines[end].rstrip("\r\n")):
            break
    else:
        raise FrontMatterError(1, "front matter opened with '+++' is never closed")
    front = "".join(lines[1:end])
    try:
        data = tomllib.loads(front)
    except tomllib.TOMLDecodeError as e:
        line = 2 + (_toml_error_line(str(e)) - 1 if _toml_error_line(str(e)) else 0)
        raise FrontMatterError(line, f"front matter is not valid TOML ({_toml_problem(e)})") from None
    key_lines = {}
    in_table = False
    for number, line in enumerate(lines[1:end], 2):
        if TOML_TABLE_RE.match(line):
            in_table = True  # keys of [params] and the like are not top-level keys
        m = TOML_KEY_RE.match(line)
        if m and not in_table:
            key_lines.setdefault((m.group(1) or m.group(2) or m.group(3)).lower(), number)
    raw = {str(k).lower(): _plain(v) for k, v in data.items()}
    return Metadata(raw, key_lines, "".join(lines[end + 1:]), end + 2, "toml")


def _toml_error_line(message: str):
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None


def _toml_problem(error) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error)) or "invalid"


def _plain(value):
    """TOML dates and times as the strings YAML front matter gives (fields.py parses them)."""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def read_json(text: str) -> Metadata:
    """Hugo's JSON front matter: one JSON object, then the body."""
    start = text.index("{")
    try:
        data, end = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as e:
        raise FrontMatterError(e.lineno, f"front matter is not valid JSON ({e.msg})") from None
    if not isinstance(data, dict):
        raise FrontMatterError(1, "front matter must be a JSON object")
    head = text[:end]
    key_lines = {}
    for key in data:
        m = re.search(r'"%s"\s*:' % re.escape(json.dumps(key)[1:-1]), head)
        key_lines[str(key).lower()] = head.count("\n", 0, m.start()) + 1 if m else 1
    rest = text[end:]
    newline = rest.find("\n")
    body = rest[newline + 1:] if newline >= 0 else ""
    body_line = head.count("\n") + (2 if newline >= 0 else 1)
    return Metadata({str(k).lower(): v for k, v in data.items()}, key_lines, body, body_line, "json")


def read_pelican(text: str) -> Metadata:
    """Pelican's Markdown metadata: `Key: value` lines up to the first blank line; a line
    indented by four spaces continues the value before it (Python-Markdown's meta)."""
    lines = text.splitlines(keepends=True)
    raw, key_lines = {}, {}
    key = None
    end = len(lines)
    for i, line in enumerate(lines):
        stripped = line.rstrip("\r\n")
        if not stripped.strip():
            end = i + 1
            break
        if PELICAN_LINE_RE.match(stripped):
            key, _, value = stripped.partition(":")
            key = key.strip().lower()
            raw[key] = value.strip()
            key_lines.setdefault(key, i + 1)
        elif key and PELICAN_CONTINUATION_RE.match(stripped):
            raw[key] = (raw[key] + " " + stripped.strip()).strip()
        else:
            end = i
            break
    return Metadata(raw, key_lines, "".join(lines[end:]), end + 1, "pelican")


def read_unfenced_yaml(text: str):
    """A YAML front matter that lacks its opening `---`: `key: value` lines from the first
    line to a `---` line, with a `title`. None when the text is not one."""
    lines = text.splitlines(keepends=True)
    for end, line in enumerate(lines[:UNFENCED_SEARCH_LINES]):
        stripped = line.rstrip("\r\n")
        if re.fullmatch(r"---[ \t]*", stripped):
            break
        if stripped.strip() and not YAML_LINE_RE.match(stripped):
            return None
    else:
        return None
    if end == 0:
        return None
    try:
        raw, key_lines = parse("".join(lines[:end]), first_line=1)
    except FrontMatterError:
        return None  # not YAML after all: let the other readers say what is wrong
    if "title" not in raw:
        return None
    notice = (1, "front matter lacks its opening '---' line; read as YAML "
                 "(add '---' as the first line)")
    return Metadata(raw, key_lines, "".join(lines[end + 1:]), end + 2, "yaml", [notice])
