"""Which PIDs this run's processes had, and when, so that a number in a block's output
becomes <PID> when it was the pid of one of the run's processes *while that block ran*,
even if the process printed its pid and exited long before the block ended (`sh -c 'echo
$$'`, runv's monitor, a container stopped in the same block).

As root, the kernel's process events connector (netlink NETLINK_CONNECTOR, group
CN_IDX_PROC) reports every fork and exit on the host. A reader thread follows the tree
down from the harness: a process forked by a tracked process is tracked, whatever it does
later (setsid, a double fork, a runtime's re-parenting, an environment without
LAB_RUN_ID: a container that a lab's containerd starts is still a descendant). Each pid
gets intervals [fork, exit] on CLOCK_MONOTONIC, the events' own clock, and the harness
child it descends from (a block's or a daemon's bash). If events were lost (the socket
overflowed), /proc is read once to catch up.

Without root (or without the connector), a sampler thread reads /proc every 50 ms for
processes carrying the run's LAB_RUN_ID; a process living less than that can be missed.

Only the window matters: pid_max can be as low as 32768 and a run forks thousands of
processes, so "any pid the run ever had" would turn ordinary numbers (ports, MTUs, byte
counts) into <PID>. A block's output is normalized with the pids alive during that
block; a daemon's log with the pids of that daemon's own tree.
"""
from __future__ import annotations

import errno
import os
import socket
import struct
import subprocess
import threading
import time

from . import procs

NETLINK_CONNECTOR = 11
CN_IDX_PROC = CN_VAL_PROC = 1
PROC_CN_MCAST_LISTEN, PROC_CN_MCAST_IGNORE = 1, 2
PROC_EVENT_FORK, PROC_EVENT_EXIT = 0x1, 0x80000000
NLMSG_DONE = 3
EVENT_AT = 16 + 20            # struct nlmsghdr, struct cn_msg, then struct proc_event
SAMPLE_EVERY = 0.05


class PidWatch:
    def __init__(self, run_id: str, root: int | None = None):
        self.run_id = run_id
        self.root = root or os.getpid()
        self.lock = threading.Lock()
        self.spans = {}            # pid -> [[start_ns, end_ns or None, top], ...]
        self.live = {}             # tracked live pid -> top (the harness child it descends from)
        self.mode = None           # "events" or "samples"
        self.lost = 0              # times events were lost and /proc was read to catch up
        self._stop = threading.Event()
        self._forked = threading.Condition()   # the self-test waits for its child's fork
        self.sock = None
        self.thread = None

    # --- starting and stopping -----------------------------------------------------------

    def start(self) -> str:
        if self._start_events():
            self.mode = "events"
        else:
            self.mode = "samples"
            self.thread = threading.Thread(target=self._sample_loop, name="lab-pidwatch", daemon=True)
            self.thread.start()
        return self.mode

    def stop(self):
        self._stop.set()
        if self.thread:
            self.thread.join(timeout=2)
        if self.sock:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None

    def _start_events(self) -> bool:
        try:
            s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_CONNECTOR)
        except (OSError, AttributeError):
            return False
        try:
            s.bind((0, CN_IDX_PROC))          # EPERM without CAP_NET_ADMIN
            try:
                s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)     # SO_RCVBUFFORCE
            except OSError:
                pass
            s.settimeout(0.2)
        except OSError:
            s.close()
            return False
        self.sock = s
        self.thread = threading.Thread(target=self._event_loop, name="lab-pidwatch", daemon=True)
        self.thread.start()
        # Kernels since 6.6 filter by event type (an 8-byte request); older ones take only
        # the 4-byte request and ignore the other: check that a fork is really seen.
        for request in (struct.pack("=II", PROC_CN_MCAST_LISTEN, PROC_EVENT_FORK | PROC_EVENT_EXIT),
                        struct.pack("=I", PROC_CN_MCAST_LISTEN)):
            if self._subscribe(request) and self._self_test():
                return True
        self._stop.set()
        self.thread.join(timeout=2)
        self._stop.clear()
        self.thread = None
        s.close()
        self.sock = None
        return False

    def _subscribe(self, data: bytes) -> bool:
        cn = struct.pack("=IIIIHH", CN_IDX_PROC, CN_VAL_PROC, 0, 0, len(data), 0) + data
        try:
            self.sock.send(struct.pack("=IHHII", 16 + len(cn), NLMSG_DONE, 0, 0, 0) + cn)
            return True
        except OSError:
            return False

    def _self_test(self, timeout=1.0) -> bool:
        try:
            p = subprocess.Popen(["true"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        except OSError:
            return False
        p.wait()
        with self._forked:
            return self._forked.wait_for(lambda: p.pid in self.spans, timeout=timeout)

    def sync(self, timeout=5.0) -> bool:
        """Wait until the reader has read the kernel's events up to now. The connector
        reports every fork on the host, and on a busy host the reader can lag seconds
        behind: a block's window asked about before its events were read would miss its
        processes. A child forked now, once seen, says everything before it was read."""
        if self.mode != "events":
            return True
        return self._self_test(timeout)

    # --- the reader ----------------------------------------------------------------------

    def _event_loop(self):
        while not self._stop.is_set():
            try:
                data = self.sock.recv(1 << 16)
            except socket.timeout:
                continue
            except OSError as e:
                if e.errno == errno.ENOBUFS:
                    self.lost += 1
                    self._catch_up()
                    continue
                return
            off = 0
            while off + EVENT_AT + 16 <= len(data):
                length = struct.unpack_from("=I", data, off)[0]
                self._event(data, off + EVENT_AT)
                if length < 16:
                    break
                off += (length + 3) & ~3

    def _event(self, data, at):
        what, _cpu, ts = struct.unpack_from("=IIQ", data, at)
        if what == PROC_EVENT_FORK:
            _ppid, ptgid, pid, tgid = struct.unpack_from("=iiii", data, at + 16)
            if pid != tgid:                     # a new thread, not a new process
                return
            if ptgid == self.root:
                top = tgid
            else:
                top = self.live.get(ptgid)
                if top is None:
                    return
            with self.lock:
                self.live[tgid] = top
                self.spans.setdefault(tgid, []).append([ts, None, top])
            if ptgid == self.root:
                with self._forked:
                    self._forked.notify_all()
        elif what == PROC_EVENT_EXIT:
            pid, tgid = struct.unpack_from("=ii", data, at + 16)
            if pid == tgid and pid in self.live:
                with self.lock:
                    del self.live[pid]
                    self.spans[pid][-1][1] = ts

    def _catch_up(self):
        """After lost events: end the spans of tracked pids that are gone, and track live
        processes whose parent chain reaches a tracked one (or the harness)."""
        now = time.monotonic_ns()
        parent = {}
        for pid in procs.pids():
            st = procs.stat(pid)
            if st and st[0] not in ("Z", "X"):
                parent[pid] = st[1]
        with self.lock:
            for pid in [p for p in self.live if p not in parent]:
                del self.live[pid]
                self.spans[pid][-1][1] = now
            for pid in parent:
                if pid in self.live or pid == self.root:
                    continue
                chain, p = [], pid
                while p in parent and p not in self.live and p != self.root and len(chain) < 64:
                    chain.append(p)
                    p = parent[p]
                if p == self.root and chain:
                    top = chain[-1]             # the harness's own child
                elif p in self.live:
                    top = self.live[p]
                else:
                    continue
                for c in chain:
                    self.live[c] = top
                    self.spans.setdefault(c, []).append([now, None, top])

    def _sample_loop(self):
        while not self._stop.wait(SAMPLE_EVERY):
            self.sample()

    def sample(self):
        """One /proc reading: processes carrying this run's LAB_RUN_ID (samples mode)."""
        now = time.monotonic_ns()
        found = procs.with_run_ids([self.run_id])
        with self.lock:
            for pid in found:
                if pid not in self.live:
                    self.live[pid] = self._top(pid)
                    self.spans.setdefault(pid, []).append([now, now, self.live[pid]])
                else:
                    self.spans[pid][-1][1] = now
            for pid in [p for p in self.live if p not in found]:
                del self.live[pid]

    def _top(self, pid):
        """The harness child a process descends from, by its parent chain (None if broken)."""
        prev = None
        for _ in range(64):
            st = procs.stat(pid)
            if not st:
                return None
            if st[1] == self.root:
                return pid
            prev, pid = pid, st[1]
            if pid <= 1:
                return None
        return prev

    # --- questions -----------------------------------------------------------------------

    def pids_during(self, start_ns: int, end_ns: int | None = None, tops=None) -> set:
        """Pids of tracked processes alive at some moment in [start_ns, end_ns] (end: now),
        only those descending from `tops` when given."""
        if self.mode == "samples":
            self.sample()                       # what lives right now counts too
        end_ns = end_ns if end_ns is not None else time.monotonic_ns()
        out = set()
        with self.lock:
            for pid, spans in self.spans.items():
                for s, e, top in spans:
                    if s <= end_ns and (e is None or e >= start_ns) and (tops is None or top in tops):
                        out.add(pid)
                        break
        out.discard(self.root)
        return out
