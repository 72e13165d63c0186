"""The lab box, the transcript page and the Labs index in Debian Chromium: what a reader
sees and clicks, no console errors, nothing fetched from elsewhere, and axe-core finding
no serious or critical violation in light and dark mode."""
import pytest

from cnnotes.labs_site.test_labs_site import make_site
from tests.browser.test_site import Session

pytestmark = pytest.mark.browser

POST = "en/2016/07/19/demo-post/"
PAGES = [POST, "zh/2016/07/19/demo-post/", "en/2016/07/28/offline-post/", "labs/", "zh/labs/",
         "labs/demo/", "zh/labs/offline/", "labs/fresh/"]


@pytest.fixture(scope="module")
def base(tmp_path_factory, serve_dir):
    return serve_dir(make_site(tmp_path_factory.mktemp("labs-browser")))


def test_reader_goes_from_the_box_to_the_transcript_and_the_index(chromium_browser, base):
    s = Session(chromium_browser, base, viewport={"width": 1280, "height": 800})
    try:
        s.goto(POST)
        box = s.page.get_by_role("complementary", name="Lab: demo")
        assert box.is_visible()
        assert "Reproduce this post: make lab-demo" in box.inner_text()
        assert "passed" in box.locator(".lab-box__status").inner_text()
        box.get_by_role("link", name="Transcript of the last run").click()
        s.page.wait_for_url(base + "labs/demo/")
        greet = s.page.locator("#block-greet")
        assert greet.is_visible() and "hello from the lab" in greet.inner_text()
        s.page.get_by_role("navigation", name="Main").get_by_role("link", name="Labs").click()
        s.page.wait_for_url(base + "labs/")
        row = s.page.locator("tr.lab-row", has_text="offline")
        assert "Not verified on this machine" in row.inner_text()
        assert s.errors == [] and s.foreign_requests() == []
    finally:
        s.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violations_on_lab_pages(chromium_browser, base, axe_violations, scheme):
    s = Session(chromium_browser, base, color_scheme=scheme, viewport={"width": 1280, "height": 800})
    try:
        problems = []
        for path in PAGES:
            response = s.goto(path)
            assert response.status == 200, path
            problems += [f"/{path}: {v}" for v in axe_violations(s.page)]
        assert problems == []
        assert s.errors == []
    finally:
        s.context.close()
