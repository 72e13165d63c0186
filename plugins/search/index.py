"""Build the static search index from pages already written to the output.

Reads what a reader sees (the rendered page, not the Markdown source) and writes,
under <output>/search-index/:

  meta.json        {"v", "shards", "pages": [[url, title, date, lang], ...]}
  terms-<k>.json   {term: [page id, ...]} for the terms whose first character
                   falls in shard k (tokens.shard_of)
  text/<id>.txt    the page's plain text, fetched only for candidate pages to
                   verify the exact match and cut the highlighted excerpt

A page's id is its position in meta.json's list (newest first).
"""
import json
import math
import os
import shutil

from lxml import html as lxml_html

from search import tokens

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


def _collect(el, out, pre=False):
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
    root = lxml_html.document_fromstring(document)
    for xpath in BODY_XPATHS:
        found = root.xpath(xpath)
        if found:
            body = found[0]
            break
    else:
        return ""
    out = []
    _collect(body, out)
    return _squeeze("".join(out))


def build(pages):
    """pages: dicts with url, title, date (YYYY-MM-DD), lang and text.
    Returns (meta, shards, texts) ready to be written."""
    pages = sorted(pages, key=lambda p: (p["date"] or "", p["url"]), reverse=True)
    postings = {}
    for page_id, page in enumerate(pages):
        for term in set(tokens.terms(page["title"] + "\n" + page["text"])):
            postings.setdefault(term, []).append(page_id)
    size = sum(len(t.encode()) + 6 + 4 * len(ids) for t, ids in postings.items())
    count = 1 << max(0, math.ceil(math.log2(max(1, size / SHARD_TARGET_BYTES))))
    shards = [dict() for _ in range(count)]
    for term in sorted(postings):
        shards[tokens.shard_of(term, count)][term] = postings[term]
    meta = {
        "v": FORMAT_VERSION,
        "shards": count,
        "pages": [[p["url"], p["title"], p["date"] or "", p["lang"]] for p in pages],
    }
    texts = [p["text"] for p in pages]
    return meta, shards, texts


def _dump(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


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
        with open(os.path.join(target, name), "wb") as fh:
            fh.write(data)
        total += len(data)
    return total


def index_site(output_dir, records):
    """records: dicts with path (the page's file, relative to output_dir), url,
    title, date, lang. Reads each page, writes the index; returns its stats."""
    pages = []
    for rec in records:
        with open(os.path.join(output_dir, rec["path"]), "rb") as fh:
            text = page_text(fh.read())
        pages.append(dict(rec, text=text))
    meta, shards, texts = build(pages)
    size = write(output_dir, meta, shards, texts)
    terms_bytes = sum(len(_dump(s).encode()) for s in shards)
    return {"pages": len(pages), "shards": len(shards), "bytes": size,
            "terms": sum(len(s) for s in shards), "terms_bytes": terms_bytes}


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
