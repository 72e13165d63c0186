"""Chinese lab pages: every lab's prose translated, current with lab.md, and the commands
only ever the lab's own."""
from pathlib import Path

import pytest

from cnnotes.labs_site import translation
from labs.format import parse_lab, parse_text

ROOT = Path(__file__).resolve().parents[3]


def lab_names():
    return sorted(p.parent.name for p in (ROOT / "labs").glob("*/lab.md"))


@pytest.mark.parametrize("name", lab_names())
def test_every_lab_has_a_current_chinese_translation(name):
    """Fails as soon as lab.md's prose or title changes without its translation: the
    translation names each English part by a digest of its text."""
    tr = translation.load(name, "zh")
    assert tr is not None, f"no {translation.path_of(name, 'zh')}"
    assert translation.check(parse_lab(ROOT / "labs" / name), tr) == []
    assert tr.title and all(text.strip() for text in tr.parts.values())


LAB_MD = """---
title: "Demo"
---

Some prose with `a command`.

```sh step greet
echo hello
```

## After

More prose.
"""


def demo(tmp_path, body=LAB_MD):
    return parse_text(body, tmp_path / "demo" / "lab.md", "demo")


def write(tmp_path, text):
    (tmp_path / "demo.zh.md").write_text(text, encoding="utf-8")
    return translation.load("demo", "zh", str(tmp_path))


def test_a_changed_english_part_or_title_is_reported_and_stays_english(tmp_path):
    lab = demo(tmp_path)
    first, second = (translation.digest(p.text) for p in translation.prose_parts(lab))
    tr = write(tmp_path, f"---\ntitle: 演示\ntitle_source: {translation.digest('Demo')}\n---\n"
                         f"<!-- source: {first} -->\n一些文字。\n<!-- source: {second} -->\n## 之后\n\n更多。\n")
    assert translation.check(lab, tr) == []
    changed = demo(tmp_path, LAB_MD.replace("More prose.", "More prose, changed.").replace('"Demo"', '"Demo 2"'))
    problems = translation.check(changed, tr)
    assert any("no translation of lab.md line" in p for p in problems)
    assert any("translates no prose of lab.md any more" in p for p in problems)
    assert any("title_source" in p for p in problems)
    nb = {"cells": [{"cell_type": "markdown", "source": p.text} for p in translation.prose_parts(changed)]
          + [{"cell_type": "code", "source": "echo hello", "outputs": []}], "metadata": {}}
    out = translation.translate_notebook(nb, tr, "zh")
    assert out["cells"][0]["source"] == "一些文字。"                       # still current
    assert out["cells"][1]["source"] == "## After\n\nMore prose, changed."   # stale: English
    assert out["cells"][2] == nb["cells"][2]                                  # the command itself


def test_a_translation_cannot_bring_commands_of_its_own(tmp_path):
    lab = demo(tmp_path)
    first, second = (translation.digest(p.text) for p in translation.prose_parts(lab))
    tr = write(tmp_path, f"---\ntitle: 演示\ntitle_source: {translation.digest('Demo')}\n---\n"
                         f"<!-- source: {first} -->\n文字。\n\n```sh\nrm -rf /tmp/x\n```\n"
                         f"<!-- source: {second} -->\n更多。\n")
    assert any("code block" in p for p in translation.check(lab, tr))
