"""subnet.env: what the agent tells the container runtime, and what it remembers on restart.

FLANNEL_SUBNET is the lease's first address with the lease's prefix (10.1.74.1/24), ready
to be the bridge address (`dockerd --bip`). On start, the agent reads its previous
FLANNEL_SUBNET back to ask for the same subnet again, as flanneld does.
"""

import ipaddress
import os
import tempfile


def write(path, network, subnet, mtu, ip_masq):
    """Replace the file atomically: a reader sees the old file or the new one, never half."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    text = (f"FLANNEL_NETWORK={network}\n"
            f"FLANNEL_SUBNET={subnet.network_address + 1}/{subnet.prefixlen}\n"
            f"FLANNEL_MTU={mtu}\n"
            f"FLANNEL_IPMASQ={'true' if ip_masq else 'false'}\n")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".subnet.env.")
    try:
        with os.fdopen(fd, "w") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def previous_subnet(path):
    """The subnet of FLANNEL_SUBNET in an earlier file, or (None, reason) when unusable."""
    try:
        with open(path) as src:
            lines = src.read().splitlines()
    except FileNotFoundError:
        return None, None
    except OSError as err:
        return None, f"cannot read {path}: {err}"
    for number, line in enumerate(lines, 1):
        name, _, value = line.partition("=")
        if name.strip() == "FLANNEL_SUBNET":
            try:
                return ipaddress.IPv4Network(value.strip(), strict=False), None
            except ValueError:
                return None, f"{path}:{number}: FLANNEL_SUBNET={value.strip()!r} is not a subnet"
    return None, f"{path}: no FLANNEL_SUBNET line"
