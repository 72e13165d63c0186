"""Every problem of a Markdown file's front matter at once, each at its line.

The reader stops at the first problem it meets (it needs valid metadata to go on).
When a file has one, this looks at the whole front matter: each broken YAML entry,
and each bad value among the entries that could be read (a bad date two lines
below a title with an unquoted colon), so the author fixes them in one round.
One cause gives one message: a key whose own line is broken gets no second
message ("no title") about the same line.
"""
from .fields import FieldError, to_metadata
from .foreign_keys import normalize
from .yaml_meta import FrontMatterError, parse, split


def every_problem(text: str, settings, is_page: bool, filename: str = "") -> list:
    """[(line, message), ...] of every front-matter problem of `text`, by line; []
    when its front matter is fine."""
    try:
        front, _body, _ = split(text)
    except FrontMatterError as e:
        return list(e.problems)
    if front is None:
        return []  # the reader says it (no front matter)
    problems, broken = [], set()
    try:
        raw, lines = parse(front)
    except FrontMatterError as e:
        problems = list(e.problems)
        raw, lines, broken = e.partial
    raw, lines = normalize(raw, lines, "yaml")  # other tools' keys, as the reader reads them
    raw.setdefault("lang", settings.get("DEFAULT_LANG", "en"))  # the reader decides a missing one
    try:
        to_metadata(raw, settings, is_page, lambda source: "", filename)
    except FieldError as e:
        for key, message in e.problems:
            if key in broken:
                continue
            problems.append((lines.get(key, 1), message))
    unique = []
    for problem in sorted(problems, key=lambda p: p[0]):
        if problem not in unique:
            unique.append(problem)
    return unique
