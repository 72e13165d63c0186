"""Diagrams to SVG, cached by content hash: one Node process (render.mjs) with one
Chromium renders every diagram not in the cache, in a light and a dark version.

What is rendered goes into the render cache (cnnotes.render_cache, namespace "mermaid"),
keyed by the diagram's text, the theme's Mermaid configuration and mermaid-cli's
version: the same diagram is not rendered again while the site's code is the same.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess

from cnnotes.pdf.assets import ROOT
from cnnotes.render_cache import RenderCache

CHROMIUM = "/usr/bin/chromium"
NODE_MODULES = os.path.join(ROOT, "node_modules")
CLI_PACKAGE = os.path.join(NODE_MODULES, "@mermaid-js", "mermaid-cli", "package.json")
SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "render.mjs")
FONT = ('system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", '
        '"Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif')
# The two versions of every diagram: the site shows the one of the reader's theme.
THEMES = {
    "light": {"theme": "default"},
    "dark": {"theme": "dark"},
}
TIMEOUT = 300  # seconds for one batch


class RenderUnavailable(Exception):
    """Nothing can be rendered here (no node, mermaid-cli or Chromium): the reason."""


def config(theme):
    """Mermaid's configuration for one theme: the site's fonts, plain SVG text (no HTML
    in foreignObject, so the diagram also reads in a feed reader)."""
    return {**THEMES[theme], "fontFamily": FONT, "themeVariables": {"fontFamily": FONT},
            "htmlLabels": False, "flowchart": {"htmlLabels": False}, "securityLevel": "strict"}


def cli_version():
    try:
        with open(CLI_PACKAGE, encoding="utf-8") as f:
            return json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        return None


def key(text, theme, version):
    payload = json.dumps([text, config(theme), version], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def svg_id(k):
    return f"mermaid-{k[:12]}"


def clean(svg):
    """The SVG as the page embeds it: no @font-face (the site's system fonts) and no
    reference to another host."""
    svg = re.sub(r"@font-face\s*\{[^}]*\}", "", svg)
    svg = re.sub(r"@import[^;]*;", "", svg)
    return svg


class Cache:
    """A diagram's SVG, or the error Mermaid gave for it, by key: the render cache's
    "mermaid" entries (settings without CACHE_PATH: nothing is kept)."""

    def __init__(self, settings):
        self.store = RenderCache(settings, "mermaid")

    def get(self, k):
        """("svg", text) or ("error", message) or None."""
        found = self.store.get(k)
        return None if found is None else (found["kind"], found["text"])

    def put(self, k, kind, text):
        self.store.put(k, {"kind": kind, "text": text})


def render_missing(texts, cache, chromium=CHROMIUM):
    """Render every (text, theme) of `texts` (diagram texts) that the cache lacks, in one
    batch. Raises RenderUnavailable with the reason when nothing can render."""
    version = cli_version()
    wanted = {}
    for text in texts:
        for theme in THEMES:
            k = key(text, theme, version)
            if cache.get(k) is None:
                wanted[k] = {"key": k, "text": text, "config": config(theme), "svgId": svg_id(k)}
    if not wanted:
        return 0
    if version is None:
        raise RenderUnavailable(f"{os.path.relpath(CLI_PACKAGE, ROOT)} is missing: run make deps")
    node = shutil.which("node")
    if node is None:
        raise RenderUnavailable("node is not installed (Debian package nodejs)")
    if not os.path.exists(chromium):
        raise RenderUnavailable(f"{chromium} is missing (Debian package chromium)")
    request = json.dumps({"chromium": chromium, "diagrams": list(wanted.values())})
    try:
        done = subprocess.run([node, SCRIPT], input=request, capture_output=True, text=True,
                              cwd=ROOT, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RenderUnavailable(f"rendering took more than {TIMEOUT} s") from None
    if done.returncode != 0:
        raise RenderUnavailable((done.stderr.strip().splitlines() or ["node failed"])[-1])
    for result in json.loads(done.stdout)["results"]:
        if "svg" in result:
            cache.put(result["key"], "svg", clean(result["svg"]))
        else:
            cache.put(result["key"], "error", result["error"])
    return len(wanted)


def error_line(message):
    """The diagram line a Mermaid error names ("Parse error on line 3"), or None."""
    m = re.search(r"on line (\d+)", message)
    return int(m.group(1)) if m else None


def short_error(message):
    """The first line of a Mermaid error and the excerpt it points at, no stack."""
    lines = [ln for ln in message.splitlines() if ln.strip() and "://" not in ln]
    return " / ".join(lines[:4]) or "the diagram cannot be rendered"
