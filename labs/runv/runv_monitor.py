"""The monitor: the process whose pid is the container's pid.

It boots the VM, waits for `runv start`, hands the guest the process to run,
relays stdio between the container's fds (or a pty) and the virtio-serial
ports, passes signals into the guest, records where the time went, and exits
with the guest process's exit status. containerd's shim only ever sees this
process: its pid in the pid file, its exit status as the container's."""

import base64
import errno
import fcntl
import json
import os
import select
import signal
import socket
import struct
import termios
import time
import tty

from runv_guest import guest_script
from runv_vm import Vm

QEMU_EXIT_SECONDS = 10    # after the guest says "exit", qemu must be gone by then
# Signals the monitor passes to the guest's process while it runs. Before it
# runs they end the VM. SIGKILL cannot be caught: the monitor dies, qemu with it.
FORWARDED = (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM,
             signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM)


class Pump:
    """Bytes from one fd to another, buffered. guest->host pumps never stop
    reading (the guest must not be left with data queued when it powers off);
    on EOF `at_eof` runs once the buffer is written out."""

    def __init__(self, src, dst, from_guest, limit=None, at_eof=None):
        self.src, self.dst, self.limit, self.at_eof = src, dst, limit, at_eof
        self.from_guest = from_guest
        self.buf = bytearray()

    @property
    def done(self):
        return self.src is None and (not self.buf or self.dst is None)

    def want_read(self):
        return self.src is not None and (self.limit is None or len(self.buf) < self.limit)

    def read(self):
        try:
            data = os.read(self.src, 65536)
        except BlockingIOError:
            return
        except OSError:  # EIO: the pty's other side is gone
            data = b""
        if data:
            self.buf += data
        else:
            self.src = None

    def write(self):
        try:
            n = os.write(self.dst, self.buf[:4096])  # <= PIPE_BUF: a pipe never blocks
            del self.buf[:n]
        except BlockingIOError:
            pass
        except OSError:
            self.dst = None  # the reader went away: drop the output

    def settle(self):
        if self.dst is None:
            self.buf.clear()
        if self.src is None and not self.buf and self.at_eof:
            self.at_eof()
            self.at_eof = None


class Monitor:
    def __init__(self, state_dir, spec, accel, log, started=False):
        self.dir, self.spec, self.accel, self.log = state_dir, spec, accel, log
        self.terminal = bool(spec["process"].get("terminal"))
        self.started = started
        self.t0 = time.monotonic()
        self.times, self.guest = {}, {}
        self.ready = self.running = False
        self.status = self.signal = None
        self.pty = None          # the pty slave, when docker gave a console socket
        self.saved_tty = None    # our terminal's settings, when `runv run` uses it
        self.vm = Vm(state_dir, spec["_rootfs"], accel, terminal=self.terminal)

    def mark(self, event):
        self.times[event] = round(time.monotonic() - self.t0, 3)

    def boot(self, console_socket=None):
        """Start qemu (and, for a terminal, hand the pty's master to the caller)."""
        if self.terminal and console_socket:
            self.pty = send_pty_master(console_socket)
            # As runc's init does: the pty becomes our stdio. The caller's stdio
            # (a pipe that containerd reads until EOF) must not stay open here.
            for fd in (0, 1, 2):
                os.dup2(self.pty, fd)
        self.mark("qemu_spawn")
        self.vm.start()
        with open(os.path.join(self.dir, "vm.json"), "w") as f:
            json.dump({"qemu_pid": self.vm.proc.pid, "accel": self.accel}, f)

    def pumps(self):
        socks = self.vm.socks
        fd = {name: s.fileno() for name, s in socks.items()}
        if self.terminal:
            if self.pty is not None:
                tin = tout = self.pty
            else:  # `runv run` in a terminal: use ours, raw, as runc does
                tin, tout = 0, 1
                if os.isatty(0):
                    self.saved_tty = termios.tcgetattr(0)
                    tty.setraw(0)
            return [Pump(tin, fd["tty"], False, limit=65536), Pump(fd["tty"], tout, True)]

        def stdin_eof():
            # shutdown, not close: on a hang-up qemu drops what the guest has not read
            try:
                socks["stdin"].shutdown(socket.SHUT_WR)
            except OSError:
                pass
        return [Pump(0, fd["stdin"], False, limit=65536, at_eof=stdin_eof),
                Pump(fd["stdout"], 1, True), Pump(fd["stderr"], 2, True)]

    def winsize_fd(self):
        """The terminal whose size the guest's terminal follows, if any."""
        if self.pty is not None:
            return self.pty
        if self.terminal and os.isatty(0):
            return 0
        return None

    def run(self, fifo_fd=None):
        """The relay loop. Returns the exit status, or -N if signal N ended the VM."""
        wake_r, wake_w = os.pipe()
        for f in (wake_r, wake_w):
            os.set_blocking(f, False)
        signal.set_wakeup_fd(wake_w)
        pending = []
        for sig in FORWARDED:
            signal.signal(sig, lambda s, _f: pending.append(s))
        signal.signal(signal.SIGCHLD, lambda s, _f: None)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        if self.winsize_fd() is not None:
            signal.signal(signal.SIGWINCH, lambda s, _f: pending.append(s))

        pumps = self.pumps()
        ctl = self.vm.socks["ctl"].fileno()
        ctl_in, ctl_out = b"", b""
        qemu_deadline = None
        try:
            while True:
                while pending:
                    ctl_out += self.on_signal(pending.pop(0))
                if self.vm.poll() is not None and "qemu_exit" not in self.times:
                    self.mark("qemu_exit")
                if qemu_deadline and time.monotonic() > qemu_deadline:
                    self.vm.kill()
                    qemu_deadline = None
                if self.vm.poll() is not None and all(p.done for p in pumps if p.from_guest):
                    break

                polls = {wake_r: select.POLLIN}
                if ctl is not None:
                    polls[ctl] = select.POLLIN | (select.POLLOUT if ctl_out else 0)
                if fifo_fd is not None:
                    polls[fifo_fd] = select.POLLIN
                for p in pumps:
                    if p.want_read():
                        polls[p.src] = polls.get(p.src, 0) | select.POLLIN
                    if p.buf and p.dst is not None:
                        polls[p.dst] = polls.get(p.dst, 0) | select.POLLOUT
                poller = select.poll()
                for f, ev in polls.items():
                    poller.register(f, ev)
                ready = dict(poller.poll(200))

                if wake_r in ready:
                    try:
                        os.read(wake_r, 512)
                    except BlockingIOError:
                        pass
                if fifo_fd is not None and fifo_fd in ready and b"start" in os.read(fifo_fd, 64):
                    self.started = True
                    self.mark("start")
                    os.close(fifo_fd)
                    fifo_fd = None

                if ctl is not None and ready.get(ctl, 0) & (select.POLLIN | select.POLLHUP | select.POLLERR):
                    data = _read(ctl)
                    if data == b"":
                        ctl = None
                    elif data:
                        ctl_in += data
                        while b"\n" in ctl_in:
                            line, ctl_in = ctl_in.split(b"\n", 1)
                            reply = self.on_message(line.decode(errors="replace").split())
                            ctl_out += reply
                            if reply == b"bye\n":
                                qemu_deadline = time.monotonic() + QEMU_EXIT_SECONDS
                if self.ready and self.started and not self.running and self.status is None:
                    self.running = True
                    self.mark("run_sent")
                    script = base64.b64encode(guest_script(self.spec).encode()).decode()
                    ctl_out += f"run {script}\n".encode()
                if ctl is not None and ctl_out:
                    try:
                        ctl_out = ctl_out[os.write(ctl, ctl_out):]
                    except BlockingIOError:
                        pass
                    except OSError:
                        ctl_out = b""

                for p in pumps:
                    if p.want_read() and ready.get(p.src, 0) & (select.POLLIN | select.POLLHUP | select.POLLERR):
                        p.read()
                    if p.buf and p.dst is not None and ready.get(p.dst, 0) & (select.POLLOUT | select.POLLERR):
                        p.write()
                    p.settle()
        finally:
            signal.set_wakeup_fd(-1)
            if self.saved_tty is not None:
                termios.tcsetattr(0, termios.TCSADRAIN, self.saved_tty)
            self.vm.kill()
        self.record()
        if self.signal is not None:
            return -self.signal
        if self.status is None:
            why = self.vm.failure()
            os.write(2, f"runv: the VM stopped without an exit status: {why}\n".encode())
            self.log.to_file("error", f"VM stopped without an exit status: {why}")
            return 255
        return self.status

    def on_signal(self, sig):
        """What to tell the guest about a signal the monitor got."""
        if sig == signal.SIGWINCH:
            rows, cols = window_size(self.winsize_fd())
            return f"winsize {rows} {cols}\n".encode() if rows else b""
        if self.running:
            return f"kill {int(sig)}\n".encode()
        if self.status is not None:
            return b""  # the process has exited; the VM is powering off anyway
        self.signal = sig  # the process has not started: the signal ends the VM
        self.vm.kill()
        return b""

    def on_message(self, words):
        """A line from guest-init; returns the reply."""
        if not words:
            return b""
        verb, args = words[0], words[1:]
        if verb == "init":
            self.mark("guest_init")
            self.guest["init_uptime"] = float(args[0])
            self.guest["modules_uptime"] = float(args[1])
        elif verb == "ready":
            self.mark("guest_ready")
            self.guest["ready_uptime"] = float(args[0])
            self.ready = True
        elif verb == "exit":
            self.mark("guest_exit")
            self.status = int(args[0])
            self.running = False
            return b"bye\n"
        elif verb == "error":
            msg = " ".join(args)
            os.write(2, f"runv: guest: {msg}\n".encode())
            self.log.to_file("error", f"guest: {msg}")
        return b""

    def record(self):
        """Where the time went, for the lab's record: timings.json in the state
        dir, and one JSON line appended to $RUNV_TIMINGS if that is set."""
        t, g = self.times, self.guest
        out = {"id": os.path.basename(self.dir), "accel": self.accel, "events": t, "guest": g}
        if "guest_init" in t and "modules_uptime" in g:
            # guest uptimes count from the kernel's start: what came before is qemu's
            out["qemu_start_s"] = round(t["guest_init"] - g["modules_uptime"] - t["qemu_spawn"], 3)
            out["kernel_boot_s"] = g["init_uptime"]
            out["modules_s"] = round(g["modules_uptime"] - g["init_uptime"], 3)
        if "ready_uptime" in g and "modules_uptime" in g:
            out["mount_s"] = round(g["ready_uptime"] - g["modules_uptime"], 3)
        if "run_sent" in t and "guest_exit" in t:
            out["command_s"] = round(t["guest_exit"] - t["run_sent"], 3)
        if "run_sent" in t and "guest_ready" in t:
            out["wait_for_start_s"] = round(t["run_sent"] - t["guest_ready"], 3)
        if "guest_exit" in t and "qemu_exit" in t:
            out["poweroff_s"] = round(t["qemu_exit"] - t["guest_exit"], 3)
        if "qemu_exit" in t:
            out["vm_total_s"] = t["qemu_exit"]
        out["qemu_cpu_s"] = self.vm.cpu_s
        line = json.dumps(out)
        try:
            with open(os.path.join(self.dir, "timings.json"), "w") as f:
                f.write(line + "\n")
            if os.environ.get("RUNV_TIMINGS"):
                with open(os.environ["RUNV_TIMINGS"], "a") as f:
                    f.write(line + "\n")
        except OSError:
            pass
        self.log.info("timings " + line)


def _read(fd):
    """bytes read; b"" at EOF; None if nothing is there yet."""
    try:
        return os.read(fd, 65536)
    except BlockingIOError:
        return None
    except OSError:
        return b""


def send_pty_master(console_socket):
    """As runc does for a terminal: make a pty, send its master over the unix
    socket the caller (containerd's shim) listens on, keep the slave. The slave
    becomes our controlling terminal, so a resize of the master sends us SIGWINCH."""
    master, slave = os.openpty()
    name = os.ttyname(slave)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(console_socket)
        socket.send_fds(s, [name.encode()], [master])
    os.close(master)
    tty.setraw(slave)  # the guest's tty does the line discipline, not this one
    try:
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    except OSError as e:
        if e.errno not in (errno.EPERM, errno.EINVAL):
            raise
    os.set_blocking(slave, False)
    return slave


def window_size(fd):
    try:
        rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))
        return rows, cols
    except OSError:
        return 0, 0
