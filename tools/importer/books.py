"""Moving a book in: a GitBook, MkDocs or Hugo docs tree becomes a book under
content/books/<slug>/ (cnnotes.books reads the three forms as they are written).

- GitBook (book.json or SUMMARY.md): the tree as it is, without _book/ and node_modules/.
- MkDocs (mkdocs.yml): mkdocs.yml and its docs_dir.
- Hugo docs (a section folder with _index.md, e.g. FROM=site/content/docs): the folder,
  plus a book.yaml with the title and language Hugo keeps in the site's config (the
  title from _index.md, the language from it, from IMPORT_LANG or from the pages' text).
  The shortcodes that have a Markdown form become it: `{{< ref "x.md" >}}` and
  `{{< relref >}}` a relative link, `{{< hint info >}}` … `{{< /hint >}}` a `{% hint %}`
  block; any other is reported at path:line.

Files already there are never overwritten (the same: left; different: reported), so a
second import changes nothing. Then the book is checked as the build would read it
(cnnotes.books.check), and what the build would stop on is in the report.
"""
import json
import os
import re
from pathlib import Path

from cnnotes.front_matter.fences import Fences
from cnnotes.front_matter.language import guess_lang
from cnnotes.front_matter.yaml_meta import FrontMatterError

from .model import MARKDOWN_SUFFIXES, Report, front_matter, plain_lang
from .write import write_new

GITBOOK_LEFT_OUT = ("_book", "node_modules")
REF_RE = re.compile(r'\{\{[<%]\s*(?:rel)?ref\s+"([^"]+)"\s*[>%]\}\}')
HINT_OPEN_RE = re.compile(r"\{\{[<%]\s*hint(?:\s+([\w-]+))?\s*[>%]\}\}")
HINT_CLOSE_RE = re.compile(r"\{\{[<%]\s*/\s*hint\s*[>%]\}\}")
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
HINT_STYLES = {"info": "info", "note": "info", "tip": "success", "success": "success",
               "warning": "warning", "danger": "danger", "error": "danger"}


def book_form(root: Path):
    """"GitBook", "MkDocs" or "Hugo docs" for a book's folder, else None."""
    if (root / "mkdocs.yml").is_file() or (root / "mkdocs.yaml").is_file():
        return "MkDocs"
    if (root / "book.json").is_file() or (root / "SUMMARY.md").is_file():
        return "GitBook"
    if (root / "_index.md").is_file():
        return "Hugo docs"
    return None


def book_slug(root: Path) -> str:
    """The book's folder name as a URL segment (lowercase letters, digits, -)."""
    slug = re.sub(r"[^a-z0-9]+", "-", root.name.lower()).strip("-")
    return slug or "book"


def _files(root: Path, form: str):
    """(source file, path relative to the book's folder) of what the book is made of."""
    if form == "MkDocs":
        from cnnotes.books.config import read_config
        config, config_path, _ = read_config(str(root))
        yield Path(config_path), Path(config_path).name
        docs = root / str(config.get("docs_dir") or "docs")
        for path in _tree(docs):
            yield path, str(Path(docs.name) / path.relative_to(docs))
        return
    for path in _tree(root, left_out=GITBOOK_LEFT_OUT if form == "GitBook" else ()):
        yield path, str(path.relative_to(root))


def _tree(folder: Path, left_out=()):
    found = []
    for dirpath, dirs, files in os.walk(folder):
        rel = Path(dirpath).relative_to(folder)
        dirs[:] = sorted(d for d in dirs if d not in left_out and
                         (not d.startswith(".") or (str(rel) == "." and d == ".gitbook")))
        found += [Path(dirpath) / name for name in sorted(files) if not name.startswith(".")]
    return found


def convert_shortcodes(text: str, page: Path, root: Path):
    """(text with ref/relref/hint shortcodes in Markdown form, [(line, message)] for refs
    that name no page of the book). Code blocks are left as they are."""
    fences = Fences()
    problems = []
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        if fences.in_code(line):
            continue

        def ref(match):
            target = _resolve(match.group(1), page, root)
            if target is None:
                problems.append((number, f"{match.group()}: no page {match.group(1)!r} in the book"))
                return match.group()
            return os.path.relpath(target, page.parent).replace(os.sep, "/")

        def hint(match):
            style = HINT_STYLES.get((match.group(1) or "info").lower(), "info")
            return f'{{% hint style="{style}" %}}'

        line = REF_RE.sub(ref, line)
        line = HINT_OPEN_RE.sub(hint, line)
        lines[number - 1] = HINT_CLOSE_RE.sub("{% endhint %}", line)
    return "\n".join(lines), problems


def _resolve(target: str, page: Path, root: Path):
    """The book's file a Hugo ref names: beside the page, or from the section's root
    (with or without the section's own name first, as in "/docs/x.md")."""
    path, _, anchor = target.partition("#")
    parts = [p for p in path.strip("/").split("/") if p]
    tries = [page.parent / path] if not path.startswith("/") else []
    tries += [root.joinpath(*parts)]
    if parts and parts[0] == root.name:
        tries.append(root.joinpath(*parts[1:]))
    for found in tries:
        for candidate in (found, found / "_index.md", found.with_suffix(".md")):
            if candidate.is_file() and root in candidate.resolve().parents:
                return str(candidate) + (f"#{anchor}" if anchor else "")
    return None


def _hugo_book_yaml(root: Path, import_lang):
    """book.yaml for a Hugo docs section: title and lang (what Hugo keeps in the site's
    config), with why the language was chosen."""
    meta = front_matter(root / "_index.md")
    title = str(meta.get("title") or root.name)
    lang = plain_lang(meta.get("lang") or meta.get("languagecode") or "")
    why = "given in _index.md"
    site = _hugo_site_config(root)
    if not lang and site.get("languagecode"):
        lang, why = plain_lang(site["languagecode"]), "languageCode in the Hugo site's config"
    if not lang and import_lang:
        lang, why = import_lang, "IMPORT_LANG"
    if not lang:
        pages = [p.read_text(encoding="utf-8", errors="replace")
                 for p in _tree(root) if p.suffix in MARKDOWN_SUFFIXES]
        lang = "zh" if guess_lang(title, "\n".join(pages)) == "zh" else "en"
        why = "mostly Chinese text" if lang == "zh" else "not mostly Chinese text"
    text = ("# the section's own settings (Hugo keeps them in the site's config)\n"
            f"title: {json.dumps(title, ensure_ascii=False)}\nlang: {lang}\n")
    return text, lang, why


def _hugo_site_config(root: Path) -> dict:
    """The config of the Hugo site the section is in (content/<section>/ two levels
    down), its keys lowercase; {} when there is none."""
    from . import hugo
    from .config import read_config

    site = root.parent.parent if root.parent.name == "content" else None
    path = hugo.config_file(site) if site is not None else None
    if path is None:
        return {}
    return {str(k).lower(): v for k, v in read_config(path).items()}


def import_book(source_root, content_dir, import_lang=None, slug=None, books_dir="books") -> Report:
    """Copy the book at source_root to content_dir/<books_dir>/<slug>/ and check it
    (slug: the folder's name by default; it is in the book's URLs)."""
    root = Path(source_root).resolve()
    content_dir = Path(content_dir)
    form = book_form(root)
    slug = slug or book_slug(root)
    if not SLUG_RE.fullmatch(slug):
        raise ValueError(f"book slug {slug!r}: use lowercase letters, digits and '-'")
    dest = f"{books_dir}/{slug}"
    report = Report(tool=f"{form} book {root}", book=dest)
    found_problems = []
    for source, rel in _files(root, form):
        data = source.read_bytes()
        if form == "Hugo docs" and source.suffix in MARKDOWN_SUFFIXES:
            text, problems = convert_shortcodes(data.decode("utf-8"), source, root)
            if text.encode("utf-8") != data:
                report.repaired.append(f"{content_dir / dest / rel}:1: Hugo shortcodes written as Markdown")
            found_problems += [(rel, line, message) for line, message in problems]
            data = text.encode("utf-8")
        kind = "page" if source.suffix in MARKDOWN_SUFFIXES else "asset"
        write_new(content_dir, f"{dest}/{rel}", data, kind, report)
    if form == "Hugo docs" and not any((root / name).is_file() for name in ("book.yaml", "book.yml")):
        text, lang, why = _hugo_book_yaml(root, import_lang)
        write_new(content_dir, f"{dest}/book.yaml", text.encode("utf-8"), "asset", report)
        report.languages.append((f"{dest}/book.yaml", lang, why))
    for rel, line, message in found_problems:
        report.needs_hand.append(f"{content_dir / dest / rel}:{line}: {message}")
    said = {x.split(": ")[0] for x in report.needs_hand}  # path:line
    report.needs_hand += [x for x in _check(content_dir, dest) if x.split(": ")[0] not in said]
    return report


def _check(content_dir: Path, dest: str) -> list:
    """What the build would stop on in this book, as path:line: message."""
    from cnnotes.books.check import check_books

    try:
        errors, _ = check_books(str(content_dir))
    except FrontMatterError as e:
        return [f"{content_dir / dest}:{e.line}: {e.message}"]
    prefix = os.path.abspath(content_dir / dest)
    shown = []
    for error in errors:
        path = error.split(":", 1)[0]
        if os.path.abspath(path).startswith(prefix + os.sep) or os.path.abspath(path) == prefix:
            shown.append(error)
    return shown
