"""What a tag links to: another post (by file name, as Hexo, Jekyll and Hugo name
posts), or a file beside the post (Hexo's asset folder, Hugo's page bundle).

Links come out as Pelican's intrasite links (`{filename}/posts/x.md`,
`{static}x/img.png`: copied to the same place under output/, so translations that
share a bundle's image share one copy), so Pelican writes the right URL and copies
the files, and
the strict plugin reports a target that is not there."""
import os
from urllib.parse import quote

from cnnotes.front_matter.formats import read_metadata
from cnnotes.front_matter.yaml_meta import FrontMatterError

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")


class TargetError(ValueError):
    """A tag names a post or file that is not there."""


def _stem(name: str) -> str:
    for suffix in MARKDOWN_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def post_names(rel_path: str) -> list[str]:
    """The names a post is known by: `posts/2017-06-01-x.zh.md` -> its path, its file
    name without suffix (`2017-06-01-x.zh`), without the language (`2017-06-01-x`);
    a bundle's `posts/x/index.md` -> `x`."""
    rel = rel_path.replace(os.sep, "/")
    stem = _stem(rel)
    names = [rel, stem]
    base = stem.rsplit("/", 1)[-1]
    if base.split(".")[0] in ("index", "_index") and "/" in stem:
        base = stem.rsplit("/", 2)[-2] + base[len(base.split(".")[0]):]
    names.append(base)
    if "." in base:
        names.append(base.split(".")[0])
    return names


def find_post(content_root: str, ref: str, source_path=None) -> str:
    """The content-relative path of the post ref names (a path or a name, with or
    without `.md`, as ref/relref/post_link/post_url write it). A name that fits several
    files prefers one in the linking post's language variant (`x.zh.md` from a
    `.zh.md` post), then the shortest path. Raises TargetError."""
    wanted = ref.strip().strip("/").split("#")[0]
    wanted = _stem(wanted)
    if wanted.endswith("/index") or wanted.endswith("/_index"):
        wanted = wanted.rsplit("/", 1)[0]
    candidates = []
    for dirpath, dirnames, filenames in os.walk(content_root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.endswith(MARKDOWN_SUFFIXES):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), content_root).replace(os.sep, "/")
            names = post_names(rel)
            if wanted in names or any(n.endswith("/" + wanted) for n in names[:2]) \
                    or wanted.rsplit("/", 1)[-1] in names[2:]:
                candidates.append(rel)
    if not candidates:
        raise TargetError(f"no post named '{ref}' under {content_root}")
    own_lang = _lang_suffix(os.path.basename(source_path or ""))
    candidates.sort(key=lambda rel: (_lang_suffix(rel.rsplit("/", 1)[-1]) != own_lang, len(rel), rel))
    return candidates[0]


def _lang_suffix(name: str) -> str:
    parts = _stem(name).split(".")
    return parts[-1] if len(parts) > 1 else ""


def post_link(rel_path: str, anchor: str = "") -> str:
    """Pelican's link to a post by its content-relative path."""
    return "{filename}/" + quote(rel_path) + (("#" + anchor) if anchor else "")


def post_title(content_root: str, rel_path: str) -> str:
    """A post's title, for links written without one (its file name when unreadable)."""
    try:
        with open(os.path.join(content_root, rel_path), encoding="utf-8") as f:
            found = read_metadata(f.read())
    except (OSError, UnicodeDecodeError, FrontMatterError):
        found = None
    title = found and found.raw.get("title")
    return str(title).strip() if title else post_names(rel_path)[2]


def asset_link(source_path, name: str) -> str:
    """`{static}...` for a file of the post's own: beside it (a Hugo page bundle, or
    Hexo `![](x.png)` resolved by the post's folder), or in its Hexo asset folder (the
    folder named like the post file). Raises TargetError when neither has it."""
    name = name.strip()
    if source_path is None:
        return "{static}" + quote(name)
    folder = os.path.dirname(source_path)
    stem = _stem(os.path.basename(source_path))
    stems = [stem] + ([stem.rsplit(".", 1)[0]] if "." in stem else [])  # x.zh.md -> x/ too
    for rel in [name] + [f"{s}/{name}" for s in stems]:
        if os.path.isfile(os.path.join(folder, rel)):
            return "{static}" + quote(rel)
    raise TargetError(f"no file '{name}' beside the post nor in its asset folder '{stem}/'")


def static_link(content_root: str, path: str):
    """`{static}/images/x.png` for a site-root path whose file is in content/, else None."""
    rel = path.lstrip("/")
    if rel and os.path.isfile(os.path.join(content_root, rel)):
        return "{static}/" + quote(rel)
    return None
