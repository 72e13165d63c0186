"""The labs on the site, as a reader sees them: the box on posts (passed, changed since,
not verified, never run), the {% lab %} tag in both languages, the transcript pages and
the Labs index; and the build errors a writer gets for a bad lab name or step.

The fixture labs are run for real by the harness (no root needed) into a temp copy, so
the records and transcripts the site reads are genuine."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

from cnnotes.labs_site import data, tag

ROOT = Path(__file__).resolve().parents[3]
FIX = Path(__file__).resolve().parent / "fixtures"


def _plugins():
    import pelicanconf
    plugins = list(pelicanconf.PLUGINS)
    return plugins if "cnnotes.labs_site" in plugins else plugins + ["cnnotes.labs_site"]


def _build(content, labs_dir, out):
    from tests.helpers import run_build

    return run_build(content, out, LABS_DIR=str(labs_dir), PLUGINS=_plugins())


def _run_lab(lab_dir, record_dir=None, env=None):
    return subprocess.run([sys.executable, "-m", "labs", "run", str(lab_dir), "--record-dir",
                           str(record_dir or lab_dir)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=env)


# What GitHub Actions sets in every job (the labs workflow runs the harness there).
CI_ENV = {"GITHUB_ACTIONS": "true", "ImageOS": "ubuntu24", "ImageVersion": "20261201.1",
          "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "example/notes",
          "GITHUB_RUN_ID": "4242", "GITHUB_SHA": "0" * 40}


def _ci_run(labs_dir, name, tmp):
    """The lab run as the labs workflow runs it, its artifact brought in by fetch-ci."""
    import os

    r = _run_lab(labs_dir / name, tmp / "artifacts" / f"lab-{name}", env=dict(os.environ, **CI_ENV))
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([sys.executable, "-m", "labs", "fetch-ci", "--from", str(tmp / "artifacts"),
                        "--labs-dir", str(labs_dir)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def make_site(tmp: Path) -> Path:
    """The fixture labs run for real into tmp (demo passes, edited passes then changes,
    offline is skipped, broken fails, fresh never runs), then the fixture content built
    against them."""
    labs_dir = tmp / "labs"
    shutil.copytree(FIX / "labs", labs_dir)
    r = _run_lab(labs_dir / "demo")
    assert r.returncode == 0, r.stdout + r.stderr
    _ci_run(labs_dir, "demo", tmp)
    r = _run_lab(labs_dir / "edited")
    assert r.returncode == 0, r.stdout + r.stderr
    with open(labs_dir / "edited" / "lab.md", "a") as f:
        f.write("\nA sentence added after the run.\n")
    r = _run_lab(labs_dir / "offline")
    assert r.returncode == 77, r.stdout + r.stderr
    r = _run_lab(labs_dir / "broken")
    assert r.returncode == 1, r.stdout + r.stderr
    return _build(FIX / "content", labs_dir, tmp / "output")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return make_site(tmp_path_factory.mktemp("labs-site"))


def page(site, path):
    return lxml.html.fromstring((site / path / "index.html").read_text(encoding="utf-8"))


def text(el):
    return " ".join(el.text_content().split())


def box(doc):
    found = doc.xpath("//aside[contains(@class, 'lab-box')]")
    assert len(found) == 1
    return found[0]


def test_box_on_a_verified_post(site):
    doc = page(site, "en/2016/07/19/demo-post")
    b = box(doc)
    t = text(b)
    assert "Reproduce this post: make lab-demo" in t
    assert "Last result: passed" in t and "took" in t
    assert "changed since last verified" not in t
    link = b.xpath(".//p[contains(@class, 'lab-box__links')]//a")[0].get("href")
    assert link.endswith("/labs/demo/") and (site / "labs" / "demo" / "index.html").is_file()


@pytest.mark.parametrize("path, words", [
    ("en/2016/07/19/demo-post", "Verified on GitHub Actions ({os}, kernel {kernel}) on {date}"),
    ("labs/demo", "Verified on GitHub Actions ({os}, kernel {kernel}) on {date}"),
    ("zh/2016/07/19/demo-post", "已验证于 GitHub Actions（{os}，内核 {kernel}），{zhdate}"),
])
def test_the_ci_run_is_shown_beside_the_authors_own(site, path, words):
    import json
    import platform

    from cnnotes.bilingual.strings import format_date

    rec = json.loads((site.parent / "labs" / "demo" / "ci" / "record.json").read_text())
    date = data.dt.datetime.fromisoformat(rec["date"])
    b = box(page(site, path))
    ci = b.xpath(".//p[contains(@class, 'lab-box__ci')]")
    assert len(ci) == 1
    want = words.format(os=rec["host"]["os"], kernel=platform.release(), date=format_date(date, "en"),
                        zhdate=format_date(date, "zh"))
    assert text(ci[0]) == want
    assert ci[0].xpath(".//a")[0].get("href") == "https://github.com/example/notes/actions/runs/4242"
    assert not box(page(site, "en/2016/07/26/edited-post")).xpath(".//p[contains(@class, 'lab-box__ci')]")


def test_box_in_chinese(site):
    t = text(box(page(site, "zh/2016/07/19/demo-post")))
    assert t.startswith("复现本文： make lab-demo") and "上次结果： 通过" in t


def test_box_says_changed_since_last_verified(site):
    t = text(box(page(site, "en/2016/07/26/edited-post")))
    assert "Last result: passed" in t and "changed since last verified" in t


def test_box_says_not_verified_with_the_reason(site):
    t = text(box(page(site, "en/2016/07/28/offline-post")))
    assert "Not verified on this machine" in t
    assert "hxt-no-such-package" in t


def test_box_for_a_lab_never_run(site):
    t = text(box(page(site, "en/2016/07/23/fresh-post")))
    assert "Last result: never run" in t


def test_lab_tag_shows_commands_and_recorded_output_in_both_languages(site):
    for path in ("en/2016/07/19/demo-post", "zh/2016/07/19/demo-post"):
        doc = page(site, path)
        figs = doc.xpath("//figure[contains(@class, 'lab-step')]")
        first = text(figs[0])
        assert '$ echo "hello from the lab" hello from the lab' in first
        assert "make lab-demo" in first
    figs = page(site, "en/2016/07/19/demo-post").xpath("//figure[contains(@class, 'lab-step')]")
    second = text(figs[1])
    assert 'for i in 1 2 3; do echo "line $i"; done' in second
    assert "line 1" not in second                         # commands only, no output
    html = (site / "en/2016/07/19/demo-post/index.html").read_text()
    assert "{% lab demo greet %} inside a code block stays as it is" in html
    assert "{% lab demo greet output %}" not in html


def test_transcript_page_in_the_site_theme(site):
    doc = page(site, "labs/demo")
    assert doc.xpath("//header[contains(@class, 'site-header')]")
    t = text(doc)
    assert "Demo: a lab the site shows" in t
    blocks = doc.xpath("//section[contains(@class, 'lab-block')]")
    assert [b.get("id") for b in blocks] == ["block-greet", "block-count", "block-teardown-1"]
    assert "passed" in text(blocks[0]) and "hello from the lab" in text(blocks[0])
    assert "line 1 line 2 line 3" in text(blocks[1])
    assert doc.xpath("//table[contains(@class, 'lab-measurements')]//tr[th/@data-key='lines' and th='Lines' and td='3']")
    assert doc.xpath("//h2[normalize-space()='Steps']")
    assert page(site, "zh/labs/demo").xpath("//section[@id='block-greet']")


def test_labs_index_lists_every_lab_with_its_result(site):
    rows = {r.xpath(".//th//a")[0].text: text(r) for r in page(site, "labs").xpath("//tr[contains(@class, 'lab-row')]")}
    assert set(rows) == {"demo", "edited", "fresh", "offline", "broken"}
    assert "passed" in rows["demo"] and "A post with a lab" in rows["demo"]
    assert "changed since last verified" in rows["edited"]
    assert "never run" in rows["fresh"]
    assert "Not verified on this machine" in rows["offline"]
    assert page(site, "zh/labs").xpath("//tr[contains(@class, 'lab-row')]")


@pytest.mark.parametrize("lang, failed, passed", [("en", "Last result: failed", "passed"),
                                                    ("zh", "上次结果： 失败", "通过")])
def test_a_failed_run_says_failed_on_the_post_the_labs_page_and_its_transcript(site, lang, failed, passed):
    prefix = "" if lang == "en" else "zh/"
    results = {
        "post": box(page(site, f"{lang}/2016/07/30/broken-post")),
        "transcript page": box(page(site, f"{prefix}labs/broken")),
    }
    for where, b in results.items():
        result = text(b.xpath(".//p[contains(@class, 'lab-box__result')]")[0])
        assert result.startswith(failed), (where, result)
        assert passed not in result, (where, result)
        assert "lab-box--failed" in b.get("class"), where
    row = next(r for r in page(site, f"{prefix}labs").xpath("//tr[contains(@class, 'lab-row')]")
               if r.xpath(".//th//a")[0].text == "broken")
    assert "lab-row--failed" in row.get("class")
    assert failed.split()[-1] in text(row) and passed not in text(row)
    blocks = page(site, f"{prefix}labs/broken").xpath("//section[contains(@class, 'lab-block')]")
    assert [b.get("class").split()[-1] for b in blocks] == [
        "lab-status--passed", "lab-status--failed", "lab-status--not-run"]
    assert "output differs from the expected output" in text(blocks[1])


def test_unknown_lab_or_step_fails_the_build_at_path_line(tmp_path):
    from tools.build import BuildFailed
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "bad.md").write_text(
        "---\ntitle: Bad\ndate: 2016-07-19\nlang: en\nlab: nope\n---\nText.\n\n"
        "{% lab demo nope %}\n\n{% lab demo %}\n")
    with pytest.raises(BuildFailed) as e:
        _build(content, FIX / "labs", tmp_path / "out")
    errors = "\n".join(e.value.errors)
    assert "bad.md:5: unknown lab 'nope'" in errors
    assert "bad.md:9: lab 'demo' has no step 'nope' (steps: greet, count, teardown-1)" in errors
    assert "bad.md:11: lab tag: write {% lab NAME STEP %}" in errors


def test_tag_parse_errors():
    labs = data.load_all({"LABS_DIR": str(FIX / "labs")})
    assert tag.parse("demo greet output", labs) == tag.LabTag("demo", "greet", True)
    for args, msg in [("demo", "write {% lab NAME STEP %}"), ("demo greet verbose", "write"),
                      ("nope greet", "unknown lab 'nope'"), ("demo nope", "has no step 'nope'")]:
        with pytest.raises(tag.TagError, match=msg):
            tag.parse(args, labs)
    lines = ["```", "{% lab demo greet %}", "```", "{% lab demo count %}"]
    assert list(tag.find_tags(lines)) == [(3, "demo count")]


def _record(site_labs, name):
    import json
    return json.loads((site_labs / name / "record.json").read_text())


def test_labrecord_fills_the_table_from_the_record_with_its_date(site):
    record = _record(site.parent / "labs", "demo")
    doc = page(site, "en/2016/07/19/demo-post")
    fig = doc.xpath("//figure[contains(@class, 'lab-record')]")
    assert len(fig) == 1
    rows = {text(r.xpath("td")[0]): text(r.xpath("td")[1]) for r in fig[0].xpath(".//tbody/tr")}
    assert rows == {"lines printed": "3", "host kernel": record["host"]["kernel"]}
    assert fig[0].xpath(".//tbody/tr[2]/td[2]/code")           # Markdown around a value still works
    cap = fig[0].xpath("figcaption")[0]
    assert text(cap).startswith("Measured by the demo lab on ")
    assert cap.xpath("time")[0].get("datetime") == record["date"]
    assert cap.xpath("a")[0].get("href") == "/labs/demo/"
    html = (site / "en/2016/07/19/demo-post/index.html").read_text()
    assert "{% labrecord demo %} inside a code block stays as it is" in html
    assert "{{" not in text(fig[0])


def test_captions_in_chinese_link_to_the_chinese_lab_pages(site):
    doc = page(site, "zh/2016/07/19/demo-post")
    cap = doc.xpath("//figure[contains(@class, 'lab-record')]/figcaption")[0]
    assert text(cap).endswith("由实验 demo 测得") and "年" in cap.xpath("time")[0].text
    assert cap.xpath("a")[0].get("href") == "/zh/labs/demo/"
    step = doc.xpath("//figure[contains(@class, 'lab-step')]/figcaption//a")[0]
    assert step.get("href") == "/zh/labs/demo/#block-greet"
    assert page(site, "en/2016/07/19/demo-post").xpath(
        "//figure[contains(@class, 'lab-step')]/figcaption//a")[0].get("href") == "/labs/demo/#block-greet"


def test_labrecord_says_when_the_lab_changed_since(site):
    fig = page(site, "en/2016/07/26/edited-post").xpath("//figure[contains(@class, 'lab-record')]")[0]
    assert text(fig).startswith("Lines: 3.")
    assert "changed since last verified" in text(fig.xpath("figcaption")[0])


def test_bad_labrecord_blocks_fail_the_build_at_path_line(tmp_path):
    from tools.build import BuildFailed
    labs_dir = tmp_path / "labs"
    shutil.copytree(FIX / "labs", labs_dir)
    assert _run_lab(labs_dir / "demo").returncode == 0
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "bad.md").write_text(
        "---\ntitle: Bad\ndate: 2016-07-19\nlang: en\n---\nText.\n\n"   # body starts at line 6
        "{% labrecord demo %}\n| a | b |\n| - | - |\n| x | {{ nope }} |\n{% endlabrecord %}\n\n"
        "{% labrecord fresh %}\n{{ lines }}\n{% endlabrecord %}\n\n"
        "{% labrecord demo extra %}\n{% endlabrecord %}\n\n"
        "{% endlabrecord %}\n\n"
        "{% labrecord demo %}\n{{ lines }}\n")
    with pytest.raises(BuildFailed) as e:
        _build(content, labs_dir, tmp_path / "out")
    errors = "\n".join(e.value.errors)
    assert "bad.md:11: lab 'demo' recorded no 'nope' (measurements: lines)" in errors
    assert "bad.md:14: lab 'fresh' has no recorded measurements: run `make lab-fresh`" in errors
    assert "bad.md:18: labrecord: write {% labrecord NAME %}" in errors
    assert "bad.md:21: {% endlabrecord %} without {% labrecord NAME %} before it" in errors
    assert "bad.md:23: {% labrecord demo %} has no {% endlabrecord %}" in errors


def test_record_lookup_and_blocks():
    from cnnotes.labs_site import record_tag
    rec = {"measurements": {"a": 1}, "host": {"kernel": "6.1"}, "versions": {"go": "1.19"}}
    assert record_tag.lookup(rec, "a") == 1 and record_tag.lookup(rec, "host.kernel") == "6.1"
    for key in ("b", "host", "host.nope", "a.b"):
        with pytest.raises(KeyError):
            record_tag.lookup(rec, key)
    lines = ["~~~", "{% labrecord x %}", "~~~", "{% labrecord x %}", "| {{ a }} |", "{% endlabrecord %}"]
    blocks, errors = record_tag.find_blocks(lines)
    assert [(b.start, b.end, b.lab) for b in blocks] == [(3, 5, "x")] and errors == []
