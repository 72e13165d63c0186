"""Split and parse YAML front matter, keeping the line of every key.

Dates stay strings here (YAML would turn `2016-07-19` into a date but leave
`2016-07-19 10:00` a string); `fields.py` parses them all one way, with a
`path:line` error when they are wrong.
"""
import re

import yaml


class FrontMatterError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


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
        _compose_for_error(front, first_line)
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


def _compose_for_error(front, first_line):
    """Raise FrontMatterError for YAML that libyaml refused, worded by PyYAML."""
    try:
        yaml.compose(front, Loader=_Loader)
        yaml.load(front, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        # the context (e.g. the flow list left open) is nearer the mistake than the
        # problem, which YAML often only notices at the end of the block
        mark = e.context_mark or e.problem_mark
        line = first_line + (mark.line if mark else 0)
        what = f"{e.context}: {e.problem}" if e.context else e.problem
        raise FrontMatterError(line, f"front matter is not valid YAML ({what})") from None
    except yaml.YAMLError as e:  # a problem without a position
        raise FrontMatterError(first_line, f"front matter is not valid YAML ({e})") from None
    raise FrontMatterError(first_line, "front matter is not valid YAML (refused by libyaml)")
