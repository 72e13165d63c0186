"""runv, the VM runtime of lab runv.

Without root: the bundle checks, the script the guest runs (parsed back the
way the guest's shell will), signals, the command line's errors, and every
lab.md block being valid bash. As root, with qemu: two real VMs, one through
`runv run` and one through the create/start/kill/delete lifecycle that
containerd uses. The whole docker path is the lab itself (tests/test_labs.py).
"""
import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from importlib.machinery import SourceFileLoader
from pathlib import Path

import pytest

from labs.labfile import parse_lab

LAB_DIR = Path(__file__).resolve().parent
RUNV = LAB_DIR / "runv"
# pytest puts this folder (no __init__.py: the lab's own tools) first on the path

import runv_guest  # noqa: E402
from runv_guest import RunvError, guest_script, load_spec  # noqa: E402


def make_bundle(tmp_path, process, rootfs_files=None):
    rootfs = tmp_path / "rootfs"
    (rootfs / "etc").mkdir(parents=True, exist_ok=True)
    for name, text in (rootfs_files or {}).items():
        (rootfs / name).write_text(text)
    spec = {"ociVersion": "1.0.2", "root": {"path": "rootfs"},
            "process": {"terminal": False, "cwd": "/", "env": ["PATH=/bin"], **process}}
    (tmp_path / "config.json").write_text(json.dumps(spec))
    return tmp_path


def exec_argv(script):
    """The argv of the script's final `exec` line, split as the guest's sh would."""
    last = [line for line in script.splitlines() if line.startswith("exec /bin/")][-1]
    return shlex.split(last)[1:]


# --- without root ------------------------------------------------------------------

def test_guest_script_keeps_awkward_arguments_intact(tmp_path):
    args = ["sh", "-c", "echo \"$X\" 'single' $((1+2)); exit 3", "a b", "it's", "*", "--"]
    spec = load_spec(make_bundle(tmp_path, {"args": args, "cwd": "/work dir",
                                            "env": ["PATH=/bin", "X=two words"]}))
    argv = exec_argv(guest_script(spec))
    i = argv.index("--")
    assert argv[i + 1:] == args
    assert argv[:3] == ["/bin/env", "-i", "PATH=/bin"]
    assert "X=two words" in argv[:i]
    assert "-w/newroot/work dir" in argv[:i] and "-r/newroot" in argv[:i]


def test_guest_script_home_user_and_hostname(tmp_path):
    passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"
    spec = load_spec(make_bundle(tmp_path, {"args": ["id"], "user": {"uid": 1000, "gid": 1000}},
                                 {"etc/passwd": passwd}))
    spec["hostname"] = "box 1"
    script = guest_script(spec)
    argv = exec_argv(script)
    assert "HOME=/home/app" in argv
    assert argv[argv.index("-G"):argv.index("-G") + 4] == ["-G", "1000", "-S", "1000"]
    assert "hostname 'box 1'" in script.splitlines()
    # root gets no -S/-G, and a HOME from passwd too
    spec = load_spec(make_bundle(tmp_path, {"args": ["id"]}, {"etc/passwd": passwd}))
    argv = exec_argv(guest_script(spec))
    assert "-S" not in argv and "HOME=/root" in argv


def test_home_never_follows_a_link_out_of_the_rootfs(tmp_path):
    rootfs = tmp_path / "rootfs"
    (rootfs / "etc").mkdir(parents=True)
    outside = tmp_path / "host-passwd"
    outside.write_text("root:x:0:0:root:/host-secret-home:/bin/sh\n")
    (rootfs / "etc" / "passwd").symlink_to(outside)
    assert runv_guest.home_of(str(rootfs), 0) == "/"


def test_terminal_script_uses_the_virtio_console(tmp_path):
    spec = load_spec(make_bundle(tmp_path, {"args": ["sh"], "terminal": True,
                                            "consoleSize": {"height": 30, "width": 100}}))
    script = guest_script(spec)
    assert "exec </dev/hvc0 >/dev/hvc0 2>&1" in script
    assert "stty rows 30 cols 100" in script
    assert exec_argv(script)[:3] == ["/bin/setsid", "-c", "/bin/env"]


@pytest.mark.parametrize("text, message", [
    ('{"process": {"args": ["true"]},\n "root": {"path": "rootfs"}\n,,}', "config.json:3: invalid JSON"),
    ('{"root": {"path": "rootfs"}, "process": {"args": []}}', "process.args is missing or empty"),
    ('{"process": {"args": ["true"]}}', "root.path is missing"),
    ('{"process": {"args": ["true"]}, "root": {"path": "nowhere"}}', "is not a directory"),
])
def test_bad_config_json_is_named(tmp_path, text, message):
    (tmp_path / "rootfs").mkdir()
    (tmp_path / "config.json").write_text(text)
    with pytest.raises(RunvError, match=message.replace(".", r"\.")):
        load_spec(str(tmp_path))


def runv(*args, root, **kw):
    if "stdout" not in kw:
        kw["capture_output"] = True
    return subprocess.run([str(RUNV), "--root", str(root), *args], text=True, timeout=120, **kw)


def test_cli_errors_say_what_and_exit_1(tmp_path):
    (tmp_path / "b" / "rootfs").mkdir(parents=True)
    (tmp_path / "b" / "config.json").write_text('{\n  "process": {"args": ["true"],}\n}')
    r = runv("run", "-b", str(tmp_path / "b"), "x", root=tmp_path / "state")
    assert r.returncode == 1
    assert f"{tmp_path}/b/config.json:2: invalid JSON" in r.stderr
    assert not (tmp_path / "state" / "x").exists()
    r = runv("state", "nosuch", root=tmp_path / "state")
    assert (r.returncode, r.stderr) == (1, 'runv: container "nosuch" does not exist\n')
    # what containerd sends for `docker exec`: refused with a reason, not a usage error
    r = runv("exec", "--process", "/p.json", "--detach", "--pid-file", "/p", "x", root=tmp_path / "state")
    assert (r.returncode, r.stderr) == (1, "runv: exec is not supported by runv\n")
    r = runv("state", "--bogus", "x", root=tmp_path / "state")
    assert r.returncode == 2 and "unrecognized arguments: --bogus" in r.stderr
    r = runv("create", "../escape", "-b", str(tmp_path / "b"), root=tmp_path / "state")
    assert r.returncode == 1 and "invalid container id" in r.stderr


def test_errors_go_to_the_log_file_containerd_reads(tmp_path):
    log = tmp_path / "log.json"
    r = runv("--log", str(log), "--log-format", "json", "create", "-b", str(tmp_path), "x",
             root=tmp_path / "state")
    assert r.returncode == 1 and r.stdout == "" and r.stderr == ""  # create's stdio is the container's
    entry = json.loads(log.read_text().splitlines()[-1])
    assert entry["level"] == "error" and "config.json: no such file" in entry["msg"]


def test_signal_names():
    loader = SourceFileLoader("runv_cli", str(RUNV))
    cli = importlib.util.module_from_spec(importlib.util.spec_from_loader("runv_cli", loader))
    loader.exec_module(cli)
    assert [cli.parse_signal(s) for s in ("9", "KILL", "SIGTERM", "term")] == [9, 9, 15, 15]
    with pytest.raises(RunvError):
        cli.parse_signal("NOPE")


@pytest.mark.parametrize("block", parse_lab(LAB_DIR).blocks, ids=lambda b: b.name)
def test_every_lab_block_is_valid_bash(block, tmp_path):
    script = tmp_path / "block.sh"
    if block.is_transcript:
        script.write_text("\n".join(c.text for c in block.commands) + "\n")
    else:
        script.write_text(block.source + "\n")
    r = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert r.returncode == 0, f"lab.md:{block.body_line}: {r.stderr}"


def test_guest_init_is_valid_sh():
    for shell in ("busybox sh", "bash --posix"):
        assert subprocess.run([*shell.split(), "-n", str(LAB_DIR / "guest-init")]).returncode == 0


# --- as root, with qemu: real VMs ----------------------------------------------------

def _vm_requirements():
    if os.geteuid() != 0:
        return "runs qemu with a 9p share of a root-owned rootfs: needs root"
    for cmd, pkg in (("qemu-system-x86_64", "qemu-system-x86"), ("busybox", "busybox-static"),
                     ("apt-get", "apt")):
        if not shutil.which(cmd):
            return f"command {cmd} not found: install the Debian package {pkg}"
    return None


@pytest.fixture(scope="module")
def guest():
    why = _vm_requirements()
    if why:
        pytest.skip(why)
    r = subprocess.run([str(LAB_DIR / "prepare-guest")], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        pytest.skip(f"prepare-guest could not fetch or build the guest: {r.stderr.strip()[-300:]}")
    return r.stdout.strip()  # the guest kernel's release


def busybox_bundle(tmp_path, args, **process):
    rootfs = tmp_path / "bundle" / "rootfs"
    (rootfs / "bin").mkdir(parents=True)
    shutil.copy(shutil.which("busybox"), rootfs / "bin" / "busybox")
    for applet in ("sh", "cat", "echo", "uname", "sleep", "pwd"):
        (rootfs / "bin" / applet).symlink_to("busybox")
    (rootfs / "tmp").mkdir()
    return make_bundle(tmp_path / "bundle", {"args": args, **process})


@pytest.mark.lab
def test_run_in_a_vm(guest, tmp_path):
    bundle = busybox_bundle(tmp_path, ["sh", "-c", 'uname -r; echo "$GREETING from $(pwd)"; '
                                       'echo to stderr >&2; cat; echo written >/from-vm; exit 3'],
                            cwd="/tmp", env=["PATH=/bin", "GREETING=hello"])
    r = runv("run", "-b", str(bundle), "t-run", root=tmp_path / "state",
             input="piped into the VM\n")
    assert r.returncode == 3, r.stderr
    assert r.stdout.splitlines() == [guest, "hello from /tmp", "piped into the VM"]
    assert guest != os.uname().release
    assert r.stderr == "to stderr\n"
    assert (bundle / "rootfs" / "from-vm").read_text() == "written\n"
    assert not (tmp_path / "state" / "t-run").exists()


@pytest.mark.lab
def test_lifecycle_that_containerd_drives(guest, tmp_path):
    bundle = busybox_bundle(tmp_path, ["sh", "-c", 'echo running; trap "echo got TERM; exit 7" TERM; '
                                       'while :; do sleep 1; done'])
    root, out = tmp_path / "state", tmp_path / "out"
    with open(out, "w") as f:
        r = runv("create", "-b", str(bundle), "--pid-file", str(tmp_path / "pid"), "t-life",
                 root=root, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT)
    assert r.returncode == 0
    try:
        state = json.loads(runv("state", "t-life", root=root).stdout)
        assert state["status"] == "created"
        assert state["pid"] == int((tmp_path / "pid").read_text())
        monitor, qemu = json.loads(runv("ps", "--format", "json", "t-life", root=root).stdout)
        assert Path(f"/proc/{qemu}/comm").read_text().strip() == "qemu-system-x86"
        assert runv("start", "t-life", root=root).returncode == 0
        assert json.loads(runv("state", "t-life", root=root).stdout)["status"] == "running"
        assert runv("start", "t-life", root=root).returncode == 1  # only once
        _wait(lambda: "running" in out.read_text(), 120)
        assert runv("kill", "t-life", "TERM", root=root).returncode == 0
        _wait(lambda: json.loads(runv("state", "t-life", root=root).stdout)["status"] == "stopped", 30)
        assert out.read_text() == "running\ngot TERM\n"
        _wait(lambda: not Path(f"/proc/{qemu}").exists() or
              Path(f"/proc/{qemu}/stat").read_text().split()[2] == "Z", 10)
        assert runv("kill", "t-life", "KILL", root=root).stderr == "runv: container not running\n"
    finally:
        r = runv("delete", "--force", "t-life", root=root)
    assert r.returncode == 0 and not (root / "t-life").exists()


def _wait(cond, secs):
    end = time.monotonic() + secs
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"still not true after {secs} s: {cond}")
        time.sleep(0.1)
