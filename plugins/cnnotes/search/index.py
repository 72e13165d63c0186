"""Build the static search index from pages already written to the output.

Reads what a reader sees (the rendered page, not the Markdown source) and writes,
under <output>/search-index/:

  meta.json        {"v", "shards", "pages": [[url, title, date, lang(, book)], ...]}
                   (book: the slug of the book a book page is in; posts have none)
  terms-<k>.json   {term: [page id, ...]} for the terms whose first character
                   falls in shard k (tokens.shard_of)
  text/<id>.txt    the page's plain text, fetched only for candidate pages to
                   verify the exact match and cut the highlighted excerpt

A page's id is its position in meta.json's list (newest first).
"""
import json
import math
import os
import re
import shutil

from lxml import etree
from lxml import html as lxml_html

from cnnotes.render_cache import text_digest
from cnnotes.search import tokens

INDEX_DIR = "search-index"
FORMAT_VERSION = 1
# Aim for shards of about this many bytes, so a query fetches little.
SHARD_TARGET_BYTES = 48 * 1024

# Elements whose text a reader does not see as part of the page body.
SKIP_TAGS = {"script", "style", "template", "noscript", "nav", "header", "footer",
             "aside", "button", "select", "svg", "canvas", "iframe", "object"}
# Elements that start a new line in the rendered page (as innerText does).
BLOCK_TAGS = {"address", "article", "blockquote", "br", "dd", "details", "dialog", "div",
              "dl", "dt", "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3",
              "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section", "summary",
              "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "caption"}
# Where the body of a page is: the first of these that exists.
BODY_XPATHS = (
    "//*[@data-search-body]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' post__body ')]",  # our theme
    "//article", "//main", "//body",
)


def _skipped(el):
    if not isinstance(el.tag, str):  # comments, processing instructions
        return True
    if el.tag in SKIP_TAGS:
        return True
    attrib = el.attrib
    return ("toc" in attrib.get("class", "").split()  # a table of contents repeats headings
            or "hidden" in attrib or "data-search-ignore" in attrib)


BREAK = "\x01"  # a line break the reader sees (between blocks, or inside <pre>)
# The same mark inside an lxml tree, which refuses control characters: a Unicode
# noncharacter, never in real text (a page that has one takes the slow path).
_MARK = "\ufdd0"
# Candidates for _skipped, found by libxml2 rather than by visiting every element.
_SKIP_ATTR_XPATH = etree.XPath(".//*[@hidden or @data-search-ignore or contains(@class, 'toc')]")
_SKIP_NODES = (etree.Comment, etree.ProcessingInstruction, *sorted(SKIP_TAGS))
_BLOCKS = sorted(BLOCK_TAGS)
_PARSER = etree.HTMLParser()


def _collect(el, out, pre=False):
    """The text of el into out, visiting every element (the slow path)."""
    pre = pre or el.tag == "pre"
    keep = (lambda t: t.replace("\n", BREAK)) if pre else (lambda t: t)
    block = el.tag in BLOCK_TAGS
    if block:
        out.append(BREAK)
    if el.text:
        out.append(keep(el.text))
    for child in el:
        if not _skipped(child):
            _collect(child, out, pre)
        if child.tail:
            out.append(keep(child.tail))
    if block:
        out.append(BREAK)


def _drop_keeping_tail(el):
    """Remove el and its subtree; its tail text stays where it was."""
    parent = el.getparent()
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _mark_block(el):
    """A mark before a block's text and after its last child's tail (not its own)."""
    el.text = _MARK + (el.text or "")
    if len(el):
        last = el[-1]
        last.tail = (last.tail or "") + _MARK
    else:
        el.text += _MARK


def _flatten_pre(el):
    el.text = "".join(el.itertext()).replace("\n", _MARK)
    for child in list(el):
        el.remove(child)


def body_text(body):
    """The text of `body` (an lxml element; changed in place) as a reader sees it:
    what _skipped names left out (navigation, scripts, a TOC, hidden elements),
    inline markup joined without spaces, a line break around every block and at
    every newline in <pre>. Edits the tree so that one itertext() (C code) gives
    the same text as _collect's visit of every element."""
    if _MARK in etree.tostring(body, method="text", encoding="unicode"):
        out = []
        _collect(body, out)
        return _squeeze("".join(out))
    skipped = [*body.iter(*_SKIP_NODES), *_SKIP_ATTR_XPATH(body)]
    for el in skipped:
        if el is not body and _skipped(el):
            _drop_keeping_tail(el)
    for el in body.iter(*_BLOCKS):  # body too, when it is a block
        _mark_block(el)
    pres = [el for el in body.iter("pre")]
    for pre in pres:  # outermost first: an inner one is gone when its turn comes
        if pre is body or pre.getparent() is not None:
            _flatten_pre(pre)
    return _squeeze("".join(body.itertext()).replace(_MARK, BREAK))


def _squeeze(text):
    """Collapse runs of white space; one newline where the reader sees a break."""
    lines = (" ".join(line.split()) for line in text.split(BREAK))
    return "\n".join(line for line in lines if line)


def page_text(document):
    """Plain text of a page's body, as a reader sees it: inline markup joins
    without spaces (so <b>集</b>群 stays 集群), blocks start new lines.
    `document` is the page, as str or UTF-8 bytes."""
    if isinstance(document, bytes):
        document = document.decode("utf-8", errors="replace")
    root = etree.fromstring(document, _PARSER)
    if root is None:
        return ""
    body = find_body(root, document)
    if body is None:
        return ""
    return body_text(body)


_XML_SPACE_RE = re.compile("[ \t\r\n]+")
_BODY_CLASS = "post__body"
# found in any page holding data-search-body in any case (attribute names are not case
# sensitive): a search as quick as a plain `in`, where lowercasing the page cost 75 µs
_SEARCH_BODY_RE = re.compile(r"-(?i:search-body)")


def find_body(root, document=None):
    """The first match of BODY_XPATHS, the second one found by walking the elements in
    Python up to the first with the class (normalize-space and concat over every element
    is slow in libxml2, and even a plain contains() over all of them takes ten times as
    long as that walk on this theme's pages).
    With the page's text, an XPath looking for an attribute or a class the text does
    not hold at all is not evaluated."""
    for xpath in BODY_XPATHS:
        if document is not None and (("data-search-body" in xpath and not _SEARCH_BODY_RE.search(document))
                                     or (_BODY_CLASS in xpath and _BODY_CLASS not in document)):
            continue
        if _BODY_CLASS in xpath:
            found = _first_with_class(root, _BODY_CLASS)
        else:
            found = next(iter(root.xpath(xpath)), None)
        if found is not None:
            return found
    return None


def _first_with_class(root, name):
    """The first element, in document order, with class `name` among its classes."""
    return next((el for el in root.iter(etree.Element)
                 if name in (el.get("class") or "") and name in _XML_SPACE_RE.split(el.get("class"))), None)


def build(pages):
    """pages: dicts with url, title, date (YYYY-MM-DD), lang and text (and maybe
    terms: the term set of the text, when already known, or those terms joined by
    newlines).
    Returns (meta, shards, texts) ready to be written."""
    return _build(pages)[:3]


def _sorted(pages):
    return sorted(pages, key=lambda p: (p["date"] or "", p["url"]), reverse=True)


def _terms(page):
    # no term spans a line break, so the terms of "title\ntext" are those of each
    known = page.get("terms")
    if known is None:
        return tokens.term_set(page["title"] + "\n" + page["text"])
    if isinstance(known, str):  # kept joined until needed: a site's worth of terms is large
        known = known.split("\n") if known else ()
    return tokens.term_set(page["title"]).union(known)


def _shard_count(size):
    """Shards for postings of `size` bytes (in the sizing rule's units)."""
    return 1 << max(0, math.ceil(math.log2(max(1, size / SHARD_TARGET_BYTES))))


def _term_size(term):
    return len(term.encode()) + 6


def _build(pages):
    pages = _sorted(pages)
    postings = {}
    for page_id, page in enumerate(pages):
        for term in _terms(page):
            postings.setdefault(term, []).append(page_id)
    size = sum(_term_size(t) + 4 * len(ids) for t, ids in postings.items())
    count = _shard_count(size)
    shards = [dict() for _ in range(count)]
    for term in sorted(postings):
        shards[tokens.shard_of(term, count)][term] = postings[term]
    meta = {
        "v": FORMAT_VERSION,
        "shards": count,
        "pages": [_row(p) for p in pages],
    }
    texts = [p["text"] for p in pages]
    return meta, shards, texts, size


def _row(page):
    """A page's entry in meta.json: url, title, date, lang, and its book when it is in one."""
    row = [page["url"], page["title"], page["date"] or "", page["lang"]]
    if page.get("book"):
        row.append(page["book"])
    return row


def _dump(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _put_file(output_dir, rel, data):
    path = os.path.join(output_dir, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)


def write(output_dir, meta, shards, texts):
    """Write the index under output_dir/search-index/ (replacing an old one).
    Returns the total size in bytes."""
    target = os.path.join(output_dir, INDEX_DIR)
    if os.path.isdir(target):
        shutil.rmtree(target)
    os.makedirs(os.path.join(target, "text"))
    files = {"meta.json": _dump(meta)}
    for k, shard in enumerate(shards):
        files[f"terms-{k}.json"] = _dump(shard)
    for page_id, text in enumerate(texts):
        files[f"text/{page_id}.txt"] = text
    total = 0
    for name, content in files.items():
        data = content.encode("utf-8")
        _put_file(output_dir, f"{INDEX_DIR}/{name}", data)
        total += len(data)
    return total


def text_and_terms(document):
    """(page_text, its term set as one newline-separated string) of a page."""
    text = page_text(document)
    return text, "\n".join(sorted(tokens.term_set(text)))


def index_site(output_dir, records, cache=None):
    """records: dicts with path (the page's file, relative to output_dir), url,
    title, date, lang. Reads each page, writes the index; returns its stats.
    cache (a RenderCache): a page's text and terms are kept by the digest of its bytes."""
    pages = []
    for rec in records:
        with open(os.path.join(output_dir, rec["path"]), "rb") as fh:
            document = fh.read()
        if cache is None:
            text, terms = text_and_terms(document)
        else:
            text, terms = cache.get_or_make(["page text", text_digest(document)],
                                            lambda: list(text_and_terms(document)))
        pages.append(dict(rec, text=text, terms=terms))
    meta, shards, texts, size = _build(pages)
    total = write(output_dir, meta, shards, texts)
    return {"pages": len(pages), "shards": len(shards), "bytes": total,
            "terms": sum(len(s) for s in shards)}


def record_from_html(output_dir, path):
    """A record for a page found on disk (no Pelican at hand): title from its
    <h1> (else <title>), date from its first <time datetime>, lang from <html lang>."""
    with open(os.path.join(output_dir, path), encoding="utf-8", errors="replace") as fh:
        root = lxml_html.document_fromstring(fh.read())
    h1 = root.xpath("//h1")
    title = h1[0].text_content().strip() if h1 else root.findtext(".//title", "").strip()
    times = root.xpath("//time[@datetime]")
    url = path.replace(os.sep, "/")
    if url.endswith("index.html"):
        url = url[: -len("index.html")]
    return {"path": path, "url": url, "title": title,
            "date": times[0].get("datetime")[:10] if times else "",
            "lang": root.get("lang", "")}


def main(argv=None):
    """python -m search.index DIR: index every .html page under DIR (for tests
    and for looking at an index by hand; `make html` goes through the plugin)."""
    import argparse
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("output_dir")
    args = parser.parse_args(argv)
    records = []
    for folder, dirs, files in os.walk(args.output_dir):
        dirs[:] = sorted(d for d in dirs if d != INDEX_DIR)
        for name in sorted(files):
            if name.endswith(".html"):
                path = os.path.relpath(os.path.join(folder, name), args.output_dir)
                records.append(record_from_html(args.output_dir, path))
    stats = index_site(args.output_dir, records)
    print("search index: {pages} pages, {terms} terms in {shards} shards, "
          "{bytes} bytes".format(**stats))


if __name__ == "__main__":
    main()
