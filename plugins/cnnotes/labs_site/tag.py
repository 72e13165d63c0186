"""The `{% lab NAME STEP [output] %}` tag: a lab block's commands, taken from lab.md so
the post cannot drift from what the harness runs, and optionally the output the last
run recorded. Pure functions shared by the Markdown extension (which renders) and the
content check (which reports a bad tag at path:line), so the two cannot disagree."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import BashLexer, BashSessionLexer, TextLexer

from cnnotes.front_matter.fences import outside_code
from cnnotes.labs_site import caption

TAG_RE = re.compile(r"^ {0,3}\{%\s*lab(?:\s+(?P<args>.*?))?\s*%\}\s*$")


class TagError(ValueError):
    """A tag that cannot be rendered; the message says why and how to fix it."""


@dataclass(frozen=True)
class LabTag:
    lab: str
    step: str
    output: bool


def find_tags(lines):
    """(index, args) for each line that is a lab tag, outside fenced code."""
    for i, line in outside_code(lines):
        t = TAG_RE.match(line)
        if t:
            yield i, (t.group("args") or "").strip()


def parse(args: str, labs: dict) -> LabTag:
    """Check a tag against the labs; raise TagError naming what is wrong."""
    words = args.split()
    if len(words) < 2 or len(words) > 3 or (len(words) == 3 and words[2] != "output"):
        raise TagError(f"lab tag: write {{% lab NAME STEP %}} or {{% lab NAME STEP output %}}, "
                       f"not {{% lab {args} %}}")
    name, step = words[0], words[1]
    info = labs.get(name)
    if info is None:
        known = ", ".join(sorted(labs)) or "none"
        raise TagError(f"unknown lab {name!r} (labs: {known})")
    if info.lab is None:
        raise TagError(f"lab {name!r} cannot be read: {info.error}")
    if info.step(step) is None:
        steps = ", ".join(b.name for b in info.lab.blocks)
        raise TagError(f"lab {name!r} has no step {step!r} (steps: {steps})")
    return LabTag(name, step, len(words) == 3)


def commands(block) -> str:
    """What a reader types: a transcript block's `$ ` commands, or a script block."""
    if block.is_transcript:
        return "\n".join(c.text for c in block.commands)
    return block.source


def recorded_output(info, block):
    """(text, stale) of the output the last run recorded for this block; stale when the
    block's source changed since that run."""
    cell = info.recorded_cell(block.name)
    if cell is None or not cell.get("outputs"):
        return None, False
    text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
    return text, cell.source != commands(block)


def _code(text, lexer, css_class, extra=""):
    formatter = HtmlFormatter(cssclass=f"{css_class}{extra}", wrapcode=True)
    return highlight(text or " ", lexer, formatter)


def render(tag: LabTag, labs: dict, css_class="highlight", base="/labs/", lang="en") -> str:
    """The step's commands (with the recorded output when asked) and a caption; `base`
    is the URL of the Labs pages in the caption's language (caption.labs_url)."""
    info = labs[tag.lab]
    block = info.step(tag.step)
    parts = [f'<figure class="lab-step" data-summary="skip" data-lab="{html.escape(tag.lab)}" '
             f'data-step="{html.escape(tag.step)}">']
    out, stale = recorded_output(info, block) if tag.output else (None, False)
    if tag.output and out and block.is_transcript:
        parts.append(_code(out, BashSessionLexer(), css_class))
    else:
        parts.append(_code(commands(block), BashLexer(), css_class))
        if tag.output and out:
            parts.append(_code(out, TextLexer(), css_class, " lab-step__output"))
    note = "no-output" if tag.output and not out else "stale" if stale else ""
    parts.append(caption.step(tag.lab, tag.step, note, lang, base))
    parts.append("</figure>")
    return "\n".join(parts)
