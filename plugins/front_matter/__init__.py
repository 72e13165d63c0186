"""Markdown posts with YAML front matter (Hexo/Jekyll style) for `.md` files.

Replaces Pelican's Markdown reader, which wants `Key: value` lines, with one
that reads a `---` YAML block, validates it (`fields.py`) and reports bad
values at their line through `strict.error`. A file with errors is skipped
(status `skip`) so the rest of the build still runs and every error is listed.

Markdown extensions come from MARKDOWN in the settings; a plugin adds its own
in an `initialized` receiver by appending an Extension instance to
`pelican.settings["MARKDOWN"]["extensions"]`. `{% ... %}` tag lines that no
extension rendered are shown as code (liquid.py), never raw.

Besides Pelican's usual metadata it sets:
- `front_matter_lines`: {key: line} for error messages (`strict.error_at`)
- `toc_tokens`, `toc_html`, `heading_count`: headings from the toc extension,
  for the sidebar TOC
"""
import copy
import logging
import os

from markdown import Markdown
from pelican import signals
from pelican.readers import BaseReader

import strict

from .fields import FieldError, to_metadata
from .liquid import LiquidFallbackExtension
from .yaml_meta import FrontMatterError, parse, split

MARKDOWN_EXTENSIONS = ["md", "markdown", "mkd", "mdown"]
log = logging.getLogger(__name__)


def markdown_kwargs(settings) -> dict:
    """Keyword arguments for Markdown(): every configured extension, with its config."""
    md = settings["MARKDOWN"]
    configs = md.get("extension_configs", {})
    extensions = list(md.get("extensions", []))
    extensions += [name for name in configs if name not in extensions]
    extensions = [e for e in extensions if e != "markdown.extensions.meta"]
    extensions.append(LiquidFallbackExtension())
    kwargs = {k: v for k, v in md.items() if k not in ("extensions", "extension_configs")}
    return dict(kwargs, extensions=extensions, extension_configs=configs)


def _reset_heading_ids(settings):
    toc = settings["MARKDOWN"].get("extension_configs", {}).get("markdown.extensions.toc", {})
    slugify = toc.get("slugify")
    if hasattr(slugify, "reset"):
        slugify.reset()


class FrontMatterMarkdownReader(BaseReader):
    """Reads `---` YAML front matter + Markdown body."""

    enabled = True
    file_extensions = MARKDOWN_EXTENSIONS

    def _is_page(self, source_path):
        rel = os.path.relpath(os.path.abspath(source_path), os.path.abspath(self.settings["PATH"]))
        return any(
            rel == p or rel.startswith(p.rstrip("/") + "/")
            for p in self.settings.get("PAGE_PATHS", [])
        )

    def _markdown(self):
        return Markdown(**markdown_kwargs(self.settings))

    def _render_inline(self, text):
        return self._markdown().convert(text)

    def read(self, source_path):
        with open(source_path, encoding="utf-8") as f:
            text = f.read()
        try:
            front, body, body_line = split(text)
            if front is None:
                raise FrontMatterError(1, "no YAML front matter: start the file with '---', "
                                          "then title, date, lang, then '---'")
            raw, lines = parse(front)
        except FrontMatterError as e:
            strict.error(source_path, e.line, e.message)
            return "", {"status": "skip", "title": os.path.basename(source_path)}
        try:
            metadata = to_metadata(raw, self.settings, self._is_page(source_path),
                                   self._render_inline, os.path.basename(source_path))
        except FieldError as e:
            strict.error(source_path, lines.get(e.key, 1), e.message)
            return "", {"status": "skip", "title": os.path.basename(source_path)}
        metadata["front_matter_lines"] = lines
        _reset_heading_ids(self.settings)
        md = self._markdown()
        # keep body line numbers equal to file line numbers in Markdown errors
        content = md.convert("\n" * (body_line - 1) + body)
        metadata["toc_tokens"] = copy.deepcopy(getattr(md, "toc_tokens", []))
        metadata["toc_html"] = getattr(md, "toc", "")
        metadata["heading_count"] = _count(metadata["toc_tokens"])
        for number, tag in getattr(md, "liquid_tags", []):
            # the body was padded to keep file line numbers
            log.warning("%s:%d: no plugin renders %s; shown as code",
                        strict.display_path(source_path), number, tag)
        return content, metadata


def _count(tokens) -> int:
    return sum(1 + _count(t.get("children", [])) for t in tokens)


def add_reader(readers):
    for ext in MARKDOWN_EXTENSIONS:
        readers.reader_classes[ext] = FrontMatterMarkdownReader


def register():
    signals.readers_init.connect(add_reader)
