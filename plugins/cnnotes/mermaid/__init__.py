"""Mermaid diagrams: a ```mermaid fence in a post becomes an inline SVG at build time.

- Rendered by npm @mermaid-js/mermaid-cli driving Debian's Chromium (renderer.py,
  render.mjs): no JavaScript on the page, nothing from another host, and the diagram
  reads in feeds too. Two versions, light and dark; site.css shows the reader's.
- Before any post is read, every diagram in the content not yet in the cache
  (the render cache, keyed by the diagram's text, its theme and mermaid-cli's
  version) is rendered in one batch, with one Chromium.
- A diagram Mermaid rejects, or a machine where nothing can render, is reported at
  path:line (the line Mermaid names inside the diagram, or the fence's) and fails the
  build.

What is rendered is kept in the render cache (CACHE_PATH), with the documents.
"""
import logging
import os

from pelican import signals

from cnnotes import strict
from cnnotes.mermaid import fences, renderer
from cnnotes.mermaid.markdown_ext import MermaidExtension

log = logging.getLogger(__name__)
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")


def markdown_files(settings):
    root = settings["PATH"]
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(MARKDOWN_SUFFIXES):
                yield os.path.join(folder, name)


def diagrams(settings):
    """[(path, Fence)] of every mermaid fence in the content."""
    out = []
    for path in markdown_files(settings):
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            continue  # the reader reports an unreadable file
        if "mermaid" not in text:
            continue
        out += [(path, fence) for fence in fences.find_fences(text.splitlines())]
    return out


def report(path, fence, message):
    """At the diagram line Mermaid names (past the end, for a bracket never closed: its
    last line), or at the fence."""
    line = renderer.error_line(message)
    last = fence.text.count("\n") + 1
    at = fence.start + 1 + (min(line, last) if line else 0)
    strict.error(path, at, f"mermaid diagram: {renderer.short_error(message)}")


def prepare(pelican):
    settings = pelican.settings
    cache = renderer.Cache(settings)
    md = settings.setdefault("MARKDOWN", {})
    extensions = [e for e in md.setdefault("extensions", []) if not isinstance(e, MermaidExtension)]
    extensions.append(MermaidExtension(cache=cache))
    md["extensions"] = extensions
    found = diagrams(settings)
    if not found:
        return
    for path, fence in found:
        if not fence.closed:
            strict.error(path, fence.start + 1, "mermaid diagram: the fence is never closed")
    try:
        count = renderer.render_missing([fence.text for _, fence in found], cache)
    except renderer.RenderUnavailable as e:
        for path, fence in found:
            strict.error(path, fence.start + 1, f"mermaid diagram cannot be rendered here: {e}")
        return
    if count:
        log.info("mermaid: rendered %d diagram versions", count)
    version = renderer.cli_version()
    for path, fence in found:
        for theme in renderer.THEMES:
            entry = cache.get(renderer.key(fence.text, theme, version))
            if entry is not None and entry[0] == "error":
                report(path, fence, entry[1])
                break


def register():
    signals.initialized.connect(prepare)
