"""Fallback for Hexo/Jekyll `{% name ... %}` tags that no plugin rendered.

Plugins render their tags (`{% pdf %}`, `{% lab %}`) with Markdown
preprocessors that run earlier. A tag line still left when this one runs
(after fenced code is stashed, so examples inside code blocks stay as they
are) would otherwise show raw; it becomes
`<p class="liquid-tag"><code>{% ... %}</code></p>` instead, which summaries
drop, and the reader logs a warning naming the file and line.
"""
import html
import re

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

TAG_LINE_RE = re.compile(r"^ {0,3}(\{%-?\s*([A-Za-z_][\w-]*)\b.*?-?%\})\s*$")
PRIORITY = 5  # after every tag plugin and after fenced code (25)


class LiquidFallback(Preprocessor):
    def run(self, lines):
        found = []
        out = []
        for number, line in enumerate(lines, 1):
            m = TAG_LINE_RE.match(line)
            if not m:
                out.append(line)
                continue
            found.append((number, m.group(1)))
            markup = f'<p class="liquid-tag"><code>{html.escape(m.group(1))}</code></p>'
            out += ["", self.md.htmlStash.store(markup), ""]
        self.md.liquid_tags = found
        return out


class LiquidFallbackExtension(Extension):
    def extendMarkdown(self, md):
        md.liquid_tags = []
        md.preprocessors.register(LiquidFallback(md), "liquid_fallback", PRIORITY)
