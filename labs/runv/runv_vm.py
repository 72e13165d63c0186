"""One qemu per container: its command line, starting and reaping it, and the
choice between KVM and TCG."""

import ctypes
import json
import os
import select
import signal
import socket
import subprocess
import tempfile
import time

from runv_guest import RunvError

HERE = os.path.dirname(os.path.realpath(__file__))
GUEST_DIR = os.path.abspath(os.environ.get("RUNV_GUEST_DIR", os.path.join(HERE, ".cache", "guest")))
QEMU = os.environ.get("RUNV_QEMU", "/usr/bin/qemu-system-x86_64")
# The virtio-serial ports, by the names guest-init looks for (runv.<name>).
PORTS = ("ctl", "stdin", "stdout", "stderr")
# quiet: the console is a log file nobody waits for; cryptomgr.notests skips the
# crypto self-tests (a quarter of a second under TCG); no keyboard controller.
KERNEL_ARGS = ("console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init cryptomgr.notests "
               "i8042.noaux i8042.nokbd i8042.nopnp " + os.environ.get("RUNV_KERNEL_ARGS", "")).strip()
KVM_PROBE_SECONDS = 8     # a working KVM reaches guest init in well under this


def guest_files():
    """The kernel (uncompressed vmlinux, booted via PVH, if there) and initramfs."""
    kernel = os.path.join(GUEST_DIR, "vmlinux")
    if not os.path.isfile(kernel):
        kernel = os.path.join(GUEST_DIR, "vmlinuz")
    initrd = os.path.join(GUEST_DIR, "initramfs.gz")
    for f in (kernel, initrd):
        if not os.path.isfile(f):
            raise RunvError(f"no guest {os.path.basename(f)} at {f}: run {HERE}/prepare-guest")
    return kernel, initrd


def _die_with_parent():
    """In qemu's child: get SIGKILL when the monitor dies (even by SIGKILL)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)


class Vm:
    """One qemu process. Its virtio-serial ports are socketpairs whose other ends
    runv keeps, so nothing is bound on the filesystem and there is no connect
    race. qemu never gets a network: -nodefaults and -nic none."""

    def __init__(self, workdir, rootfs, accel, terminal=False):
        self.workdir, self.rootfs, self.accel = workdir, rootfs, accel
        self.ports = PORTS + (("tty",) if terminal else ())
        self.socks = {}
        self.proc = None
        self.cpu_s = None

    def command(self, fds):
        kernel, initrd = guest_files()
        memory = os.environ.get("RUNV_MEMORY", "256")
        cmd = [QEMU, "-accel", self.accel, "-cpu", "host" if self.accel == "kvm" else "max",
               "-m", memory, "-smp", "1", "-nodefaults", "-no-user-config",
               "-display", "none", "-no-reboot", "-nic", "none",
               "-kernel", kernel, "-initrd", initrd, "-append", KERNEL_ARGS,
               "-chardev", f"file,id=console,path={self.workdir}/console.log",
               "-serial", "chardev:console",
               "-fsdev", f"local,id=rootfs,path={self.rootfs},security_model=none,multidevs=remap",
               "-device", "virtio-9p-pci,fsdev=rootfs,mount_tag=rootfs",
               "-device", "virtio-serial-pci,id=vs"]
        for name in self.ports:
            # the tty is a console port: the guest sees it as /dev/hvc0, a terminal
            kind = "virtconsole" if name == "tty" else "virtserialport"
            cmd += ["-chardev", f"socket,id={name},fd={fds[name]}",
                    "-device", f"{kind},bus=vs.0,chardev={name},name=runv.{name}"]
        return cmd

    def start(self):
        theirs = {}
        for name in self.ports:
            ours, qemus = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            self.socks[name] = ours
            theirs[name] = qemus
        fds = {name: s.fileno() for name, s in theirs.items()}
        log = open(os.path.join(self.workdir, "qemu.log"), "ab")
        try:
            self.proc = subprocess.Popen(
                self.command(fds), stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                pass_fds=list(fds.values()), preexec_fn=_die_with_parent, cwd=self.workdir)
        except OSError as e:
            raise RunvError(f"cannot start {QEMU}: {e.strerror}")
        finally:
            log.close()
            for s in theirs.values():
                s.close()
        for s in self.socks.values():
            s.setblocking(False)

    def poll(self):
        """qemu's exit code, or None while it runs; reaps it with its CPU time."""
        if self.proc.returncode is None:
            try:
                pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            except ChildProcessError:
                return self.proc.poll()
            if pid:
                self.proc.returncode = os.waitstatus_to_exitcode(status)
                self.cpu_s = round(usage.ru_utime + usage.ru_stime, 3)
        return self.proc.returncode

    def kill(self):
        if self.proc and self.poll() is None:
            self.proc.kill()
            while self.poll() is None:
                time.sleep(0.01)

    def failure(self):
        """What qemu and the guest console said, for an error message."""
        out = []
        for name in ("qemu.log", "console.log"):
            try:
                with open(os.path.join(self.workdir, name), errors="replace") as f:
                    text = f.read().strip()
            except OSError:
                continue
            if text:
                out.append(f"{name}: " + " | ".join(text.splitlines()[-8:]))
        return "; ".join(out) or "no output from qemu or the guest"


def probe_kvm(workdir):
    """Boot the guest once with KVM: (True, why) if its init reports in time."""
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False, "/dev/kvm is not usable"
    empty = tempfile.mkdtemp(prefix="probe-rootfs-", dir=workdir)
    vm = Vm(workdir, empty, "kvm")
    try:
        vm.start()
        ctl = vm.socks["ctl"]
        deadline = time.monotonic() + KVM_PROBE_SECONDS
        buf = b""
        while time.monotonic() < deadline:
            if vm.poll() is not None:
                return False, f"qemu exited with {vm.proc.returncode}: {vm.failure()}"
            r, _, _ = select.select([ctl], [], [], 0.1)
            if r:
                buf += ctl.recv(4096)
                if b"init " in buf:
                    return True, "guest init reached"
        return False, f"no sign of guest init within {KVM_PROBE_SECONDS} s: {vm.failure()}"
    finally:
        vm.kill()


def choose_accel(log):
    """RUNV_ACCEL=kvm|tcg forces one; auto (the default) tries KVM once per host
    kernel and qemu binary, remembers the answer next to the guest kernel, and
    falls back to TCG."""
    want = os.environ.get("RUNV_ACCEL", "auto")
    if want in ("kvm", "tcg"):
        return want
    if want != "auto":
        raise RunvError(f"RUNV_ACCEL={want}: expected auto, kvm or tcg")
    key = f"{os.uname().release} {os.path.getmtime(QEMU):.0f} {os.path.exists('/dev/kvm')}"
    cache = os.path.join(GUEST_DIR, "accel.json")
    known = read_accel_cache()
    if known.get("key") == key and known.get("accel") in ("kvm", "tcg"):
        return known["accel"]
    guest_files()
    with tempfile.TemporaryDirectory(prefix="runv-probe-") as tmp:
        ok, why = probe_kvm(tmp)
    accel = "kvm" if ok else "tcg"
    log.info(f"KVM probe: {why}; using {accel}")
    tmpfile = f"{cache}.{os.getpid()}"
    with open(tmpfile, "w") as f:
        json.dump({"key": key, "accel": accel, "kvm_probe": why}, f)
    os.replace(tmpfile, cache)
    return accel


def read_accel_cache():
    try:
        with open(os.path.join(GUEST_DIR, "accel.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}
