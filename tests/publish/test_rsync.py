"""`make rsync_upload` to a real OpenSSH server on 127.0.0.1 (Debian's openssh-server and
rsync), started for the test with its own host key and the test's key, as root: the
uploaded tree is the publish build, world-readable whatever the build's modes were."""
import os
import socket
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.publish.conftest import MAKE, run

SSHD = Path("/usr/sbin/sshd")


@pytest.fixture
def ssh_server(tmp_path):
    for tool, package in ((SSHD, "openssh-server"), (Path("/usr/bin/rsync"), "rsync"),
                          (Path("/usr/bin/ssh-keygen"), "openssh-client")):
        if not tool.exists():
            pytest.skip(f"{tool} is missing: install Debian's {package} (tools/debian-packages.txt)")
    if os.geteuid() != 0:
        pytest.skip("sshd must run as root to accept a login (make test runs as root)")
    for key in ("host_key", "client_key"):
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / key)], tmp_path)
    (tmp_path / "authorized_keys").write_text((tmp_path / "client_key.pub").read_text())
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = tmp_path / "sshd_config"
    config.write_text(f"Port {port}\nListenAddress 127.0.0.1\nHostKey {tmp_path}/host_key\n"
                      f"AuthorizedKeysFile {tmp_path}/authorized_keys\nPidFile {tmp_path}/sshd.pid\n"
                      "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
                      "PermitRootLogin prohibit-password\nStrictModes no\n")
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation dir
    server = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"sshd did not start: {server.communicate()[1]}")
            time.sleep(0.1)
    yield {"SSH_HOST": "127.0.0.1", "SSH_PORT": str(port), "SSH_USER": "root",
           "SSH_OPTS": f"-i {tmp_path}/client_key -o UserKnownHostsFile={tmp_path}/known_hosts "
                       "-o StrictHostKeyChecking=accept-new -o BatchMode=yes"}
    server.terminate()
    server.wait(timeout=10)


def test_make_rsync_upload_puts_a_world_readable_site_on_the_server(checkout, ssh_server, tmp_path):
    repo, _ = checkout
    target = tmp_path / "www" / "blog"
    target.mkdir(parents=True)
    (target / "stale.html").write_text("from an older upload")
    run([*MAKE, "rsync_upload"], repo, {**ssh_server, "SSH_TARGET_DIR": str(target),
                                         "SITEURL": "https://example.org/blog"})
    assert (target / "index.html").is_file() and (target / "robots.txt").is_file()
    assert "https://example.org/blog/sitemap.xml" in (target / "robots.txt").read_text()
    assert not (target / "stale.html").exists()  # --delete: the server holds this build only
    assert not (target / "drafts").exists()
    wrong = [f"{oct(stat.S_IMODE(p.stat().st_mode))} {p}" for p in [target, *target.rglob("*")]
             if stat.S_IMODE(p.stat().st_mode) != (0o755 if p.is_dir() else 0o644)]
    assert not wrong, "\n".join(wrong[:20])
