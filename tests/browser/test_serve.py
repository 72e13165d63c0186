"""`python -m tools.serve`: an edit rebuilds and reloads the open page; a bad edit shows
the build errors over the last good page; output/ from `make html` has no reload script."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "site"
POST = "en/2016/07/19/setup-hyperd-with-flannel-network/"


@pytest.fixture
def served(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tools.serve", "--port", "0",
         "--content", str(content), "--output", str(tmp_path / "output")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    base = None
    deadline = time.monotonic() + 60
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        m = re.search(r"on (http://127\.0\.0\.1:\d+/)", line)
        if m:
            base = m.group(1)
            break
    if base is None:
        proc.kill()
        pytest.fail("tools.serve did not start:\n" + "".join(lines))
    yield base, content, tmp_path / "output"
    os.killpg(proc.pid, signal.SIGTERM)  # only the server we started, and its build children
    proc.wait(timeout=10)


def test_edit_reloads_the_page_and_errors_show_until_fixed(chromium_browser, served):
    base, content, output = served
    assert "__reload__" not in (output / POST / "index.html").read_text()
    context = chromium_browser.new_context()
    page = context.new_page()
    try:
        page.goto(base + POST)
        h2 = "() => document.querySelector('.post__body h2').textContent"
        assert page.evaluate(h2) == "The network config in etcd"
        post = content / "posts" / "flannel.md"
        post.write_text(post.read_text().replace("## The network config in etcd",
                                                 "## Edited while serving"))
        page.wait_for_function(f"() => ({h2})() === 'Edited while serving'", timeout=30000)
        # a bad date: the page stays, the errors appear over it, with path:line
        text = post.read_text()
        post.write_text(text.replace("date: 2016-07-19 10:00", "date: 2016-19-07"))
        overlay = page.locator("#__build_errors__")
        overlay.wait_for(timeout=30000)
        assert re.search(r"flannel\.md:3: bad date '2016-19-07'", overlay.inner_text())
        assert page.evaluate(h2) == "Edited while serving"
        # fixed: the overlay goes and the page reloads
        post.write_text(text.replace("## Edited while serving", "## Fixed"))
        page.wait_for_function(f"() => ({h2})() === 'Fixed'", timeout=30000)
        assert page.locator("#__build_errors__").count() == 0
    finally:
        context.close()


SWAP_POST = """---
title: Stylesheet swap
date: 2016-07-19 10:00
lang: en
slug: swap
---
<link rel="stylesheet" href="/files/swap.css">

## Styled heading
"""


def test_a_stylesheet_change_is_swapped_in_without_a_reload(chromium_browser, served):
    base, content, output = served
    (content / "files" / "swap.css").write_text(".post__body h2 { color: rgb(1, 2, 3); }\n")
    (content / "posts" / "swap.md").write_text(SWAP_POST)
    deadline = time.monotonic() + 60
    while not (output / "en/2016/07/19/swap/index.html").is_file():  # rebuilt with the post
        assert time.monotonic() < deadline, "the new post was not built"
        time.sleep(0.2)
    context = chromium_browser.new_context()
    page = context.new_page()
    color = "() => getComputedStyle(document.querySelector('.post__body h2')).color"
    try:
        page.goto(base + "en/2016/07/19/swap/")
        page.wait_for_function(f"() => ({color})() === 'rgb(1, 2, 3)'", timeout=30000)
        page.evaluate("() => { window.__sameDocument = true; window.scrollTo(0, 40); }")
        (content / "files" / "swap.css").write_text(".post__body h2 { color: rgb(4, 5, 6); }\n")
        page.wait_for_function(f"() => ({color})() === 'rgb(4, 5, 6)'", timeout=30000)
        assert page.evaluate("() => window.__sameDocument") is True  # swapped, not reloaded
        # any other change still reloads the page
        post = content / "posts" / "swap.md"
        post.write_text(SWAP_POST.replace("## Styled heading", "## Edited heading"))
        h2 = "() => document.querySelector('.post__body h2').textContent"
        page.wait_for_function(f"() => ({h2})() === 'Edited heading'", timeout=30000)
        assert page.evaluate("() => window.__sameDocument") is None
    finally:
        context.close()
