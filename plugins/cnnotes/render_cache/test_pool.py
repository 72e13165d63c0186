"""Rendering ahead in worker processes: the same site, with the documents rendered by them."""
import hashlib
import json
from pathlib import Path

import pytest

from tests.helpers import run_build
from tools import corpus

PROBE = '''
import json, os
from pelican import signals

def record(generators):
    for generator in generators:
        readers = getattr(generator, "readers", None)
        for reader in (readers.readers.values() if readers else ()):
            p = getattr(reader, "prerenderer", None)
            if p is not None and hasattr(generator, "articles"):
                with open(os.environ["POOL_PROBE_OUT"], "w") as f:
                    json.dump({"ahead": p.ahead, "taken_back": p.taken_back, "workers": p.workers}, f)
                return

def register():
    signals.all_generators_finalized.connect(record)
'''


def tree(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("pool")
    corpus.write(60, str(work / "corpus"), 3)
    probe = work / "plugins" / "pool_probe"
    probe.mkdir(parents=True)
    (probe / "__init__.py").write_text(PROBE)
    return work


def build(site, name, workers, monkeypatch):
    import pelicanconf

    monkeypatch.setenv("POOL_PROBE_OUT", str(site / f"{name}.json"))
    out = run_build(site / "corpus" / "ours", site / name, CACHE_PATH=str(site / f"cache-{name}"),
                    RENDER_WORKERS=workers, PLUGIN_PATHS=[str(site / "plugins")],
                    PLUGINS=[*pelicanconf.PLUGINS, "pool_probe"])
    probe = site / f"{name}.json"
    return tree(out), (json.loads(probe.read_text()) if probe.exists() else None)


def test_workers_render_ahead_and_the_site_is_the_same(site, monkeypatch):
    alone, none = build(site, "alone", 0, monkeypatch)
    shared, counts = build(site, "shared", 1, monkeypatch)
    assert none is None or none["ahead"] == 0
    assert counts["workers"] == 1 and counts["ahead"] > 0, counts
    assert counts["ahead"] + counts["taken_back"] <= 60
    assert shared == alone and len(alone) > 60


def test_a_warm_build_starts_no_worker(site, monkeypatch):
    build(site, "warm", 1, monkeypatch)
    again, counts = build(site, "warm", 1, monkeypatch)
    assert counts is None or counts["ahead"] + counts["taken_back"] == 0
