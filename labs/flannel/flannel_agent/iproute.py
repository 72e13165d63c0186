"""Links, addresses, routes and neighbours through iproute2's `ip` and `bridge` commands.

Netlink from the standard library alone would be long and fragile; `ip -j` gives JSON.
"""

import ipaddress
import json
import subprocess


class IprouteError(RuntimeError):
    """An ip/bridge command failed; the message has the command and its stderr."""


def run(*args, ok_errors=()):
    """Run a command; failures whose stderr contains one of ok_errors are ignored."""
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode != 0:
        err = proc.stderr.strip()
        if any(text in err for text in ok_errors):
            return ""
        raise IprouteError(f"`{' '.join(args)}` failed: {err or f'exit {proc.returncode}'}")
    return proc.stdout


def ip(*args, ok_errors=()):
    return run("ip", *args, ok_errors=ok_errors)


def bridge(*args, ok_errors=()):
    return run("bridge", *args, ok_errors=ok_errors)


def link(name):
    """The link's details (ip -d -j link show) or None if there is no such link."""
    out = ip("-d", "-j", "link", "show", "dev", name, ok_errors=("does not exist",))
    found = json.loads(out) if out.strip() else []
    return found[0] if found else None


class ExternalInterface:
    """The underlay interface: its name, MTU and IPv4 address (published as PublicIP)."""

    def __init__(self, name, mtu, address):
        self.name, self.mtu, self.address = name, mtu, address

    def __repr__(self):
        return f"{self.name} ({self.address}, mtu {self.mtu})"


def external_interface(spec=None):
    """--iface: a name or an address; without it, the interface of the default route."""
    entries = json.loads(ip("-j", "-4", "addr", "show") or "[]")
    if spec is None:
        routes = json.loads(ip("-j", "-4", "route", "show", "default") or "[]")
        if not routes:
            raise IprouteError("no default route to pick the external interface from; "
                               "pass --iface NAME or --iface ADDRESS")
        spec = routes[0]["dev"]
    for entry in entries:
        addrs = [a["local"] for a in entry.get("addr_info", []) if a.get("family") == "inet"]
        if entry["ifname"] == spec or spec in addrs:
            if not addrs:
                raise IprouteError(f"interface {entry['ifname']} has no IPv4 address")
            address = spec if spec in addrs else addrs[0]
            return ExternalInterface(entry["ifname"], int(entry["mtu"]), ipaddress.IPv4Address(address))
    raise IprouteError(f"--iface {spec}: no interface with that name or IPv4 address")
