"""Strict, atomic site build: `python -m tools.build pelicanconf.py`.

Pelican logs content problems and carries on, writing into output/ as it goes.
This builds into a sibling temp dir (`output.tmp-XXXX`), collects every error
(the strict plugin's `path:line: message`s, and anything Pelican or a plugin
logs at ERROR, including a plugin that fails to load or register), and only
when there are none swaps the new tree into output/ (one atomic rename
exchange where the kernel supports it). On errors it prints them, removes the
temp dir, leaves output/ as it was, and exits 1 without a Python traceback.

Library use (tests, tools.serve): `build(settings_file, overrides) -> output path`,
raising `BuildFailed` (with `.errors`, a list of strings).
"""
import argparse
import contextlib
import ctypes
import io
import logging
import os
import shutil
import sys
import tempfile
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if os.path.join(ROOT, "plugins") not in sys.path:
    sys.path.insert(0, os.path.join(ROOT, "plugins"))

log = logging.getLogger("tools.build")


class BuildFailed(Exception):
    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = list(errors)


def _where(exc) -> str:
    """`file:line` of the most relevant frame: a template, else project code, else the last."""
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    lineno = getattr(exc, "lineno", None)
    filename = getattr(exc, "filename", None) or getattr(exc, "name", None)
    if lineno and filename and str(filename).endswith(".html"):
        return f"{_rel(filename)}:{lineno}"
    for pick in (lambda f: f.filename.endswith(".html"),
                 lambda f: f.filename.startswith(ROOT) and "/.venv/" not in f.filename):
        chosen = [f for f in frames if pick(f)]
        if chosen:
            return f"{_rel(chosen[-1].filename)}:{chosen[-1].lineno}"
    if frames:
        return f"{_rel(frames[-1].filename)}:{frames[-1].lineno}"
    return "<build>"


def _rel(path) -> str:
    path = os.path.abspath(str(path))
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


class _Collector(logging.Handler):
    """Collects ERROR records as build errors; prints warnings as they come."""

    def __init__(self, content_path, quiet=False):
        super().__init__(logging.WARNING)
        self.content_path = content_path
        self.quiet = quiet
        self.errors = []

    def emit(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a badly formatted log call must not hide the error
            message = str(record.msg)
        if record.levelno < logging.ERROR:
            if not self.quiet:
                print(f"warning: {message}", file=sys.stderr)
            return
        exc = record.exc_info[1] if record.exc_info else None
        if record.msg == "Could not process %s" and record.args:
            path = _rel(os.path.join(self.content_path, str(record.args[0])))
            line = getattr(exc, "line", None) or 1
            detail = f"{type(exc).__name__}: {exc}" if exc else "could not be read"
            self.errors.append(f"{path}:{line}: {detail} (at {_where(exc)})" if exc else
                               f"{path}:{line}: {detail}")
        elif exc is not None:
            self.errors.append(f"{_where(exc)}: {message.splitlines()[0]}: "
                               f"{type(exc).__name__}: {exc}")
        else:
            self.errors.append(f"error: {' '.join(message.split())}")


def _absolute(overrides):
    out = dict(overrides or {})
    for key in ("PATH", "OUTPUT_PATH", "THEME", "CACHE_PATH"):
        if isinstance(out.get(key), str):
            out[key] = os.path.abspath(out[key])
    return out


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def swap_into_place(new_dir: str, final_dir: str) -> None:
    """Put new_dir at final_dir; the old tree (if any) is removed afterwards.

    Uses renameat2(RENAME_EXCHANGE) so final_dir is never missing; falls back
    to two renames where that call is unavailable.
    """
    if os.path.isdir(final_dir):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            rc = libc.renameat2(_AT_FDCWD, os.fsencode(new_dir), _AT_FDCWD,
                                os.fsencode(final_dir), _RENAME_EXCHANGE)
            if rc == 0:
                shutil.rmtree(new_dir, ignore_errors=True)  # now holds the old tree
                return
        except (AttributeError, OSError):
            pass
        old = tempfile.mkdtemp(prefix=os.path.basename(final_dir) + ".old-",
                               dir=os.path.dirname(final_dir))
        os.rmdir(old)
        os.rename(final_dir, old)
        os.rename(new_dir, final_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(new_dir, final_dir)


def disconnect_plugins():
    """Disconnect every receiver from Pelican's signals.

    Signals are process-wide: without this, a second build in the same process
    (tests, tools) would still run the plugins of the first one, even ones its
    PLUGINS no longer lists. Each build's plugins connect again in register().
    """
    from blinker import Signal
    from pelican.plugins import signals

    for value in vars(signals).values():
        if isinstance(value, Signal):
            for receiver in list(value.receivers_for(Signal.ANY)):
                value.disconnect(receiver)


def build(settings_file="pelicanconf.py", overrides=None, quiet=True):
    """Build the site; return the output path. Raises BuildFailed listing every error."""
    from pelican import Pelican
    from pelican.settings import read_settings

    import strict

    strict.reset()
    collector = _Collector("", quiet=quiet)
    root = logging.getLogger()
    saved_level = root.level
    root.addHandler(collector)
    root.setLevel(logging.WARNING)
    tmp = None
    try:
        try:
            settings = read_settings(os.path.abspath(settings_file), override=_absolute(overrides))
        except Exception as exc:  # missing file, syntax error in the settings ...
            in_settings = [f for f in traceback.extract_tb(exc.__traceback__)
                           if f.filename == os.path.abspath(settings_file)]
            where = (f"{_rel(exc.filename)}:{exc.lineno}" if isinstance(exc, SyntaxError)
                     else f"{_rel(settings_file)}:{in_settings[-1].lineno}" if in_settings
                     else _rel(settings_file))
            raise BuildFailed([f"{where}: cannot read settings: {type(exc).__name__}: {exc}"]) from None
        collector.content_path = settings["PATH"]
        final = os.path.abspath(settings["OUTPUT_PATH"])
        os.makedirs(os.path.dirname(final), exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=os.path.basename(final) + ".tmp-", dir=os.path.dirname(final))
        settings["OUTPUT_PATH"] = tmp
        settings["DEBUG"] = True  # so Pelican passes exceptions to the log, not just their file
        chatter = io.StringIO()  # Pelican's own "Done: ..." line
        disconnect_plugins()
        try:
            with contextlib.redirect_stdout(chatter):
                Pelican(settings).run()
        except strict.StopBuild:
            pass  # content errors, reported below
        except Exception as exc:  # a theme or plugin bug: say where, briefly
            collector.errors.append(f"{_where(exc)}: {type(exc).__name__}: {exc}")
        errors = [str(e) for e in strict.errors()] + collector.errors
        if errors:
            raise BuildFailed(errors)
        swap_into_place(tmp, final)
        done = " ".join(chatter.getvalue().split())
        if done and not quiet:
            print(done)
        return final
    finally:
        disconnect_plugins()
        root.removeHandler(collector)
        root.setLevel(saved_level)
        if tmp and os.path.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.build", description=__doc__.split("\n")[0])
    parser.add_argument("settings", nargs="?", default="pelicanconf.py",
                        help="settings file (pelicanconf.py or publishconf.py)")
    parser.add_argument("--content", help="content directory instead of the settings' PATH")
    parser.add_argument("--output", help="output directory instead of the settings' OUTPUT_PATH")
    parser.add_argument("-q", "--quiet", action="store_true", help="no warnings, no summary")
    args = parser.parse_args(argv)
    overrides = {}
    if args.content:
        overrides["PATH"] = args.content
    if args.output:
        overrides["OUTPUT_PATH"] = args.output
    start = time.monotonic()
    try:
        out = build(args.settings, overrides, quiet=args.quiet)
    except BuildFailed as failed:
        for line in failed.errors:
            print(line, file=sys.stderr)
        n = len(failed.errors)
        print(f"build failed: {n} error{'s' if n != 1 else ''}; the previous output was left as it was",
              file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"built {_rel(out)}/ in {time.monotonic() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
