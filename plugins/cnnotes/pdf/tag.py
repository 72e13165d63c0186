"""The `{% pdf URL [height=N] %}` tag: find it, parse it, decide what it is, render it.

Pure functions, shared by the Markdown extension (which renders) and the
content check (which reports bad tags at path:line), so the two cannot disagree.

What a URL may be:
- a site path: `/files/x.pdf` (content/files/x.pdf), `x.pdf` (beside the post),
  `{static}...` / `{attach}...`: rendered inline; the file must exist;
- `http(s)://` on another host: an "open the PDF" card, because pdf.js cannot
  fetch it without CORS; with PDF_MIRROR = True the build downloads it and the
  copy renders inline;
- `http(s)://` on SITEURL's host: a site path;
- anything else (`javascript:`, `data:`, quotes, angle brackets, spaces ...):
  refused, so nothing in a tag can inject markup or script.
"""
import hashlib
import html
import posixpath
import re
import shlex
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from cnnotes.front_matter.fences import outside_code

# The tag alone on a line, at most 3 spaces in (4 would be an indented code block).
TAG_RE = re.compile(r"^ {0,3}\{%\s*pdf(?:\s+(?P<args>.*?))?\s*%\}\s*$")
# Characters a URL in a tag may not contain (they would need escaping to be
# safe in HTML; a real PDF URL never needs them unencoded).
FORBIDDEN = re.compile(r"[\s\"'<>`\\\x00-\x1f\x7f]")

DEFAULT_HEIGHT = 600
MIN_HEIGHT, MAX_HEIGHT = 150, 4000
MIRROR_DIR = "pdf-mirror"


class TagError(ValueError):
    """A tag that cannot be rendered; the message says why and how to fix it."""


@dataclass(frozen=True)
class Pdf:
    href: str             # what the rendered link points to (may hold {static})
    kind: str             # "local" | "remote" | "mirror"
    height: int
    name: str             # file name shown to the reader
    source_url: str = ""  # the URL as written, for remote and mirror
    local_path: str = ""  # for "local": path to check, "/x" = from content/, "x" = beside the file


def find_tags(lines):
    """Yield (index, args) for each line that is a pdf tag, outside fenced code."""
    for i, line in outside_code(lines):
        t = TAG_RE.match(line)
        if t:
            yield i, t.group("args") or ""


def _split(args):
    try:
        words = shlex.split(args)
    except ValueError as e:
        raise TagError(f"cannot read the tag's arguments ({e}): "
                       "write {% pdf URL %} or {% pdf URL height=600 %}") from None
    if not words:
        raise TagError("the pdf tag needs a URL: {% pdf /files/slides.pdf %}")
    url, options = words[0], {}
    for word in words[1:]:
        key, eq, value = word.partition("=")
        if not eq or key != "height":
            raise TagError(f"unknown pdf tag option {word!r}: the only option is height=N")
        options[key] = value
    return url, options


def _height(options):
    value = options.get("height")
    if value is None:
        return DEFAULT_HEIGHT
    if not value.isdigit() or not MIN_HEIGHT <= int(value) <= MAX_HEIGHT:
        raise TagError(f"height={value!r}: give pixels, a whole number from "
                       f"{MIN_HEIGHT} to {MAX_HEIGHT}")
    return int(value)


def _name(path):
    return posixpath.basename(unquote(path.rstrip("/"))) or "document.pdf"


def mirror_name(url):
    """File name of a mirrored copy: a hash of the URL (unique) + its own name."""
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    name = re.sub(r"[^A-Za-z0-9._-]", "_", _name(urlsplit(url).path))
    return f"{digest}-{name}"


def parse(args, siteurl="", mirror=False):
    """Read a tag's arguments into a Pdf; raise TagError for anything unsafe or wrong."""
    url, options = _split(args)
    height = _height(options)
    if FORBIDDEN.search(url):
        raise TagError(f"refused PDF URL {url!r}: it contains a quote, angle bracket, "
                       "space or control character (percent-encode them)")
    for prefix in ("{static}", "{attach}"):
        if url.startswith(prefix):
            path = url[len(prefix):]
            return Pdf(url, "local", height, _name(urlsplit(path).path),
                       local_path=urlsplit(path).path)
    parts = urlsplit(url)
    if parts.scheme or url.startswith("//"):
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise TagError(f"refused PDF URL {url!r}: only http(s) URLs and site paths "
                           "(/files/x.pdf) are allowed")
        site = urlsplit(siteurl) if siteurl else None
        if site and site.netloc and (parts.scheme, parts.netloc) == (site.scheme, site.netloc):
            path = parts.path
            base = site.path.rstrip("/")
            if base and path.startswith(base + "/"):
                path = path[len(base):]
            rest = url[len(f"{parts.scheme}://{parts.netloc}") + len(base):]
            return Pdf("{static}" + rest, "local", height, _name(path), local_path=path)
        if mirror:
            href = f"{siteurl}/{MIRROR_DIR}/{mirror_name(url)}"
            return Pdf(href, "mirror", height, _name(parts.path), source_url=url)
        return Pdf(url, "remote", height, _name(parts.path), source_url=url)
    # a path on this site: from content/ with a leading slash, else beside the post
    return Pdf("{static}" + url, "local", height, _name(parts.path), local_path=parts.path)


# --- HTML ---------------------------------------------------------------------

LABELS = {
    "en": {"open": "Open the PDF", "remote": "This PDF is on another site ({host}) and "
           "cannot be shown here.", "pdf": "PDF"},
    "zh": {"open": "打开 PDF", "remote": "这个 PDF 在另一个网站（{host}）上，无法在这里显示。",
           "pdf": "PDF"},
}


def render(pdf, lang="en"):
    """The figure for one tag. Without JavaScript it is a plain link (or the
    card); theme/static/js/pdf-viewer.js turns [data-pdf-viewer] into a viewer."""
    e = lambda s: html.escape(s, quote=True)  # noqa: E731
    words = LABELS.get(lang, LABELS["en"])
    if pdf.kind == "remote":
        host = urlsplit(pdf.source_url).hostname or ""
        return (
            f'<figure class="pdf-embed pdf-embed--remote" data-summary="skip">'
            f'<p class="pdf-embed__card">{e(words["remote"].format(host=host))} '
            f'<a class="pdf-embed__link" href="{e(pdf.href)}" rel="noopener noreferrer">'
            f'{e(words["open"])}: {e(pdf.name)}</a></p></figure>'
        )
    return (
        f'<figure class="pdf-embed" data-pdf-viewer data-height="{pdf.height}" '
        f'data-summary="skip" style="--pdf-height: {pdf.height}px">'
        f'<a class="pdf-embed__link" href="{e(pdf.href)}" type="application/pdf">'
        f'{e(words["pdf"])}: {e(pdf.name)}</a></figure>'
    )


# render()'s English card sentence, with the (escaped) host as a group
_REMOTE_EN = re.compile(
    re.escape(LABELS["en"]["remote"]).replace(re.escape("{host}"), "(?P<host>[^<]*)"))


def localize(content, lang):
    """Turn the English words render() wrote into `lang` (the Markdown extension
    does not know the post's language; the content check does)."""
    words = LABELS.get(lang)
    if not words or lang == "en" or "pdf-embed" not in content:
        return content
    content = _REMOTE_EN.sub(lambda m: words["remote"].format(host=m.group("host")), content)
    en_open = f'rel="noopener noreferrer">{LABELS["en"]["open"]}:'
    return content.replace(en_open, f'rel="noopener noreferrer">{words["open"]}:')
