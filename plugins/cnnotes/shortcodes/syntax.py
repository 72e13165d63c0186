"""Finding Liquid tags (`{% name args %}`, Hexo and Jekyll) and Hugo shortcodes
(`{{< name args >}}`, `{{% name args %}}`) in a line, and reading their arguments."""
import re
import shlex
from dataclasses import dataclass, field

# one tag or shortcode; `close` is set for `{{< /name >}}`
TAG_RE = re.compile(
    r"\{%-?\s*(?P<lname>[A-Za-z_][\w-]*)(?P<largs>.*?)\s*-?%\}"
    r"|\{\{(?:<|%)\s*(?P<close>/)?\s*(?P<hname>[A-Za-z_][\w./-]*)(?P<hargs>.*?)\s*/?\s*(?:>|%)\}\}"
)
NAMED_RE = re.compile(r"^([A-Za-z_][\w-]*)=(.*)$", re.S)
INLINE_CODE_RE = re.compile(r"(`+)(?:(?!\1).)+?\1")


@dataclass
class Tag:
    """A tag as written: its tool's syntax, name, arguments and where it is."""
    syntax: str            # "liquid" (Hexo, Jekyll) or "hugo"
    name: str
    text: str              # the whole tag, as written
    args: list = field(default_factory=list)      # positional arguments
    named: dict = field(default_factory=dict)     # key="value" arguments (Hugo)
    closing: bool = False  # `{{< /name >}}`
    line: int = 0          # 1-based line in the file
    start: int = 0
    end: int = 0


def split_args(text: str) -> list[str]:
    """Arguments split as the tools do: on spaces, quotes grouping."""
    try:
        return shlex.split(text, posix=True)
    except ValueError:  # an unbalanced quote: plain words
        return text.split()


def find_tags(line: str, number: int) -> list[Tag]:
    """The tags in a line, outside inline code spans."""
    code = [(m.start(), m.end()) for m in INLINE_CODE_RE.finditer(line)]
    found = []
    for m in TAG_RE.finditer(line):
        if any(a <= m.start() < b for a, b in code):
            continue
        if m.group("lname"):
            found.append(Tag("liquid", m.group("lname"), m.group(0), split_args(m.group("largs")),
                             line=number, start=m.start(), end=m.end()))
            continue
        args, named = [], {}
        for word in split_args(m.group("hargs")):
            named_arg = NAMED_RE.match(word)
            if named_arg:
                named[named_arg.group(1)] = named_arg.group(2)
            else:
                args.append(word)
        found.append(Tag("hugo", m.group("hname"), m.group(0), args, named,
                         closing=bool(m.group("close")), line=number, start=m.start(), end=m.end()))
    return found


def is_end_of(tag: Tag, opener: Tag) -> bool:
    """Whether tag closes a block opened by opener (`{% endname %}`, `{{< /name >}}`)."""
    if opener.syntax == "liquid":
        return tag.syntax == "liquid" and tag.name == "end" + opener.name
    return tag.syntax == "hugo" and tag.closing and tag.name == opener.name
