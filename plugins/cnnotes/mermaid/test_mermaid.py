"""Mermaid fences rendered at build time: inline SVG in two themes, no fonts or other
hosts, cached by content hash, errors at path:line. Needs node, npm mermaid-cli and
Debian's Chromium; skipped with the reason where one is missing."""
import os
import shutil
from pathlib import Path

import pytest

from cnnotes.mermaid import fences, renderer
from tests.helpers import run_build, shown

HERE = Path(__file__).resolve().parent


def needs_renderer():
    if renderer.cli_version() is None:
        pytest.skip("node_modules/@mermaid-js/mermaid-cli is missing: run make deps")
    if shutil.which("node") is None:
        pytest.skip("node is missing: install the Debian package nodejs")
    if not os.path.exists(renderer.CHROMIUM):
        pytest.skip(f"{renderer.CHROMIUM} is missing: install the Debian package chromium")


def test_fences_are_found_and_other_code_blocks_left_alone():
    lines = ["a", "```mermaid", "flowchart LR", "  A --> B", "```", "````markdown", "```mermaid",
             "x", "```", "````", "~~~ mermaid", "graph TD", "~~~", "```mermaid", "open"]
    found = fences.find_fences(lines)
    assert [(f.start, f.text, f.closed) for f in found] == [
        (1, "flowchart LR\n  A --> B", True), (10, "graph TD", True), (13, "open", False)]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    needs_renderer()
    cache = tmp_path_factory.mktemp("mermaid-cache")
    out = run_build(HERE / "fixtures" / "ok", tmp_path_factory.mktemp("site") / "output",
                    CACHE_PATH=str(cache))
    return out, cache


def test_a_fence_becomes_inline_svg_in_a_light_and_a_dark_version(built):
    out, cache = built
    html = (out / "en" / "2016" / "07" / "19" / "mermaid-flow" / "index.html").read_text(encoding="utf-8")
    assert html.count('<figure class="mermaid-diagram">') == 1
    assert '<div class="mermaid-diagram__light"><svg id="mermaid-' in html
    assert '<div class="mermaid-diagram__dark" hidden><svg id="mermaid-' in html   # once in a feed
    figure = html[html.index('<figure class="mermaid-diagram">'):html.index("</figure>")]
    assert ">flanneld<" in figure and ">hyper0<" in figure         # the labels are SVG text
    assert "@font-face" not in figure and "<foreignObject" not in figure
    assert "http://" not in figure.replace("http://www.w3.org/", "") and "https://" not in figure
    assert len(figure) < 40_000                                    # no embedded fonts
    assert '<span class="sb">```mermaid</span>' in html             # the example stays code


def test_the_cache_is_keyed_by_content_and_theme(built):
    out, cache = built
    entries = {p.parent.name + p.stem for p in (Path(cache) / "render" / "mermaid").rglob("*.json")}
    assert len(entries) == 2                                       # one diagram, two themes
    text = "flowchart LR\n  pod[Container 10.1.15.2] --> br[hyper0 bridge]\n  br --> tun[flannel0 TUN]\n  tun --> agent[flanneld]"
    version = renderer.cli_version()
    assert {renderer.key(text, t, version) for t in renderer.THEMES} == entries
    assert renderer.render_missing([text], renderer.Cache({"CACHE_PATH": str(cache)})) == 0   # nothing rendered again


def test_a_broken_diagram_fails_the_build_at_its_line(tmp_path):
    needs_renderer()
    from tools.build import BuildFailed
    content = HERE / "fixtures" / "bad"
    with pytest.raises(BuildFailed) as failed:
        run_build(content, tmp_path / "output", CACHE_PATH=str(tmp_path / "cache"))
    path = shown(content / "posts" / "broken.md")
    assert any(e.startswith(f"{path}:11: mermaid diagram: Parse error") for e in failed.value.errors), \
        failed.value.errors
    assert not (tmp_path / "output" / "index.html").exists()       # nothing half-written
