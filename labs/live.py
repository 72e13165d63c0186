"""`python -m labs run NAME -v`: each block's output on the terminal while it runs,
indented under the block's progress line (-vv: daemons' logs too, each line tagged with
the daemon's name).

Blocks keep writing to their files as without -v (a block's stdout is a regular file,
never a pipe the harness could stall); the harness follows those files while it waits.
What is shown is raw output with the secrets masked, not the normalized transcript.
"""
from __future__ import annotations

INDENT = " " * 10
CHUNK = 1 << 20


def _text(line: bytes) -> str:
    """One line as a terminal would leave it: what follows the last carriage return."""
    s = line.decode("utf-8", "replace").rstrip("\r")
    return s.rsplit("\r", 1)[-1]


class Follow:
    """What a file gains, line by line; `header` lines come first, once the file exists."""

    def __init__(self, path, emit, header=(), tag=""):
        self.path, self.emit, self.header, self.tag = path, emit, list(header), tag
        self.pos, self.rest, self.opened = 0, b"", False

    def poll(self, final=False) -> bool:
        """Show the new complete lines (and, if final, an unterminated last line).
        False while the file does not exist yet."""
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read(CHUNK)
        except OSError:
            return False
        if not self.opened:
            self.opened = True
            for h in self.header:
                self.emit(h)
        self.pos += len(data)
        *lines, self.rest = (self.rest + data).split(b"\n")
        if final and self.rest:
            lines.append(self.rest)
            self.rest = b""
        for line in lines:
            self.emit(self.tag + _text(line))
        if final and len(data) == CHUNK:     # more than a chunk was waiting
            return self.poll(final=True)
        return True


class BlockOutput:
    """The files one block writes: its own output, and for a transcript block each
    command's output file, shown in order after the command itself (`$ ...`)."""

    def __init__(self, harness_dir, k, block, emit):
        self.emit = emit
        self.main = Follow(harness_dir / f"b{k}.out", emit)
        self.commands = []
        for i, c in enumerate(block.commands):
            first, *more = c.text.split("\n")
            header = ["$ " + first] + ["> " + m for m in more]
            self.commands.append(Follow(harness_dir / f"b{k}.{i}.out", emit, header))
        self.current = 0

    def poll(self, final=False):
        while self.current < len(self.commands):
            f, nxt = self.commands[self.current], self.current + 1
            if nxt < len(self.commands) and self.commands[nxt].path.exists():
                self._finish(f)              # the next command has started: this one is done
                self.current = nxt
                continue
            if final:
                self._finish(f)
            else:
                f.poll()
            break
        self.main.poll(final=final)

    def _finish(self, f):
        """The rest of a command's output, then its exit status when it is not 0 (`[1]`,
        as the expected output writes it)."""
        if not f.poll(final=True):
            return
        try:
            rc = f.path.with_suffix(".rc").read_text().strip()
        except OSError:
            return
        if rc not in ("", "0"):
            self.emit(f"[{rc}]")


class Live:
    """Everything followed while the harness waits: the running block, and (-vv) daemons."""

    def __init__(self, reporter, mask, daemons=False):
        self.reporter, self.mask, self.show_daemons = reporter, mask, daemons
        self.block = None
        self.logs = []

    def emit(self, line: str):
        self.reporter.say(INDENT + self.mask(line))

    def start_block(self, harness_dir, k, block):
        self.block = BlockOutput(harness_dir, k, block, self.emit)

    def end_block(self):
        if self.block:
            self.block.poll(final=True)
        self.block = None

    def add_daemon(self, name, log_path):
        if self.show_daemons:
            self.logs.append(Follow(log_path, self.emit, tag=f"[{name}] "))

    def poll(self, final=False):
        for f in self.logs:
            f.poll(final=final)
        if self.block:
            self.block.poll()
