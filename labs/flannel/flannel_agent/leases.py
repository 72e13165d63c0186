"""Subnet leases in etcd: acquire one, keep it renewed, and follow everyone else's.

Acquiring follows flannel's order: (1) a lease that already carries our PublicIP is ours
again (an agent restart); (2) else the subnet from the previous subnet.env, if it is free;
(3) else a random free subnet. The lease is created atomically and a lost race simply
tries again, so two hosts never hold one subnet. The value is the JSON flannel writes:
{"PublicIP": ..., "BackendType": ..., "BackendData": ...}, compact, BackendType and
BackendData left out when empty (udp), and with "PublicIPv6": null under the v3 API, as
flannel 0.18 and later write it.
"""

import json
import time

from . import netconfig
from .etcdhttp import Compacted, EtcdError, Idle, Unreachable

RACE_RETRIES = 10


class LeaseRevoked(RuntimeError):
    """Our own lease disappeared from etcd (expired or deleted)."""


def encode_attrs(api, public_ip, backend_type, backend_data):
    attrs = {"PublicIP": str(public_ip)}
    if api == "v3":
        attrs["PublicIPv6"] = None
    if backend_type:
        attrs["BackendType"] = backend_type
    if backend_data is not None:
        attrs["BackendData"] = backend_data
    return json.dumps(attrs, separators=(",", ":"))


class LeaseManager:
    def __init__(self, store, prefix, public_ip, ttl, log):
        self.store, self.log = store, log
        self.subnets_prefix = prefix.rstrip("/") + "/subnets/"
        self.public_ip = str(public_ip)
        self.ttl = ttl

    def key(self, subnet):
        return self.subnets_prefix + netconfig.subnet_key(subnet)

    def parse(self, key, value):
        """(subnet, attrs) of one lease key, or None (with a warning) if it is not one."""
        subnet = netconfig.parse_subnet_key(key)
        if subnet is None:
            return None
        try:
            attrs = json.loads(value or "")
        except ValueError:
            attrs = None
        if not isinstance(attrs, dict):
            self.log.warning("ignoring bad subnet node %s: %r", key, value)
            return None
        return subnet, attrs

    def leases(self):
        """{subnet: attrs} of every lease in etcd, and the revision to watch from."""
        found, revision = self.store.list(self.subnets_prefix)
        leases = {}
        for key, value in found.items():
            parsed = self.parse(key, value)
            if parsed:
                leases[parsed[0]] = parsed[1]
        return leases, revision

    def acquire(self, config, value, previous=None):
        """Claim a subnet for value; returns it. Raises OutOfSubnets when all are taken."""
        for _ in range(RACE_RETRIES):
            leases, _ = self.leases()
            mine = [sn for sn, attrs in leases.items() if attrs.get("PublicIP") == self.public_ip]
            for subnet in mine:
                if config.compatible(subnet):
                    self.store.put(self.key(subnet), value, self.ttl)
                    self.log.info("Found lease (%s) for current IP (%s), reusing", subnet, self.public_ip)
                    return subnet
                self.log.info("Found lease (%s) for current IP (%s) but not compatible with "
                              "current config, deleting", subnet, self.public_ip)
                self.store.delete(self.key(subnet))
                del leases[subnet]
            subnet = None
            if previous is not None and not any(previous.overlaps(sn) for sn in leases):
                if config.compatible(previous):
                    self.log.info("Found previously leased subnet (%s), reusing", previous)
                    subnet = previous
                else:
                    self.log.error("Found previously leased subnet (%s) that is not compatible "
                                   "with the network config, ignoring", previous)
            if subnet is None:
                self.log.info("Picking subnet in range %s ... %s", config.subnet_min, config.subnet_max)
                subnet = netconfig.allocate(config, list(leases))
            if self.store.create(self.key(subnet), value, self.ttl):
                self.log.info("Allocated lease (%s) to current node (%s)", subnet, self.public_ip)
                return subnet
            self.log.info("Subnet %s was leased by another host a moment ago; trying again", subnet)
            previous = None
        raise RuntimeError(f"gave up after {RACE_RETRIES} lost races for a subnet")

    def renew(self, subnet, value):
        self.store.put(self.key(subnet), value, self.ttl)


def renew_forever(manager, subnet, value, margin, stop, log):
    """Renew the lease `margin` seconds before it expires; retry soon after a failure."""
    ttl = manager.ttl
    retry = min(60.0, max(1.0, ttl / 10))
    deadline = time.monotonic() + ttl - margin
    failing = False
    while not stop.wait(max(0.0, deadline - time.monotonic())):
        try:
            manager.renew(subnet, value)
        except (Unreachable, EtcdError) as err:
            log.error("Error renewing lease (trying again in %gs): %s", retry, err)
            deadline = time.monotonic() + retry
            failing = True
            continue
        if failing:
            log.info("Lease renewed again after etcd errors")
            failing = False
        log.debug("Lease %s renewed for %ss", subnet, ttl)
        deadline = time.monotonic() + ttl - margin


def watch_forever(manager, own, backend, stop, on_revoked, log):
    """Keep the backend's peers equal to the leases in etcd: list, then watch; repeat."""
    known = {}
    backoff = 0.1
    while not stop.is_set():
        try:
            leases, revision = manager.leases()
            if own not in leases:
                raise LeaseRevoked(f"lease {own} is gone from etcd")
            for subnet in list(known):
                if subnet not in leases:
                    backend.remove_peer(subnet, known.pop(subnet))
            for subnet, attrs in leases.items():
                if subnet != own and known.get(subnet) != attrs:
                    backend.add_peer(subnet, attrs)
                    known[subnet] = attrs
            if backoff > 0.1:
                log.info("Watching leases again (etcd reachable)")
            backoff = 0.1
            log.info("Watching for new subnet leases (from revision %d)", revision)
            while not stop.is_set():
                try:
                    for events, revision in manager.store.watch(manager.subnets_prefix, revision):
                        for kind, key, value in events:
                            _apply(manager, own, backend, known, kind, key, value)
                except Idle:
                    pass
        except LeaseRevoked as err:
            log.error("Lease has been revoked (%s). Shutting down daemon.", err)
            on_revoked()
            return
        except Compacted as err:
            log.warning("Watch of subnet leases fell behind etcd's history (%s); listing again", err)
        except (Unreachable, EtcdError, ValueError) as err:
            if backoff == 0.1:
                log.warning("Watch of subnet leases failed, retrying: %s", err)
            stop.wait(backoff)
            backoff = min(backoff * 2, 5.0)
        except Exception as err:  # a failed `ip` command must not end the watch
            log.error("Applying a lease change failed, listing again in 1s: %s", err)
            stop.wait(1.0)


def _apply(manager, own, backend, known, kind, key, value):
    subnet = netconfig.parse_subnet_key(key)
    if subnet is None:
        return
    if subnet == own:
        if kind == "delete":
            raise LeaseRevoked(f"lease {own} was deleted or expired")
        return
    if kind == "delete":
        if subnet in known:
            backend.remove_peer(subnet, known.pop(subnet))
        return
    parsed = manager.parse(key, value)
    if parsed and known.get(subnet) != parsed[1]:
        backend.add_peer(subnet, parsed[1])
        known[subnet] = parsed[1]
