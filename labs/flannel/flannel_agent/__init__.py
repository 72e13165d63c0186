"""A small flanneld written for the lab: same etcd keys, values and TTLs, same wire formats.

No flannel package can be installed on the lab machine, so the lab carries this agent.
It speaks etcd's v2 API (TTL keys, as flannel <= 0.17) or v3 API (leases, flannel >= 0.18)
over plain HTTP, and runs the udp backend (TUN flannel0, bare IP packets in UDP 8285) or
the vxlan backend (kernel flannel.1, VNI 1, port 8472). Standard library only, so it runs
with the system python3.
"""
