"""Pelican's own warnings, as `path:line: message` like every other content message.

Pelican words its warnings for its own log: absolute paths, a tab-indented second
line, no line number ("Cannot get modification stamp for /home/.../x.md\\n\\t[Errno 2]
..."). A logging filter on Pelican's loggers (public `logging` API: Pelican itself is
not changed) rewrites each warning it logs:

- the file it names (an argument that is a path of the site) comes first, relative
  to the working directory (the project root when building), with the line of the
  text the warning quotes from it when that can be found, else 1;
- the rest on one line, with the project's absolute paths made relative;
- warnings that are often the echo of a content error are held (one cause, one
  message): Pelican's warnings about files sharing a slug ("There are N items ...
  with lang", "... original (not translated) items", "All items ... are
  translations": a post that failed to read leaves its translation alone), and
  "Cannot get modification stamp" for a file that does not exist (a post links it:
  the link check reports that). The duplicate slug check drops those about files it
  reported (`release`); once all content is read, the rest are dropped when the build
  has errors and shown otherwise (`flush`). What is held lives on the filter, one per
  build (install_filters).

Records at ERROR and above are left as they are: tools/build.py collects them as
errors and recognises some of them by their format.
"""
import logging
import os

# Pelican's loggers (one per module); the filter goes on each: a logger's filters do
# not apply to its children's records.
PELICAN_LOGGERS = ("pelican", "pelican.cache", "pelican.contents", "pelican.generators",
                   "pelican.paginator", "pelican.readers", "pelican.settings",
                   "pelican.urlwrappers", "pelican.utils", "pelican.writers",
                   "pelican.plugins._utils")
# message formats about files sharing a slug (the format, as Pelican passes it, starts so)
SLUG_WARNINGS = ('There are %s items "%s" with lang %s', "There are %s original (not translated) items",
                 'All items ("%s") "%s" are translations')
MISSING_FILE_WARNINGS = ("Cannot get modification stamp for %s",)


def _shown(path: str) -> str:
    path = os.path.abspath(path)
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _site_file(value, content_root):
    """The path of a file of the site that `value` names, or None."""
    if not isinstance(value, (str, os.PathLike)):
        return None
    text = os.fspath(value)
    if not text or "\n" in text or len(text) > 4096:
        return None
    for candidate in (text, os.path.join(content_root, text)):
        if os.path.isabs(candidate) and os.path.isfile(candidate):
            return candidate
    if os.path.isabs(text) and text.startswith(os.path.abspath(content_root) + os.sep):
        return text  # a file of the site that is gone: still the one to name
    return None


def _line_quoting(path, values) -> int:
    """The line of `path` holding the first of `values` (texts the warning quotes), else 1."""
    needles = [str(v) for v in values if isinstance(v, str) and v.strip() and "\n" not in v]
    if not needles:
        return 1
    try:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if any(n in line for n in needles):
                    return number
    except (OSError, UnicodeDecodeError):
        pass
    return 1


def as_path_line(record, content_root) -> str:
    """The record's message in `path:line: message` form (`pelican: message` when it
    names no file of the site)."""
    try:
        message = record.getMessage()
    except Exception:  # a badly formatted call: show its format
        message = str(record.msg)
    args = record.args if isinstance(record.args, tuple) else ()
    path = next((p for p in (_site_file(a, content_root) for a in args) if p), None)
    text = " ".join(message.split())
    for root in sorted({os.getcwd(), os.path.abspath(content_root)}, key=len, reverse=True):
        text = text.replace(root + os.sep, "" if root == os.getcwd() else _shown(root) + os.sep)
    if path is None:
        return f"pelican: {text}"
    shown = _shown(path)
    others = [a for a in args if _site_file(a, content_root) is None]
    return f"{shown}:{_line_quoting(path, others)}: {text}"


class PelicanWarnings(logging.Filter):
    """Rewrites Pelican's warnings in place (see the module's docstring)."""

    def __init__(self, content_root):
        super().__init__()
        self.content_root = content_root
        self.held = []  # (kind, paths the warning names, its record), until release or flush

    def filter(self, record):
        if record.levelno >= logging.ERROR or getattr(record, "cnnotes_shown", False):
            return True
        record.msg_format = record.msg
        args = record.args if isinstance(record.args, tuple) else ()
        paths = frozenset(os.path.abspath(p) for p in (_site_file(a, self.content_root) for a in args) if p)
        record.msg = as_path_line(record, self.content_root)
        record.args = ()
        record.cnnotes_shown = True
        fmt = record.msg_format if isinstance(record.msg_format, str) else ""
        if fmt.startswith(SLUG_WARNINGS):
            self.held.append(("slug", paths, record))
            return False
        if fmt.startswith(MISSING_FILE_WARNINGS) and paths and not any(map(os.path.exists, paths)):
            self.held.append(("missing", paths, record))
            return False
        return True


    def release(self, checked_paths, reported_paths) -> None:
        """After a duplicate slug check over `checked_paths`: show the held slug warnings
        about those files, except those whose files it reported (`reported_paths`)."""
        checked = {os.path.abspath(p) for p in checked_paths}
        reported = {os.path.abspath(p) for p in reported_paths}
        for item in list(self.held):
            kind, paths, record = item
            if kind == "slug" and paths and paths <= checked and paths <= reported:
                self.held.remove(item)

    def flush(self, build_has_errors: bool) -> None:
        """Once all content is read: the held warnings are dropped when the build has
        errors (most likely echoes of them; a later build shows them if they are not),
        shown otherwise."""
        held, self.held = self.held, []
        if build_has_errors:
            return
        for _kind, _paths, record in held:
            logging.getLogger(record.name).handle(record)


def install_filters(pelican) -> PelicanWarnings:
    """Put one PelicanWarnings filter (for this build's content) on Pelican's loggers,
    in place of an earlier build's; returns it."""
    warnings = PelicanWarnings(pelican.settings.get("PATH", "."))
    names = set(PELICAN_LOGGERS) | {name for name in logging.root.manager.loggerDict
                                    if name == "pelican" or name.startswith("pelican.")}
    for name in sorted(names):
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, PelicanWarnings)]:
            logger.removeFilter(old)
        logger.addFilter(warnings)
    return warnings
