"""Lab minikube cannot run on most machines (no minikube, no driver, no network), so
`make test` checks what it can everywhere: the shell is valid bash, and the requirement
detection names exactly what is missing."""
import shutil
import subprocess
from pathlib import Path

import pytest

from labs import requires
from labs.labfile import parse_lab

LAB_DIR = Path(__file__).resolve().parent
DRIVER = LAB_DIR / "driver.sh"
BASH = shutil.which("bash")


def test_lab_md_parses_and_names_its_requirements():
    lab = parse_lab(LAB_DIR)
    assert lab.post == "ru-he-kuai-su-qi-dong-yi-ge-kubernetes-ji-qun"
    assert {"minikube", "kubectl"} <= set(lab.requires.commands)
    assert lab.requires.commands["kubectl"] == "kubernetes-client"
    names = [b.name for b in lab.blocks]
    assert names.index("minikube-start") < names.index("node-is-ready") < names.index("deploy") \
        < names.index("service-answers") < names.index("minikube-delete")


@pytest.mark.parametrize("block", parse_lab(LAB_DIR).blocks, ids=lambda b: b.name)
def test_every_shell_block_is_valid_bash(block, tmp_path):
    script = tmp_path / f"{block.name}.sh"
    script.write_text(block.source + "\n")
    result = subprocess.run([BASH, "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, f"lab.md:{block.body_line}: {result.stderr}"


def test_bash_n_catches_a_broken_block(tmp_path):
    """The syntax check above can fail: an unclosed `if` is reported."""
    script = tmp_path / "broken.sh"
    script.write_text("if true; then\n  echo no fi\n")
    assert subprocess.run([BASH, "-n", str(script)], capture_output=True).returncode != 0


def test_driver_script_is_valid_bash():
    assert subprocess.run([BASH, "-n", str(DRIVER)]).returncode == 0


def detect(tmp_path, stubs=None, driver=None):
    """Run driver.sh with PATH holding only `stubs` (name -> exit status)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, status in (stubs or {}).items():
        stub = bin_dir / name
        stub.write_text(f"#!{BASH}\nexit {status}\n")
        stub.chmod(0o755)
    env = {"PATH": str(bin_dir)}
    if driver:
        env["MINIKUBE_DRIVER"] = driver
    return subprocess.run([BASH, str(DRIVER)], capture_output=True, text=True, env=env)


def test_no_driver_names_what_each_one_lacks(tmp_path):
    result = detect(tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "no working minikube driver:",
        "  docker: no docker command (Debian package docker.io)",
        "  podman: no podman command (Debian package podman)",
        "  kvm2: no virsh command (Debian package libvirt-clients)",
    ]


def test_a_docker_cli_without_a_daemon_is_not_a_driver(tmp_path):
    result = detect(tmp_path, {"docker": 1})
    assert result.returncode == 1
    assert "docker: the docker daemon is not reachable (docker version fails)" in result.stderr


def test_the_first_working_driver_is_chosen(tmp_path):
    result = detect(tmp_path, {"docker": 1, "podman": 0})
    assert (result.returncode, result.stdout) == (0, "podman\n")


def test_a_chosen_driver_is_still_checked(tmp_path):
    result = detect(tmp_path, {"docker": 0}, driver="kvm2")
    assert result.returncode == 1
    assert result.stderr.splitlines()[1:] == ["  kvm2: no virsh command (Debian package libvirt-clients)"]


def test_the_harness_names_each_missing_command_and_where_it_comes_from(monkeypatch):
    """What `python -m labs run minikube` says (exit 77) on a machine with none of them."""
    monkeypatch.setattr(requires, "which", lambda cmd: None)
    commands = [m for m in requires.missing(parse_lab(LAB_DIR)) if not m.startswith("probe ")]
    assert commands == [
        "command minikube not found (not packaged by Debian: install the minikube release binary)",
        "command kubectl not found: install the Debian package kubernetes-client "
        "(apt-get install kubernetes-client)",
        "command curl not found: install the Debian package curl (apt-get install curl)",
    ]


def test_on_this_machine_exactly_the_absent_commands_are_reported():
    lab = parse_lab(LAB_DIR)
    reported = [m for m in requires.missing(lab) if not m.startswith("probe ")]   # the driver: below
    absent = [c for c in lab.requires.commands if requires.which(c) is None]
    assert [line.split()[1] for line in reported] == absent


def test_the_driver_probe_reports_what_driver_sh_says():
    """requires.probe runs driver.sh: the lab is skipped with its stderr when it fails."""
    lab = parse_lab(LAB_DIR)
    assert lab.requires.probe == ["driver.sh"]
    found = subprocess.run([BASH, str(DRIVER)], capture_output=True, text=True, cwd=LAB_DIR)
    probes = [m for m in requires.missing(lab) if m.startswith("probe ")]
    if found.returncode == 0:
        assert probes == []
    else:
        first = found.stderr.splitlines()[0]
        assert probes[0].startswith(f"probe driver.sh: {first}"), probes
