"""The indexer's text extraction, tokenizer and sharding (no browser)."""
import json

from cnnotes.search import index, tokens


def test_fold_keeps_length_and_maps_full_width():
    assert tokens.fold("ＯＣＩ Kubernetes集群") == "oci kubernetes集群"
    assert tokens.fold("İ") == "İ"  # lowercase would be two characters
    text = "Ａb İx 集群"
    assert len(tokens.fold(text)) == len(text)


def test_terms_give_cjk_unigrams_bigrams_and_latin_words():
    assert tokens.terms("启动Kubernetes集群, etcd-server 10.1") == [
        "启", "动", "启动", "kubernetes", "集", "群", "集群", "etcd", "server", "10", "1"]


def test_page_text_reads_the_body_as_a_reader_sees_it():
    html = """<html><body><nav>导航</nav><main><article data-search-body>
      <header><h1>标题</h1></header>
      <p>这里的<strong>镜</strong>像仓库
         在本地。</p><script>var x = "脚本";</script>
      <ul><li>one</li><li>two</li></ul><div hidden>隐藏</div>
      <pre><code>kubectl get nodes
kubectl get pods</code></pre>
      <footer>页脚</footer></article></main></body></html>"""
    assert index.page_text(html.encode()) == (
        "这里的镜像仓库 在本地。\none\ntwo\nkubectl get nodes\nkubectl get pods")


def test_the_search_body_attribute_wins_in_any_case():
    html = "<html><body><div class='post__body'>theme body</div><section DATA-Search-BODY>marked</section></body></html>"
    assert index.page_text(html) == "marked"
    assert index.page_text(html.replace("DATA-Search-BODY", "data-other")) == "theme body"


def test_page_text_falls_back_to_article_then_main():
    assert index.page_text(b"<html><body><p>x</p><main>m<article>a</article></main></body></html>") == "a"
    assert index.page_text(b"<html><body><p>x</p><main>m</main></body></html>") == "m"


def test_every_term_is_in_the_shard_its_first_character_names(monkeypatch, tmp_path):
    monkeypatch.setattr(index, "SHARD_TARGET_BYTES", 200)
    pages = [{"url": f"p{i}/", "title": f"第{i}篇", "date": f"2016-07-{i + 10}", "lang": "zh",
              "text": f"集群网络 flannel{i} etcd 容器{i}运行时"} for i in range(6)]
    meta, shards, texts = index.build(pages)
    assert meta["shards"] == len(shards) > 1
    assert [p[0] for p in meta["pages"]] == [f"p{i}/" for i in reversed(range(6))]  # newest first
    for k, shard in enumerate(shards):
        assert all(tokens.shard_of(term, len(shards)) == k for term in shard)
    merged = {t: ids for shard in shards for t, ids in shard.items()}
    assert merged["集群"] == list(range(6)) and merged["flannel3"] == [2]
    size = index.write(tmp_path, meta, shards, texts)
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert size == sum((tmp_path / w).stat().st_size for w in written)
    assert json.loads((tmp_path / "search-index" / "meta.json").read_text())["pages"][0][1] == "第5篇"
    assert (tmp_path / "search-index" / "text" / "0.txt").read_text() == texts[0]


class _Tree:
    """What index_site needs of build_cache's OutputTree: a first build's (nothing before)."""

    def __init__(self):
        self.files = {}

    def write(self, rel, data, fingerprint=None):
        assert rel not in self.files, f"{rel} written twice"
        self.files[rel] = data

    def previous(self, rel):
        return None

    def set_extra(self, rel, name, value):
        pass


def test_texts_written_in_parts_make_the_same_index():
    records = [{"path": f"p{i}/index.html", "url": f"p{i}/", "title": f"第{i}篇", "date": f"2016-07-{10 + i % 3}",
                "lang": "zh" if i % 2 else "en"} for i in range(11)]
    texts = {r["path"]: (f"集群网络 {r['title']} etcd{i}", None, index.text_digest(f"集群网络 {r['title']} etcd{i}"))
             for i, r in enumerate(records)}
    whole, split = _Tree(), _Tree()
    index.index_site("unused", records, known=texts.get, tree=whole)
    index.index_site("unused", records, known=texts.get, tree=split, with_texts=False)
    assert not any("/text/" in rel for rel in split.files)
    for part in range(3):
        index.write_texts("unused", records, texts.get, split, part, 3)
    assert split.files == whole.files
    assert sum("/text/" in rel for rel in whole.files) == 11


def test_a_kept_pages_text_comes_from_the_previous_text_file_or_the_page(tmp_path):
    """A page the build kept is known by its text's digest only: when the whole index is
    made again (a post added), its text is the previous index's file with that digest,
    or, when none is intact, the page's own."""
    kept, gone = "集群网络 kept etcd", "网络 gone page"
    text_file = tmp_path / "old-text-7.txt"
    text_file.write_text(kept, encoding="utf-8")
    (tmp_path / "gone").mkdir()
    (tmp_path / "gone" / "index.html").write_text(
        f'<html><body><div class="post__body"><p>{gone}</p></div></body></html>', encoding="utf-8")

    class Tree:  # build_cache's OutputTree, whose previous output holds kept's text file only
        files = {f"{index.INDEX_DIR}/text/7.txt": "bytes:" + index.text_digest(kept)}

        def previous_fingerprints(self, folder):
            return {fp: rel for rel, fp in self.files.items() if rel.startswith(folder)}

        def previous(self, rel):
            found = self.files.get(rel)
            return None if found is None else (str(text_file), found, {})

    pages = [{"path": "kept/index.html", "text": None, "digest": index.text_digest(kept)},
             {"path": "gone/index.html", "text": None, "digest": index.text_digest("another text")},
             {"path": "new/index.html", "text": "new text", "digest": index.text_digest("new text")}]
    texts = [p["text"] for p in index._with_texts(str(tmp_path), pages, Tree())]
    assert texts == [kept, gone, "new text"]


def test_a_book_page_row_names_its_book_and_a_post_row_does_not():
    pages = [{"url": "zh/books/k8s/etcd/", "title": "etcd 存储", "date": "2016-09-01", "lang": "zh",
              "book": "k8s", "text": "etcd 是集群的状态存储"},
             {"url": "en/2016/08/01/etcd/", "title": "Watching keys", "date": "2016-08-01", "lang": "en",
              "text": "etcd watches"}]
    meta, shards, texts = index.build(pages)
    assert meta["pages"] == [["zh/books/k8s/etcd/", "etcd 存储", "2016-09-01", "zh", "k8s"],
                             ["en/2016/08/01/etcd/", "Watching keys", "2016-08-01", "en"]]
