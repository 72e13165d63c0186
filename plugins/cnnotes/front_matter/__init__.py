"""Markdown posts with YAML front matter (Hexo/Jekyll style) for `.md` files.

Replaces Pelican's Markdown reader with one that reads a `---` YAML block (or
the TOML, JSON and `Key: value` metadata of Hugo and Pelican: formats.py),
validates it (`fields.py`) and reports bad
values at their line through `strict.error`. A file with errors is skipped
(status `skip`) so the rest of the build still runs and every error is listed.

Markdown extensions come from MARKDOWN in the settings; a plugin adds its own
in an `initialized` receiver by appending an Extension instance to
`pelican.settings["MARKDOWN"]["extensions"]`. `{% ... %}` tag lines that no
extension rendered are shown as code (liquid.py), never raw.

What a file renders to is kept by the content hash of its text, the settings and
the site's code (cnnotes.render_cache). An extension of this site may add two
methods, which every reader of the site calls (`finish_document`):
- `cache_key(text) -> str | None`: what its output depends on besides the text and
  the settings (the labs' files, for a lab tag), so the kept rendering is not stale;
- `finish_document(html, metadata, source_path) -> html`: checks against files
  (reported through strict.error), text in the document's language, and assets in
  the metadata (`extra_css`, `extra_js`), done at every build, after the cache.

Besides Pelican's usual metadata it sets:
- `front_matter_lines`: {key: line} for error messages (`strict.error_at`)
- `toc_tokens`, `toc_html`, `heading_count`: headings from the toc extension,
  for the sidebar TOC
- `summary`, `reading_time`, `cjk_chars`, `word_count` (cnnotes.cjk.text_metadata)
- `intrasite_links`: the `{filename}` ... links in the body, which strict checks
"""
import copy
import logging
import os

from markdown import Markdown
from pelican import signals
from pelican.readers import BaseReader
from pygments.formatters import HtmlFormatter

from cnnotes import strict
from cnnotes.cjk import text_metadata
from cnnotes.render_cache import RenderCache, settings_key

from .fields import FieldError, to_metadata
from .foreign_keys import normalize
from .formats import read_metadata
from .language import decide_lang
from .liquid import LiquidFallbackExtension
from .problems import every_problem
from .source import converting
from .yaml_meta import FrontMatterError

MARKDOWN_EXTENSIONS = ["md", "markdown", "mkd", "mdown"]
log = logging.getLogger(__name__)


CODEHILITE = ("markdown.extensions.codehilite", "codehilite")


class CachedHtmlFormatter:
    """codehilite's `pygments_formatter`: one Pygments HtmlFormatter per set of options,
    reused for every code block (codehilite makes a new one per block otherwise, and
    each builds its style table again). HtmlFormatter keeps no state between blocks."""

    def __init__(self):
        self._made = {}

    def __call__(self, lang_str=None, **options):
        key = repr(sorted(options.items()))
        formatter = self._made.get(key)
        if formatter is None:
            formatter = self._made[key] = HtmlFormatter(**options)
        return formatter


def markdown_kwargs(settings) -> dict:
    """Keyword arguments for Markdown(): every configured extension, with its config."""
    md = settings["MARKDOWN"]
    configs = dict(md.get("extension_configs", {}))
    extensions = list(md.get("extensions", []))
    extensions += [name for name in configs if name not in extensions]
    extensions = [e for e in extensions if e != "markdown.extensions.meta"]
    extensions.append(LiquidFallbackExtension())
    for name in CODEHILITE:
        if name in configs and "pygments_formatter" not in configs[name]:
            configs[name] = dict(configs[name], pygments_formatter=CachedHtmlFormatter())
    kwargs = {k: v for k, v in md.items() if k not in ("extensions", "extension_configs")}
    return dict(kwargs, extensions=extensions, extension_configs=configs)


def code_css_class(settings) -> str:
    """The CSS class codehilite gives code blocks with these settings (its own default,
    "codehilite", when it is not configured): for code highlighted outside Markdown
    (notebooks, lab transcripts and tags), so the theme's pygments.css colours it too."""
    configs = settings.get("MARKDOWN", {}).get("extension_configs", {})
    for name in CODEHILITE:
        if name in configs:
            return configs[name].get("css_class", "codehilite")
    return "codehilite"


def new_markdown(settings) -> Markdown:
    """A Markdown converter for these settings; convert() with it through `convert`."""
    return Markdown(**markdown_kwargs(settings))


def convert(md: Markdown, text: str) -> str:
    """text as HTML, with a converter used before (one per reader: building one costs
    as much as converting a post): reset() forgets the previous document."""
    md.reset()
    return md.convert(text)


def reset_heading_ids(settings):
    """Number heading ids from the next document alone (the toc slugify counts repeats,
    "-2", across documents otherwise): call it before converting a document's body."""
    toc = settings["MARKDOWN"].get("extension_configs", {}).get("markdown.extensions.toc", {})
    slugify = toc.get("slugify")
    if hasattr(slugify, "reset"):
        slugify.reset()


def in_page_paths(source_path, settings) -> bool:
    """Whether a source file is a page (under one of PAGE_PATHS), not a post."""
    rel = os.path.relpath(os.path.abspath(source_path), os.path.abspath(settings["PATH"]))
    return any(rel == p or rel.startswith(p.rstrip("/") + "/")
               for p in settings.get("PAGE_PATHS", []))


class DocumentError(ValueError):
    """A content error in a source file, at a line."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def render_document(text, settings, md, is_page, filename="", source_path=None):
    """What reading a Markdown file gives, as plain data (no Pelican object, so the
    render cache can keep it and worker processes can make it): front matter with its
    lines, the rendered body, its TOC, the `{% %}` tags left unrendered, and the
    rendered `summary:` (inline). Raises DocumentError for a content error.

    The front matter may be in any format formats.py reads (YAML, TOML, JSON,
    Pelican's); other tools' keys are this site's (foreign_keys.py); without `lang`,
    language.py decides, and a warning names the post and what was decided."""
    try:
        found = read_metadata(text)
        if found is None:
            raise FrontMatterError(1, "no YAML front matter: start the file with '---', "
                                      "then title, date, lang, then '---'")
    except FrontMatterError as e:
        raise DocumentError(e.line, e.message) from None
    raw, lines = normalize(found.raw, found.lines, found.format)
    body, body_line = found.body, found.body_line
    shown = strict.display_path(source_path or filename)
    for line, notice in found.notices:
        log.warning("%s:%d: %s", shown, line, notice)
    if "lang" not in raw:
        raw["lang"], why = decide_lang(str(raw.get("title") or ""), body, settings)
        log.warning("%s:1: no lang: published as '%s' (%s); add `lang: %s` to say so",
                    shown, raw["lang"], why, raw["lang"])
    inline = {}

    def render_inline(source):
        inline[source] = convert(md, source)
        return inline[source]

    try:
        checked = to_metadata(raw, settings, is_page, render_inline, filename)  # checks every field
    except FieldError as e:
        raise DocumentError(lines.get(e.key, 1), e.message) from None
    reset_heading_ids(settings)
    # keep body line numbers equal to file line numbers in Markdown errors
    with converting(source_path):
        content = convert(md, "\n" * (body_line - 1) + body)
    return {"raw": raw, "lines": lines, "inline": inline, "content": content,
            "toc_tokens": copy.deepcopy(getattr(md, "toc_tokens", [])),
            "toc_html": getattr(md, "toc", ""), "liquid_tags": list(getattr(md, "liquid_tags", [])),
            "text": text_metadata(content, checked.get("summary"), settings)}


def extension_keys(settings, text) -> list:
    """What the site's Markdown extensions say a text's rendering depends on (cache_key)."""
    keys = []
    for ext in settings.get("MARKDOWN", {}).get("extensions", []):
        key = getattr(ext, "cache_key", None)
        if key is not None:
            keys.append(key(text))
    return keys


def finish_document(source_path, html, metadata, settings):
    """(html, metadata) of a document after its extensions' finish_document (checks,
    language, assets), with its intrasite links listed for the strict check."""
    for ext in settings.get("MARKDOWN", {}).get("extensions", []):
        finish = getattr(ext, "finish_document", None)
        if finish is not None:
            html = finish(html, metadata, source_path)
    metadata["intrasite_links"] = strict.intrasite_links((html, metadata.get("summary")), settings)
    return html, metadata


class FrontMatterMarkdownReader(BaseReader):
    """Reads `---` YAML front matter + Markdown body, its rendering kept by content hash."""

    enabled = True
    file_extensions = MARKDOWN_EXTENSIONS
    prerenderer = None  # cnnotes.render_cache.pool: workers rendering ahead into the cache

    def _markdown(self):
        if getattr(self, "_md", None) is None:
            self._md = new_markdown(self.settings)
        return self._md

    def _cache(self):
        if getattr(self, "_render_cache", None) is None:
            self._render_cache = RenderCache(self.settings, "markdown")
            self._settings_key = settings_key(self.settings)
        return self._render_cache

    def render(self, source_path, text):
        """render_document for this file (raises DocumentError)."""
        return render_document(text, self.settings, self._markdown(), in_page_paths(source_path, self.settings),
                               os.path.basename(source_path), source_path)

    def metadata(self, source_path, doc):
        """Pelican metadata (tags, dates ... as objects) from a rendered document."""
        inline = doc["inline"]
        metadata = to_metadata(
            doc["raw"], self.settings, in_page_paths(source_path, self.settings),
            lambda s: inline[s] if s in inline else convert(self._markdown(), s),
            os.path.basename(source_path))
        metadata["front_matter_lines"] = doc["lines"]
        metadata["toc_tokens"] = _copy_tokens(doc["toc_tokens"])
        metadata["toc_html"] = doc["toc_html"]
        metadata["heading_count"] = _count(metadata["toc_tokens"])
        metadata.update(doc["text"])
        return metadata

    def key_parts(self, source_path, text) -> list:
        """What a file's rendering depends on, besides the code (render_cache)."""
        self._cache()
        return ["markdown", self._settings_key, extension_keys(self.settings, text),
                os.path.relpath(source_path, self.settings["PATH"]), text]

    def missing(self, source_path) -> bool:
        """Whether the render cache lacks this file's rendering."""
        with open(source_path, encoding="utf-8") as f:
            return not self._cache().has(self.key_parts(source_path, f.read()))

    @staticmethod
    def render_ahead(settings, paths):
        """In a worker process: put these files' renderings into the render cache."""
        reader = FrontMatterMarkdownReader(settings)
        for path in paths:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            try:
                reader._cache().get_or_make(reader.key_parts(path, text), lambda: reader.render(path, text))
            except DocumentError:
                pass  # the build reports it when it reads the file

    def read(self, source_path):
        if self.prerenderer is not None:
            self.prerenderer.claim(source_path)
        with open(source_path, encoding="utf-8") as f:
            text = f.read()
        try:
            doc = self._cache().get_or_make(self.key_parts(source_path, text),
                                            lambda: self.render(source_path, text))
        except DocumentError as e:
            # every front-matter problem of the file at once (else the one met first)
            for line, message in every_problem(text, self.settings, in_page_paths(source_path, self.settings),
                                               os.path.basename(source_path)) or [(e.line, e.message)]:
                strict.error(source_path, line, message)
            return "", {"status": "skip", "title": os.path.basename(source_path)}
        metadata = self.metadata(source_path, doc)
        for number, tag in doc["liquid_tags"]:
            # the body was padded to keep file line numbers
            log.warning("%s:%d: no plugin renders %s; shown as code",
                        strict.display_path(source_path), number, tag)
        return finish_document(source_path, doc["content"], metadata, self.settings)


def _copy_tokens(tokens):
    """A copy of toc tokens (dicts of plain values, nested in `children`), as deepcopy
    makes it but several times faster: the cached document must not share them."""
    return [{k: (_copy_tokens(v) if k == "children" else v) for k, v in t.items()}
            for t in tokens]


def _count(tokens) -> int:
    return sum(1 + _count(t.get("children", [])) for t in tokens)


def add_reader(readers):
    for ext in MARKDOWN_EXTENSIONS:
        readers.reader_classes[ext] = FrontMatterMarkdownReader


def register():
    signals.readers_init.connect(add_reader)
