"""An old address (`/posts/x/`, `2017/06/01/x.html`, `https://old.example/x/`) as the
file the redirect page is written to, and the relative link from there to a post."""
import posixpath
from urllib.parse import unquote, urlsplit


class AliasError(ValueError):
    pass


def alias_file(alias: str) -> str:
    """The output-relative file for an old address: a directory's index.html, or the
    .html/.htm file it names. Raises AliasError for one that cannot be a file here."""
    path = unquote(urlsplit(str(alias).strip()).path)
    parts = [p for p in path.split("/") if p]
    if not parts:
        raise AliasError(f"alias '{alias}' is the site's home page: give the old post's path")
    if any(p in (".", "..") for p in parts):
        raise AliasError(f"alias '{alias}' has '.' or '..' in it: give the path from the site root")
    if parts[-1].endswith((".html", ".htm")):
        return "/".join(parts)
    return "/".join(parts + ["index.html"])


def relative_url(from_file: str, to_url: str) -> str:
    """A link from the page at from_file to the site URL to_url, relative, so it works
    wherever the site is served (at a path prefix too)."""
    target = "/" + to_url.lstrip("/")
    rel = posixpath.relpath(target, "/" + posixpath.dirname(from_file))
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return rel
