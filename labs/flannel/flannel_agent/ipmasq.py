"""--ip-masq: NAT for traffic leaving the flannel network, none inside it.

The rules go into their own nat chain FLANNEL-POSTRTG, jumped to from POSTROUTING:
  -s NET -d NET          RETURN       pod to pod across hosts keeps the pod's address
  -s NET ! -d 224/4      MASQUERADE   pods talking to the outside world
  ! -s NET -d SUBNET     RETURN       traffic into this host's pods
  ! -s NET -d NET        MASQUERADE   host to remote pods, so replies come back
"""

import subprocess

CHAIN = "FLANNEL-POSTRTG"


def _iptables(*args, check=True):
    proc = subprocess.run(("iptables", "-w", "-t", "nat") + args, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(f"`iptables -t nat {' '.join(args)}` failed: {proc.stderr.strip()}")
    return proc.returncode == 0


def rules(network, subnet):
    net, sub = str(network), str(subnet)
    return [
        ("-s", net, "-d", net, "-m", "comment", "--comment", "flanneld masq", "-j", "RETURN"),
        ("-s", net, "!", "-d", "224.0.0.0/4", "-m", "comment", "--comment", "flanneld masq",
         "-j", "MASQUERADE", "--random-fully"),
        ("!", "-s", net, "-d", sub, "-m", "comment", "--comment", "flanneld masq", "-j", "RETURN"),
        ("!", "-s", net, "-d", net, "-m", "comment", "--comment", "flanneld masq",
         "-j", "MASQUERADE", "--random-fully"),
    ]


def setup(network, subnet, log):
    """Install (or refresh) the rules for this lease; idempotent across restarts."""
    if not _iptables("-S", CHAIN, check=False):
        _iptables("-N", CHAIN)
    _iptables("-F", CHAIN)
    for rule in rules(network, subnet):
        _iptables("-A", CHAIN, *rule)
    jump = ("POSTROUTING", "-m", "comment", "--comment", "flanneld masq", "-j", CHAIN)
    if not _iptables("-C", *jump, check=False):
        _iptables("-A", *jump)
    log.info("IP masquerade rules in nat/%s for %s (this host: %s)", CHAIN, network, subnet)
