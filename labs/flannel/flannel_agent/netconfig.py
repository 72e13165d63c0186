"""The network config at <prefix>/config, checked the way flannel checks it, and subnet keys.

flannel's rules: SubnetLen defaults to 24 for networks of /22 or larger (else prefix + 2),
must be at most 30 and leave room for four subnets; SubnetMin defaults to the second
subnet (the first would contain the network address), SubnetMax to the last one; both
must lie in the network on a SubnetLen boundary. A missing Backend means udp.
"""

import ipaddress
import json
import random
import re
from dataclasses import dataclass, field

BACKENDS = ("udp", "vxlan")
KEY_RE = re.compile(r"(\d+\.\d+\.\d+\.\d+)-(\d+)$")


class ConfigError(ValueError):
    """The network config is missing or malformed; the message says what and where."""


class OutOfSubnets(RuntimeError):
    """Every subnet between SubnetMin and SubnetMax is leased."""


@dataclass
class NetworkConfig:
    network: ipaddress.IPv4Network
    subnet_len: int
    subnet_min: ipaddress.IPv4Address
    subnet_max: ipaddress.IPv4Address
    backend_type: str
    backend: dict = field(default_factory=dict)

    def subnet_count(self):
        step = 1 << (32 - self.subnet_len)
        return (int(self.subnet_max) - int(self.subnet_min)) // step + 1

    def compatible(self, subnet):
        """A subnet this config could have handed out (flannel's isSubnetConfigCompat)."""
        return (subnet.prefixlen == self.subnet_len
                and self.subnet_min <= subnet.network_address <= self.subnet_max)


def _address(raw, name, where):
    if not isinstance(raw, str):
        raise ConfigError(f"{where}: {name} must be a string like \"10.1.5.0\", got {raw!r}")
    try:
        return ipaddress.IPv4Address(raw)
    except ValueError:
        raise ConfigError(f"{where}: {name} {raw!r} is not an IPv4 address") from None


def parse_config(text, where):
    """Parse and check the JSON config; `where` names the key (and API) for error messages."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise ConfigError(f"{where}: not valid JSON: {err.msg} at line {err.lineno} "
                          f"column {err.colno}: {text!r}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a JSON object, got {text!r}")
    if "Network" not in raw:
        raise ConfigError(f"{where}: \"Network\" is missing (e.g. \"Network\": \"10.1.0.0/16\")")
    try:
        network = ipaddress.IPv4Network(raw["Network"])
    except (ValueError, TypeError) as err:
        raise ConfigError(f"{where}: Network {raw['Network']!r} is not an IPv4 network: {err}") from None

    subnet_len = raw.get("SubnetLen", 0)
    if not isinstance(subnet_len, int) or isinstance(subnet_len, bool) or subnet_len < 0:
        raise ConfigError(f"{where}: SubnetLen must be a whole number, got {subnet_len!r}")
    if subnet_len:
        if subnet_len > 30:
            raise ConfigError(f"{where}: SubnetLen {subnet_len} must be at most 30")
        if subnet_len < network.prefixlen + 2:
            raise ConfigError(f"{where}: Network {network} must hold at least four subnets "
                              f"of SubnetLen {subnet_len}")
    elif network.prefixlen > 28:
        raise ConfigError(f"{where}: Network {network} is too small; the smallest is a /28")
    elif network.prefixlen <= 22:
        subnet_len = 24
    else:
        subnet_len = network.prefixlen + 2

    size = 1 << (32 - subnet_len)
    subnet_min = network.network_address + size
    subnet_max = network.broadcast_address + 1 - size
    for name in ("SubnetMin", "SubnetMax"):
        if raw.get(name) in (None, ""):
            continue
        value = _address(raw[name], name, where)
        if value not in network:
            raise ConfigError(f"{where}: {name} {value} is not in Network {network}")
        if int(value) % size:
            raise ConfigError(f"{where}: {name} {value} is not on a /{subnet_len} boundary")
        if name == "SubnetMin":
            subnet_min = value
        else:
            subnet_max = value
    if subnet_min > subnet_max:
        raise ConfigError(f"{where}: SubnetMin {subnet_min} is above SubnetMax {subnet_max}")

    backend = raw.get("Backend") or {}
    if not isinstance(backend, dict):
        raise ConfigError(f"{where}: Backend must be an object like {{\"Type\": \"vxlan\"}}")
    backend_type = backend.get("Type", "udp")
    if backend_type not in BACKENDS:
        raise ConfigError(f"{where}: Backend Type {backend_type!r} is not supported by this "
                          f"agent (it has {', '.join(BACKENDS)})")
    return NetworkConfig(network, subnet_len, subnet_min, subnet_max, backend_type, backend)


def subnet_key(subnet):
    """10.1.15.0/24 -> "10.1.15.0-24", flannel's key name for a lease."""
    return f"{subnet.network_address}-{subnet.prefixlen}"


def parse_subnet_key(key):
    """The subnet named by the last part of a lease key, or None if it names none."""
    match = KEY_RE.search(key.rsplit("/", 1)[-1])
    if not match:
        return None
    try:
        return ipaddress.IPv4Network(f"{match.group(1)}/{match.group(2)}")
    except ValueError:
        return None


def allocate(config, leased, rng=random):
    """A random free subnet among the first 100 free ones, as flannel picks them."""
    size = 1 << (32 - config.subnet_len)
    free = []
    start, stop = int(config.subnet_min), int(config.subnet_max)
    for first in range(start, stop + 1, size):
        candidate = ipaddress.IPv4Network((first, config.subnet_len))
        if not any(candidate.overlaps(other) for other in leased):
            free.append(candidate)
            if len(free) == 100:
                break
    if not free:
        raise OutOfSubnets(
            f"out of subnets: all {config.subnet_count()} /{config.subnet_len} subnets of "
            f"{config.network} from SubnetMin {config.subnet_min} to SubnetMax "
            f"{config.subnet_max} are leased")
    return rng.choice(free)
