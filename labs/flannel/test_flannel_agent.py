"""Tests of the lab's flannel agent against a real etcd, in network namespaces.

The agents run as the lab runs them: `python3 flanneld.py ...` inside a namespace per
host, with etcd (Debian etcd-server, v2 enabled) in a namespace of its own. What they are
judged on is what a user sees: keys and values in etcd (read with etcdctl), subnet.env,
the agent's log, its exit status. They need root; without it, or without etcd, they skip.

Topology (addresses exist only inside these namespaces):
  lab-tflNNNN-e        etcd on 192.168.51.1:2379 (bridge br0)
  lab-tflNNNN-a1..a3   one agent each, eth0 192.168.51.11..13
The names start with lab-tfl, not with the lab's own prefix lab-fl: a run of the lab at
the same time would otherwise count these namespaces as its own leftovers.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
AGENT = HERE / "flanneld.py"
NET = "192.168.51"
ETCD = f"http://{NET}.1:2379"

pytestmark = pytest.mark.lab


def _missing():
    if os.geteuid() != 0:
        return "needs root (network namespaces, TUN devices)"
    for cmd, pkg in (("etcd", "etcd-server"), ("etcdctl", "etcd-client"), ("ip", "iproute2")):
        if shutil.which(cmd) is None:
            return f"{cmd} not found (Debian package {pkg})"
    return None


def sh(*args, check=True, **kw):
    return subprocess.run(args, check=check, capture_output=True, text=True, **kw)


class Net:
    """The test namespaces, an etcd we can stop and start, and the agents we started."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.prefix = f"lab-tfl{os.getpid() % 10000:04d}"
        self.etcd_ns = f"{self.prefix}-e"
        self.hosts = [f"{self.prefix}-a{i}" for i in (1, 2, 3)]
        self.etcd_proc = None
        self.agents = []

    def up(self):
        e = self.etcd_ns
        sh("ip", "netns", "add", e)
        sh("ip", "-n", e, "link", "set", "lo", "up")
        sh("ip", "-n", e, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", e, "addr", "add", f"{NET}.1/24", "dev", "br0")
        sh("ip", "-n", e, "link", "set", "br0", "up")
        for i, host in enumerate(self.hosts, 1):
            sh("ip", "netns", "add", host)
            sh("ip", "-n", e, "link", "add", f"a{i}", "type", "veth", "peer", "name", "eth0", "netns", host)
            sh("ip", "-n", e, "link", "set", f"a{i}", "master", "br0", "up")
            sh("ip", "-n", host, "addr", "add", f"{NET}.{10 + i}/24", "dev", "eth0")
            sh("ip", "-n", host, "link", "set", "eth0", "up")
            sh("ip", "-n", host, "link", "set", "lo", "up")

    def down(self):
        for agent in self.agents:
            agent.stop()
        self.stop_etcd()
        for ns in self.hosts + [self.etcd_ns]:
            sh("ip", "netns", "del", ns, check=False)

    def start_etcd(self):
        data = self.tmp / "etcd"
        log = open(self.tmp / "etcd.log", "ab")
        self.etcd_proc = subprocess.Popen(
            ["ip", "netns", "exec", self.etcd_ns, "etcd", "--name", "t", "--data-dir", str(data),
             "--enable-v2", "--listen-client-urls", ETCD, "--advertise-client-urls", ETCD,
             "--listen-peer-urls", "http://127.0.0.1:2380",
             "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
             "--initial-cluster", "t=http://127.0.0.1:2380"],
            stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
        wait_for(lambda: self.etcdctl("v3", "endpoint", "health", check=False).returncode == 0,
                 15, "etcd to answer")

    def stop_etcd(self):
        if self.etcd_proc and self.etcd_proc.poll() is None:
            self.etcd_proc.terminate()
            try:
                self.etcd_proc.wait(10)
            except subprocess.TimeoutExpired:
                self.etcd_proc.kill()
                self.etcd_proc.wait()
        self.etcd_proc = None

    def etcdctl(self, api, *args, check=True):
        env = dict(os.environ, ETCDCTL_API=api[1])
        return sh("ip", "netns", "exec", self.etcd_ns, "etcdctl", "--endpoints", ETCD, *args,
                  check=check, env=env)

    def agent(self, host_index, api, prefix, name=None, extra=(), subnet_file=None):
        agent = Agent(self, self.hosts[host_index], api, prefix, name or f"agent{host_index + 1}",
                      extra, subnet_file)
        self.agents.append(agent)
        return agent


class Agent:
    def __init__(self, net, ns, api, prefix, name, extra, subnet_file):
        self.log_path = net.tmp / f"{name}.log"
        self.subnet_file = Path(subnet_file or net.tmp / f"{name}.env")
        self.old_inode = self.subnet_file.stat().st_ino if self.subnet_file.exists() else None
        cmd = ["ip", "netns", "exec", ns, sys.executable, str(AGENT), "--etcd-endpoints", ETCD,
               "--etcd-api", api, "--etcd-prefix", prefix, "--iface", "eth0",
               "--subnet-file", str(self.subnet_file), "--subnet-lease-ttl", "4s",
               "--subnet-lease-renew-margin", "2s", *extra]
        self.proc = subprocess.Popen(cmd, stdout=open(self.log_path, "wb"), stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)

    @property
    def log(self):
        return self.log_path.read_text()

    def wait_log(self, pattern, timeout=15):
        wait_for(lambda: re.search(pattern, self.log), timeout, f"{pattern!r} in {self.log_path.name}",
                 lambda: self.log)
        return re.search(pattern, self.log)

    def written(self):
        """The agent has written subnet.env (replaced the file, if one was there before)."""
        try:
            return self.subnet_file.stat().st_ino != self.old_inode
        except FileNotFoundError:
            return False

    def subnet(self, timeout=15):
        wait_for(self.written, timeout, f"{self.subnet_file.name} to be written", lambda: self.log)
        value = re.search(r"^FLANNEL_SUBNET=(\S+)$", self.subnet_file.read_text(), re.M).group(1)
        return value.rsplit(".", 1)[0] + ".0/" + value.split("/")[1]

    def wait_exit(self, timeout=15):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"agent still running after {timeout}s; log:\n{self.log}")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def wait_for(predicate, timeout, what, details=lambda: ""):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout}s waiting for {what}\n{details()}")


@pytest.fixture(scope="module")
def shared_net(tmp_path_factory):
    why = _missing()
    if why:
        pytest.skip(why)
    net = Net(tmp_path_factory.mktemp("flannel"))
    try:
        net.up()
        net.start_etcd()
        yield net
    finally:
        net.down()


@pytest.fixture
def net(shared_net):
    """The shared namespaces and etcd; the agents a test starts are stopped after it."""
    yield shared_net
    for agent in shared_net.agents:
        agent.stop()
    shared_net.agents.clear()
    if shared_net.etcd_proc is None:
        shared_net.start_etcd()


@pytest.fixture
def prefix(request):
    """A key prefix of its own for each test, so tests never see each other's leases."""
    return "/t/" + re.sub(r"\W+", "-", request.node.name)


def write_config(net, api, prefix, config):
    text = config if isinstance(config, str) else json.dumps(config)
    if api == "v2":
        net.etcdctl("v2", "set", f"{prefix}/config", text)
    else:
        net.etcdctl("v3", "put", f"{prefix}/config", text)


def leases(net, api, prefix):
    """{key: value} of the subnet leases, read with etcdctl."""
    if api == "v2":
        keys = net.etcdctl("v2", "ls", f"{prefix}/subnets", check=False).stdout.split()
        return {k: net.etcdctl("v2", "get", k).stdout.strip() for k in keys}
    out = net.etcdctl("v3", "get", "--prefix", f"{prefix}/subnets/").stdout.splitlines()
    return dict(zip(out[0::2], out[1::2]))


# --- two agents, one subnet ------------------------------------------------------------

@pytest.mark.parametrize("api", ["v2", "v3"])
def test_atomic_create_has_exactly_one_winner(net, prefix, api):
    """20 threads create one lease key at once: etcd lets exactly one of them have it."""
    key = f"{prefix}/subnets/10.5.7.0-24"
    # etcd listens inside its namespace: run the racers there, in a child process.
    code = f"""
import json, sys, threading
from flannel_agent.etcd2 import EtcdV2
from flannel_agent.etcd3 import EtcdV3
from flannel_agent.etcdhttp import Endpoints
key, results, start = {key!r}, [], threading.Barrier(20)
def claim(i):
    store = ({'EtcdV2' if api == 'v2' else 'EtcdV3'})(Endpoints({ETCD!r}))
    start.wait()
    results.append((i, store.create(key, json.dumps({{"PublicIP": "10.0.0.%d" % i}}), 30)))
threads = [threading.Thread(target=claim, args=(i,)) for i in range(20)]
[t.start() for t in threads]; [t.join() for t in threads]
print(json.dumps(results))
"""
    out = sh("ip", "netns", "exec", net.etcd_ns, "env", "-C", str(HERE), sys.executable, "-c", code).stdout
    results = json.loads(out)
    winners = [i for i, won in results if won]
    assert len(results) == 20
    assert len(winners) == 1, results
    assert leases(net, api, prefix) == {key: json.dumps({"PublicIP": f"10.0.0.{winners[0]}"})}


@pytest.mark.parametrize("api", ["v2", "v3"])
def test_two_agents_asking_for_one_subnet_get_two(net, prefix, api, tmp_path):
    """Both remember 10.5.7.0/24 from an earlier subnet.env and start together: one gets it,
    the other a different subnet; etcd holds one lease for each, with its own PublicIP."""
    write_config(net, api, prefix, {"Network": "10.5.0.0/16", "Backend": {"Type": "udp"}})
    files = []
    for i in (1, 2):
        env = tmp_path / f"a{i}.env"
        env.write_text("FLANNEL_NETWORK=10.5.0.0/16\nFLANNEL_SUBNET=10.5.7.1/24\nFLANNEL_MTU=1472\n"
                       "FLANNEL_IPMASQ=false\n")
        files.append(env)
    a1 = net.agent(0, api, prefix, subnet_file=files[0])
    a2 = net.agent(1, api, prefix, subnet_file=files[1])
    subnets = {a1.subnet(), a2.subnet()}
    assert len(subnets) == 2
    assert "10.5.7.0/24" in subnets
    found = leases(net, api, prefix)
    assert len(found) == 2
    by_ip = {json.loads(v)["PublicIP"]: k for k, v in found.items()}
    assert set(by_ip) == {f"{NET}.11", f"{NET}.12"}
    assert by_ip[f"{NET}.11"].endswith(a1.subnet().replace("/", "-"))
    assert by_ip[f"{NET}.12"].endswith(a2.subnet().replace("/", "-"))
    assert a1.proc.poll() is None and a2.proc.poll() is None


# --- out of subnets --------------------------------------------------------------------

@pytest.mark.parametrize("api", ["v2", "v3"])
def test_out_of_subnets_is_a_clear_error(net, prefix, api):
    """SubnetMin = SubnetMax leaves one subnet; a second agent exits 1 and says why."""
    write_config(net, api, prefix, {"Network": "10.6.0.0/16", "SubnetMin": "10.6.9.0",
                                    "SubnetMax": "10.6.9.0", "Backend": {"Type": "udp"}})
    first = net.agent(0, api, prefix)
    assert first.subnet() == "10.6.9.0/24"
    second = net.agent(1, api, prefix)
    assert second.wait_exit() == 1
    assert ("failed to acquire lease: out of subnets: all 1 /24 subnets of 10.6.0.0/16 from "
            "SubnetMin 10.6.9.0 to SubnetMax 10.6.9.0 are leased") in second.log
    assert "Traceback" not in second.log
    assert not second.written()
    assert first.proc.poll() is None
    assert list(leases(net, api, prefix)) == [f"{prefix}/subnets/10.6.9.0-24"]


# --- malformed config ------------------------------------------------------------------

@pytest.mark.parametrize("api", ["v2", "v3"])
def test_malformed_config_is_reported_until_fixed(net, prefix, api):
    """Broken JSON, then a bad Network: the agent names the key, the problem and the position,
    keeps running, and takes a lease as soon as the config is fixed."""
    write_config(net, api, prefix, '{"Network": "10.7.0.0/16", "Backend": {"Type": "udp"}')
    agent = net.agent(0, api, prefix)
    agent.wait_log(rf"Couldn't use network config: config {prefix}/config \(etcd {api} API\): "
                   r"not valid JSON: Expecting ',' delimiter at line 1 column 54")
    write_config(net, api, prefix, '{"Network": "10.7.0.0/33"}')
    agent.wait_log(r"Network '10\.7\.0\.0/33' is not an IPv4 network")
    write_config(net, api, prefix, '{"Network": "10.7.0.0/16", "Backend": {"Type": "host-gw"}}')
    agent.wait_log(r"Backend Type 'host-gw' is not supported by this agent \(it has udp, vxlan\)")
    assert agent.proc.poll() is None
    assert not agent.written()
    write_config(net, api, prefix, '{"Network": "10.7.0.0/16", "Backend": {"Type": "udp"}}')
    assert agent.subnet().startswith("10.7.")
    assert "Traceback" not in agent.log


def test_config_in_the_other_key_space_is_explained(net, prefix):
    """A config written with the v2 API is invisible to a v3 agent: the message says so."""
    write_config(net, "v2", prefix, {"Network": "10.8.0.0/16"})
    agent = net.agent(0, "v3", prefix)
    agent.wait_log(rf"config {prefix}/config \(etcd v3 API\) not found \(v2 and v3 keys are "
                   r"separate: a config written with ETCDCTL_API=2 is invisible to the v3 API\)")
    assert agent.proc.poll() is None


# --- etcd down at start, then up -------------------------------------------------------

@pytest.mark.parametrize("api", ["v2", "v3"])
def test_etcd_unreachable_at_start_then_back(net, prefix, api):
    net.stop_etcd()
    try:
        agent = net.agent(0, api, prefix)
        agent.wait_log(rf"Couldn't fetch network config: etcd unreachable \({re.escape(ETCD)}: "
                       r"connection refused\); retrying every 1s")
        time.sleep(1.5)
        assert agent.proc.poll() is None
        assert agent.log.count("connection refused") == 1  # said once, not every second
    finally:
        net.start_etcd()
    write_config(net, api, prefix, {"Network": "10.9.0.0/16", "Backend": {"Type": "udp"}})
    assert agent.subnet().startswith("10.9.")
    agent.wait_log("Network config is readable again")
    assert "Traceback" not in agent.log
    assert len(leases(net, api, prefix)) == 1


# --- watching: a peer's lease expires, our own lease is deleted -------------------------

@pytest.mark.parametrize("api", ["v2", "v3"])
def test_expired_peer_is_removed_and_revoked_own_lease_stops_the_agent(net, prefix, api):
    write_config(net, api, prefix, {"Network": "10.10.0.0/16", "Backend": {"Type": "udp"}})
    started = time.monotonic()
    a1 = net.agent(0, api, prefix)
    a2 = net.agent(1, api, prefix)
    s1, s2 = a1.subnet(), a2.subnet()
    a1.wait_log(rf"Subnet added: {re.escape(s2)} via {NET}\.12:8285")
    os.killpg(a2.proc.pid, signal.SIGKILL)  # no goodbye: the lease must run out by itself
    a2.proc.wait()
    a1.wait_log(rf"Subnet removed: {re.escape(s2)}", timeout=15)
    # a1 renews its 4 s lease every 2 s: after more than two TTLs it still has it
    time.sleep(max(0.0, 9 - (time.monotonic() - started)))
    key = f"{prefix}/subnets/{s1.replace('/', '-')}"
    assert list(leases(net, api, prefix)) == [key]
    if api == "v2":
        net.etcdctl("v2", "rm", key)
    else:
        net.etcdctl("v3", "del", key)
    assert a1.wait_exit() == 1
    assert "Lease has been revoked" in a1.log



# --- --ip-masq -------------------------------------------------------------------------

def test_ip_masq_installs_nat_rules_in_the_host(net, prefix):
    if shutil.which("iptables") is None:
        pytest.skip("iptables not found (Debian package iptables)")
    write_config(net, "v3", prefix, {"Network": "10.12.0.0/16", "Backend": {"Type": "udp"}})
    agent = net.agent(2, "v3", prefix, extra=["--ip-masq"])
    subnet = agent.subnet()
    assert "FLANNEL_IPMASQ=true\n" in agent.subnet_file.read_text()
    nat = sh("ip", "netns", "exec", net.hosts[2], "iptables", "-t", "nat", "-S").stdout
    comment = '-m comment --comment "flanneld masq"'
    for rule in (f"-A POSTROUTING {comment} -j FLANNEL-POSTRTG",
                 f"-A FLANNEL-POSTRTG -s 10.12.0.0/16 -d 10.12.0.0/16 {comment} -j RETURN",
                 f"-A FLANNEL-POSTRTG -s 10.12.0.0/16 ! -d 224.0.0.0/4 {comment} -j MASQUERADE --random-fully",
                 f"-A FLANNEL-POSTRTG ! -s 10.12.0.0/16 -d {subnet} {comment} -j RETURN",
                 f"-A FLANNEL-POSTRTG ! -s 10.12.0.0/16 -d 10.12.0.0/16 {comment} -j MASQUERADE --random-fully"):
        assert rule in nat.splitlines(), nat
