"""Search recall and precision on the real site (content/), in Chromium.

For every word in a list of Chinese and English words taken from the posts
(a fixed list of common words, kept where the posts use them, plus strings
sampled from the posts' own text), the pages that contain it are worked out
here, independently of the indexer: from what the browser shows of each post
and page (the body's innerText, scripts off, plus the title). Then the word
is typed into the search page, and:
- at least 95% of the pages containing it must be among the results (recall),
- every result must contain it (precision: no result lacks the word).
Chinese words count as contained as substrings; English words at a word start
(the search matches English words by prefix: "flann" finds flannel), in the form
typed or as its stem (the search matches other forms: "leases" finds lease). The
lab pages (marked data-search-body) are searched too.
"""
import random
import re
from pathlib import Path

import pytest
from cnnotes.cjk.text import CJK_RE

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
MIN_RECALL = 0.95

ZH_CANDIDATES = """
集群 网络 启动 容器 镜像 节点 部署 配置 服务 命名空间 虚拟机 内核 进程 守护进程 网桥
路由 子网 地址 数据包 隧道 运行时 调度 虚拟化 安全 隔离 存储 主机 端口 接口 协议 实验
性能 内存 文件系统 插件 后端 代理 控制 组件 架构 资源 网卡 设备 版本 命令 日志 状态 用户
租户 负载 编译 测试 工具 分布式 应用 系统 数据 请求 原理
""".split()
EN_CANDIDATES = """
flannel etcd docker kubernetes network container namespace runc bridge overlay subnet daemon
kernel hypervisor pod cluster scheduler mesos benchmark memory goroutine interface packet
tenant security image runtime config service
""".split()


def fold(text):
    """Lowercase, full-width ASCII to ASCII (what the search treats as equal)."""
    return "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in text).lower()


def is_cjk(ch):
    return CJK_RE.match(ch) is not None  # the site's one definition (cjk.text)


def english_stem(word):
    """A plural, -ing or -ed form's stem, by the rules the search states (search.js)."""
    if not re.fullmatch(r"[a-z]{4,}", word):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(ss|x|z|ch|sh)es$", word):
        return word[:-2]
    if word.endswith("s") and not re.search(r"(ss|us|is)$", word):
        return word[:-1]
    m = re.fullmatch(r"(.{3,}?)(ing|ed)", word)
    if m:
        base = m.group(1)
        if re.search(r"([b-df-hj-np-tv-z])\1$", base) and not re.search(r"(ll|ss|ff|zz)$", base):
            base = base[:-1]
        return base
    return word


def starts_a_word(text, word):
    for m in re.finditer(re.escape(word), text):
        before = text[m.start() - 1] if m.start() else ""
        if not (before and before.isalnum() and not is_cjk(before)):
            return True
    return False


def contains(text, word):
    """Chinese: as a substring. English: starting a word, as typed or as its stem."""
    if is_cjk(word[0]):
        return word in text
    return starts_a_word(text, word) or starts_a_word(text, english_stem(word))


def page_texts(chromium_browser, base, site):
    """{url path: folded text} of every post and page, as the browser renders it."""
    urls = sorted("/" + p.parent.relative_to(site).as_posix() + "/"
                  for p in site.rglob("index.html")
                  if any(mark in p.read_text(encoding="utf-8")
                         for mark in ('class="post__body"', "data-search-body")))
    context = chromium_browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    texts = {}
    for url in urls:
        pg.goto(base + url.lstrip("/"))
        texts[url] = fold(pg.evaluate("""() => {
            document.querySelectorAll('details').forEach(d => d.open = true);
            // a post's title; a lab page's is its window title, less the site's name
            const h1 = document.querySelector('h1.post__title');
            const title = h1 || (document.querySelector('[data-search-body]') &&
                                 {innerText: document.title.split(' · ')[0]});
            // a lab page's body: what the index reads of it (no page header, boxes aside,
            // navigation or tables of contents: the index's rules for every page)
            const body = document.querySelector('[data-search-body]') || document.querySelector('.post__body');
            body.querySelectorAll('header, aside, nav, footer, .toc, [data-search-ignore], [hidden]').forEach(e => e.remove());
            return (title ? title.innerText + '\\n' : '') + body.innerText;
        }"""))
    context.close()
    return texts


def sampled_words(texts, rng):
    """Chinese strings of 2-4 characters and English words cut from the posts' text."""
    runs = sorted({r for t in texts.values() for r in re.findall(r"[\u4e00-\u9fff]{2,}", t)})
    zh = set()
    for run in rng.sample(runs, min(20, len(runs))):
        n = rng.randint(2, min(4, len(run)))
        i = rng.randint(0, len(run) - n)
        zh.add(run[i:i + n])
    words = sorted({w for t in texts.values() for w in re.findall(r"\b[a-z]{5,}\b", t)})
    en = set(rng.sample(words, min(12, len(words))))
    return zh, en


def search_ui(pg, query):
    """Submit the search page's form with `query` (one round trip, not keystrokes)."""
    pg.evaluate("""q => { const f = document.querySelector('[data-search-page] form');
                          f.q.value = q; f.requestSubmit(); }""", query)
    pg.wait_for_function(
        "q => document.querySelector('[data-search-page]').dataset.state === 'done'"
        " && new URL(location.href).searchParams.get('q') === q", arg=query)
    return set(pg.eval_on_selector_all(".search-result h2 a",
                                       "as => as.map(a => new URL(a.href).pathname)"))


@pytest.fixture(scope="module")
def real_site(build_site):
    assert any((ROOT / "content" / "posts").glob("*.md")), "content/posts has no .md posts"
    return build_site(ROOT / "content")


@pytest.fixture(scope="module")
def base(serve_dir, real_site):
    return serve_dir(real_site)


@pytest.fixture(scope="module")
def texts(chromium_browser, base, real_site):
    return page_texts(chromium_browser, base, real_site)


def test_recall_and_precision_for_chinese_and_english_words(chromium_browser, base, texts):
    assert len(texts) >= 5, texts.keys()
    zh_words = [w for w in ZH_CANDIDATES if any(w in t for t in texts.values())]
    en_words = [w for w in EN_CANDIDATES if any(contains(t, w) for t in texts.values())]
    extra_zh, extra_en = sampled_words(texts, random.Random(20160719))
    zh_words += sorted(extra_zh - set(zh_words))
    en_words += sorted(extra_en - set(en_words))
    assert len(zh_words) >= 30 and len(en_words) >= 10, (zh_words, en_words)

    context = chromium_browser.new_context()
    pg = context.new_page()
    pg.goto(base + "search/")
    report, failures = [], []
    totals = {"expected": 0, "found": 0, "results": 0, "wrong": 0}
    for word in zh_words + en_words:
        expected = {url for url, text in texts.items() if contains(text, word)}
        results = search_ui(pg, word)
        found, wrong = results & expected, results - expected
        recall = len(found) / len(expected)
        totals["expected"] += len(expected)
        totals["found"] += len(found)
        totals["results"] += len(results)
        totals["wrong"] += len(wrong)
        report.append(f"{word}: {len(found)}/{len(expected)} pages found, {len(wrong)} wrong")
        if recall < MIN_RECALL or wrong:
            failures.append(f"{word}: missed {sorted(expected - found)}, wrong {sorted(wrong)}")
    context.close()
    print(f"\nsearch recall on {len(texts)} pages: {len(zh_words)} Chinese and {len(en_words)} "
          f"English words; {totals['found']}/{totals['expected']} page hits found "
          f"({totals['found'] / totals['expected']:.1%}), {totals['wrong']} of "
          f"{totals['results']} results without the word")
    print("\n".join(report))
    assert not failures, "\n".join(failures)


def test_the_words_from_the_issue(chromium_browser, base, texts):
    """集群 and 网络 find the Chinese posts holding them; flannel finds the English ones,
    typed into the search box in the header, as a reader does."""
    context = chromium_browser.new_context()
    pg = context.new_page()
    for word, lang_prefix, home in (("集群", "/zh/", "zh/"), ("网络", "/zh/", "zh/"),
                                    ("flannel", "/en/", "")):
        holders = {u for u, t in texts.items() if u.startswith(lang_prefix) and contains(t, word)}
        assert holders, f"no {lang_prefix} page contains {word}"
        pg.goto(base + home)
        pg.fill("header input[name=q]", word)
        pg.press("header input[name=q]", "Enter")
        pg.wait_for_selector("[data-search-page][data-state=done]")
        assert pg.url.startswith(base + home + "search/?q=")
        results = set(pg.eval_on_selector_all(".search-result h2 a",
                                              "as => as.map(a => new URL(a.href).pathname)"))
        assert holders <= results, (word, sorted(holders - results))
        marks = pg.eval_on_selector_all(".search-result mark", "ms => ms.map(m => m.textContent)")
        assert marks and all(fold(m).startswith(word) for m in marks), (word, marks)
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_page_with_results_passes_axe(chromium_browser, base, axe_violations, scheme):
    context = chromium_browser.new_context(color_scheme=scheme)
    pg = context.new_page()
    for path in ("search/?q=flannel", "zh/search/?q=%E9%9B%86%E7%BE%A4"):  # 集群
        assert pg.goto(base + path).status == 200, path
        pg.wait_for_selector("[data-search-page][data-state=done] .search-result mark")
        violations = axe_violations(pg)
        assert violations == [], path
    context.close()
