"""Deterministic synthetic blog corpus for `make bench`: `python -m tools.corpus N DIR`.

One text per post, written three ways so every build reads the same posts:

  DIR/ours/   posts/*.md with YAML front matter (this site's format), files/bench.pdf
  DIR/stock/  the same bodies with Pelican's `Key: value` metadata (stock Pelican)
  DIR/hugo/   the same bodies with Hugo front matter, a config and a minimal layout

Post i is the same whatever N is (its text comes from random.Random(f"{seed}:{i}")),
so the N=100 corpus is the first 100 posts of the N=1000 one. Even posts are English
(~1,000 words), odd posts Chinese (~1,000 CJK characters); posts 20k and 20k+1 are a
translation pair (same slug, the Chinese one `translation: true`), i.e. 10% of posts.
Every post has headings, `<!-- more -->`, `[TOC]` and 2-4 fenced code blocks; every
5th a `lab:` naming a real lab, every 10th a `{% lab NAME STEP %}` tag, every 20th a
`{% pdf /files/bench.pdf %}` tag, some a `{filename}` link to an earlier post.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PDF_NAME = "bench.pdf"
EN_WORDS_TARGET = 1000
ZH_CHARS_TARGET = 1000
BASE_DATE = dt.datetime(2015, 1, 1, 9, 0)

EN_WORDS = """
container runtime kernel namespace network bridge veth route packet overlay subnet lease
etcd cluster node pod scheduler controller service endpoint proxy iptables rule chain
table socket port address gateway interface device driver backend frontend request
response latency throughput bandwidth buffer queue thread process signal memory page
cache disk volume mount filesystem layer image registry manifest digest tag build
deploy rollout replica leader follower quorum election heartbeat timeout retry backoff
failure recovery snapshot log entry index term commit apply state machine watch key
value revision compaction lock mutex channel goroutine allocation garbage collector
benchmark profile trace metric counter gauge histogram sample window rate limit burst
policy role binding secret config map label selector annotation taint toleration
affinity quota limit request cgroup hierarchy controller weight share period burst
the a an of to in on for with by from into over under between through after before
this that these those it its we they you our their each every some many most few
is are was were be been being has have had do does did can could will would should
may might must not only also just then when where while because although unless
simple fast slow large small new old first last next previous same different real
careful explicit implicit stable unstable local remote shared private public default
runs starts stops reads writes sends receives forwards drops keeps moves copies checks
creates deletes updates watches allocates releases connects listens binds routes
measure compare explain show reproduce verify configure install upgrade debug fix
""".split()

ZH_WORDS = """
容器 运行时 内核 命名空间 网络 网桥 路由 数据包 覆盖网络 子网 租约 集群 节点 调度器
控制器 服务 端点 代理 规则 链 表 套接字 端口 地址 网关 接口 设备 驱动 后端 前端 请求
响应 延迟 吞吐量 带宽 缓冲区 队列 线程 进程 信号 内存 页面 缓存 磁盘 卷 挂载 文件系统
镜像 仓库 清单 摘要 标签 构建 部署 滚动更新 副本 领导者 跟随者 法定人数 选举 心跳 超时
重试 退避 故障 恢复 快照 日志 条目 索引 任期 提交 状态机 监听 键 值 版本 压缩 锁 通道
分配 垃圾回收 基准测试 性能分析 追踪 指标 计数器 采样 窗口 速率 限制 策略 角色 绑定
密钥 配置 选择器 注解 污点 容忍 亲和性 配额 控制组 层级 权重 周期 我们 它们 这个 那个
每个 一些 很多 大部分 少数 是 有 没有 可以 需要 应该 必须 不会 只是 也 然后 当 因为
虽然 除非 简单 快速 缓慢 大 小 新 旧 第一个 最后 下一个 相同 不同 真实 稳定 本地 远程
共享 默认 运行 启动 停止 读取 写入 发送 接收 转发 丢弃 保持 移动 复制 检查 创建 删除
更新 释放 连接 测量 比较 解释 展示 复现 验证 安装 升级 调试 修复 的 了 和 在 把 被 对
从 到 中 上 下 里 之后 之前 时候 问题 原因 结果 方法 过程 机制 原理 实现 细节 例子
""".split()

LATIN_IN_ZH = ["etcd", "flannel", "Kubernetes", "Docker", "runc", "VXLAN", "iptables",
               "cgroup", "Pod", "TCP", "UDP", "Go", "qemu", "hyperd", "swarm"]

TOPICS = ["Kubernetes", "etcd", "flannel", "Docker", "runc", "containerd", "VXLAN",
          "iptables", "cgroups", "network namespaces", "Go", "qemu", "swarm", "Mesos",
          "hyperd", "CNI", "kube-proxy", "the scheduler", "overlay networks", "Raft"]
ZH_TOPICS = ["Kubernetes 调度", "etcd 存储", "flannel 网络", "Docker 网络", "runc 容器",
             "VXLAN 隧道", "iptables 规则", "控制组", "网络命名空间", "Go 性能", "qemu 虚拟机",
             "swarm 集群", "Mesos 框架", "hyperd 容器", "CNI 插件", "服务代理", "领导者选举"]
TAGS = ["kubernetes", "etcd", "flannel", "docker", "runc", "containerd", "network",
        "overlay", "vxlan", "iptables", "cgroups", "namespaces", "go", "performance",
        "qemu", "virtualization", "swarm", "mesos", "scheduling", "storage", "raft",
        "consensus", "security", "multi-tenancy", "hyper", "cni", "proxy", "dns",
        "tls", "observability", "tracing", "logging", "linux", "kernel", "ebpf",
        "bench", "tutorial", "design", "operations", "debugging"]
CATEGORIES = ["Networking", "Containers", "Kubernetes", "Distributed systems",
              "Performance", "Virtualization", "Operations", "Storage"]


@dataclass
class Post:
    """One post, independent of the format it is written in."""
    index: int
    filename: str            # same name in every form, e.g. bench-00012.zh.md
    title: str
    date: dt.datetime
    lang: str
    slug: str
    tags: list
    category: str
    body: str                # Markdown, identical in every form
    translation: bool = False
    lab: str = ""
    extra: dict = field(default_factory=dict)


# --- text ---------------------------------------------------------------------------------

def _en_sentence(rng):
    words = [rng.choice(EN_WORDS) for _ in range(rng.randint(8, 20))]
    if rng.random() < 0.25:
        words[rng.randrange(len(words))] = f"`{rng.choice(EN_WORDS)}`"
    if rng.random() < 0.1:
        words[rng.randrange(len(words))] = f"**{rng.choice(EN_WORDS)}**"
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", "?", ":"]).replace(":", ".")


def _zh_sentence(rng):
    parts = []
    for _ in range(rng.randint(6, 14)):
        if rng.random() < 0.08:
            parts.append(f" {rng.choice(LATIN_IN_ZH)} ")
        else:
            parts.append(rng.choice(ZH_WORDS))
        if rng.random() < 0.12:
            parts.append("，")
    text = "".join(parts).strip().strip("，")
    return text.replace("  ", " ") + rng.choice(["。", "。", "。", "？", "！"])


def _cjk_count(text):
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


def _paragraph(rng, lang):
    make = _en_sentence if lang == "en" else _zh_sentence
    sep = " " if lang == "en" else ""
    return sep.join(make(rng) for _ in range(rng.randint(3, 6)))


def _size(text, lang):
    return len(text.split()) if lang == "en" else _cjk_count(text)


# --- code blocks ----------------------------------------------------------------------------

def _code_sh(rng):
    lines = [f"ip netns add lab-ns{rng.randint(1, 9)}",
             f"ip link add veth{rng.randint(0, 9)} type veth peer name eth0 netns lab-ns1",
             f"etcdctl put /coreos.com/network/config '{{\"Network\": \"10.{rng.randint(1, 254)}.0.0/16\"}}'",
             f"docker run -d --name web{rng.randint(1, 99)} -p 8080:80 nginx:1.11",
             f"iptables -t nat -A POSTROUTING -s 10.{rng.randint(1, 254)}.0.0/16 ! -o docker0 -j MASQUERADE",
             "curl -s http://127.0.0.1:2379/v2/keys/coreos.com/network/subnets | jq .",
             f"for i in $(seq 1 {rng.randint(3, 20)}); do echo \"node-$i\"; done",
             "tcpdump -ni veth0 -c 5 udp port 8285"]
    return "sh", [rng.choice(lines) for _ in range(rng.randint(5, 14))]


def _code_go(rng):
    name = rng.choice(["Allocate", "Renew", "Watch", "Forward", "Encode", "Decode"])
    n = rng.randint(2, 9)
    return "go", [
        "package main", "", 'import (', '\t"fmt"', '\t"time"', ')', "",
        f"// {name} is called once per lease; it returns how long it took.",
        f"func {name}(keys []string) (time.Duration, error) {{",
        "\tstart := time.Now()",
        f"\tfor i, k := range keys[:{n}] {{",
        '\t\tif k == "" {',
        f'\t\t\treturn 0, fmt.Errorf("key %d is empty", i)',
        "\t\t}",
        "\t}",
        "\treturn time.Since(start), nil",
        "}",
    ]


def _code_yaml(rng):
    return "yaml", [
        "apiVersion: v1", "kind: Pod", "metadata:",
        f"  name: web-{rng.randint(1, 999)}", "  labels:", f"    app: {rng.choice(TAGS)}",
        "spec:", "  containers:", f"  - name: {rng.choice(['nginx', 'redis', 'etcd'])}",
        f"    image: {rng.choice(['nginx:1.11', 'redis:3.2', 'quay.io/coreos/etcd:v2.3.7'])}",
        "    resources:", "      limits:", f"        memory: {rng.choice([64, 128, 256])}Mi",
        f"        cpu: {rng.choice(['100m', '250m', '500m'])}",
    ]


def _code_python(rng):
    return "python", [
        "import json, time", "",
        f"def measure(path, runs={rng.randint(3, 10)}):",
        '    """Median wall time of reading a JSON file."""',
        "    times = []",
        "    for _ in range(runs):",
        "        start = time.perf_counter()",
        "        with open(path) as f:",
        "            json.load(f)",
        "        times.append(time.perf_counter() - start)",
        "    return sorted(times)[len(times) // 2]",
    ]


def _code_json(rng):
    data = {"Network": f"10.{rng.randint(1, 254)}.0.0/16", "SubnetLen": 24,
            "Backend": {"Type": rng.choice(["udp", "vxlan", "host-gw"]), "Port": 8285}}
    return "json", json.dumps(data, indent=2).splitlines()


CODE_KINDS = [_code_sh, _code_go, _code_yaml, _code_python, _code_json]


def _code_block(rng):
    lang, lines = rng.choice(CODE_KINDS)(rng)
    return f"```{lang}\n" + "\n".join(lines) + "\n```"


def _table(rng, lang):
    head = ("| backend | RTT (ms) | throughput (Mbit/s) |" if lang == "en"
            else "| 后端 | 往返时间 (ms) | 吞吐量 (Mbit/s) |")
    rows = [f"| {b} | {rng.uniform(0.05, 2):.2f} | {rng.randint(300, 9000)} |"
            for b in ("udp", "vxlan", "host-gw")]
    return "\n".join([head, "| --- | ---: | ---: |"] + rows)


# --- labs -----------------------------------------------------------------------------------

def real_labs() -> dict:
    """{lab name: [step names]} for every lab under labs/ whose lab.md parses, sorted.

    The corpus names real labs so the site's lab checks accept it; a lab that is
    malformed right now is left out rather than failing the benchmark."""
    try:
        from labs import LABS_ROOT
        from labs.labfile import LabError, find_labs, parse_lab
    except ImportError:
        return {}
    found = {}
    for d in find_labs(LABS_ROOT):
        try:
            lab = parse_lab(d)
        except (LabError, OSError, ValueError):
            continue
        steps = [b.name for b in lab.run_blocks if b.name]
        found[lab.name] = steps
    return dict(sorted(found.items()))


# --- posts ----------------------------------------------------------------------------------

def make_post(i: int, seed: int, labs: dict) -> Post:
    """Post number i: language, pairing and text depend only on (seed, i)."""
    rng = random.Random(f"{seed}:{i}")
    lang = "en" if i % 2 == 0 else "zh"
    translation = i % 20 == 1            # 20k+1 translates 20k
    base = i - 1 if translation else i
    slug = f"bench-{base:05d}"
    filename = f"{slug}.md" if lang == "en" else f"{slug}.zh.md"
    date = BASE_DATE + dt.timedelta(hours=17 * base, minutes=20 if translation else 0)
    topic_rng = random.Random(f"{seed}:{base}:topic")  # a pair shares topic, tags, category
    topic = topic_rng.randrange(len(TOPICS))
    tags = topic_rng.sample(TAGS, topic_rng.randint(2, 4))
    category = topic_rng.choice(CATEGORIES)
    if lang == "en":
        title = f"Notes on {TOPICS[topic]}, part {base}"
    else:
        title = f"{ZH_TOPICS[topic % len(ZH_TOPICS)]}笔记（{base}）"
    lab_names = list(labs)
    lab = lab_names[base % len(lab_names)] if lab_names and base % 5 == 0 else ""

    blocks = [_paragraph(rng, lang), "<!-- more -->", "[TOC]"]
    size = sum(_size(b, lang) for b in blocks)
    target = EN_WORDS_TARGET if lang == "en" else ZH_CHARS_TARGET
    sections = rng.randint(4, 6)
    codes = rng.randint(2, 4)
    extras = []
    if base % 20 == 0:
        extras.append(f"{{% pdf /files/{PDF_NAME} %}}")
    if lab and base % 10 == 0 and labs[lab]:
        extras.append(f"{{% lab {lab} {labs[lab][0]} %}}")
    if i >= 10 and rng.random() < 0.2:
        j = rng.randrange(0, i - 1)
        other = f"bench-{j:05d}.md" if j % 2 == 0 else f"bench-{j - 1 if j % 20 == 1 else j:05d}.zh.md"
        word = "an earlier post" if lang == "en" else "之前的一篇"
        extras.append(f"See [{word}]({{filename}}{other}).")
    for s in range(sections):
        heading = (" ".join(rng.choice(EN_WORDS) for _ in range(rng.randint(2, 5))).capitalize()
                   if lang == "en" else "".join(rng.choice(ZH_WORDS) for _ in range(rng.randint(2, 4))))
        blocks.append(f"## {heading}")
        per_section = max(1, (target - size) // (sections - s)) if size < target else 1
        added = 0
        while added < per_section:
            p = _paragraph(rng, lang)
            blocks.append(p)
            added += _size(p, lang)
        size += added
        if s < codes:
            blocks.append(_code_block(rng))
        if s == 1:
            blocks.append("\n".join(f"- {_en_sentence(rng) if lang == 'en' else _zh_sentence(rng)}"
                                    for _ in range(rng.randint(3, 5))))
            blocks.append(f"### {'Details' if lang == 'en' else '细节'}")
            blocks.append(_table(rng, lang))
        if s == 2 and extras:
            blocks.extend(extras)
    return Post(index=i, filename=filename, title=title, date=date, lang=lang, slug=slug,
                tags=tags, category=category, body="\n\n".join(blocks) + "\n",
                translation=translation, lab=lab)


def posts(n: int, seed: int = 1, labs: dict | None = None) -> list:
    labs = real_labs() if labs is None else labs
    return [make_post(i, seed, labs) for i in range(n)]


# --- the three forms ------------------------------------------------------------------------

def _q(s):
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def ours_text(p: Post) -> str:
    lines = ["---", f"title: {_q(p.title)}", f"date: {p.date:%Y-%m-%d %H:%M}", f"lang: {p.lang}",
             f"slug: {p.slug}", f"tags: [{', '.join(p.tags)}]", f"categories: [{_q(p.category)}]"]
    if p.lab:
        lines.append(f"lab: {p.lab}")
    if p.translation:
        lines.append("translation: true")
    return "\n".join(lines + ["---", p.body])


def stock_text(p: Post) -> str:
    lines = [f"Title: {p.title}", f"Date: {p.date:%Y-%m-%d %H:%M}", f"Lang: {p.lang}",
             f"Slug: {p.slug}", f"Tags: {', '.join(p.tags)}", f"Category: {p.category}"]
    if p.lab:
        lines.append(f"Lab: {p.lab}")
    if p.translation:
        lines.append("Translation: true")
    return "\n".join(lines) + "\n\n" + p.body


def hugo_text(p: Post) -> str:
    body = p.body
    # Hugo has no {filename}: point links at the post's Hugo URL instead
    while "({filename}" in body:
        start = body.index("({filename}")
        end = body.index(")", start)
        name = body[start + len("({filename}"):end]
        lang_prefix = "/zh" if name.endswith(".zh.md") else ""
        body = body[:start] + f"({lang_prefix}/posts/{name.split('.')[0]}/)" + body[end + 1:]
    lines = ["---", f"title: {_q(p.title)}", f"date: {p.date:%Y-%m-%dT%H:%M:00}+08:00",
             f"slug: {p.slug}", f"tags: [{', '.join(p.tags)}]", f"categories: [{_q(p.category)}]",
             f"translationKey: {p.slug}"]
    if p.lab:
        lines.append(f"lab: {p.lab}")
    return "\n".join(lines + ["---", body])


HUGO_CONFIG = """\
baseURL = "http://127.0.0.1:8000/"
title = "Bench"
defaultContentLanguage = "en"
hasCJKLanguage = true
timeZone = "Asia/Shanghai"
paginate = 10
summaryLength = 55
enableRobotsTXT = false
disableKinds = ["robotsTXT"]

[languages.en]
weight = 1
languageName = "English"
[languages.zh]
weight = 2
languageName = "中文"

[markup.highlight]
noClasses = false
[markup.tableOfContents]
startLevel = 2
endLevel = 4
"""

# A minimal theme (layouts only): each post with its TOC, tags and translations, paginated
# lists for the home page, sections and taxonomies. Hugo writes nothing without layouts.
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!doctype html>
<html lang="{{ .Site.Language.Lang }}"><head><meta charset="utf-8">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ .Site.Title }}</title></head>
<body><header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
{{ range .Site.Taxonomies.categories }}<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ end }}
</header><main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2006-01-02" }}</time>
{{ range .Params.tags }}<a href="{{ "tags/" | relLangURL }}{{ . | urlize }}/">{{ . }}</a> {{ end }}
{{ range .Translations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Lang }}">{{ .Language.LanguageName }}</a>{{ end }}</p>
<nav class="toc">{{ .TableOfContents }}</nav>
{{ .Content }}</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}
{{ range (.Paginate $pages).Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time>{{ .Date.Format "2006-01-02" }}</time><div>{{ .Summary }}</div></article>{{ end }}
{{ template "_internal/pagination.html" . }}{{ end }}
""",
}

# The smallest valid PDF with one empty page, written out so the corpus needs no tool.
def tiny_pdf() -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def write(n: int, dest: str, seed: int = 1, labs: dict | None = None) -> list:
    """Write the corpus of n posts under dest (replacing it); return the posts."""
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    all_posts = posts(n, seed, labs)
    forms = {"ours": ("posts", ours_text), "stock": ("posts", stock_text),
             "hugo": ("content/posts", hugo_text)}
    for form, (sub, render) in forms.items():
        os.makedirs(os.path.join(dest, form, sub))
        for p in all_posts:
            with open(os.path.join(dest, form, sub, p.filename), "w", encoding="utf-8") as f:
                f.write(render(p))
    for files in ("ours/files", "stock/files", "hugo/static/files"):
        os.makedirs(os.path.join(dest, files))
        with open(os.path.join(dest, files, PDF_NAME), "wb") as f:
            f.write(tiny_pdf())
    with open(os.path.join(dest, "hugo", "config.toml"), "w", encoding="utf-8") as f:
        f.write(HUGO_CONFIG)
    for rel, text in HUGO_LAYOUTS.items():
        path = os.path.join(dest, "hugo", "layouts", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return all_posts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.corpus", description=__doc__.split("\n")[0])
    parser.add_argument("posts", type=int, help="number of posts")
    parser.add_argument("dest", help="directory to write (replaced)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.posts < 1:
        parser.error("posts must be at least 1")
    written = write(args.posts, args.dest, args.seed)
    langs = {lang: sum(p.lang == lang for p in written) for lang in ("en", "zh")}
    print(f"wrote {len(written)} posts ({langs['en']} en, {langs['zh']} zh) to {args.dest}/"
          "{ours,stock,hugo}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
