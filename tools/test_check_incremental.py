"""tools.check_incremental: random edits to a bench corpus, each incremental build equal
to a clean one; and the comparison it rests on sees a changed byte and a missing file."""
from tools import check_incremental


def test_a_few_random_edits_build_as_a_clean_build(tmp_path):
    said = []
    assert check_incremental.check(tmp_path, posts=20, edits=3, seed=3, say=said.append) == []
    assert said[0].startswith("first build") and any(s.startswith("deleted: ") for s in said)
    assert len(said) >= 4  # the first build, an edit at least, a deletion, an addition


def test_differences_sees_a_changed_byte_and_a_missing_file(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for top in (a, b):
        (top / "x").mkdir(parents=True)
        (top / "x" / "page.html").write_text("same", encoding="utf-8")
    (a / "only-in-a.html").write_text("1", encoding="utf-8")
    assert check_incremental.differences(a, b) == ["only-in-a.html"]
    (b / "only-in-a.html").write_text("2", encoding="utf-8")
    assert check_incremental.differences(a, b) == ["only-in-a.html"]
    (b / "only-in-a.html").write_text("1", encoding="utf-8")
    assert check_incremental.differences(a, b) == []
