"""The build is plain Pelican with the cnnotes plugins, through public extension points.

- plain `pelican` writes the same files as `make html` (tools.build), byte for byte;
- the fixture site is what the build wrote before the redesign (golden manifest);
- a failed build never touches output/, with or without the render cache, whatever fails;
- a warm build (render cache present) writes what a clean one writes.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.site.test_strict_build import GOOD
from tools.build import BuildFailed, build

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "site"
FIXTURE_LABS = ROOT / "plugins" / "cnnotes" / "labs_site" / "fixtures" / "labs"
GOLDEN = Path(__file__).resolve().parent / "golden" / "fixture-site.json"


def tree(folder: Path) -> dict:
    """{relative path: sha256} of every file under folder."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def differing(a: dict, b: dict) -> list:
    return sorted(set(a) ^ set(b)) + sorted(k for k in set(a) & set(b) if a[k] != b[k])


def plain_pelican(content, output, *settings):
    """`pelican CONTENT -s pelicanconf.py -o OUTPUT`, as a user runs it."""
    cmd = [sys.executable, "-m", "pelican", str(content), "-s", str(ROOT / "pelicanconf.py"),
           "-o", str(output), "-q", "--fatal", "errors", *settings]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return output


@pytest.mark.parametrize("content", [ROOT / "content", FIXTURE], ids=["real content", "fixture site"])
def test_plain_pelican_writes_what_make_html_writes(tmp_path, content):
    ours = build(str(ROOT / "pelicanconf.py"), {"PATH": str(content), "OUTPUT_PATH": str(tmp_path / "ours")},
                 cache=str(tmp_path / "cache-ours"))
    plain = plain_pelican(content, tmp_path / "plain", "-e", f'CACHE_PATH="{tmp_path / "cache-plain"}"')
    a, b = tree(Path(ours)), tree(plain)
    assert len(a) > 50
    assert differing(a, b) == []


def build_fixture(out: Path, cache) -> dict:
    build(str(ROOT / "pelicanconf.py"),
          {"PATH": str(FIXTURE), "OUTPUT_PATH": str(out), "LABS_DIR": str(FIXTURE_LABS)}, cache=cache)
    return tree(out)


def test_fixture_site_is_the_golden_output(tmp_path):
    """The fixture site (with the fixture labs, whose records never change) as last
    reviewed: first written by the build before the redesign, which the new build
    matched file for file. A change that alters the output on purpose writes the
    manifest again (`python -m tests.site.test_build_design --update`), and its commit
    says which files changed and why."""
    built = build_fixture(tmp_path / "out", None)
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    changed = differing(golden, built)
    assert changed == [], f"{len(changed)} files differ from {GOLDEN.name}: {changed[:20]}"


def test_a_warm_build_writes_what_a_clean_build_writes(tmp_path):
    """The render cache left by one build gives the next one the same bytes, and the
    documents are then taken from it, not rendered again."""
    cache = tmp_path / "cache"
    clean = build_fixture(tmp_path / "clean", str(cache))
    entries = sorted(p.relative_to(cache) for p in cache.rglob("*.json"))
    assert entries, "the first build kept nothing"
    mtimes = {p: (cache / p).stat().st_mtime_ns for p in entries}
    warm = build_fixture(tmp_path / "warm", str(cache))
    assert differing(clean, warm) == []
    assert {p: (cache / p).stat().st_mtime_ns for p in entries} == mtimes, "entries were made again"


# --- a failed build never touches output/ ---------------------------------------------------

FAILURES = {
    "a content error": {"posts/bad.md": "---\ntitle: Bad date\ndate: 2016-13-45\nlang: en\n---\nx\n"},
    "a template that raises": {"theme": "{{ raise_here() }}"},
    "a plugin that fails to load": {"plugin": "import no_such_module_anywhere\n"},
    "a settings file that does not parse": {"settings": "SITENAME = (\n"},
}


def _setup_failure(tmp_path, kind, what):
    settings_file = str(ROOT / "pelicanconf.py")
    overrides = {"PATH": str(tmp_path / "content"), "OUTPUT_PATH": str(tmp_path / "output")}
    # the failing build would also add a post: swapped in, it would change index.html
    (tmp_path / "content" / "posts" / "second.md").write_text(GOOD.replace("Good post", "Second post"))
    for key, text in what.items():
        if key == "theme":
            override = tmp_path / "templates"
            override.mkdir()
            (override / "article.html").write_text(text)
            overrides["THEME_TEMPLATES_OVERRIDES"] = [str(override)]
        elif key == "plugin":
            (tmp_path / "plugins" / "broken_probe").mkdir(parents=True)
            (tmp_path / "plugins" / "broken_probe" / "__init__.py").write_text(text)
            import pelicanconf
            overrides["PLUGIN_PATHS"] = [str(tmp_path / "plugins")]
            overrides["PLUGINS"] = [*pelicanconf.PLUGINS, "broken_probe"]
        elif key == "settings":
            settings_file = str(tmp_path / "bad_settings.py")
            Path(settings_file).write_text(text)
        else:
            (tmp_path / "content" / key).write_text(text)
    return settings_file, overrides


@pytest.mark.parametrize("cached", [True, False], ids=["with the render cache", "with --no-cache"])
@pytest.mark.parametrize("kind", list(FAILURES))
def test_a_failed_build_leaves_the_previous_output_as_it_was(tmp_path, monkeypatch, kind, cached):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content" / "posts").mkdir(parents=True)
    (tmp_path / "content" / "posts" / "good.md").write_text(GOOD)
    cache = str(tmp_path / "cache") if cached else None
    build(str(ROOT / "pelicanconf.py"),
          {"PATH": str(tmp_path / "content"), "OUTPUT_PATH": str(tmp_path / "output")}, cache=cache)
    before = tree(tmp_path / "output")
    settings_file, overrides = _setup_failure(tmp_path, kind, FAILURES[kind])
    with pytest.raises(BuildFailed) as failed:
        build(settings_file, overrides, cache=cache)
    assert failed.value.errors
    assert tree(tmp_path / "output") == before
    assert "Second post" not in (tmp_path / "output" / "index.html").read_text()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("output.")], "a temp tree was left"


def test_the_output_is_world_readable_whatever_the_umask(tmp_path):
    (tmp_path / "content" / "posts").mkdir(parents=True)
    (tmp_path / "content" / "posts" / "good.md").write_text(GOOD)
    old = os.umask(0o077)
    try:
        out = Path(build(str(ROOT / "pelicanconf.py"), {"PATH": str(tmp_path / "content"),
                                                         "OUTPUT_PATH": str(tmp_path / "output")},
                         cache=None))
    finally:
        os.umask(old)
    modes = {oct(p.stat().st_mode & 0o777) for p in [out, *out.rglob("*")] if not p.is_symlink()}
    assert modes <= {"0o644", "0o755"}, modes


def update_golden():
    import tempfile

    work = Path(tempfile.mkdtemp())
    try:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(build_fixture(work / "out", None), indent=0, sort_keys=True) + "\n",
                          encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {GOLDEN.relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit(textwrap.dedent("""\
            usage: python -m tests.site.test_build_design --update
            writes the fixture site's golden manifest from the current build"""))
    update_golden()
