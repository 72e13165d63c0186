"""Jupyter notebooks (.ipynb in content/) as posts, rendered with nbconvert, never run.

- Metadata: a sidecar `<name>.yaml` beside the notebook (the same keys as a
  Markdown post's front matter), else a "pelican" object in the notebook's
  metadata. Validated like front matter (plugins/front_matter/fields.py), so
  lang, slug and translation work the same way; errors at path:line.
- Body: convert.py (cells and saved outputs: text, images, HTML tables; code
  highlighted like Markdown code blocks), then a download link for the
  notebook, which the build copies next to the other static files (same path
  as in content/).
- A notebook that is not valid JSON or not a valid notebook fails the build
  with its path (and the line, for JSON errors).
- The body is kept by the render cache (by the notebook's text, the settings and the
  code); summary, reading time and the site's extension hooks come after, as for
  Markdown (front_matter.finish_document).
"""
import json
import os

from pelican import signals
from pelican.contents import Static
from pelican.readers import BaseReader

from cnnotes import strict
from cnnotes.cjk import text_metadata
from cnnotes.front_matter import convert, finish_document, in_page_paths, new_markdown, reset_heading_ids
from cnnotes.render_cache import RenderCache, settings_key
from cnnotes.front_matter.fields import FieldError, to_metadata
from cnnotes.front_matter.yaml_meta import FrontMatterError, parse

from cnnotes.notebook.convert import to_html

METADATA_KEY = "pelican"
SIDECAR_SUFFIX = ".yaml"
DOWNLOAD_LABEL = {
    "en": "Download this notebook ({name})",
    "zh": "下载这个 notebook（{name}）",
}


class NotebookError(Exception):
    def __init__(self, line, message, path=None):
        super().__init__(message)
        self.line = line
        self.message = message
        self.path = path  # when not the notebook itself (its sidecar)


def load(text):
    """Parse and validate notebook JSON; raise NotebookError(line, message)."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise NotebookError(e.lineno, f"not a valid notebook: the JSON is broken ({e.msg})") from None
    if not isinstance(raw, dict) or "cells" not in raw and "worksheets" not in raw:
        raise NotebookError(1, "not a valid notebook: no \"cells\" list at the top level")
    import nbformat  # here, not at the top: builds without notebooks skip the import

    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as e:  # nbformat raises several kinds, all meaning "not a notebook"
        first = str(getattr(e, "message", None) or e).splitlines()[0]
        raise NotebookError(1, f"not a valid notebook: {first}") from None
    return nb


def _key_lines(text, start_marker):
    """{key: line} for the keys of the JSON object that starts at start_marker."""
    lines, started, depth = {}, False, 0
    for number, line in enumerate(text.splitlines(), 1):
        if not started:
            if start_marker in line:
                started = True
                depth = line.count("{") - line.count("}")
            continue
        stripped = line.strip()
        if depth == 1 and stripped.startswith('"') and '":' in stripped:
            lines.setdefault(stripped[1:stripped.index('":')].lower(), number)
        depth += line.count("{") - line.count("}")
        if depth <= 0:
            break
    return lines


class NotebookReader(BaseReader):
    enabled = True
    file_extensions = ["ipynb"]

    def _markdown(self):
        """One converter for the front-matter fields of every notebook this reader reads."""
        if getattr(self, "_md", None) is None:
            self._md = new_markdown(self.settings)
        return self._md

    def _raw_metadata(self, source_path, text, nb):
        """(raw dict, {key: line}, path the lines are in)."""
        sidecar = os.path.splitext(source_path)[0] + SIDECAR_SUFFIX
        if os.path.isfile(sidecar):
            with open(sidecar, encoding="utf-8") as fh:
                try:
                    raw, lines = parse(fh.read(), first_line=1)
                except FrontMatterError as e:
                    raise NotebookError(e.line, e.message, sidecar) from None
            return raw, lines, sidecar
        meta = nb.metadata.get(METADATA_KEY)
        if not isinstance(meta, dict) or not meta:
            raise NotebookError(1, f"no post metadata: add a \"{METADATA_KEY}\" object (title, date, "
                                   f"lang ...) to the notebook's metadata, or a sidecar "
                                   f"{os.path.basename(sidecar)}")
        return ({str(k).lower(): v for k, v in meta.items()},
                _key_lines(text, f'"{METADATA_KEY}":'), source_path)

    def _skip(self, source_path):
        return "", {"status": "skip", "title": os.path.basename(source_path)}

    def read(self, source_path):
        with open(source_path, encoding="utf-8") as fh:
            text = fh.read()
        try:
            nb = load(text)
            raw, lines, meta_path = self._raw_metadata(source_path, text, nb)
        except NotebookError as e:
            strict.error(e.path or source_path, e.line, e.message)
            return self._skip(source_path)
        try:
            metadata = to_metadata(raw, self.settings, in_page_paths(source_path, self.settings),
                                   lambda s: convert(self._markdown(), s))
        except FieldError as e:
            strict.error(meta_path, lines.get(e.key, 1), e.message)
            return self._skip(source_path)
        metadata["front_matter_lines"] = lines
        name = os.path.basename(source_path)
        label = DOWNLOAD_LABEL.get(metadata.get("lang"), DOWNLOAD_LABEL["en"]).format(name=name)

        def render():
            reset_heading_ids(self.settings)
            content = to_html(nb, self.settings)
            content += (f'\n<p class="nb-download"><a href="{{static}}{name}" download '
                        f'type="application/x-ipynb+json">{label}</a></p>')
            return {"content": content,
                    "text": text_metadata(content, metadata.get("summary"), self.settings)}

        cache = RenderCache(self.settings, "notebook")
        doc = cache.get_or_make(["notebook", settings_key(self.settings), label, text], render)
        metadata.update(doc["text"])
        static = f"{self.settings['SITEURL']}/{self.settings['THEME_STATIC_DIR']}"
        metadata["extra_css"] = [f"{static}/css/notebook.css"]
        return finish_document(source_path, doc["content"], metadata, self.settings)


def add_reader(readers):
    readers.reader_classes["ipynb"] = NotebookReader


def notebooks_read(context) -> list:
    """Content-relative paths of every notebook read in this build (any status)."""
    found = set()
    for key in ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                "drafts_translations", "pages", "hidden_pages", "draft_pages"):
        for doc in context.get(key) or ():
            for one in (doc, *getattr(doc, "translations", ())):
                if str(one.source_path).endswith(".ipynb"):
                    found.add(one.get_relative_source_path())
    return sorted(found)


def publish_notebooks(generator):
    """Make each notebook read a static file too, so {static} links to it
    resolve and the build copies it (Pelican skips content sources otherwise)."""
    for rel in notebooks_read(generator.context):
        if rel in generator.context["static_content"]:
            continue
        static = generator.readers.read_file(
            base_path=generator.path, path=rel, content_class=Static, fmt="static",
            context=generator.context)
        generator.staticfiles.append(static)
        generator.add_source_path(static, static=True)


def register():
    signals.readers_init.connect(add_reader)
    signals.static_generator_finalized.connect(publish_notebooks)
