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


def test_the_index_is_the_same_with_the_render_cache_and_takes_kept_texts(tmp_path):
    """A page's text and terms are kept by the digest of its bytes: a second build reads
    them from the cache, and the index is byte for byte the one made without it."""
    from cnnotes.render_cache import RenderCache

    records = []
    for i in range(5):
        page = tmp_path / "site" / f"p{i}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<html><body><div class="post__body"><p>集群网络 第{i}篇 etcd{i}</p>'
                        f'</div></body></html>', encoding="utf-8")
        records.append({"path": f"p{i}/index.html", "url": f"p{i}/", "title": f"第{i}篇",
                        "date": f"2016-07-1{i}", "lang": "zh"})

    def index_files(cache):
        index.index_site(str(tmp_path / "site"), records, cache)
        folder = tmp_path / "site" / index.INDEX_DIR
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    plain = index_files(None)
    cache = RenderCache({"CACHE_PATH": str(tmp_path / "cache")}, "search")
    assert index_files(cache) == plain and (cache.hits, cache.misses) == (0, 5)
    again = RenderCache({"CACHE_PATH": str(tmp_path / "cache")}, "search")
    assert index_files(again) == plain and (again.hits, again.misses) == (5, 0)


def test_a_book_page_row_names_its_book_and_a_post_row_does_not():
    pages = [{"url": "zh/books/k8s/etcd/", "title": "etcd 存储", "date": "2016-09-01", "lang": "zh",
              "book": "k8s", "text": "etcd 是集群的状态存储"},
             {"url": "en/2016/08/01/etcd/", "title": "Watching keys", "date": "2016-08-01", "lang": "en",
              "text": "etcd watches"}]
    meta, shards, texts = index.build(pages)
    assert meta["pages"] == [["zh/books/k8s/etcd/", "etcd 存储", "2016-09-01", "zh", "k8s"],
                             ["en/2016/08/01/etcd/", "Watching keys", "2016-08-01", "en"]]
