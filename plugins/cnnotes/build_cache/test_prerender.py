"""build_cache.prerender: on a clean build of more files than MIN_FILES, Pelican (this
process) and the pool share the files, each taking the next free one from its end, and
the site is exactly what a build without the cache makes."""
from pathlib import Path

from cnnotes.build_cache import prerender
from tools import corpus
from tools.build import build
from tools.check_incremental import differences

ROOT = Path(__file__).resolve().parents[3]
POSTS = 10 * prerender.MIN_FILES  # enough that the pool, busy first with the lab transcripts, reads some


def test_the_pool_and_this_process_share_the_files(tmp_path):
    corpus.write(POSTS, str(tmp_path / "corpus"))
    content = {"PATH": str(tmp_path / "corpus" / "ours")}
    stats = {}
    out = Path(build(str(ROOT / "pelicanconf.py"), dict(content, OUTPUT_PATH=str(tmp_path / "out")),
                     cache=str(tmp_path / "cache"), jobs=2, stats=stats))
    assert stats["prerendered"] == POSTS
    # restored: what the pool read (this process restores the objects it made); the rest
    # this process read itself
    assert 0 < stats["restored"] < POSTS, stats
    clean = Path(build(str(ROOT / "pelicanconf.py"), dict(content, OUTPUT_PATH=str(tmp_path / "clean")),
                       cache=None))
    assert differences(clean, out) == []  # the files only one has, then those that differ
