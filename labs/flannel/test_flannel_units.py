"""Tests of the flannel agent's pure parts: no root, no etcd, no namespaces needed.

Config rules as flannel applies them, lease values byte for byte, the udp proxy's TTL and
checksum handling, subnet.env, and decap.py on packets built here.
"""

import ipaddress
import json
import random
import socket
import struct
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
# pytest puts this folder (no __init__.py: the lab's own tools) first on the path

from flannel_agent import leases, netconfig, subnetenv  # noqa: E402
from flannel_agent.main import duration, parse_args  # noqa: E402
from flannel_agent.udp import checksum, decrement_ttl, net_unreachable  # noqa: E402

import decap  # noqa: E402

WHERE = "config /coreos.com/network/config (etcd v2 API)"


def parse(obj):
    return netconfig.parse_config(obj if isinstance(obj, str) else json.dumps(obj), WHERE)


# --- the network config ----------------------------------------------------------------

def test_defaults_as_flannel_sets_them():
    config = parse({"Network": "10.1.0.0/16"})
    assert config.subnet_len == 24
    assert str(config.subnet_min) == "10.1.1.0"      # the first subnet is skipped
    assert str(config.subnet_max) == "10.1.255.0"
    assert config.backend_type == "udp"                # no Backend: udp
    assert config.subnet_count() == 255


def test_small_networks_get_four_subnets():
    assert parse({"Network": "10.1.0.0/24"}).subnet_len == 26
    with pytest.raises(netconfig.ConfigError, match=r"too small; the smallest is a /28"):
        parse({"Network": "10.1.0.0/29"})


@pytest.mark.parametrize("config, message", [
    ('{"Network": "10.1.0.0/16",}', r"not valid JSON: Expecting property name enclosed in double "
                                    r"quotes at line 1 column 27"),
    ('["10.1.0.0/16"]', r"must be a JSON object"),
    ('{"SubnetLen": 24}', r'"Network" is missing'),
    ('{"Network": "10.1.0.1/16"}', r"Network '10\.1\.0\.1/16' is not an IPv4 network: .*host bits set"),
    ('{"Network": "10.1.0.0/16", "SubnetLen": 31}', r"SubnetLen 31 must be at most 30"),
    ('{"Network": "10.1.0.0/16", "SubnetLen": 17}', r"must hold at least four subnets of SubnetLen 17"),
    ('{"Network": "10.1.0.0/16", "SubnetLen": "24"}', r"SubnetLen must be a whole number"),
    ('{"Network": "10.1.0.0/16", "SubnetMin": "10.2.0.0"}', r"SubnetMin 10\.2\.0\.0 is not in Network"),
    ('{"Network": "10.1.0.0/16", "SubnetMax": "10.1.3.5"}', r"SubnetMax 10\.1\.3\.5 is not on a /24 boundary"),
    ('{"Network": "10.1.0.0/16", "SubnetMin": "10.1.9.0", "SubnetMax": "10.1.3.0"}',
     r"SubnetMin 10\.1\.9\.0 is above SubnetMax 10\.1\.3\.0"),
    ('{"Network": "10.1.0.0/16", "Backend": "vxlan"}', r"Backend must be an object"),
    ('{"Network": "10.1.0.0/16", "Backend": {"Type": "host-gw"}}', r"Backend Type 'host-gw' is not supported"),
])
def test_bad_configs_are_named_and_explained(config, message):
    with pytest.raises(netconfig.ConfigError, match=message) as err:
        parse(config)
    assert str(err.value).startswith(WHERE + ": ")


def test_allocation_skips_leased_subnets_and_says_when_none_is_left():
    config = parse({"Network": "10.1.0.0/16", "SubnetMin": "10.1.4.0", "SubnetMax": "10.1.6.0"})
    leased = [ipaddress.IPv4Network("10.1.4.0/24"), ipaddress.IPv4Network("10.1.6.0/24")]
    assert str(netconfig.allocate(config, leased)) == "10.1.5.0/24"
    with pytest.raises(netconfig.OutOfSubnets, match=r"all 3 /24 subnets of 10\.1\.0\.0/16 from "
                                                     r"SubnetMin 10\.1\.4\.0 to SubnetMax 10\.1\.6\.0 are leased"):
        netconfig.allocate(config, leased + [ipaddress.IPv4Network("10.1.5.0/24")])


def test_allocation_is_random_among_free_subnets():
    config = parse({"Network": "10.1.0.0/16"})
    picks = {netconfig.allocate(config, [], random.Random(seed)) for seed in range(20)}
    assert len(picks) > 5


def test_subnet_keys():
    subnet = ipaddress.IPv4Network("10.1.15.0/24")
    assert netconfig.subnet_key(subnet) == "10.1.15.0-24"
    assert netconfig.parse_subnet_key("/coreos.com/network/subnets/10.1.15.0-24") == subnet
    assert netconfig.parse_subnet_key("/coreos.com/network/subnets/junk") is None
    assert netconfig.parse_subnet_key("/coreos.com/network/config") is None


def test_lease_values_byte_for_byte():
    assert leases.encode_attrs("v2", "192.168.50.2", None, None) == '{"PublicIP":"192.168.50.2"}'
    assert (leases.encode_attrs("v3", "192.168.50.2", "vxlan", {"VNI": 1, "VtepMAC": "0e:5c:71:2a:9d:4b"})
            == '{"PublicIP":"192.168.50.2","PublicIPv6":null,"BackendType":"vxlan",'
               '"BackendData":{"VNI":1,"VtepMAC":"0e:5c:71:2a:9d:4b"}}')


# --- the udp proxy's packet handling ---------------------------------------------------

def ip_header(ttl, proto=1, src="10.1.1.2", dst="10.1.2.2", payload=b"\x08\0\0\0\0\0\0\0"):
    header = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0x1234, 0, ttl, proto, 0,
                                   socket.inet_aton(src), socket.inet_aton(dst)))
    header[10:12] = struct.pack("!H", checksum(header))
    return header + payload


def test_decrement_ttl_keeps_the_header_checksum_valid():
    rng = random.Random(7)
    for _ in range(2000):
        packet = ip_header(rng.randint(2, 255), rng.randint(0, 255),
                           ".".join(str(rng.randint(0, 255)) for _ in range(4)), "10.1.2.2")
        ttl = packet[8]
        assert decrement_ttl(packet)
        assert packet[8] == ttl - 1
        assert checksum(packet[:20]) == 0  # a valid header sums to zero


def test_ttl_running_out_drops_the_packet():
    packet = ip_header(1)
    assert not decrement_ttl(packet)
    assert packet[8] == 1


def test_net_unreachable_reply():
    offender = ip_header(63, proto=17, payload=b"\x12\x34\x00\x35\x00\x08\x00\x00")
    reply = net_unreachable(offender, ipaddress.IPv4Address("10.1.1.0"))
    assert checksum(reply[:20]) == 0 and checksum(reply[20:]) == 0
    assert socket.inet_ntoa(reply[12:16]) == "10.1.1.0"
    assert socket.inet_ntoa(reply[16:20]) == "10.1.1.2"
    assert reply[20:22] == b"\x03\x00"            # destination unreachable, net
    assert reply[28:] == bytes(offender[:28])    # the offender's header and 8 bytes
    assert net_unreachable(ip_header(63, proto=1), ipaddress.IPv4Address("10.1.1.0")) is None


# --- subnet.env ------------------------------------------------------------------------

def test_subnet_env_written_and_read_back(tmp_path):
    path = tmp_path / "run" / "subnet.env"
    subnetenv.write(str(path), ipaddress.IPv4Network("10.1.0.0/16"),
                    ipaddress.IPv4Network("10.1.74.0/24"), 1472, False)
    assert path.read_text() == ("FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.1.74.1/24\n"
                                "FLANNEL_MTU=1472\nFLANNEL_IPMASQ=false\n")
    assert subnetenv.previous_subnet(str(path)) == (ipaddress.IPv4Network("10.1.74.0/24"), None)
    assert list(tmp_path.joinpath("run").iterdir()) == [path]   # no temp file left


def test_bad_subnet_env_is_ignored_with_its_line(tmp_path):
    path = tmp_path / "subnet.env"
    path.write_text("FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.1.x.1/24\n")
    assert subnetenv.previous_subnet(str(path)) == (
        None, f"{path}:2: FLANNEL_SUBNET='10.1.x.1/24' is not a subnet")
    assert subnetenv.previous_subnet(str(tmp_path / "none.env")) == (None, None)


# --- flags -----------------------------------------------------------------------------

def test_durations_and_flags():
    assert duration("24h", 1) == 86400 and duration("1h30m", 1) == 5400 and duration("2.5s", 1) == 2.5
    assert duration("60", 60) == 3600   # a bare renew margin is minutes, as flanneld's
    args = parse_args(["--subnet-lease-ttl", "6s", "--subnet-lease-renew-margin", "4s"])
    assert (args.subnet_lease_ttl, args.subnet_lease_renew_margin, args.etcd_api) == (6, 4, "v3")


def test_renew_margin_must_be_shorter_than_ttl(capsys):
    with pytest.raises(SystemExit) as exit_:
        parse_args(["--subnet-lease-ttl", "6s", "--subnet-lease-renew-margin", "6s"])
    assert exit_.value.code == 2
    assert "--subnet-lease-renew-margin (6s) must be shorter than --subnet-lease-ttl (6s)" in capsys.readouterr().err


# --- decap.py --------------------------------------------------------------------------

def frame(src, dst, sport, dport, payload, src_mac=b"\x02" * 6, dst_mac=b"\x04" * 6):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    return dst_mac + src_mac + b"\x08\x00" + bytes(ip_header(64, 17, src, dst, udp))


def write_pcap(path, frames):
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for data in frames:
            out.write(struct.pack("<IIII", 0, 0, len(data), len(data)) + data)


def test_decap_shows_the_inner_packet_of_udp_and_vxlan(tmp_path, capsys):
    inner = bytes(ip_header(62, 1, "10.1.15.2", "10.1.74.2"))
    vxlan = b"\x08\0\0\0\0\0\x01\0" + b"\x0e" * 6 + b"\x0a" * 6 + b"\x08\x00" + inner
    pcap = tmp_path / "cap.pcap"
    write_pcap(pcap, [frame("192.168.50.1", "192.168.50.2", 8285, 8285, inner),
                      frame("192.168.50.1", "192.168.50.2", 40000, 8472, vxlan),
                      frame("192.168.50.1", "192.168.50.2", 5000, 53, b"dns")])
    assert decap.main(["decap.py", str(pcap)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "192.168.50.1:8285 > 192.168.50.2:8285 udp, 28 bytes: 10.1.15.2 > 10.1.74.2 ICMP echo request, ttl 62",
        "192.168.50.1:40000 > 192.168.50.2:8472 vxlan vni 1: 0a:0a:0a:0a:0a:0a > 0e:0e:0e:0e:0e:0e, "
        "10.1.15.2 > 10.1.74.2 ICMP echo request, ttl 62",
    ]


def test_decap_refuses_what_is_not_a_pcap(tmp_path, capsys):
    path = tmp_path / "x.pcap"
    path.write_bytes(b"\x0a\x0d\x0d\x0a" + b"\0" * 40)
    assert decap.main(["decap.py", str(path)]) == 1
    assert "not a pcap file (magic 0a0d0d0a); pcapng is not supported" in capsys.readouterr().err
