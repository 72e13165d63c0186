"""Root-relative links to pages (`[the flannel post](/en/2016/07/19/setup-hyperd/)`,
`[labs](/labs/)`): checked against the built site once it is written.

Such a URL names no source file (targets.py turns file paths into checked {static} and
{filename} links, and leaves these), so the only sure test is whether the build wrote
something there: when Pelican has written every page (its `finalized` signal, after
pending writes), each root-relative link an author wrote must name a file of the
output, or a folder with an index.html. A link Pelican or a plugin made is not
checked here (only values that appear in the post's source are). Errors found here
still fail the build (tools/build.py counts them), and the previous output stays.
"""
import os
import re
from urllib.parse import unquote, urlparse

_ROOT_RELATIVE_RE = re.compile(r"""\b(?:href|src|poster)\s*=\s*(["'])(/(?!/)[^"']*)\1""")
_WRITTEN_RE = re.compile(r"""(?:\]\(|=\s*["']|<|\]:\s*)/(?!/)""")


def written_in_output(output_path: str, url_path: str) -> bool:
    """Whether the build wrote the page or file that a root-relative URL names."""
    path = unquote(url_path).lstrip("/")
    target = os.path.join(output_path, path)
    return os.path.isfile(target) or os.path.isfile(os.path.join(target, "index.html"))


def check(contents, output_path, siteurl, report, line_of) -> None:
    """report(source path, line, message) for each root-relative link an author wrote
    in one of `contents` that names nothing in output_path."""
    for content in contents:
        try:
            with open(content.source_path, encoding="utf-8") as f:
                source = f.read()
        except (OSError, UnicodeDecodeError):
            continue
        if not _WRITTEN_RE.search(source):
            continue  # most posts: no root-relative link written at all
        html = content.get_content(siteurl)  # what was written (memoized by then)
        for _quote, value in _ROOT_RELATIVE_RE.findall(html):
            if value not in source:
                continue
            path = urlparse(value).path
            if not path or written_in_output(output_path, path):
                continue
            report(content.source_path, line_of(content.source_path, value, 1),
                   f"broken link {value}: the built site has no page or file at that URL "
                   f"(link a post as its .md file, a file under content/ by its path)")
