"""Notebook posts in a real (strict) build of tests/fixtures/notebook/content."""
import base64
import html
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.helpers import run_build, shown
from tools.build import BuildFailed

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = ROOT / "tests" / "fixtures" / "notebook" / "content"
EN = "en/2016/09/01/etcd-latency-notebook/index.html"
ZH = "zh/2016/09/01/etcd-latency-notebook/index.html"


def body(page):
    return re.search(r'<div class="post__body">(.*?)</article>', page, re.S).group(1)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nb")
    content = tmp / "content"
    shutil.copytree(FIXTURE, content)
    # a code cell that would leave a file behind if the build ran it
    marker = tmp / "executed"
    nb = json.loads((content / "posts" / "etcd-latency.ipynb").read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "side-effect",
                        "metadata": {}, "outputs": [],
                        "source": f"open({str(marker)!r}, 'w').write('ran')"})
    (content / "posts" / "etcd-latency.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return SimpleNamespace(out=run_build(content, tmp / "out"), marker=marker, content=content)


def test_outputs_text_image_and_table_are_shown(site):
    page = body((site.out / EN).read_text(encoding="utf-8"))
    assert '<pre class="nb-output nb-stream">members=1 ok\nmembers=3 ok\n</pre>' in page
    image = re.search(r'<img alt="Figure: etcd put latency" class="nb-output nb-image" '
                      r'src="data:image/png;base64,([^"]+)"', page)
    png = base64.b64decode(image.group(1))
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[16:24] == bytes.fromhex("0000003c0000001e")
    assert re.search(r'<div class="nb-output nb-html"><table class="dataframe">.*'
                     r'<th>p99 \(ms\)</th>.*<td>4\.7</td>.*</table></div>', page, re.S)
    assert '<h2 id="the-benchmark">The benchmark</h2>' in page  # Markdown cells: site Markdown


def test_code_is_highlighted_like_markdown_code_blocks(site, tmp_path):
    page = body((site.out / EN).read_text(encoding="utf-8"))
    nb_code = re.search(r'<div class="highlight"><pre><span></span><code>(.*?)</code></pre></div>',
                        page, re.S).group(1)
    # the same source in a Markdown post, through the site's own Markdown
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "code.md").write_text(
        "---\ntitle: Code\ndate: 2016-09-02\nlang: en\n---\n```python\n"
        "for n in (1, 3):\n    print(f'members={n} ok')\n```\n", encoding="utf-8")
    md_page = (run_build(content, tmp_path / "out") / "en/2016/09/02/code/index.html").read_text(
        encoding="utf-8")
    md_code = re.search(r'<div class="highlight"><pre><span></span><code>(.*?)</code></pre></div>',
                        md_page, re.S).group(1)
    assert html.unescape(nb_code) == html.unescape(md_code)  # same spans, same classes
    assert '<span class="k">for</span>' in nb_code


def test_notebooks_are_not_executed(site):
    assert not site.marker.exists()
    page = body((site.out / EN).read_text(encoding="utf-8"))
    assert "open(" in re.sub(r"<[^>]+>", "", page)  # the cell is shown, as saved (no output)


def test_download_link_and_the_notebook_itself(site):
    page = (site.out / EN).read_text(encoding="utf-8")
    assert ('<a href="/posts/etcd-latency.ipynb" download type="application/x-ipynb+json">'
            'Download this notebook (etcd-latency.ipynb)</a>') in page
    assert (site.out / "posts" / "etcd-latency.ipynb").read_bytes() == \
        (site.content / "posts" / "etcd-latency.ipynb").read_bytes()
    assert '<link rel="stylesheet" href="/theme/css/notebook.css">' in page
    assert (site.out / "theme" / "css" / "notebook.css").is_file()


def test_sidecar_metadata_language_and_translation(site):
    zh = (site.out / ZH).read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in zh
    assert '<h1 class="post__title">在 notebook 里测 etcd 延迟</h1>' in zh
    assert "下载这个 notebook（etcd-latency.zh.ipynb）" in zh
    assert 'href="/en/2016/09/01/etcd-latency-notebook/"' in zh  # its English version
    en = (site.out / EN).read_text(encoding="utf-8")
    assert 'href="/zh/2016/09/01/etcd-latency-notebook/"' in en


def test_summary_is_the_text_before_more(site):
    index = (site.out / "index.html").read_text(encoding="utf-8")
    assert "Measuring etcd put latency with one and three members." in index
    assert "members=1 ok" not in index and "data:image/png" not in index


# --- errors ---------------------------------------------------------------------------

def failing_build(tmp_path, files):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    for name, text in files.items():
        (content / "posts" / name).write_text(text, encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        run_build(content, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    return content / "posts", failed.value.errors


GOOD_META = {"title": "T", "date": "2016-09-03", "lang": "en"}


def notebook_text(metadata=GOOD_META, cells=None):
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"pelican": metadata},
          "cells": cells if cells is not None else [
              {"cell_type": "markdown", "id": "a", "metadata": {}, "source": "Hello"}]}
    return json.dumps(nb, indent=1)


def test_broken_json_fails_with_path_and_line(tmp_path):
    text = notebook_text()
    broken = text.replace('"cell_type": "markdown",', '"cell_type": "markdown"')
    posts, errors = failing_build(tmp_path, {"broken.ipynb": broken})
    line = broken.splitlines().index(' "cells": [') + 4
    assert any(e.startswith(f"{shown(posts / 'broken.ipynb')}:{line}: not a valid notebook: "
                            "the JSON is broken") for e in errors), errors


def test_json_that_is_not_a_notebook_fails_with_path(tmp_path):
    posts, errors = failing_build(tmp_path, {
        "list.ipynb": "[1, 2, 3]",
        "badcell.ipynb": notebook_text(cells=[{"cell_type": "sonnet", "id": "s", "metadata": {}, "source": ""}]),
    })
    assert any(e.startswith(f"{shown(posts / 'list.ipynb')}:1: not a valid notebook")
               for e in errors), errors
    assert any(e.startswith(f"{shown(posts / 'badcell.ipynb')}:1: not a valid notebook")
               for e in errors), errors


def test_missing_or_bad_metadata_names_the_file_and_line(tmp_path):
    bad_lang = notebook_text(dict(GOOD_META, lang="fr"))
    posts, errors = failing_build(tmp_path, {
        "nometa.ipynb": json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                                    "cells": []}),
        "badlang.ipynb": bad_lang,
        "sidecar.ipynb": notebook_text({}),
        "sidecar.yaml": "title: S\ndate: 2016-13-45\nlang: en\n",
    })
    assert any(e.startswith(f"{shown(posts / 'nometa.ipynb')}:1: no post metadata")
               for e in errors), errors
    lang_line = next(i for i, l in enumerate(bad_lang.splitlines(), 1) if '"lang": "fr"' in l)
    assert any(e.startswith(f"{shown(posts / 'badlang.ipynb')}:{lang_line}: unknown lang 'fr'")
               for e in errors), errors
    assert any(e.startswith(f"{shown(posts / 'sidecar.yaml')}:2: bad date") for e in errors), errors
