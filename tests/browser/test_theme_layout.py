"""The theme on the real site in Debian Chromium, where engineers reported problems: a
short column of a Chinese table on a phone, wide diagrams in the text column, the PDF
viewer under axe, and reading notes with two sets of previous/next links."""
from pathlib import Path

import pytest

from tests.browser.test_site import Session

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
MINIKUBE_ZH = "zh/2016/08/24/ru-he-kuai-su-qi-dong-yi-ge-kubernetes-ji-qun/"
FLANNEL = "en/2016/07/19/setup-hyperd-with-flannel-network/"
JEFF_DEAN = "en/2016/05/05/the-rise-of-cloud-computing-systems-jeff-dean/"
NOTES = "en/2016/04/29/reading-notes-2016-week-17/"

LINES_PER_CELL = """() => [...document.querySelectorAll('.post__body table')[0].querySelectorAll('td')]
    .map(td => { const r = document.createRange(); r.selectNodeContents(td);
                 return [td.textContent.trim(), r.getClientRects().length]; })"""
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def base(build_site, serve_dir):
    return serve_dir(build_site(ROOT / "content"))


def test_short_chinese_table_cells_keep_one_line_on_a_phone(chromium_browser, base):
    s = Session(chromium_browser, base, viewport={"width": 390, "height": 844})
    try:
        s.goto(MINIKUBE_ZH)
        cells = s.page.evaluate(LINES_PER_CELL)
        short = [(text, lines) for text, lines in cells if text in ("控制节点", "每个节点")]
        assert len(short) == 7 and all(lines == 1 for _, lines in short), short
        assert s.page.evaluate(OVERFLOW) == 0       # the page itself never scrolls sideways
    finally:
        s.context.close()


def test_wide_diagram_breaks_out_of_the_text_column_and_stays_on_screen(chromium_browser, base):
    box = """() => { const i = document.querySelector('.post__body img[src$=".svg"]').getBoundingClientRect();
                     const b = document.querySelector('.post__body').getBoundingClientRect();
                     return {left: i.left, right: i.right, width: i.width, column: b.width}; }"""
    for width, wider in ((1280, True), (900, True), (390, False)):
        s = Session(chromium_browser, base, viewport={"width": width, "height": 900})
        try:
            s.goto(FLANNEL)
            r = s.page.evaluate(box)
            assert r["left"] >= 16 and r["right"] <= width - 16, (width, r)
            if wider:
                assert r["width"] > r["column"] + 80, (width, r)
            assert s.page.evaluate(OVERFLOW) == 0, width
        finally:
            s.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pdf_viewer_on_the_jeff_dean_post_passes_axe(chromium_browser, base, axe_violations, scheme):
    s = Session(chromium_browser, base, color_scheme=scheme, viewport={"width": 1280, "height": 900})
    try:
        assert s.goto(JEFF_DEAN).status == 200
        s.page.wait_for_selector("figure[data-pdf-viewer][data-state=ready]", timeout=30000)
        assert axe_violations(s.page) == []
        # a page with no text (scanned slides): the viewer is still a labelled group
        s.page.evaluate("document.querySelector('.pdf-viewer .textLayer').replaceChildren()")
        assert axe_violations(s.page) == []
    finally:
        s.context.close()


def test_reading_notes_show_only_their_own_previous_and_next_links(chromium_browser, base):
    s = Session(chromium_browser, base, viewport={"width": 1280, "height": 900})
    try:
        s.goto(NOTES)
        assert s.page.locator("nav.reading-notes-nav, p.reading-notes-all").count() >= 1
        assert s.page.get_by_role("navigation", name="More posts").count() == 0
        s.goto(FLANNEL)   # other posts keep the newer / older links
        assert s.page.get_by_role("navigation", name="More posts").count() == 1
    finally:
        s.context.close()
