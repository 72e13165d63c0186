"""build_cache.docs: a document's rendered body is kept in a file of its own, read only
when the reader's result is asked for, never when the entry alone is."""
import os
import pickle

from cnnotes.build_cache.docs import BODY, DocCache
from cnnotes.build_cache.stamps import Stamps

BODY_TEXT = "<p>一个很长的正文 " + "x" * 5000 + "</p>"


def _cache(tmp_path):
    return DocCache(str(tmp_path / "docs"), Stamps(None))


def _first_build(tmp_path):
    source = tmp_path / "post.md"
    source.write_text("---\ntitle: t\n---\nbody\n", encoding="utf-8")
    docs = _cache(tmp_path)
    key = docs.key(str(source))
    docs.put(str(source), key, {"content": BODY_TEXT, "toc_html": ""})
    docs.set_snapshot(str(source), ("Article", (), b"a snapshot"))
    assert docs.save() == 1
    return str(source)


def test_the_body_is_written_apart_and_read_only_for_the_readers_result(tmp_path):
    source = _first_build(tmp_path)
    entry_file = _cache(tmp_path)._file(os.path.abspath(source))
    body_file = _cache(tmp_path)._file(os.path.abspath(source), BODY)
    assert BODY_TEXT.encode("utf-8") not in open(entry_file, "rb").read()
    assert pickle.load(open(body_file, "rb"))[1] == BODY_TEXT

    docs = _cache(tmp_path)  # the next build: the entry and its snapshot, not the body
    os.rename(body_file, body_file + ".away")
    assert docs.entry(source)["snapshot"] == ("Article", (), b"a snapshot")
    os.rename(body_file + ".away", body_file)
    assert docs.get(source)["content"] == BODY_TEXT and docs.hits == 1


def test_an_entry_written_again_keeps_its_body_and_a_lost_body_is_a_miss(tmp_path):
    source = _first_build(tmp_path)
    docs = _cache(tmp_path)
    docs.set_snapshot(source, ("Article", (), b"another snapshot"))  # dirty, body not loaded
    docs.save()
    assert _cache(tmp_path).get(source)["content"] == BODY_TEXT

    os.unlink(_cache(tmp_path)._file(os.path.abspath(source), BODY))
    docs = _cache(tmp_path)
    assert docs.get(source) is None and docs.missed == {os.path.abspath(source)}
