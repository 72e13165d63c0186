"""Files the PDF viewer needs in the output: pdf.js from node_modules, mirrored PDFs.

pdf.js is an npm package pinned in package.json / package-lock.json; it is
copied into the output at build time and never committed. Only what a viewer
loads: the library and its worker (ES modules), CMaps (Chinese, Japanese and
Korean PDFs need them), the standard fonts (PDFs that do not embed theirs),
the wasm image decoders (JPEG 2000, JBIG2), the colour profile, the licence.
"""
import json
import os
import shutil
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PDFJS_PACKAGE = "pdfjs-dist"
PDFJS_FILES = ("build/pdf.min.mjs", "build/pdf.worker.min.mjs", "LICENSE")
PDFJS_DIRS = ("cmaps", "standard_fonts", "wasm", "iccs")
OUTPUT_SUBDIR = "pdfjs"  # under THEME_STATIC_DIR; pdf-viewer.js imports ../pdfjs/
MIRROR_TIMEOUT = 30


class AssetError(Exception):
    """Something the build needs is missing; the message says what to run."""


def pdfjs_dir(root=ROOT):
    """node_modules/pdfjs-dist, checked against the version package-lock.json pins."""
    where = os.path.join(root, "node_modules", PDFJS_PACKAGE)
    try:
        with open(os.path.join(root, "package-lock.json"), encoding="utf-8") as fh:
            pinned = json.load(fh)["packages"][f"node_modules/{PDFJS_PACKAGE}"]["version"]
    except (OSError, KeyError, ValueError) as e:
        raise AssetError(f"package-lock.json does not pin {PDFJS_PACKAGE} ({e})") from None
    try:
        with open(os.path.join(where, "package.json"), encoding="utf-8") as fh:
            installed = json.load(fh)["version"]
    except (OSError, KeyError, ValueError):
        raise AssetError(f"{PDFJS_PACKAGE} is not installed in node_modules: "
                         "run `make deps` (npm ci)") from None
    if installed != pinned:
        raise AssetError(f"node_modules has {PDFJS_PACKAGE} {installed}, package-lock.json "
                         f"pins {pinned}: run `make deps` (npm ci)")
    return where


def copy_pdfjs(static_output_dir, root=ROOT):
    """Copy pdf.js into <output>/<THEME_STATIC_DIR>/pdfjs/; returns that path."""
    source = pdfjs_dir(root)
    target = os.path.join(static_output_dir, OUTPUT_SUBDIR)
    os.makedirs(target, exist_ok=True)
    copy = shutil.copy2
    for name in PDFJS_DIRS:
        if os.path.isdir(os.path.join(target, name)):
            shutil.rmtree(os.path.join(target, name))
    for name in PDFJS_FILES:
        copy(os.path.join(source, name), os.path.join(target, os.path.basename(name)))
    for name in PDFJS_DIRS:
        top = os.path.join(source, name)
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            rel = os.path.relpath(dirpath, top)
            folder = os.path.normpath(os.path.join(target, name, rel))
            os.makedirs(folder, exist_ok=True)
            for filename in sorted(filenames):
                copy(os.path.join(dirpath, filename), os.path.join(folder, filename))
    return target


def mirror(url, cache_dir, name):
    """Download `url` into cache_dir/name once (later builds reuse it); returns
    the cached path. Raises AssetError when it cannot be had or is not a PDF."""
    path = os.path.join(cache_dir, name)
    if os.path.isfile(path):
        return path
    os.makedirs(cache_dir, exist_ok=True)
    request = urllib.request.Request(url, headers={"User-Agent": "cloud-native-notes-build"})
    try:
        with urllib.request.urlopen(request, timeout=MIRROR_TIMEOUT) as response:
            data = response.read()
    except Exception as e:  # URLError, HTTPError, timeouts, bad hosts
        raise AssetError(f"PDF_MIRROR could not download {url}: {e}") from None
    if not data.startswith(b"%PDF-"):
        raise AssetError(f"PDF_MIRROR: {url} is not a PDF (it does not start with %PDF-)")
    partial = path + ".part"
    with open(partial, "wb") as fh:
        fh.write(data)
    os.replace(partial, path)
    return path
