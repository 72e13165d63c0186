"""The `{% labrecord NAME %} … {% endlabrecord %}` block: Markdown (usually a table) whose
`{{ KEY }}` placeholders are filled from the lab's committed record.json, with a caption
that says which lab measured it and when. The post writes its own row labels (in its own
language); the numbers come from the last run, so they cannot drift from it.

    {% labrecord goperf %}
    | Conversion | ns/op | allocs/op |
    | --- | ---: | ---: |
    | []byte → string, copy | {{ bytes_to_string_copy_ns_per_op }} | {{ bytes_to_string_copy_allocs_per_op }} |
    {% endlabrecord %}

KEY is a measurement (`lab_record KEY VALUE`); a dotted KEY reads the record itself
(`{{ host.kernel }}`, `{{ versions.golang-go }}`). Values are shown as recorded.
Pure functions shared by the Markdown extension (which renders) and the content check
(which reports problems at path:line), so the two cannot disagree."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from markdown import Markdown

from cnnotes.labs_site import caption
from cnnotes.front_matter.fences import Fences

OPEN_RE = re.compile(r"^ {0,3}\{%\s*labrecord(?:\s+(?P<args>.*?))?\s*%\}\s*$")
CLOSE_RE = re.compile(r"^ {0,3}\{%\s*endlabrecord\s*%\}\s*$")
KEY_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
USAGE = "write {% labrecord NAME %}, the Markdown with {{ KEY }} placeholders, then {% endlabrecord %}"


@dataclass
class Block:
    start: int          # index of the opening line
    end: int | None     # index of the closing line; None when missing
    args: str

    @property
    def lab(self) -> str:
        return self.args.split()[0] if self.args.split() else ""


def find_blocks(lines):
    """(blocks, errors): every labrecord block outside fenced code, and (index, message)
    for a closing line without an opening one."""
    blocks, errors, fences, current = [], [], Fences(), None
    for i, line in enumerate(lines):
        if current is None and fences.in_code(line):  # inside a block, fences are its text
            continue
        opening, closing = OPEN_RE.match(line), CLOSE_RE.match(line)
        if opening:
            if current is not None:
                errors.append((current.start, f"{{% labrecord {current.args} %}} has no {{% endlabrecord %}}"))
            current = Block(i, None, (opening.group("args") or "").strip())
            blocks.append(current)
        elif closing:
            if current is None:
                errors.append((i, "{% endlabrecord %} without {% labrecord NAME %} before it"))
            else:
                current.end, current = i, None
    if current is not None:
        errors.append((current.start, f"{{% labrecord {current.args} %}} has no {{% endlabrecord %}}"))
    return blocks, errors


def lookup(record: dict, key: str):
    """The value of KEY: a measurement, or a dotted path into the record; KeyError if none."""
    if "." not in key:
        return record.get("measurements", {})[key]
    value = record
    for part in key.split("."):
        if not isinstance(value, dict):
            raise KeyError(key)
        value = value[part]
    if isinstance(value, (dict, list)):
        raise KeyError(key)
    return value


def check(block: Block, lines, labs: dict):
    """(index, message) for each problem of one block: its arguments, its lab, its record,
    each placeholder naming nothing recorded."""
    words = block.args.split()
    if len(words) != 1:
        return [(block.start, f"labrecord: {USAGE}, not {{% labrecord {block.args} %}}")]
    info = labs.get(block.lab)
    if info is None:
        return [(block.start, f"unknown lab {block.lab!r} (labs: {', '.join(sorted(labs)) or 'none'})")]
    measurements = (info.record or {}).get("measurements")
    if not measurements:
        return [(block.start, f"lab {block.lab!r} has no recorded measurements: run `make lab-{block.lab}` "
                              f"and commit labs/{block.lab}/record.json")]
    if block.end is None:
        return []  # reported by find_blocks
    body = range(block.start + 1, block.end)
    if not any(lines[i].strip() for i in body):
        return [(block.start, f"labrecord {block.lab}: nothing between the tags; {USAGE}")]
    errors = []
    for i in body:
        for key in KEY_RE.findall(lines[i]):
            try:
                lookup(info.record, key)
            except KeyError:
                errors.append((i, f"lab {block.lab!r} recorded no {key!r} "
                                  f"(measurements: {', '.join(measurements)})"))
    return errors


def render(block: Block, lines, labs: dict, base="/labs/", lang="en") -> str:
    """The block's Markdown with the recorded values, in a figure with its caption."""
    info = labs[block.lab]
    record = info.record
    values = []

    def token(m):
        values.append(html.escape(str(lookup(record, m.group(1)))))
        return f"labrecordvalue{len(values) - 1}x"

    text = "\n".join(KEY_RE.sub(token, lines[i]) for i in range(block.start + 1, block.end))
    body = Markdown(extensions=["tables"], output_format="html5").convert(text)
    body = re.sub(r"labrecordvalue(\d+)x", lambda m: values[int(m.group(1))], body)
    notes = " ".join(n for n, on in (("changed", info.changed),
                                     ("failed", record.get("status") != "passed")) if on)
    return (f'<figure class="lab-record" data-summary="skip" data-lab="{html.escape(block.lab)}">\n'
            f"{body}\n{caption.record(block.lab, str(record.get('date', '')), notes, lang, base)}\n"
            f"</figure>")
