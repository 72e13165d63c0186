"""The real posts and the real labs: commands come from the labs (no hand copies marked for
replacement are left), and the Go and flannel posts show the numbers their lab's
committed record.json holds, with the date of that run beside the table."""
from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

ROOT = Path(__file__).resolve().parents[3]
POSTS = ROOT / "content" / "posts"
GO = {"en": "en/2016/05/06/go-performance-tips", "zh": "zh/2016/05/06/go-performance-tips"}
FLANNEL = {"en": "en/2016/07/19/setup-hyperd-with-flannel-network",
           "zh": "zh/2016/07/19/setup-hyperd-with-flannel-network"}
BENCHMARKS = ["bytes_to_string_copy", "bytes_to_string_zero_copy", "string_to_bytes_copy",
              "string_to_bytes_zero_copy", "small_struct_value", "small_struct_heap"]


def record(lab):
    return json.loads((ROOT / "labs" / lab / "record.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from tests.helpers import run_build

    return run_build(ROOT / "content", tmp_path_factory.mktemp("real-posts") / "output")


def tables(site, path):
    doc = lxml.html.fromstring((site / path / "index.html").read_text(encoding="utf-8"))
    return doc.xpath("//figure[contains(@class, 'lab-record')]")


def cells(figure):
    return [[" ".join(td.text_content().split()) for td in tr.xpath("td")]
            for tr in figure.xpath(".//tbody/tr")]


def test_no_hand_copy_marked_for_a_lab_step_is_left():
    marked = [f"{p.name}:{n}" for p in sorted(POSTS.glob("*.md"))
              for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
              if "<!-- lab-step:" in line]
    assert marked == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_go_post_shows_the_measured_table_from_the_record(site, lang):
    rec = record("goperf")
    figures = tables(site, GO[lang])
    assert len(figures) == 2
    rows = cells(figures[0]) + cells(figures[1])
    assert [r[1:] for r in rows] == [
        [str(rec["measurements"][f"{b}_{unit}"]) for unit in ("ns_per_op", "bytes_per_op", "allocs_per_op")]
        for b in BENCHMARKS]
    details = " ".join(figures[0].xpath("p")[0].text_content().split())
    assert rec["measurements"]["go_version"] in details and rec["measurements"]["zero_copy_method"] in details
    for fig in figures:   # the date of the measurement, beside the table
        assert fig.xpath("figcaption/time")[0].get("datetime") == rec["date"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_flannel_post_shows_rtt_and_throughput_from_the_record(site, lang):
    m = record("flannel")["measurements"]
    (figure,) = tables(site, FLANNEL[lang])
    assert [r[1:] for r in cells(figure)] == [
        [str(m[f"rtt_ms_{path}"]), str(m[f"throughput_mbit_{path}"])] for path in ("underlay", "vxlan", "udp")]
    assert figure.xpath("figcaption/time")[0].get("datetime") == record("flannel")["date"]
