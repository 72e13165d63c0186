"""Category and tag names in the UI language. URLs keep the slug of the name the posts
use (English), so /zh/categories/networking/ stays where it was; only the name shown
changes. Keyed by slug, so a category and a tag with the same slug share a name.
Product names (docker, etcd, Go, Kubernetes) are the same in every language and are not
listed. TERM_NAMES in the settings ({lang: {slug: name}}) adds to or overrides these."""

TERM_NAMES = {
    "zh": {
        # categories
        "containers": "容器",
        "distributed-systems": "分布式系统",
        "networking": "网络",
        "reading-notes": "阅读笔记",
        "misc": "杂项",
        # tags
        "architecture": "架构",
        "benchmark": "基准测试",
        "cloud": "云计算",
        "multi-tenancy": "多租户",
        "namespace": "命名空间",
        "network": "网络",
        "orchestration": "编排",
        "papers": "论文",
        "performance": "性能",
        "scheduling": "调度",
        "security": "安全",
        "talk": "演讲",
        "virtualization": "虚拟化",
    },
}


def term_name(term, lang: str, extra: dict | None = None, taken=()) -> str:
    """The name of a category or tag (anything with .slug and .name) in `lang`. A name
    in `taken` (the names the posts themselves use) belongs to that other term, so a
    translation that would read the same as it is not used: 网络 written by a post stays
    apart from Networking."""
    name = getattr(term, "name", str(term))
    slug = getattr(term, "slug", "")
    for table in ((extra or {}).get(lang, {}), TERM_NAMES.get(lang, {})):
        if slug in table:
            return name if table[slug] in taken and table[slug] != name else table[slug]
    return name
