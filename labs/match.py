"""Compare a command's normalized output with the expected lines of a transcript block,
as cram does: literal lines, ` (re)` and ` (glob)` lines, and `...` for any lines."""
from __future__ import annotations

import difflib
import fnmatch
import re
from functools import lru_cache


def clean(lines):
    """Trailing spaces and trailing blank lines never matter (editors strip them)."""
    out = [l.rstrip() for l in lines]
    while out and not out[-1]:
        out.pop()
    return out


@lru_cache(maxsize=1024)
def _glob(pattern: str):
    # only * and ? are special; [ ] are literal
    parts = []
    for ch in pattern:
        parts.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
    return re.compile("".join(parts), re.S)


def line_matches(expected: str, actual: str) -> bool:
    if expected == actual:
        return True
    if expected.endswith(" (re)"):
        try:
            return re.fullmatch(expected[:-5], actual) is not None
        except re.error:
            return False
    if expected.endswith(" (glob)"):
        return _glob(expected[:-7]).fullmatch(actual) is not None
    return False


def output_matches(expected, actual, alternative=None) -> bool:
    """`alternative`: a second reading of the same lines (numbers not taken for pids);
    an expected line matches if it matches either reading of its line."""
    exp, act = clean(expected), clean(actual)
    alt = clean(alternative) if alternative is not None else None
    if alt is not None and len(alt) != len(act):
        alt = None
    memo = {}

    def line_ok(e, j):
        return line_matches(e, act[j]) or (alt is not None and alt[j] != act[j] and line_matches(e, alt[j]))

    def m(i, j):
        key = (i, j)
        if key in memo:
            return memo[key]
        if i == len(exp):
            r = j == len(act)
        elif exp[i].strip() == "...":
            r = m(i + 1, j) or (j < len(act) and m(i, j + 1))
        else:
            r = j < len(act) and line_ok(exp[i], j) and m(i + 1, j + 1)
        memo[key] = r
        return r

    import sys
    old = sys.getrecursionlimit()
    if len(exp) + len(act) > old // 3:
        sys.setrecursionlimit(max(old, 3 * (len(exp) + len(act)) + 100))
    try:
        return m(0, 0)
    finally:
        sys.setrecursionlimit(old)


def diff(expected, actual) -> str:
    """A unified diff for the report; lines that matched by (re)/(glob) are shown as equal."""
    exp, act = clean(expected), clean(actual)
    shown = []
    j = 0
    for e in exp:      # substitute the actual line where a pattern line matched it in place
        if j < len(act) and e != act[j] and line_matches(e, act[j]):
            shown.append(act[j])
        else:
            shown.append(e)
        j += 1
    return "\n".join(difflib.unified_diff(shown, act, "expected", "actual", lineterm="", n=2))
