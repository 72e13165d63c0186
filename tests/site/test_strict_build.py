"""Strict, atomic builds: content errors as `path:line: message`, exit 1, output/ untouched."""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tools.build import BuildFailed, build

ROOT = Path(__file__).resolve().parents[2]
GOOD = """---
title: Good post
date: 2016-07-19 10:00
lang: en
---
Fine.
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def errors_for(tmp_path, files, monkeypatch, **overrides):
    """Build a content dir made of `files` ({relative path: text}); return the error lines."""
    monkeypatch.chdir(tmp_path)
    for rel, text in files.items():
        write(tmp_path / "content" / rel, text)
    (tmp_path / "content").mkdir(exist_ok=True)
    settings = {"PATH": "content", "OUTPUT_PATH": "output", **overrides}
    with pytest.raises(BuildFailed) as failed:
        build(str(ROOT / "pelicanconf.py"), settings)
    assert not list(tmp_path.glob("output.tmp-*")), "the temp build dir was left behind"
    return failed.value.errors


def run_cli(cwd, *args):
    """tools/build.py run from another folder, as its file (it imports nothing of tools/)."""
    return subprocess.run([sys.executable, str(ROOT / "tools" / "build.py"), str(ROOT / "pelicanconf.py"), *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def test_cli_bad_date_fails_with_path_line_and_keeps_previous_output(tmp_path):
    write(tmp_path / "content/posts/good.md", GOOD)
    ok = run_cli(tmp_path, "--content", "content", "--output", "output")
    assert ok.returncode == 0, ok.stderr
    index = (tmp_path / "output" / "index.html").read_text()
    assert "Good post" in index
    write(tmp_path / "content/posts/x.md", """
        ---
        title: Bad date
        date: 2016-13-45
        lang: en
        ---
        Body.
        """)
    bad = run_cli(tmp_path, "--content", "content", "--output", "output")
    assert bad.returncode == 1
    assert "content/posts/x.md:3: bad date '2016-13-45'" in bad.stderr
    assert "Traceback" not in bad.stderr + bad.stdout
    assert (tmp_path / "output" / "index.html").read_text() == index
    assert not list(tmp_path.glob("output.tmp-*"))
    # fixed: the new output replaces the old one
    (tmp_path / "content/posts/x.md").unlink()
    write(tmp_path / "content/posts/y.md", GOOD.replace("Good post", "Second post"))
    again = run_cli(tmp_path, "--content", "content", "--output", "output")
    assert again.returncode == 0, again.stderr
    assert "Second post" in (tmp_path / "output" / "index.html").read_text()


def test_unknown_lang_and_missing_front_matter(tmp_path, monkeypatch):
    errors = errors_for(tmp_path, {
        "posts/fr.md": "---\ntitle: Bonjour\ndate: 2016-01-01\nlang: fr\n---\nSalut.\n",
        "posts/plain.md": "# No front matter\n",
        "posts/yaml.md": "---\ntitle: x\ntags: [a, b\n---\n",
    }, monkeypatch)
    assert "content/posts/fr.md:4: unknown lang 'fr': use one of en, zh" in errors
    assert any(e.startswith("content/posts/plain.md:1: no YAML front matter") for e in errors)
    assert any(e.startswith("content/posts/yaml.md:3: front matter is not valid YAML") for e in errors)


def test_duplicate_slug_in_one_language(tmp_path, monkeypatch):
    errors = errors_for(tmp_path, {
        "posts/a.md": GOOD.replace("lang: en", "lang: en\nslug: same"),
        "posts/b.md": GOOD.replace("lang: en", "lang: en\nslug: same"),
        # the same slug in the other language is a translation, not an error
        "posts/b.zh.md": GOOD.replace("lang: en", "lang: zh\nslug: same\ntranslation: true"),
    }, monkeypatch)
    assert errors == ["content/posts/b.md:5: duplicate slug 'same' for lang 'en': "
                      "content/posts/a.md:5 has it too; change it here, in the newer post "
                      "(a translation keeps the slug and takes the other lang)"]


def test_broken_filename_and_static_links(tmp_path, monkeypatch):
    errors = errors_for(tmp_path, {
        "posts/a.md": GOOD + "\nSee [b]({filename}b.md) and [slides]({static}/files/nope.pdf).\n"
                             "And [ok]({filename}/posts/c.md).\n",
        "posts/c.md": GOOD.replace("Good post", "C"),
    }, monkeypatch)
    assert sorted(errors) == [
        "content/posts/a.md:8: broken link {filename}b.md: no post or page at that path "
        "(paths are relative to this file, or to content/ with a leading /)",
        "content/posts/a.md:8: broken link {static}/files/nope.pdf: no file at that path "
        "(looked for content/files/nope.pdf) "
        "(paths are relative to this file, or to content/ with a leading /)",
    ]


def test_plugin_that_fails_to_register_or_load_fails_the_build(tmp_path, monkeypatch):
    plugins = tmp_path / "myplugins"
    write(plugins / "probe_register_fails" / "__init__.py",
          "def register():\n    raise RuntimeError('cannot connect')\n")
    write(plugins / "probe_import_fails" / "__init__.py", "import no_such_module_anywhere\n")
    import pelicanconf  # noqa: F401  (the default plugin list)
    errors = errors_for(tmp_path, {"posts/a.md": GOOD}, monkeypatch,
                        PLUGIN_PATHS=[str(plugins)],
                        PLUGINS=[*pelicanconf.PLUGINS, "probe_register_fails", "probe_import_fails"])
    text = "\n".join(errors)
    assert "probe_register_fails" in text and "cannot connect" in text
    assert "probe_import_fails" in text and "no_such_module_anywhere" in text


def test_empty_content_builds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    out = build(str(ROOT / "pelicanconf.py"), {"PATH": "content", "OUTPUT_PATH": "output"})
    assert Path(out, "index.html").is_file() and Path(out, "zh", "index.html").is_file()
    assert Path(out, "feeds", "all.atom.xml").is_file() and Path(out, "sitemap.xml").is_file()
