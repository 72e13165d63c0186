"""The PDF viewer in a built site: the tag, the build's copy of pdf.js and the
theme's viewer working together (tests/fixtures/pdf/content, PDF generated)."""
import pytest

from tests.fixtures.pdf.make_pdf import PAGE_WORDS, POST, POST_ZH, make_content

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base(build_site, serve_dir, tmp_path_factory):
    content = make_content(tmp_path_factory.mktemp("pdfcontent") / "content")
    return serve_dir(build_site(content))


READY = "figure[data-pdf-viewer][data-state=ready][data-page='{n}'] .pdf-viewer__sheet[data-page-number='{n}'][data-drawn]"


def test_post_shows_the_pdf_and_pages_through_it(chromium_browser, base):
    context = chromium_browser.new_context()
    pg = context.new_page()
    errors, requests = [], []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: m.type == "error" and errors.append(m.text))
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(base + POST)
    pg.wait_for_selector(READY.format(n=1), timeout=30000)
    layer = "figure[data-pdf-viewer] .pdf-viewer__sheet[data-page-number='{}'] .textLayer"
    assert PAGE_WORDS[0] in pg.text_content(layer.format(1))
    painted = pg.evaluate("""() => {
        const c = document.querySelector(".pdf-viewer__sheet[data-page-number='1'] canvas");
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] && d[i] + d[i + 1] + d[i + 2] < 600) n++;
        return n / (d.length / 4);
    }""")
    assert painted > 0.05  # the band and the word, not a blank sheet
    # the last page's text is in the document without paging to it: the browser's find sees it
    assert PAGE_WORDS[-1] in pg.text_content(layer.format(len(PAGE_WORDS)))
    assert pg.evaluate("(w) => window.find(w, true, false, true)", PAGE_WORDS[-1])
    pg.click("figure[data-pdf-viewer] .pdf-viewer__next")
    pg.wait_for_selector(READY.format(n=2), timeout=30000)
    assert PAGE_WORDS[1] in pg.text_content(layer.format(2))
    # the cross-origin PDF further down is a card, and nothing was fetched from it
    assert "pdfs.example.org" in pg.text_content(".pdf-embed--remote")
    assert all(u.startswith(base) for u in requests), [u for u in requests if not u.startswith(base)]
    assert not errors
    pg.goto(base + POST_ZH)
    pg.wait_for_selector("figure[data-pdf-viewer][data-state=ready]", timeout=30000)
    assert pg.get_attribute(".pdf-viewer__prev", "aria-label") == "上一页"
    assert pg.get_attribute(".pdf-viewer__sheet[data-page-number='2']", "aria-label") == "第 2 页"
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_viewer_and_card_pass_axe(chromium_browser, base, axe_violations, scheme):
    context = chromium_browser.new_context(color_scheme=scheme)
    pg = context.new_page()
    for post in (POST, POST_ZH):
        assert pg.goto(base + post).status == 200, post
        pg.wait_for_selector("figure[data-pdf-viewer][data-state=ready]", timeout=30000)
        assert axe_violations(pg) == [], post
    context.close()
