"""Split and parse YAML front matter, keeping the line of every key.

Dates stay strings here (YAML would turn `2016-07-19` into a date but leave
`2016-07-19 10:00` a string); `fields.py` parses them all one way, with a
`path:line` error when they are wrong.

Invalid YAML is looked at one top-level key at a time, so every broken line is
reported (not only the first), the keys that are fine can still be checked, and the
most common mistake, a colon in an unquoted value (`title: Docker: the runtime`),
gets a hint to quote it.
"""
import re

import yaml


class FrontMatterError(ValueError):
    """Front matter that cannot be read: `line` and `message` of the first problem;
    `problems`, every (line, message); `partial`, what could be read of it
    ({key: value}, {key: line}, keys whose own lines are broken)."""

    def __init__(self, line: int, message: str, problems=None, partial=None):
        super().__init__(message)
        self.line = line
        self.message = message
        self.problems = list(problems or [(line, message)])
        self.partial = partial or ({}, {}, set())


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


if getattr(yaml, "__with_libyaml__", False):
    class _FastLoader(yaml.CSafeLoader):
        """The same, parsing with libyaml (C): about ten times faster."""

    _FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
else:  # PyYAML built without libyaml
    _FastLoader = _Loader

_FENCE_RE = re.compile(r"^---[ \t]*$")
_CLOSE_RE = re.compile(r"^(---|\.\.\.)[ \t]*$")


def split(text: str):
    """Return (front matter text or None, body, line number of the body's first line)."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or not _FENCE_RE.match(lines[0].rstrip("\r\n")):
        return None, text, 1
    for i in range(1, len(lines)):
        if _CLOSE_RE.match(lines[i].rstrip("\r\n")):
            return "".join(lines[1:i]), "".join(lines[i + 1:]), i + 2
    raise FrontMatterError(1, "front matter opened with '---' is never closed")


def parse(front: str, first_line: int = 2):
    """Parse front matter; return (dict with lowercase keys, {key: line}).

    One pass of libyaml gives the nodes (with their lines) and the values built from
    them. Invalid YAML is parsed again by the pure-Python loader, whose messages and
    marks are the ones users see (libyaml words its errors differently)."""
    loader = _FastLoader(front)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError:
        node = None
        _raise_every_problem(front, first_line)
    finally:
        loader.dispose()
    if node is None:
        return {}, {}
    if not isinstance(node, yaml.MappingNode):
        raise FrontMatterError(first_line, "front matter must be 'key: value' lines")
    lines = {}
    for key_node, _ in node.value:
        lines.setdefault(str(key_node.value).lower(), first_line + key_node.start_mark.line)
    return {str(k).lower(): v for k, v in (data or {}).items()}, lines


_ENTRY_START_RE = re.compile(r"^[^\s#-]|^-[^\s-]")
_KEY_RE = re.compile(r"^([^\s:#'\"][^:#]*?)[ \t]*:(?:[ \t]|$)")
_UNQUOTED_COLON_RE = re.compile(r"^([^\s:#'\"][^:#]*?)[ \t]*:[ \t]+([^'\"\[{|>&*!\s][^#]*?:(?:[ \t]|$).*)$")


def _entries(front):
    """The top-level entries of a front matter: (index of their first line, text),
    an entry being a line at column 0 and the indented, list or comment lines after it."""
    entries = []
    for index, line in enumerate(front.splitlines(keepends=True)):
        if _ENTRY_START_RE.match(line) or not entries:
            entries.append([index, line])
        else:
            entries[-1][1] += line
    return [(index, text) for index, text in entries]


def colon_hint(line: str) -> str:
    """A hint when `line` looks like `key: value` whose value holds an unquoted ": "."""
    match = _UNQUOTED_COLON_RE.match(line.rstrip("\r\n"))
    if not match:
        return ""
    key, value = match.group(1), match.group(2).strip()
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return (f"; the value of '{key}' holds a colon followed by a space, which YAML reads "
            f"as another key: quote the value, {key}: {quoted}")


def _yaml_problem(text, first_line):
    """(line, message) of the first YAML error in text, worded by PyYAML; None if valid."""
    try:
        yaml.compose(text, Loader=_Loader)
        yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        # the context (e.g. the flow list left open) is nearer the mistake than the
        # problem, which YAML often only notices at the end of the block
        mark = e.context_mark or e.problem_mark
        line = first_line + (mark.line if mark else 0)
        what = f"{e.context}: {e.problem}" if e.context else e.problem
        lines = text.splitlines()
        at = mark.line if mark and mark.line < len(lines) else 0
        hint = colon_hint(lines[at]) if lines else ""
        return line, f"front matter is not valid YAML ({what}){hint}"
    except yaml.YAMLError as e:  # a problem without a position
        return first_line, f"front matter is not valid YAML ({e})"
    return None


def _raise_every_problem(front, first_line):
    """FrontMatterError for YAML that libyaml refused: each top-level entry parsed on
    its own, so every broken one is named (and the good ones kept in `partial`)."""
    problems, raw, lines, broken = [], {}, {}, set()
    for index, text in _entries(front):
        key_match = _KEY_RE.match(text)
        key = key_match.group(1).strip().lower() if key_match else None
        problem = _yaml_problem(text, first_line + index)
        if problem is not None:
            problems.append(problem)
            if key:
                broken.add(key)
                lines.setdefault(key, first_line + index)
            continue
        data = yaml.load(text, Loader=_Loader)
        if isinstance(data, dict):
            for k, v in data.items():
                raw.setdefault(str(k).lower(), v)
                lines.setdefault(str(k).lower(), first_line + index)
    if not problems:  # only the whole is wrong (the entries alone are fine)
        problems.append(_yaml_problem(front, first_line) or
                        (first_line, "front matter is not valid YAML (refused by libyaml)"))
    raise FrontMatterError(*problems[0], problems=problems, partial=(raw, lines, broken))
