"""`make serve`'s view of unfinished posts: the banner is seen, in light and dark, and
passes axe (contrast included)."""
import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_draft_and_scheduled_banners_are_visible_and_pass_axe(chromium_browser, serve_dir, author_site,
                                                              axe_violations, scheme):
    base = serve_dir(author_site)
    context = chromium_browser.new_context(color_scheme=scheme)
    page = context.new_page()
    for path, words in (("drafts/en/a-draft-not-for-readers/", "Draft: not published"),
                        ("en/2099/01/01/a-post-scheduled-for-2099/", "Scheduled for Jan 1, 2099")):
        assert page.goto(base + path).status == 200, path
        banner = page.locator(".unfinished-banner")
        assert banner.is_visible() and words in banner.inner_text()
        title_box, banner_box = page.locator("h1.post__title").bounding_box(), banner.bounding_box()
        assert banner_box["y"] < title_box["y"] + 400  # under the title, before the post's text
        assert axe_violations(page) == [], path
    context.close()
