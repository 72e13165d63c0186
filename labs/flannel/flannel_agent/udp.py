"""The udp backend: a TUN device flannel0 and a user-space proxy on UDP port 8285.

The kernel routes the whole flannel network into flannel0; every packet read from it is
sent, unchanged and without any header, as the payload of one UDP datagram to the public IP
of the host that leases the destination's subnet. Datagrams received are written back into
flannel0. Like flannel's proxy, each side decrements the inner TTL, and a packet for a
subnet nobody leases is answered with ICMP "net unreachable". The peer table lives in
memory; etcd is only read by the watch that keeps it current.
"""

import fcntl
import ipaddress
import os
import select
import socket
import struct
import threading

from . import iproute

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
ENCAP_OVERHEAD = 28  # outer IPv4 header (20) + UDP header (8)
DEFAULT_PORT = 8285


def checksum(data):
    """The Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data = bytes(data) + b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def decrement_ttl(buf):
    """Decrement the IPv4 TTL in place, patching the header checksum (RFC 1624, eqn. 3).

    Returns False when the TTL runs out: the packet must be dropped.
    """
    ttl = buf[8]
    if ttl <= 1:
        return False
    old_word = (ttl << 8) | buf[9]
    new_word = old_word - 0x100
    total = (~((buf[10] << 8) | buf[11]) & 0xFFFF) + (~old_word & 0xFFFF) + new_word
    total = (total & 0xFFFF) + (total >> 16)
    total = (total & 0xFFFF) + (total >> 16)
    check = ~total & 0xFFFF
    buf[8] = ttl - 1
    buf[10], buf[11] = check >> 8, check & 0xFF
    return True


def net_unreachable(packet, source):
    """An ICMP destination-unreachable (net) for packet, from source; None if not allowed."""
    header_len = (packet[0] & 0x0F) * 4
    if packet[9] == socket.IPPROTO_ICMP:
        return None  # never an ICMP error about an ICMP message (RFC 792)
    if struct.unpack_from("!H", packet, 6)[0] & 0x1FFF:
        return None  # only for the first fragment
    quoted = bytes(packet[:header_len + 8])
    icmp = bytearray(struct.pack("!BBHI", 3, 0, 0, 0) + quoted)
    icmp[2:4] = struct.pack("!H", checksum(icmp))
    ip_header = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 0, 0, 8,
                                      socket.IPPROTO_ICMP, 0, source.packed, bytes(packet[12:16])))
    ip_header[10:12] = struct.pack("!H", checksum(ip_header))
    return bytes(ip_header + icmp)


def mask(prefixlen):
    return (0xFFFFFFFF << (32 - prefixlen)) & 0xFFFFFFFF


def open_tun(pattern="flannel%d"):
    """Open a TUN device (IFF_TUN | IFF_NO_PI: bare IP packets); return (fd, its name)."""
    try:
        fd = os.open("/dev/net/tun", os.O_RDWR)
    except OSError as err:
        raise RuntimeError(f"cannot open /dev/net/tun: {err.strerror} (the udp backend needs root "
                           f"or CAP_NET_ADMIN, and the tun module)") from None
    try:
        result = fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", pattern.encode(), IFF_TUN | IFF_NO_PI))
    except OSError as err:
        os.close(fd)
        raise RuntimeError(f"cannot create a TUN device: {err.strerror}") from None
    return fd, result[:16].rstrip(b"\0").decode()


class UdpBackend:
    type_name = "udp"

    def __init__(self, ext, config, log):
        port = config.backend.get("Port", DEFAULT_PORT)
        if not isinstance(port, int) or not 0 < port < 65536:
            raise ValueError(f"udp backend: Port must be a UDP port number, got {port!r}")
        self.ext, self.config, self.log = ext, config, log
        self.port = port
        self.mtu = ext.mtu - ENCAP_OVERHEAD
        self.routes = {}  # network address (int) of a peer's subnet -> (public ip, port)
        self.masks = (mask(config.subnet_len),)
        self.lock = threading.Lock()
        self.tun = self.sock = None
        self.tun_name = None
        self.tun_address = None

    def lease_attrs(self):
        """The udp backend publishes only PublicIP: no BackendType, no BackendData."""
        return None, None

    def start(self, lease_subnet):
        """Create flannel0 with the lease's first address as a /32, route the network into it."""
        self.tun, self.tun_name = open_tun()
        self.tun_address = lease_subnet.network_address
        iproute.ip("addr", "replace", f"{self.tun_address}/32", "dev", self.tun_name)
        iproute.ip("link", "set", "dev", self.tun_name, "mtu", str(self.mtu), "up")
        iproute.ip("route", "replace", str(self.config.network), "dev", self.tun_name, "scope", "global")
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self.sock.bind((str(self.ext.address), self.port))
        except OSError as err:
            raise RuntimeError(f"cannot listen on UDP {self.ext.address}:{self.port}: {err.strerror} "
                               f"(is another flanneld running on this host?)") from None
        os.set_blocking(self.tun, False)
        self.sock.setblocking(False)
        self.log.info("TUN %s (mtu %d) up, proxying over UDP %s:%d",
                      self.tun_name, self.mtu, self.ext.address, self.port)

    def add_peer(self, subnet, attrs):
        public_ip = attrs.get("PublicIP")
        try:
            ipaddress.IPv4Address(public_ip)
        except ValueError:
            self.log.warning("ignoring lease %s: PublicIP %r is not an IPv4 address", subnet, public_ip)
            return
        with self.lock:
            routes = dict(self.routes)
            routes[int(subnet.network_address)] = (public_ip, self.port)
            self._publish(routes, subnet.prefixlen)
        self.log.info("Subnet added: %s via %s:%d", subnet, public_ip, self.port)

    def remove_peer(self, subnet, attrs):
        with self.lock:
            routes = dict(self.routes)
            if routes.pop(int(subnet.network_address), None) is None:
                return
            self._publish(routes, subnet.prefixlen)
        self.log.info("Subnet removed: %s", subnet)

    def _publish(self, routes, prefixlen):
        # The data path reads self.routes without a lock: swap in a whole new dict.
        if mask(prefixlen) not in self.masks:
            self.masks = tuple(sorted(set(self.masks) | {mask(prefixlen)}, reverse=True))
        self.routes = routes

    def _lookup(self, dst):
        routes = self.routes
        for netmask in self.masks:
            hop = routes.get(dst & netmask)
            if hop:
                return hop
        return None

    def run(self, stop):
        """Move packets until stop (a threading.Event) is set; wake_fd interrupts poll."""
        tun, sock = self.tun, self.sock
        buf = bytearray(65536)
        view = memoryview(buf)
        poller = select.poll()
        poller.register(tun, select.POLLIN)
        poller.register(sock, select.POLLIN)
        send_errors = 0
        while not stop.is_set():
            poller.poll(200)
            active = True
            while active and not stop.is_set():
                active = False
                # flannel0 -> UDP
                try:
                    size = os.readv(tun, [buf])
                except BlockingIOError:
                    size = -1
                if size >= 0:
                    active = True
                    if size >= 20 and buf[0] >> 4 == 4:
                        hop = self._lookup(int.from_bytes(buf[16:20], "big"))
                        if hop is None:
                            reply = net_unreachable(view[:size], self.tun_address)
                            if reply:
                                os.write(tun, reply)
                        elif decrement_ttl(buf):
                            try:
                                sock.sendto(view[:size], hop)
                            except OSError as err:
                                send_errors += 1
                                if send_errors in (1, 10, 100, 1000):
                                    self.log.warning("UDP send to %s:%d failed (%d times): %s",
                                                     hop[0], hop[1], send_errors, err)
                # UDP -> flannel0
                try:
                    size = sock.recv_into(buf)
                except BlockingIOError:
                    size = -1
                if size >= 0:
                    active = True
                    if size >= 20 and buf[0] >> 4 == 4 and decrement_ttl(buf):
                        try:
                            os.write(tun, view[:size])
                        except OSError as err:
                            self.log.warning("TUN write failed: %s", err)

    def close(self):
        """Closing the TUN fd removes flannel0 and its route, as when flanneld exits."""
        for closer in (self.sock, self.tun):
            if closer is None:
                continue
            try:
                closer.close() if hasattr(closer, "close") else os.close(closer)
            except OSError:
                pass
