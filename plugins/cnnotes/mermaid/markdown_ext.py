"""Markdown extension: a ```mermaid fence becomes the diagram as inline SVG.

A preprocessor (before fenced code is stashed, as the pdf tag's): the diagram's two
versions (light, dark) come from the cache the plugin filled before reading
(renderer.py), rendered now if missing (a file changed since). A diagram that cannot
be rendered becomes a short note; the plugin reports it at path:line and the build
fails.
"""
from markupsafe import escape
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from cnnotes.mermaid import fences, renderer

PRIORITY = 28  # before the pdf tag (27) and fenced code (25)


def figure(svgs):
    """The figure for one diagram: {theme: svg}; site.css shows the reader's. All but the
    first are `hidden`, so a feed reader without the site's CSS shows the diagram once."""
    parts = "".join(f'<div class="mermaid-diagram__{theme}"{" hidden" if i else ""}>{svg}</div>'
                    for i, (theme, svg) in enumerate(svgs.items()))
    return f'<figure class="mermaid-diagram">{parts}</figure>'


class MermaidPreprocessor(Preprocessor):
    def __init__(self, md, cache):
        super().__init__(md)
        self.cache = cache

    def lookup(self, text):
        version = renderer.cli_version()
        found = {theme: self.cache.get(renderer.key(text, theme, version)) for theme in renderer.THEMES}
        if any(v is None for v in found.values()):
            try:
                renderer.render_missing([text], self.cache)
            except renderer.RenderUnavailable:
                return None
            found = {theme: self.cache.get(renderer.key(text, theme, version)) for theme in renderer.THEMES}
        if all(v is not None and v[0] == "svg" for v in found.values()):
            return {theme: v[1] for theme, v in found.items()}
        return None

    def run(self, lines):
        found = fences.find_fences(lines)
        if not found:
            return lines
        out, at = [], 0
        for fence in found:
            out += lines[at:fence.start]
            svgs = self.lookup(fence.text)
            if svgs is None:
                markup = (f'<pre class="mermaid-error"><code>{escape(fence.text)}</code></pre>')
            else:
                markup = figure(svgs)
            out += ["", self.md.htmlStash.store(markup), ""]
            at = fence.end + 1
        out += lines[at:]
        return out


class MermaidExtension(Extension):
    def __init__(self, cache=None, **kwargs):
        self.cache = cache or renderer.Cache({})
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.preprocessors.register(MermaidPreprocessor(md, self.cache), "mermaid", PRIORITY)
