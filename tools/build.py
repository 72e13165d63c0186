"""Strict, atomic site build: `python -m tools.build pelicanconf.py`.

The site is plain Pelican with the cnnotes plugins: `pelican content -s pelicanconf.py
-o DIR` writes the same files. This wrapper adds only what Pelican leaves to its
caller:

- strict: every ERROR logged during the build (the plugins' `path:line: message`
  content errors, Pelican's own, a plugin that fails to load or register, a template
  that raises) fails the build, and all of them are listed, not a traceback;
- atomic: Pelican writes into a temp dir beside the output (`output.tmp-XXXX`), which
  replaces output/ in one rename exchange only when the build succeeded. On errors,
  output/ stays exactly as it was and the temp dir is removed;
- readable: the new tree's files are 0644 and its folders 0755, whatever the umask,
  so a web server can serve a copy of it.

What the build renders is kept by content hash in Pelican's CACHE_PATH
(cnnotes.render_cache; `--cache DIR`, `make clean` removes it).

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
DEFAULT_CACHE = os.path.join(ROOT, ".cache", "pelican")


class BuildFailed(Exception):
    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = list(errors)


def _rel(path) -> str:
    path = os.path.abspath(str(path))
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


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


class ErrorCollector(logging.Handler):
    """Collects ERROR records as build errors, each once; prints warnings as they come."""

    def __init__(self, quiet=False):
        super().__init__(logging.WARNING)
        self.content_path = ""
        self.quiet = quiet
        self.errors = []

    def add(self, text):
        if text not in self.errors:
            self.errors.append(text)

    def emit(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a badly formatted log call must not hide the error
            message = str(record.msg)
        if record.levelno < logging.ERROR:
            if not self.quiet:
                print(f"warning: {message}", file=sys.stderr)
            return
        content_error = getattr(record, "content_error", None)
        exc = record.exc_info[1] if record.exc_info else None
        if content_error is not None:
            self.add(str(content_error))
        elif record.msg == "Could not process %s" and record.args:
            path = _rel(os.path.join(self.content_path, str(record.args[0])))
            line = getattr(exc, "line", None) or 1
            self.add(f"{path}:{line}: {type(exc).__name__}: {exc} (at {_where(exc)})" if exc else
                     f"{path}:{line}: could not be read")
        elif exc is not None:
            self.add(f"{_where(exc)}: {message.splitlines()[0]}: {type(exc).__name__}: {exc}")
        else:
            self.add(f"error: {' '.join(message.split())}")


def overrides_from(content=None, output=None) -> dict:
    """The settings that --content and --output replace."""
    overrides = {}
    if content:
        overrides["PATH"] = content
    if output:
        overrides["OUTPUT_PATH"] = output
    return overrides


def _absolute(overrides):
    out = dict(overrides or {})
    for key in ("PATH", "OUTPUT_PATH", "THEME", "CACHE_PATH"):
        if isinstance(out.get(key), str):
            out[key] = os.path.abspath(out[key])
    return out


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: str, b: str) -> bool:
    """Swap two paths in one atomic step (renameat2 RENAME_EXCHANGE); False if the
    kernel or the file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b),
                              _RENAME_EXCHANGE) == 0
    except (AttributeError, OSError):
        return False


def swap_into_place(new_dir: str, final_dir: str) -> str | None:
    """Put new_dir at final_dir, atomically where the kernel can. Returns where the old
    tree now is (for the caller to remove), or None when there was none."""
    if not os.path.isdir(final_dir):
        os.rename(new_dir, final_dir)
        return None
    if _exchange(new_dir, final_dir):
        return new_dir  # the old tree, now at new_dir's path
    old = tempfile.mkdtemp(prefix=os.path.basename(final_dir) + ".old-", dir=os.path.dirname(final_dir))
    os.rmdir(old)
    os.rename(final_dir, old)
    os.rename(new_dir, final_dir)
    return old


def remove_tree(path):
    shutil.rmtree(path, ignore_errors=True)


def make_readable(tree: str) -> None:
    """Folders 0755 and files 0644 (0755 if executable): what a web server can serve."""
    os.chmod(tree, 0o755)
    for folder, dirs, files in os.walk(tree):
        for name in dirs:
            os.chmod(os.path.join(folder, name), 0o755)
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755 if os.stat(path).st_mode & 0o100 else 0o644)


def disconnect_plugins():
    """Disconnect every receiver from Pelican's signals and the plugins' own (blinker's
    named signals).

    Signals are process-wide: without this, a second build in the same process
    (tests, tools) would still run the plugins of the first one, even ones its
    PLUGINS no longer lists. Each build's plugins connect again in register().
    """
    from blinker import Signal, default_namespace
    from pelican.plugins import signals

    for value in [*vars(signals).values(), *default_namespace.values()]:
        if isinstance(value, Signal):
            for receiver in list(value.receivers_for(Signal.ANY)):
                value.disconnect(receiver)


def _read_settings(settings_file, overrides):
    from pelican.settings import read_settings

    try:
        return read_settings(os.path.abspath(settings_file), override=_absolute(overrides))
    except Exception as exc:  # missing file, syntax error in the settings ...
        in_settings = [f for f in traceback.extract_tb(exc.__traceback__)
                       if f.filename == os.path.abspath(settings_file)]
        where = (f"{_rel(exc.filename)}:{exc.lineno}" if isinstance(exc, SyntaxError)
                 else f"{_rel(settings_file)}:{in_settings[-1].lineno}" if in_settings
                 else _rel(settings_file))
        raise BuildFailed([f"{where}: cannot read settings: {type(exc).__name__}: {exc}"]) from None


def build(settings_file="pelicanconf.py", overrides=None, quiet=True, cache=DEFAULT_CACHE,
          discard=remove_tree):
    """Build the site; return the output path. Raises BuildFailed listing every error.

    cache: the render cache's folder (Pelican's CACHE_PATH); None: a fresh one, removed
    after the build, so everything is rendered. discard(path) removes the output the new
    one replaced (tools.serve does it after telling the browser)."""
    from pelican import Pelican

    from cnnotes.strict import StopBuild

    collector = ErrorCollector(quiet=quiet)
    root = logging.getLogger()
    saved_level = root.level
    root.addHandler(collector)
    root.setLevel(logging.WARNING)
    tmp = throwaway_cache = None
    try:
        if cache is None:
            cache = throwaway_cache = tempfile.mkdtemp(prefix="render-cache-")
        overrides = dict(overrides or {}, CACHE_PATH=cache)
        settings = _read_settings(settings_file, overrides)
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
        except StopBuild:
            pass  # the errors that stopped it are collected
        except Exception as exc:  # a theme or plugin bug: say where, briefly
            collector.add(f"{_where(exc)}: {type(exc).__name__}: {exc}")
        if collector.errors:
            raise BuildFailed(collector.errors)
        make_readable(tmp)
        old = swap_into_place(tmp, final)
        tmp = None
        if old is not None:
            discard(old)
        done = " ".join(chatter.getvalue().split())
        if done and not quiet:
            print(done)
        return final
    finally:
        disconnect_plugins()
        root.removeHandler(collector)
        root.setLevel(saved_level)
        for leftover in (tmp, throwaway_cache):
            if leftover and os.path.isdir(leftover):
                shutil.rmtree(leftover, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.build", description=__doc__.split("\n")[0])
    parser.add_argument("settings", nargs="?", default="pelicanconf.py",
                        help="settings file (pelicanconf.py or publishconf.py)")
    parser.add_argument("--content", help="content directory instead of the settings' PATH")
    parser.add_argument("--output", help="output directory instead of the settings' OUTPUT_PATH")
    parser.add_argument("-q", "--quiet", action="store_true", help="no warnings, no summary")
    parser.add_argument("--cache", default=DEFAULT_CACHE,
                        help="render cache directory (default .cache/pelican; `make clean` removes it)")
    parser.add_argument("--no-cache", dest="cache", action="store_const", const=None,
                        help="render everything, neither reading nor keeping a cache")
    args = parser.parse_args(argv)
    overrides = overrides_from(args.content, args.output)
    start = time.monotonic()
    try:
        out = build(args.settings, overrides, quiet=args.quiet,
                    cache=os.path.abspath(args.cache) if args.cache else None)
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
