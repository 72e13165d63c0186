"""Inline code that wraps between its words only.

A browser may break `--subnet-file` after a hyphen, which reads as two options. The
Markdown extension here puts every space-separated word of an inline code span in a
<span class="code-word"> (site.css makes it an unbreakable box, no wider than the text
column), so a line breaks at the spaces of the code, as in the code itself. Code
blocks (<pre>) are left alone.
"""
from pelican import signals

from cnnotes.inline_code.markdown_ext import InlineCodeWordsExtension


def add_extension(pelican):
    md = pelican.settings.setdefault("MARKDOWN", {})
    extensions = md.setdefault("extensions", [])
    if not any(isinstance(e, InlineCodeWordsExtension) for e in extensions):
        extensions.append(InlineCodeWordsExtension())


def register():
    signals.initialized.connect(add_extension)
