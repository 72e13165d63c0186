"""flanneld's command line and life cycle: config, lease, backend, subnet.env, watch, renew.

The flags are flanneld's (--etcd-endpoints, --etcd-prefix, --iface, --public-ip,
--subnet-file, --ip-masq, --subnet-lease-renew-margin) plus two the lab needs:
--etcd-api v2|v3 (flannel <= 0.17 spoke v2, >= 0.18 speaks v3) and --subnet-lease-ttl
(flannel's is fixed at 24h; the lab lets a stopped host's lease expire in seconds).

Nothing that etcd does wrong crashes the agent: while etcd is unreachable, or the config
is missing or malformed, it says so and keeps trying, as flanneld does. It exits 1 only
when there is nothing to wait for (out of subnets, a bad flag, no such interface) or when
its own lease is revoked.
"""

import argparse
import logging
import re
import signal
import sys
import threading
import time

from . import iproute, ipmasq, leases, netconfig, subnetenv
from .etcd2 import EtcdV2
from .etcd3 import EtcdV3
from .etcdhttp import Endpoints, EtcdError, Unreachable
from .udp import UdpBackend
from .vxlan import VxlanBackend

VERSION = "0.1.0"
DURATION_RE = re.compile(r"^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$")


class KlogFormatter(logging.Formatter):
    """klog's line format, as flanneld logs: I0719 10:20:03.123456   4242 file.py:88] text"""

    def format(self, record):
        stamp = time.strftime("%m%d %H:%M:%S", time.localtime(record.created))
        micros = int(record.created % 1 * 1e6)
        line = (f"{record.levelname[0]}{stamp}.{micros:06d} {record.process:7d} "
                f"{record.filename}:{record.lineno}] {record.getMessage()}")
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def duration(text, unit):
    """Seconds from "24h", "90m", "1h30m", "5s", "2.5s", or a bare number in `unit` seconds."""
    text = str(text).strip()
    try:
        return float(text) * unit
    except ValueError:
        pass
    match = DURATION_RE.match(text)
    if not text or not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 24h, 60m or 5s")
    hours, minutes, seconds = (float(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="flanneld.py", description="A flannel agent: subnet leases in etcd, udp and vxlan backends.")
    parser.add_argument("--etcd-endpoints", default="http://127.0.0.1:4001,http://127.0.0.1:2379",
                        help="comma-separated etcd URLs (default: %(default)s)")
    parser.add_argument("--etcd-prefix", default="/coreos.com/network",
                        help="etcd prefix of config and subnets (default: %(default)s)")
    parser.add_argument("--etcd-api", choices=("v2", "v3"), default="v3",
                        help="etcd API: v2 TTL keys (flannel <= 0.17) or v3 leases (>= 0.18; default)")
    parser.add_argument("--iface", help="interface (name or address) for inter-host traffic; "
                                        "default: the one with the default route")
    parser.add_argument("--public-ip", help="IP other hosts use to reach this one (default: --iface's address)")
    parser.add_argument("--subnet-file", default="/run/flannel/subnet.env",
                        help="where to write the lease for the runtime (default: %(default)s)")
    parser.add_argument("--ip-masq", action="store_true", help="masquerade traffic leaving the flannel network")
    parser.add_argument("--subnet-lease-ttl", type=lambda t: duration(t, 1), default=24 * 3600.0,
                        metavar="DURATION", help="lease TTL (default 24h, as flannel's)")
    parser.add_argument("--subnet-lease-renew-margin", type=lambda t: duration(t, 60), default=3600.0,
                        metavar="DURATION", help="renew this long before expiry (bare number: minutes, "
                                                 "as flanneld; default 60)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log lease renewals too")
    parser.add_argument("--version", action="version", version=VERSION)
    args = parser.parse_args(argv)
    if args.subnet_lease_ttl < 1:
        parser.error("--subnet-lease-ttl must be at least 1s")
    if args.subnet_lease_renew_margin >= args.subnet_lease_ttl:
        parser.error(f"--subnet-lease-renew-margin ({args.subnet_lease_renew_margin:g}s) must be "
                     f"shorter than --subnet-lease-ttl ({args.subnet_lease_ttl:g}s)")
    return args


class Retrying:
    """Say what is wrong once (and again every 10 s, or when it changes), not every second."""

    def __init__(self, log):
        self.log, self.last, self.when = log, None, 0.0

    def failed(self, message):
        now = time.monotonic()
        if message != self.last or now - self.when >= 10:
            self.log.error("%s; retrying every 1s", message)
            self.last, self.when = message, now

    def succeeded(self, message):
        if self.last is not None:
            self.log.info(message)
        self.last = None


def network_config(store, prefix, stop, log):
    """Wait until the config exists and is valid; None if asked to stop first."""
    key = prefix.rstrip("/") + "/config"
    where = f"config {key} (etcd {store.api} API)"
    retry = Retrying(log)
    other = {"v2": "v3", "v3": "v2"}[store.api]
    while not stop.is_set():
        try:
            text = store.get(key)
            if text is None:
                raise netconfig.ConfigError(
                    f"{where} not found (v2 and v3 keys are separate: a config written "
                    f"with ETCDCTL_API={other[1]} is invisible to the {store.api} API)")
            config = netconfig.parse_config(text, where)
        except (Unreachable, EtcdError) as err:
            retry.failed(f"Couldn't fetch network config: {err}")
        except netconfig.ConfigError as err:
            retry.failed(f"Couldn't use network config: {err}")
        else:
            retry.succeeded("Network config is readable again")
            log.info("Network config: Network %s, SubnetLen %d, SubnetMin %s, SubnetMax %s, Backend %s",
                     config.network, config.subnet_len, config.subnet_min, config.subnet_max,
                     config.backend_type)
            return config
        stop.wait(1.0)
    return None


def acquire_lease(manager, config, value, previous, stop, log):
    retry = Retrying(log)
    while not stop.is_set():
        try:
            subnet = manager.acquire(config, value, previous)
            retry.succeeded("etcd is reachable again")
            return subnet
        except (Unreachable, EtcdError) as err:
            retry.failed(f"Couldn't acquire a lease: {err}")
        stop.wait(1.0)
    return None


def run(args, log):
    endpoints = Endpoints(args.etcd_endpoints)
    store = (EtcdV2 if args.etcd_api == "v2" else EtcdV3)(endpoints)
    ext = iproute.external_interface(args.iface)
    public_ip = args.public_ip or str(ext.address)
    log.info("Using interface %s; public IP %s; etcd %s API at %s", ext, public_ip, store.api, endpoints)

    stop = threading.Event()
    exit_code = [0]

    def on_signal(signum, _frame):
        log.info("Exiting on %s", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    config = network_config(store, args.etcd_prefix, stop, log)
    if config is None:
        return 0
    backend = (UdpBackend if config.backend_type == "udp" else VxlanBackend)(ext, config, log)
    if hasattr(backend, "prepare"):
        backend.prepare()
    value = leases.encode_attrs(store.api, public_ip, *backend.lease_attrs())

    previous, why = subnetenv.previous_subnet(args.subnet_file)
    if why:
        log.warning("Ignoring previous subnet: %s", why)
    manager = leases.LeaseManager(store, args.etcd_prefix, public_ip, args.subnet_lease_ttl, log)
    try:
        subnet = acquire_lease(manager, config, value, previous, stop, log)
    except netconfig.OutOfSubnets as err:
        log.error("failed to acquire lease: %s", err)
        return 1
    if subnet is None:
        return 0
    log.info("Lease %s, TTL %gs, renewed %gs before expiry", subnet, args.subnet_lease_ttl,
             args.subnet_lease_renew_margin)

    backend.start(subnet)
    if args.ip_masq:
        ipmasq.setup(config.network, subnet, log)
    subnetenv.write(args.subnet_file, config.network, subnet, backend.mtu, args.ip_masq)
    log.info("Wrote %s (FLANNEL_SUBNET %s/%d, FLANNEL_MTU %d)", args.subnet_file,
             subnet.network_address + 1, subnet.prefixlen, backend.mtu)

    def revoked():
        exit_code[0] = 1
        stop.set()

    threads = [
        threading.Thread(target=leases.renew_forever, name="renew", daemon=True,
                         args=(manager, subnet, value, args.subnet_lease_renew_margin, stop, log)),
        threading.Thread(target=leases.watch_forever, name="watch", daemon=True,
                         args=(manager, subnet, backend, stop, revoked, log)),
    ]
    for thread in threads:
        thread.start()
    try:
        backend.run(stop)
    finally:
        backend.close()
    return exit_code[0]


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(KlogFormatter())
    log = logging.getLogger("flanneld")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if args.verbose else logging.INFO)
    try:
        return run(args, log)
    except (ValueError, iproute.IprouteError, OSError, RuntimeError) as err:
        log.error("%s", err)
        return 1
    except KeyboardInterrupt:
        return 0
