"""The stand-in notes PDF: committed output matches its source, and the page words hold."""
import re
import zlib

from tools import make_slides_pdf


def page_streams(pdf: bytes) -> list[str]:
    """The decompressed content stream of each page, in page order (fpdf2 writes them so)."""
    streams = re.findall(rb"/Filter /FlateDecode[^>]*>>\s*stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
    texts = []
    for raw in streams:
        try:
            texts.append(zlib.decompress(raw).decode("latin-1"))
        except zlib.error:
            continue  # not a page content stream
    return [t for t in texts if " Tj" in t or "TJ" in t]


def test_committed_pdf_is_what_the_script_writes(tmp_path):
    out = tmp_path / "notes.pdf"
    assert make_slides_pdf.main([str(out)]) == 0
    assert out.read_bytes() == make_slides_pdf.OUT.read_bytes(), \
        "content/files/...notes.pdf is stale: run python -m tools.make_slides_pdf"


def test_at_least_three_pages_each_with_its_own_word():
    pages = page_streams(make_slides_pdf.OUT.read_bytes())
    assert len(pages) >= 3
    for number, word in make_slides_pdf.PAGE_WORDS.items():
        holders = [i + 1 for i, text in enumerate(pages) if word in text]
        assert holders == [number], f"{word!r} is on pages {holders}, expected only {number}"


def test_page_one_says_it_is_a_stand_in():
    first = page_streams(make_slides_pdf.OUT.read_bytes())[0]
    assert "Stand-in" in first and "not the original slides" in first
