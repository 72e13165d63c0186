"""Fingerprinted CSS and JS in publish builds (FINGERPRINT_ASSETS = True, publishconf.py).

Browsers and CDNs keep a stylesheet or script as long as its headers let them; with the
same name from build to build, readers get yesterday's CSS with today's HTML. Once every
page is written (Pelican's `finalized` signal), the theme's own CSS and JS
(THEME_STATIC_DIR/css/*.css, js/*.js) are renamed `name.<hash>.ext`, the hash being the
first 10 hex digits of their content's SHA-256, and every written page's references
to them are rewritten. pdf.js (THEME_STATIC_DIR/pdfjs/) keeps its names: pdf-viewer.js
finds it relative to itself, so it moves with the viewer.

The author's build keeps plain names (FINGERPRINT_ASSETS = False in pelicanconf.py).
"""
from __future__ import annotations

import hashlib
import os
import re

from pelican import signals

ASSET_DIRS = {"css": ".css", "js": ".js"}
REWRITTEN = (".html", ".css", ".js", ".xml")


def fingerprinted_name(path: str) -> str:
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:10]
    stem, ext = os.path.splitext(os.path.basename(path))
    return f"{stem}.{digest}{ext}"


# a module's import of another in its own folder: `from "./x.js"`, `import("./x.js")`
RELATIVE_IMPORT_RE = re.compile(r"""(?P<quote>["'])\./(?P<name>[\w.-]+\.js)(?P=quote)""")


def _imports(path: str) -> set:
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return {m.group("name") for m in RELATIVE_IMPORT_RE.finditer(f.read())}


def _rewrite_imports(path: str, new_names: dict) -> None:
    """A module's relative imports pointed at its neighbours' fingerprinted names."""
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        text = f.read()
    new = RELATIVE_IMPORT_RE.sub(lambda m: f"{m.group('quote')}./{new_names.get(m.group('name'), m.group('name'))}"
                                           f"{m.group('quote')}", text)
    if new != text:
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(new)


def rename_assets(output: str, static_dir: str) -> dict:
    """Rename the theme's CSS and JS in `output`; {old path: new path}, relative to it.
    A module that imports another of the folder is renamed after it, its import rewritten
    first, so its own name changes whenever one it loads does."""
    renames = {}
    for folder, ext in ASSET_DIRS.items():
        rel_dir = f"{static_dir}/{folder}"
        directory = os.path.join(output, rel_dir)
        if not os.path.isdir(directory):
            continue
        todo = {name: (_imports(os.path.join(directory, name)) if ext == ".js" else set())
                for name in sorted(os.listdir(directory)) if name.endswith(ext)}
        new_names = {}
        while todo:
            ready = sorted(n for n, deps in todo.items() if not (deps & set(todo)) or deps <= {n})
            if not ready:  # modules importing each other: no order makes both names stable
                ready = sorted(todo)
            for name in ready:
                path = os.path.join(directory, name)
                _rewrite_imports(path, new_names)
                new = fingerprinted_name(path)
                os.replace(path, os.path.join(directory, new))
                new_names[name] = new
                renames[f"{rel_dir}/{name}"] = f"{rel_dir}/{new}"
                del todo[name]
    return renames


def reference_pattern(renames: dict) -> re.Pattern:
    """An asset's path where a URL names it: after a `/`, before a quote, `?`, `#`, `)` or space."""
    names = "|".join(re.escape(old) for old in sorted(renames, key=len, reverse=True))
    return re.compile(rf"(?<=/)(?:{names})(?=[\"'?#)\s])")


def rewrite_references(output: str, renames: dict) -> int:
    """Rewrite every written page's references to renamed assets; the number of files changed."""
    if not renames:
        return 0
    pattern = reference_pattern(renames)
    changed = 0
    for folder, _, files in os.walk(output):
        for name in files:
            if not name.endswith(REWRITTEN):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8", errors="surrogateescape") as f:
                text = f.read()
            new = pattern.sub(lambda m: renames[m.group(0)], text)
            if new != text:
                with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
                    f.write(new)
                changed += 1
    return changed


def fingerprint(pelican):
    settings = pelican.settings
    if not settings.get("FINGERPRINT_ASSETS"):
        return
    output = settings["OUTPUT_PATH"]
    renames = rename_assets(output, settings.get("THEME_STATIC_DIR", "theme"))
    rewrite_references(output, renames)


def register():
    signals.finalized.connect(fingerprint)
