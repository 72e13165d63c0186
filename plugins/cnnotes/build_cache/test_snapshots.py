"""build_cache.snapshots: a restored post's body digest is the one made when it was read,
so a rebuild does not hash the body of every post again for its page's fingerprint."""
from cnnotes.build_cache import digest, snapshots
from cnnotes.build_cache.digest import Digester, sha1


class Post:  # what a snapshot needs of a content object: to pickle
    def __init__(self, body):
        self._content = body


def test_a_restored_body_is_digested_without_hashing_it_again(monkeypatch):
    body = "<p>正文 body</p>" * 100
    snapshot = snapshots.make(Post(body), {}, {})
    assert snapshot[3] == sha1(body)

    digester = Digester()
    restored = snapshots.restore(snapshot, {}, {}, digester)
    assert restored._content == body and restored._content is not body
    monkeypatch.setattr(digest, "sha1", lambda *parts: "hashed again")
    assert digester.text_digest(restored._content) == sha1(body)
    assert digester.text_digest(body) == "hashed again"  # an equal text, not the restored one


def test_a_post_without_a_text_body_has_no_body_digest():
    snapshot = snapshots.make(Post(None), {}, {})
    assert snapshot[3] is None
    assert snapshots.restore(snapshot, {}, {}, Digester())._content is None
