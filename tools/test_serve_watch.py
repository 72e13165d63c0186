"""make serve's watcher (tools.serve.FileChanges): a save, however the editor writes it,
is one change; editors' scratch files are none; the settings file is seen even when an
editor replaces it."""
import os
import queue
import threading
import time
from types import SimpleNamespace

import pytest

from tools.serve import FileChanges


@pytest.fixture
def watched(tmp_path):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    settings = tmp_path / "settings.py"
    settings.write_text("A = 1\n")
    stop = threading.Event()
    changes = FileChanges(SimpleNamespace(content=str(content), settings=str(settings)), stop)
    changes.start()
    assert changes.watching.is_set(), "the watcher never started"
    seen = queue.Queue()
    threading.Thread(target=lambda: [seen.put(c) for c in changes], daemon=True).start()
    yield content, settings, seen
    stop.set()


def next_change(seen, timeout=5):
    try:
        return seen.get(timeout=timeout)
    except queue.Empty:
        return None


def test_a_save_by_rename_is_one_change_naming_the_post(watched):
    content, _, seen = watched
    post = content / "posts" / "a.md"
    tmp = content / "posts" / ".a.md.tmp"
    tmp.write_text("---\ntitle: A\n---\n")
    os.replace(tmp, post)
    assert next_change(seen) == [str(post)]
    post.write_text("---\ntitle: A again\n---\n")
    assert next_change(seen) == [str(post)]
    assert next_change(seen, timeout=0.5) is None


def test_scratch_files_are_not_changes(watched):
    content, _, seen = watched
    for name in ("4913", ".a.md.swp", "a.md~", ".#a.md"):
        (content / "posts" / name).write_text("x")
    assert next_change(seen, timeout=1) is None


def test_the_settings_file_is_seen_when_replaced(watched):
    _, settings, seen = watched
    for value in (2, 3):
        time.sleep(0.05)  # a new mtime
        new = settings.with_name("settings.py.new")
        new.write_text(f"A = {value}\n")
        os.replace(new, settings)
        assert next_change(seen) == [str(settings)], value
