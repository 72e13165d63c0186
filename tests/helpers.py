"""Helpers for tests that cannot use tests/conftest.py's fixtures (plugins/*/test_*.py):
import them as `from tests.helpers import run_build, shown` (`python -m pytest` from the top folder).
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_build(content, out, **overrides):
    """A strict build of pelicanconf.py with another content and output dir -> output Path.

    Runs from the project root, as `make html` does, so build messages name paths relative
    to the project; tools.build.BuildFailed propagates to the caller. CACHE_PATH=folder
    keeps the render cache there (otherwise the project's, as make html)."""
    from tools.build import DEFAULT_CACHE, build

    cache = overrides.pop("CACHE_PATH", DEFAULT_CACHE)
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return Path(build(str(ROOT / "pelicanconf.py"),
                          dict(PATH=str(content), OUTPUT_PATH=str(out), **overrides),
                          cache=cache))
    finally:
        os.chdir(cwd)


def shown(path):
    """A path as build errors show it: relative to the project when inside it."""
    path = os.path.abspath(path)
    rel = os.path.relpath(path, ROOT)
    return path if rel.startswith("..") else rel
