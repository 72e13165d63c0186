"""Readable names for a lab's measurements: `rtt_ms_underlay` is shown as
"RTT, underlay (ms)" (中文: "往返时延，底层网络（ms）").

A key is words joined by "_" (labs/README.md): a unit somewhere in it (ms, s, mbit,
ns_per_op ...), the thing measured before it, what it was measured on after it. The
key itself stays what `{{ KEY }}` placeholders name; only the page shows the label.
"""
import re

# units, longest first: (words in the key, shown as)
UNITS = (
    (("ns", "per", "op"), "ns/op"),
    (("bytes", "per", "op"), "B/op"),
    (("allocs", "per", "op"), "allocs/op"),
    (("mbit",), "Mbit/s"),
    (("seconds",), "s"),
    (("ms",), "ms"),
    (("s",), "s"),
)
# words written another way (acronyms, names)
WORDS = {
    "rtt": "RTT", "udp": "UDP", "vxlan": "VXLAN", "vm": "VM", "cpu": "CPU", "qemu": "QEMU",
    "runc": "runc", "runv": "runV", "go": "Go", "kvm": "KVM", "tcg": "TCG", "etcd": "etcd",
    "accel": "accelerator",
}
WORDS_ZH = {
    "rtt": "往返时延", "throughput": "吞吐量", "underlay": "底层网络", "agent": "代理",
    "update": "更新", "version": "版本", "total": "合计", "start": "启动", "boot": "引导",
    "kernel": "内核", "modules": "模块", "mount": "挂载", "command": "命令", "poweroff": "关机",
    "overhead": "开销", "copy": "复制", "zero": "零", "to": "→", "bytes": "bytes", "string": "string",
    "small": "小", "struct": "结构体", "value": "值", "heap": "堆", "method": "方法",
    "docker": "docker", "run": "run", "true": "true", "accel": "加速方式",
}


def _split(key):
    words = [w for w in re.split(r"[_\W]+", key) if w]
    for unit_words, shown in UNITS:
        n = len(unit_words)
        for i in range(len(words) - n + 1):
            if tuple(words[i:i + n]) == unit_words and i > 0:  # a unit never starts a key
                return words[:i], shown, words[i + n:]
    return words, None, []


NAMES = {"runc", "runv", "etcd"}  # written in lower case even at the start


def _phrase(words, lang, first=False):
    if lang == "zh":
        out = [WORDS_ZH.get(w, WORDS.get(w, w)) for w in words]
        return "".join(w if re.match(r"[\u4e00-\u9fff→]", w) else f" {w} " for w in out).strip().replace("  ", " ")
    text = " ".join(WORDS.get(w, w) for w in words)
    return text[:1].upper() + text[1:] if first and words[0] not in NAMES else text


def measurement_label(key, lang="en") -> str:
    """The label of a measurement key in `lang` ("en" or "zh")."""
    what, unit, where = _split(str(key))
    label = _phrase(what, lang, first=True) or str(key)
    if where:
        label += ("，" if lang == "zh" else ", ") + _phrase(where, lang)
    if unit:
        label += f"（{unit}）" if lang == "zh" else f" ({unit})"
    return label
