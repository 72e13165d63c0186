"""Reading the real site on a desktop (1366x900) and a phone (390x844, touch), as issue
21 describes it: one table of contents, a compact header, code and its copy button,
diagrams that open larger, a PDF viewer that loads only near the view and fills a
phone's width, inline code and Chinese code comments drawn well."""
from pathlib import Path

import pytest

from tests.browser.test_site import Session

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FLANNEL_EN = "en/2016/07/19/setup-hyperd-with-flannel-network/"
FLANNEL_ZH = "zh/2016/07/19/setup-hyperd-with-flannel-network/"
JEFF_DEAN = "en/2016/05/05/the-rise-of-cloud-computing-systems-jeff-dean/"
GO_TIPS_ZH = "zh/2016/05/06/go-performance-tips/"
DOCKER_EN = "en/2016/05/11/how-docker-1-11-share-network-accross-containers/"  # a path wider than a phone
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def base(build_site, serve_dir):
    return serve_dir(build_site(ROOT / "content"))


@pytest.fixture
def open_page(chromium_browser, base):
    sessions = []

    def _open(path, device=DESKTOP, **options):
        s = Session(chromium_browser, base, **device, **options)
        sessions.append(s)
        assert s.goto(path).status == 200, path
        return s
    yield _open
    for s in sessions:
        s.context.close()


VISIBLE_TOCS = """() => [...document.querySelectorAll('nav.toc-sidebar__nav, .post__body .toc')]
    .filter(el => el.getClientRects().length > 0).length"""


@pytest.mark.parametrize("path", [FLANNEL_EN, FLANNEL_ZH])
def test_one_table_of_contents_on_a_desktop_and_on_a_phone(open_page, path):
    desk = open_page(path)
    assert desk.page.evaluate(VISIBLE_TOCS) == 1
    assert desk.page.locator(".toc-sidebar").is_visible()
    # the text starts above the fold: the first paragraph of the post is on screen
    first = desk.page.locator(".post__body > p").first.bounding_box()
    assert first["y"] < 900 - 60, first
    phone = open_page(path, PHONE)
    assert phone.page.evaluate(VISIBLE_TOCS) == 1
    assert phone.page.locator(".post__body .toc").is_visible()


@pytest.mark.parametrize("path", [FLANNEL_EN, FLANNEL_ZH, "", "zh/"])
def test_the_header_on_a_phone_is_two_short_rows_and_every_menu_item_reachable(open_page, path):
    s = open_page(path, PHONE)
    header = s.page.locator(".site-header").bounding_box()
    assert header["height"] <= 100, header
    assert s.page.evaluate(OVERFLOW) == 0
    # the menu scrolls sideways: its last item can be brought into view and clicked
    last = s.page.locator(".site-nav li").last.locator("a")
    last.scroll_into_view_if_needed()
    box = last.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 390, box
    assert s.page.locator("#search-box-q").is_visible()


FIRST_LINE_VS_BUTTON = """() => [...document.querySelectorAll('.post__body .highlight')].map(block => {
    const button = block.querySelector('.copy-button').getBoundingClientRect();
    const code = block.querySelector('pre code') || block.querySelector('pre');
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    let node = walker.nextNode();
    while (node && !node.textContent.trim()) node = walker.nextNode();
    const r = document.createRange();
    r.setStart(node, node.textContent.search(/\\S/)); r.setEnd(node, node.textContent.search(/\\S/) + 1);
    const line = r.getBoundingClientRect();
    return {line: line.top, button: button.bottom, visible: getComputedStyle(block.querySelector('.copy-button')).opacity};
})"""


def test_the_copy_button_on_a_touch_screen_is_above_the_code_not_over_it(open_page):
    s = open_page(FLANNEL_EN, PHONE)
    blocks = s.page.evaluate(FIRST_LINE_VS_BUTTON)
    assert len(blocks) > 5
    for b in blocks:
        assert b["visible"] == "1", b
        assert b["button"] <= b["line"], b   # the first line starts below the button


def test_a_diagram_opens_larger_on_a_phone_and_closes_again(open_page, axe_violations):
    s = open_page(FLANNEL_ZH, PHONE)
    img = s.page.locator(".post__body img[src$='.svg']").first
    img.scroll_into_view_if_needed()
    shown = img.bounding_box()["width"]
    assert shown < 390
    img.tap()
    dialog = s.page.locator("dialog.image-zoom")
    dialog.wait_for(state="visible")
    big = dialog.locator("img")
    big.wait_for(state="visible")
    assert big.bounding_box()["width"] >= 2.5 * shown      # labels 2.5 times as large
    frame = dialog.locator(".image-zoom__frame")
    assert frame.evaluate("f => f.scrollWidth > f.clientWidth")  # and it scrolls sideways
    assert s.page.url.endswith(FLANNEL_ZH)                   # the page was not left
    assert dialog.get_by_role("button", name="关闭").is_visible()
    assert axe_violations(s.page) == []
    s.page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert s.errors == []


def test_the_pdf_viewer_loads_pdfjs_only_near_the_view_and_fills_a_phone(open_page):
    s = open_page(JEFF_DEAN, PHONE)
    s.page.wait_for_timeout(1000)
    figure = s.page.locator("figure[data-pdf-viewer]")
    assert figure.get_attribute("data-state") == "idle"
    assert not [u for u in s.requests if "/pdfjs/" in u or u.endswith(".pdf")], s.requests
    figure.scroll_into_view_if_needed()
    s.page.wait_for_selector("figure[data-pdf-viewer][data-state=ready]", timeout=30000)
    assert any(u.endswith("pdf.min.mjs") for u in s.requests)
    assert any(u.endswith("pdf.worker.min.mjs") for u in s.requests)
    # as wide as the screen, and the first page as wide as the viewer
    box = figure.bounding_box()
    assert box["x"] == 0 and box["width"] == 390, box
    sheet = s.page.locator(".pdf-viewer__sheet").first.bounding_box()
    assert sheet["width"] >= 385, sheet
    assert s.page.evaluate(OVERFLOW) == 0
    assert s.errors == []


def test_a_tap_on_the_pdf_viewer_loads_it(open_page):
    s = open_page(JEFF_DEAN, PHONE)
    figure = s.page.locator("figure[data-pdf-viewer]")
    s.page.wait_for_timeout(500)
    assert figure.get_attribute("data-state") == "idle"    # below the fold: not loaded
    # a tap is the reader asking for it, wherever the viewer is
    figure.dispatch_event("pointerdown")
    s.page.wait_for_selector("figure[data-pdf-viewer][data-state=ready]", timeout=30000)


INLINE_CODE = """() => { const col = document.querySelector('.post__body').getBoundingClientRect();
  return [...document.querySelectorAll('.post__body :not(pre) > code')].map(c => {
    const words = [...c.querySelectorAll('.code-word')].map(w => {
      const r = document.createRange(); r.selectNodeContents(w);
      return [w.textContent, r.getClientRects().length, w.getBoundingClientRect().width]; });
    return {text: c.textContent, words, column: col.width,
            right: Math.max(...[...c.getClientRects()].map(r => r.right)) - col.right}; }); }"""


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("path", [FLANNEL_EN, FLANNEL_ZH, DOCKER_EN])
def test_inline_code_breaks_only_between_words_and_stays_in_the_column(open_page, path, device):
    s = open_page(path, device)
    codes = s.page.evaluate(INLINE_CODE)
    marked = [c for c in codes if c["words"]]           # the Markdown's (not the lab box's)
    assert len(marked) >= 5 and any("-" in c["text"] for c in marked)
    for c in codes:
        assert c["right"] <= 1, c                       # never sticks out of the column
        for text, lines, width in c["words"]:
            # `--subnet-file` stays on one line; only a word wider than the column breaks
            assert lines == 1 or width >= c["column"] - 30, (c["text"], text, lines, width)


COMMENTS_WITH_CJK = """() => [...document.querySelectorAll('.highlight :is(.c, .c1, .cm, .ch, .cs)')]
    .filter(el => /[\\u4e00-\\u9fff]/.test(el.textContent))
    .map(el => { const cs = getComputedStyle(el); return [el.textContent, cs.fontStyle, cs.fontSynthesisStyle]; })"""


def test_chinese_comments_in_code_are_not_slanted_by_the_browser(open_page):
    s = open_page(GO_TIPS_ZH)
    comments = s.page.evaluate(COMMENTS_WITH_CJK)
    assert comments, "the Go post has Chinese comments in its code"
    for text, style, synthesis in comments:
        # italic is asked for, but no font has italic Chinese: the browser must not fake it
        assert synthesis == "none", (text, style, synthesis)


# --- the lab transcript page ---------------------------------------------------------

@pytest.mark.parametrize("path, far, far_id, middle, middle_id", [
    ("labs/flannel/", "The numbers", "the-numbers", "What udp costs", "what-udp-costs"),
    ("zh/labs/flannel/", "数字", "数字", "udp 的代价", "udp-的代价")])
def test_the_transcript_has_a_table_of_contents_on_a_desktop_and_on_a_phone(
        open_page, path, far, far_id, middle, middle_id):
    desk = open_page(path)
    sidebar = desk.page.locator(".toc-sidebar")
    assert sidebar.is_visible()
    assert sidebar.locator("a").count() >= 10
    assert desk.page.evaluate(VISIBLE_TOCS) == 1
    sidebar.get_by_role("link", name=far, exact=True).click()
    desk.page.wait_for_function("id => Math.abs(document.getElementById(id)"
                                ".getBoundingClientRect().top) < 40", arg=far_id)
    phone = open_page(path, PHONE)
    box = phone.page.locator("details.lab-page__toc")
    assert box.is_visible() and not phone.page.locator(".toc-sidebar").is_visible()
    box.locator("summary").tap()
    box.get_by_role("link", name=middle, exact=True).tap()
    phone.page.wait_for_function("id => Math.abs(document.getElementById(id)"
                                 ".getBoundingClientRect().top) < 40", arg=middle_id)


@pytest.mark.parametrize("path, label", [
    ("labs/flannel/", "RTT, underlay (ms)"), ("zh/labs/flannel/", "往返时延，底层网络（ms）"),
    ("labs/runv/", "QEMU start (s)"), ("labs/goperf/", "Small struct heap (ns/op)")])
def test_measurements_are_labelled_in_words_not_keys(open_page, path, label):
    s = open_page(path)
    names = s.page.locator(".lab-measurements th").all_inner_texts()
    assert label in names
    assert not [n for n in names if "_" in n], names


def test_a_wide_ascii_diagram_scrolls_with_a_cue_and_is_never_cut(open_page):
    s = open_page("labs/flannel/", PHONE)
    pre = s.page.locator(".lab-transcript pre").first
    assert "lab-fl-u: bridge br0" in pre.inner_text()
    pre.scroll_into_view_if_needed()
    assert pre.evaluate("p => p.scrollWidth > p.clientWidth + 100")
    assert pre.get_attribute("tabindex") == "0"          # the keyboard scrolls it too
    # a shadow at the right edge says there is more
    assert "radial-gradient" in pre.evaluate("p => getComputedStyle(p).backgroundImage")
    # every character can be brought into view: the last column of the diagram
    pre.evaluate("p => { p.scrollLeft = p.scrollWidth; }")
    right = pre.evaluate("""p => { const r = document.createRange(); const t = p.querySelector('code') || p;
        let max = 0; for (const rect of (r.selectNodeContents(t), r.getClientRects())) max = Math.max(max, rect.right);
        return [max, p.getBoundingClientRect().right]; }""")
    assert right[0] <= right[1] + 1, right
    assert s.page.evaluate(OVERFLOW) == 0


def test_the_diagram_in_the_chinese_post_is_labelled_in_chinese(open_page):
    s = open_page(FLANNEL_ZH, PHONE)
    src = s.page.locator(".post__body img[src$='.svg']").first.get_attribute("src")
    svg = s.page.request.get(s.base + src.lstrip("/")).text()
    labels = s.page.evaluate("""svg => [...new DOMParser().parseFromString(svg, 'image/svg+xml')
        .querySelectorAll('text')].map(t => t.textContent)""", svg)
    assert "主机 1 · eth0 192.168.50.1" in labels
    assert not [t for t in labels if any(w in t for w in ("host ", "bridge", "bytes", "socket"))], labels
    english = s.page.request.get(s.base + src.lstrip("/").replace(".zh.svg", ".svg")).text()
    assert "host 1 · eth0 192.168.50.1" in english       # the English post keeps its own


# --- what readers of other blog themes expect ------------------------------------------

def test_the_theme_switch_goes_auto_light_dark_and_is_remembered(open_page):
    s = open_page(FLANNEL_EN, DESKTOP, color_scheme="dark")
    page = s.page
    background = "() => getComputedStyle(document.body).backgroundColor"
    code = "() => getComputedStyle(document.querySelector('.highlight .k, .highlight .nb')).color"
    dark_bg, dark_code = page.evaluate(background), page.evaluate(code)
    assert dark_bg == "rgb(13, 17, 23)"                       # auto: the system's dark
    switch = page.locator("button.theme-switch")
    switch.click()                                            # light, though the system is dark
    assert page.evaluate(background) == "rgb(255, 255, 255)"
    assert page.evaluate(code) != dark_code                   # code colours follow
    assert "light" in switch.get_attribute("aria-label").lower()
    s.goto(FLANNEL_ZH)                                        # remembered on the next page
    assert page.evaluate(background) == "rgb(255, 255, 255)"
    page.locator("button.theme-switch").click()               # dark
    assert page.evaluate(background) == "rgb(13, 17, 23)"
    page.locator("button.theme-switch").click()               # auto again: the system's
    assert page.evaluate("() => document.documentElement.dataset.theme") is None
    assert page.evaluate(background) == "rgb(13, 17, 23)"
    s.goto(FLANNEL_EN)
    assert page.evaluate("() => localStorage.getItem('theme')") is None
    assert s.errors == []


def test_heading_anchors_show_on_hover_and_copy_the_sections_url(open_page, base):
    s = open_page(FLANNEL_EN)
    s.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
    heading = s.page.locator(".post__body h2").nth(1)
    anchor = heading.locator("a.heading-anchor")
    assert anchor.evaluate("a => getComputedStyle(a).opacity") == "0"
    heading.hover()
    s.page.wait_for_function("a => getComputedStyle(a).opacity === '1'", arg=anchor.element_handle())
    anchor.click()
    hid = heading.get_attribute("id")
    s.page.wait_for_function("() => navigator.clipboard.readText().then(t => t.length > 0)")
    copied = s.page.evaluate("() => navigator.clipboard.readText()")
    assert copied == s.base + FLANNEL_EN + "#" + hid
    assert s.page.url == copied
    assert s.page.get_by_role("status").filter(has_text="Link copied").count() == 1


def test_back_to_top_appears_far_down_and_goes_back(open_page):
    s = open_page(FLANNEL_ZH, PHONE)
    button = s.page.get_by_role("button", name="回到顶部")
    assert button.evaluate("b => getComputedStyle(b).opacity") == "0"
    s.page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    s.page.wait_for_function("() => document.querySelector('.back-to-top').classList.contains('is-shown')")
    button.tap()
    s.page.wait_for_function("() => window.scrollY === 0")


@pytest.mark.parametrize("path, lang", [(FLANNEL_EN, "en"), (FLANNEL_ZH, "zh-CN")])
def test_related_posts_share_tags_in_the_readers_language_first(open_page, path, lang):
    s = open_page(path)
    nav = s.page.locator("nav.related-posts")
    items = nav.locator("li")
    assert 1 <= items.count() <= 4
    langs = items.evaluate_all("lis => lis.map(li => li.lang)")
    assert langs == sorted(langs, key=lambda x: x != lang)     # the reader's language first
    mine = set(s.page.locator(".post__tags a").all_inner_texts())
    first = nav.locator("a").first
    first.click()
    s.page.wait_for_load_state("load")
    theirs = set(s.page.locator(".post__tags a").all_inner_texts())
    assert mine & theirs                                       # it does share a tag


CLS = """() => new Promise(resolve => {
    let total = 0;
    new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; })
        .observe({type: 'layout-shift', buffered: true});
    setTimeout(() => resolve(total), 1500);
})"""


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("path", [FLANNEL_EN, FLANNEL_ZH, JEFF_DEAN, "labs/flannel/"])
def test_nothing_moves_while_the_page_loads(open_page, path, device):
    s = open_page(path, device)
    assert s.page.evaluate(CLS) < 0.01


def test_a_mermaid_diagram_shows_in_the_readers_theme(chromium_browser, build_site, serve_dir):
    from cnnotes.mermaid.test_mermaid import needs_renderer
    needs_renderer()
    base = serve_dir(build_site(ROOT / "plugins" / "cnnotes" / "mermaid" / "fixtures" / "ok"))
    s = Session(chromium_browser, base, viewport={"width": 1366, "height": 900}, color_scheme="dark")
    try:
        assert s.goto("en/2016/07/19/mermaid-flow/").status == 200
        light = s.page.locator(".mermaid-diagram__light svg")
        dark = s.page.locator(".mermaid-diagram__dark svg")
        assert dark.is_visible() and not light.is_visible()
        assert dark.bounding_box()["width"] > 300
        s.page.locator("button.theme-switch").click()            # light, chosen
        assert light.is_visible() and not dark.is_visible()
        assert s.page.get_by_text("flanneld").first.is_visible()    # real text, found by find
        assert s.foreign_requests() == [] and s.errors == []
    finally:
        s.context.close()


# --- the Chinese lab pages ------------------------------------------------------------

CODE_TEXT = "() => [...document.querySelectorAll('.lab-block pre')].map(p => p.innerText)"


@pytest.mark.parametrize("lab, heading", [("netns", "容器 A：自己的网络命名空间"),
                                          ("flannel", "主机 1 上的 etcd")])
def test_a_chinese_lab_page_is_chinese_around_the_same_commands(open_page, axe_violations, lab, heading):
    zh = open_page(f"zh/labs/{lab}/")
    page = zh.page
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator(".lab-page__transcript").get_attribute("lang") == "zh-CN"
    assert page.locator(".lab-transcript h2", has_text=heading).count() == 1
    assert page.locator(".lab-prose[lang=en]").count() == 0              # every part translated
    roles = set(page.locator(".lab-block__role").all_inner_texts())
    assert roles <= {"准备", "步骤", "检查", "守护进程", "清理"} and "准备" in roles, roles
    assert page.get_by_role("complementary").get_by_role("link", name=heading).count() == 1
    title = page.locator("h1").inner_text()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in title), title
    en = open_page(f"labs/{lab}/")
    assert page.evaluate(CODE_TEXT) == en.page.evaluate(CODE_TEXT)       # the same commands, once
    assert axe_violations(page) == []


def test_the_chinese_labs_index_names_the_labs_in_chinese(open_page):
    s = open_page("zh/labs/")
    titles = s.page.locator(".lab-row__title").all_inner_texts()
    assert "Flannel：跨三台主机的 overlay 网络" in titles and len(titles) == 6


def test_the_chinese_posts_record_link_leads_to_chinese_prose(open_page):
    s = open_page(FLANNEL_ZH)
    s.page.get_by_role("link", name="上次运行的记录").click()
    s.page.wait_for_load_state("load")
    assert "/zh/labs/flannel/" in s.page.url
    assert s.page.locator(".lab-transcript h2").first.inner_text() == "主机和底层网络"


@pytest.mark.parametrize("system, chosen", [("light", "dark"), ("dark", "light")])
def test_a_chosen_theme_against_the_systems_passes_axe(chromium_browser, base, axe_violations, system, chosen):
    """The chosen scheme's colours, code included, are readable: nothing of the system's
    scheme leaks into it."""
    s = Session(chromium_browser, base, viewport={"width": 1366, "height": 900}, color_scheme=system)
    try:
        s.goto(FLANNEL_EN)
        s.page.evaluate("t => localStorage.setItem('theme', t)", chosen)
        for path in (FLANNEL_EN, FLANNEL_ZH, "labs/flannel/"):
            assert s.goto(path).status == 200
            assert s.page.evaluate("() => document.documentElement.dataset.theme") == chosen
            assert axe_violations(s.page) == [], (path, chosen)
    finally:
        s.context.close()


def test_the_keyboard_opens_and_closes_the_enlarged_image(open_page):
    s = open_page(FLANNEL_EN)
    link = s.page.locator(".post__body a.is-zoomable").first
    link.focus()
    s.page.keyboard.press("Enter")
    dialog = s.page.locator("dialog.image-zoom")
    dialog.wait_for(state="visible")
    assert dialog.locator("img").get_attribute("alt")                 # the diagram's own alt text
    s.page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert s.page.evaluate("() => document.activeElement.classList.contains('is-zoomable')")
