"""Which Markdown lines are fenced code, for the plugins that find `{% %}` tags in a
post's lines: a tag written inside a code block is an example, not a tag."""
import re

FENCE_RE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")


class Fences:
    """Fed the lines in order, says which belong to fenced code (the fences included).
    A fence closes with the same character, at least as long, and nothing else."""

    def __init__(self):
        self.open = None  # the opening fence while inside code

    def in_code(self, line: str) -> bool:
        m = FENCE_RE.match(line)
        if self.open:
            fence = m and m.group("fence")
            if fence and fence[0] == self.open[0] and len(fence) >= len(self.open) \
                    and not line.strip().strip(self.open[0]):
                self.open = None
            return True
        if m:
            self.open = m.group("fence")
            return True
        return False


def outside_code(lines):
    """(index, line) for each line that is not fenced code."""
    fences = Fences()
    for i, line in enumerate(lines):
        if not fences.in_code(line):
            yield i, line
