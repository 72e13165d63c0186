"""Mermaid fences in Markdown text: ```mermaid (or ~~~mermaid) ... closing fence."""
import re
from dataclasses import dataclass

OPEN_RE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*mermaid\s*$")


@dataclass
class Fence:
    start: int   # 0-based index of the opening line
    end: int     # 0-based index of the closing line (len(lines) when unclosed)
    text: str    # the diagram
    closed: bool = True


def find_fences(lines):
    """Every mermaid fence of `lines` (a Markdown file's lines), in order. Other fenced
    code is skipped whole, so a mermaid example inside a ```markdown block stays code."""
    out, i = [], 0
    other = re.compile(r"^ {0,3}(`{3,}|~{3,})")
    while i < len(lines):
        m = OPEN_RE.match(lines[i])
        if m:
            fence = m.group("fence")
            close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
            j = i + 1
            while j < len(lines) and not close.match(lines[j]):
                j += 1
            out.append(Fence(i, j, "\n".join(lines[i + 1:j]), j < len(lines)))
            i = j + 1
            continue
        o = other.match(lines[i])
        if o:  # another fenced block: skip to its end
            fence = o.group(1)
            close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
            j = i + 1
            while j < len(lines) and not close.match(lines[j]):
                j += 1
            i = j + 1
            continue
        i += 1
    return out
