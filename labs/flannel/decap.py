#!/usr/bin/env python3
"""Show what a flannel packet on the underlay carries: `decap.py capture.pcap`.

tcpdump prints the outer header of flannel's udp backend ("UDP, length 84") but cannot
look inside, because the payload is a bare IP packet with no header saying so. This reads
a classic pcap file (tcpdump -w, Ethernet) and prints, for each UDP datagram on port 8285
(udp backend: payload = inner IPv4 packet) or 8472 (vxlan: 8-byte VXLAN header, inner
Ethernet frame, inner IPv4 packet), the outer and the inner addresses.
"""

import ipaddress
import struct
import sys

UDP_PORT, VXLAN_PORT = 8285, 8472
ICMP_TYPES = {0: "ICMP echo reply", 3: "ICMP unreachable", 8: "ICMP echo request", 11: "ICMP time exceeded"}
PROTOCOLS = {1: "ICMP", 6: "TCP", 17: "UDP"}


def packets(path):
    """Yield the link-layer bytes of each packet in a pcap file (either byte order)."""
    with open(path, "rb") as src:
        header = src.read(24)
        if len(header) < 24:
            raise ValueError(f"{path}: not a pcap file (too short)")
        magic = header[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            order = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            order = ">"
        else:
            raise ValueError(f"{path}: not a pcap file (magic {magic.hex()}); pcapng is not supported")
        linktype = struct.unpack(order + "I", header[20:24])[0]
        if linktype != 1:
            raise ValueError(f"{path}: link type {linktype}, expected 1 (Ethernet)")
        while True:
            record = src.read(16)
            if len(record) < 16:
                return
            caplen = struct.unpack(order + "IIII", record)[2]
            yield src.read(caplen)


def ipv4(data):
    """(src, dst, ttl, protocol, total length, payload) of an IPv4 packet, or None."""
    if len(data) < 20 or data[0] >> 4 != 4:
        return None
    header_len = (data[0] & 0x0F) * 4
    total = struct.unpack("!H", data[2:4])[0]
    return (ipaddress.IPv4Address(data[12:16]), ipaddress.IPv4Address(data[16:20]),
            data[8], data[9], total, data[header_len:total])


def describe_inner(packet):
    inner = ipv4(packet)
    if inner is None:
        return "not an IPv4 packet"
    src, dst, ttl, proto, _, payload = inner
    what = PROTOCOLS.get(proto, f"protocol {proto}")
    if proto == 1 and payload:
        what = ICMP_TYPES.get(payload[0], f"ICMP type {payload[0]}")
    elif proto in (6, 17) and len(payload) >= 4:
        sport, dport = struct.unpack("!HH", payload[:4])
        src, dst = f"{src}:{sport}", f"{dst}:{dport}"
    return f"{src} > {dst} {what}, ttl {ttl}"


def describe(frame):
    """One line for a frame carrying flannel traffic, or None for anything else."""
    if len(frame) < 14 or frame[12:14] != b"\x08\x00":
        return None
    outer = ipv4(frame[14:])
    if outer is None or outer[3] != 17 or len(outer[5]) < 8:
        return None
    src, dst, _, _, _, udp = outer
    sport, dport, length = struct.unpack("!HHH", udp[:6])
    payload = udp[8:length]
    head = f"{src}:{sport} > {dst}:{dport}"
    if dport == VXLAN_PORT or sport == VXLAN_PORT:
        if len(payload) < 8 + 14:
            return f"{head} vxlan (truncated)"
        vni = int.from_bytes(payload[4:7], "big")
        inner_frame = payload[8:]
        macs = f"{inner_frame[6:12].hex(':')} > {inner_frame[0:6].hex(':')}"
        return f"{head} vxlan vni {vni}: {macs}, {describe_inner(inner_frame[14:])}"
    if dport == UDP_PORT or sport == UDP_PORT:
        return f"{head} udp, {len(payload)} bytes: {describe_inner(payload)}"
    return None


def main(argv):
    if len(argv) != 2:
        print("usage: decap.py CAPTURE.pcap", file=sys.stderr)
        return 2
    try:
        for frame in packets(argv[1]):
            line = describe(frame)
            if line:
                print(line)
    except (OSError, ValueError) as err:
        print(f"decap.py: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
