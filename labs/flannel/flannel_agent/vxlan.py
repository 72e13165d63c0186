"""The vxlan backend: the kernel encapsulates, the agent only programs tables.

flannel.1 is a VXLAN device (VNI 1, UDP port 8472, MTU = underlay - 50, no learning) with
a random locally administered MAC that the lease publishes as VtepMAC. For every peer the
agent adds three entries, so the kernel never has to ask anyone:
  route      10.1.X.0/24 via 10.1.X.0 dev flannel.1 onlink
  neighbour  10.1.X.0 lladdr <peer VtepMAC> nud permanent    (no ARP across the overlay)
  fdb        <peer VtepMAC> dst <peer PublicIP>               (which host owns that MAC)
The device outlives the agent, as flanneld's does, so a restarted agent keeps its MAC.
"""

import ipaddress
import os
import re
import threading

from . import iproute

ENCAP_OVERHEAD = 50  # outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14)
DEFAULT_PORT = 8472  # the Linux kernel's VXLAN port (IANA's is 4789)
MAC_RE = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")


def random_mac():
    raw = bytearray(os.urandom(6))
    raw[0] = (raw[0] & 0xFE) | 0x02  # unicast, locally administered
    return ":".join(f"{b:02x}" for b in raw)


class VxlanBackend:
    type_name = "vxlan"

    def __init__(self, ext, config, log):
        backend = config.backend
        self.vni = backend.get("VNI", 1)
        self.port = backend.get("Port", 0) or DEFAULT_PORT
        for name, value, top in (("VNI", self.vni, 1 << 24), ("Port", self.port, 1 << 16)):
            if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < top:
                raise ValueError(f"vxlan backend: {name} must be a number from 1 to {top - 1}, got {value!r}")
        self.learning = bool(backend.get("Learning", False))
        if backend.get("GBP") or backend.get("DirectRouting"):
            log.warning("vxlan backend: GBP and DirectRouting are not implemented by this agent; ignored")
        self.ext, self.config, self.log = ext, config, log
        self.name = f"flannel.{self.vni}"
        self.mtu = ext.mtu - ENCAP_OVERHEAD
        self.mac = None
        self.peers = {}  # subnet -> (public ip, vtep mac)
        self.lock = threading.Lock()

    def _incompatible(self, link):
        info = link.get("linkinfo", {})
        data = info.get("info_data", {})
        if info.get("info_kind") != "vxlan":
            return f"link type {info.get('info_kind')!r}"
        checks = (("vni", data.get("id"), self.vni), ("local", data.get("local"), str(self.ext.address)),
                  ("dev", data.get("link"), self.ext.name), ("port", data.get("port"), self.port))
        for what, have, want in checks:
            if have is not None and have != want:
                return f"{what} {have} (want {want})"
        return ""

    def prepare(self):
        """Create flannel.1, or keep a compatible one from an earlier run (and its MAC)."""
        link = iproute.link(self.name)
        if link is not None:
            why = self._incompatible(link)
            if not why:
                self.mac = link["address"]
                self.log.info("VXLAN device %s already exists, reusing it (VtepMAC %s)", self.name, self.mac)
                return
            self.log.warning("%s exists with an incompatible configuration: %s; recreating it", self.name, why)
            iproute.ip("link", "del", "dev", self.name)
        self.mac = random_mac()
        iproute.ip("link", "add", self.name, "address", self.mac, "mtu", str(self.mtu),
                   "type", "vxlan", "id", str(self.vni), "local", str(self.ext.address),
                   "dev", self.ext.name, "dstport", str(self.port),
                   "learning" if self.learning else "nolearning")
        self.log.info("VXLAN device %s: VNI %d, port %d, mtu %d, VtepMAC %s",
                      self.name, self.vni, self.port, self.mtu, self.mac)

    def lease_attrs(self):
        return "vxlan", {"VNI": self.vni, "VtepMAC": self.mac}

    def start(self, lease_subnet):
        """The lease's network address as a /32 on flannel.1 (no broadcast routes), link up."""
        iproute.ip("addr", "flush", "dev", self.name)
        iproute.ip("addr", "add", f"{lease_subnet.network_address}/32", "dev", self.name)
        iproute.ip("link", "set", "dev", self.name, "up")

    def add_peer(self, subnet, attrs):
        if attrs.get("BackendType") != "vxlan":
            self.log.warning("ignoring non-vxlan subnet %s: type=%s", subnet, attrs.get("BackendType"))
            return
        data = attrs.get("BackendData") or {}
        mac = str(data.get("VtepMAC", "")).lower()
        try:
            public_ip = str(ipaddress.IPv4Address(attrs.get("PublicIP")))
        except ValueError:
            public_ip = None
        if not MAC_RE.match(mac) or public_ip is None:
            self.log.warning("ignoring lease %s: bad PublicIP or VtepMAC in %s", subnet, attrs)
            return
        gateway = str(subnet.network_address)
        with self.lock:
            old = self.peers.get(subnet)
            if old == (public_ip, mac):
                return
            if old is not None:
                self._remove_entries(subnet, *old)
            iproute.ip("neigh", "replace", gateway, "lladdr", mac, "dev", self.name, "nud", "permanent")
            iproute.bridge("fdb", "replace", mac, "dev", self.name, "dst", public_ip, "self", "permanent")
            iproute.ip("route", "replace", str(subnet), "via", gateway, "dev", self.name, "onlink")
            self.peers[subnet] = (public_ip, mac)
        self.log.info("Subnet added: %s via %s (VtepMAC %s)", subnet, public_ip, mac)

    def remove_peer(self, subnet, attrs):
        with self.lock:
            old = self.peers.pop(subnet, None)
            if old is None:
                return
            self._remove_entries(subnet, *old)
        self.log.info("Subnet removed: %s", subnet)

    def _remove_entries(self, subnet, public_ip, mac):
        gone = ("No such process", "Cannot find", "No such file", "does not exist")
        iproute.ip("route", "del", str(subnet), "dev", self.name, ok_errors=gone)
        iproute.ip("neigh", "del", str(subnet.network_address), "dev", self.name, ok_errors=gone)
        iproute.bridge("fdb", "del", mac, "dev", self.name, "dst", public_ip, "self", ok_errors=gone)

    def run(self, stop):
        stop.wait()

    def close(self):
        pass
