"""Turn run-specific values in output into placeholders, so output can be compared and
recorded: the same lab gives the same transcript on every run and every machine."""
from __future__ import annotations

import re

MAC = re.compile(r"(?<![0-9A-Fa-f:])[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}(?![0-9A-Fa-f:])")
INODE_TAGGED = re.compile(r"\b([a-z_]+):\[\d+\]")            # net:[4026532123]
INODE_BARE = re.compile(r"\b40265\d{5}\b")                   # namespace inodes start at 0xF0000000
HEX_ID = re.compile(r"\b(?:[0-9a-f]{64}|[0-9a-f]{12})\b")
TIMES = [
    # 2025-11-27T14:31:02.123456Z, 2025-11-27 14:31:02,123 +0000, 2025/11/27 14:31:02
    re.compile(r"\b\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?"
               r"(?:\s?(?:Z|[+-]\d{2}:?\d{2}|UTC))?(?![\d])"),
    # Thu Nov 27 14:31:02 UTC 2025 (date), Nov 27 14:31:02 (syslog)
    re.compile(r"\b(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? )?"
               r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2},? "
               r"\d{2}:\d{2}:\d{2}(?:\.\d+)?(?: [A-Z]{3,4})?(?: \d{4})?\b"),
    re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?Z?\b"),
    # 14:31:02 and 14:31:02.123456 (tcpdump)
    re.compile(r"(?<![\d:.])\d{2}:\d{2}:\d{2}(?:\.\d+)?(?![\d:])"),
]
PID_CONTEXT = re.compile(r"(\b(?:pid|PID|Pid)\b[\"']?\s*[:=]?\s*)(\d+)\b")
BARE_NUMBER = re.compile(r"(?<![\w.:-])(\d+)(?![\w:-]|\.\d)")
PORT_AFTER_COLON = re.compile(r"((?:\d{1,3}\.){3}\d{1,3}|\]|\blocalhost|\*):(\d{4,5})\b")
PORT_DOTTED = re.compile(r"\b((?:\d{1,3}\.){3}\d{1,3})\.(\d{4,5})\b")     # tcpdump: 10.0.0.1.45678
PORT_WORD = re.compile(r"\b(port\s+)(\d{4,5})\b")


def ephemeral_range():
    try:
        lo, hi = open("/proc/sys/net/ipv4/ip_local_port_range").read().split()
        return int(lo), int(hi)
    except (OSError, ValueError):
        return 32768, 60999


class Normalizer:
    """Placeholders for one run: secrets and paths are known only at run time."""

    def __init__(self, secrets=(), paths=None, pids=(), port_range=None):
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)
        self.paths = dict(paths or {})          # literal path -> placeholder ("$LAB_TMP")
        self.pids = set(int(p) for p in pids)
        self.lo, self.hi = port_range or ephemeral_range()

    def add_pids(self, pids):
        self.pids.update(int(p) for p in pids)

    def add_secrets(self, values):
        self.secrets = sorted(set(self.secrets) | {v for v in values if v}, key=len, reverse=True)

    def mask(self, text: str) -> str:
        """Only the secrets: for anything shown that is not compared (logs, measurements)."""
        for s in self.secrets:
            text = text.replace(s, "<SECRET>")
        return text

    def __call__(self, text: str, pids=(), bare_pids=True) -> str:
        """Placeholders everywhere. `pids`: more pids for this text only (those alive while
        the block that printed it ran). bare_pids=False leaves numbers that are not named
        as pids ("pid 42", `"Pid": 42`) alone: the second reading a comparison may accept,
        so that an ordinary number that happens to equal a pid (pid_max can be 32768) never
        fails an expected line."""
        text = self.mask(text)
        for literal, placeholder in sorted(self.paths.items(), key=lambda kv: -len(kv[0])):
            if literal:
                text = text.replace(literal, placeholder)
        text = MAC.sub("<MAC>", text)
        text = INODE_TAGGED.sub(lambda m: f"{m.group(1)}:[<INODE>]", text)
        text = INODE_BARE.sub("<INODE>", text)
        text = HEX_ID.sub("<ID>", text)
        for t in TIMES:
            text = t.sub("<TIME>", text)
        text = PID_CONTEXT.sub(lambda m: m.group(1) + "<PID>", text)
        known = self.pids | set(pids) if pids else self.pids
        if known and bare_pids:
            text = BARE_NUMBER.sub(lambda m: "<PID>" if int(m.group(1)) in known else m.group(1), text)
        text = PORT_AFTER_COLON.sub(lambda m: self._port(m, ":"), text)
        text = PORT_DOTTED.sub(lambda m: self._port(m, "."), text)
        text = PORT_WORD.sub(lambda m: m.group(1) + ("<PORT>" if self._eph(m.group(2)) else m.group(2)), text)
        return text

    def _eph(self, port: str) -> bool:
        return self.lo <= int(port) <= self.hi

    def _port(self, m, sep):
        return m.group(1) + sep + ("<PORT>" if self._eph(m.group(2)) else m.group(2))
