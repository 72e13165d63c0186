"""Serve the site while writing: `python -m tools.serve --host 127.0.0.1 --port 8000`.

Builds (strict, atomic: tools.build, with the render cache), serves output/, watches content/,
theme/, plugins/, labs/*/record.json and the settings file, rebuilds on change and
makes open pages reload. A failed build keeps the last good output/ and shows its
`path:line: message` list over the page until the next good build.

Builds run in a warm builder process (WarmBuilder): it has imported Pelican, the
plugins, Markdown and the rest once, and forks a fresh child for each build, so a
rebuild pays neither the imports nor any state left by the previous build. An edit
to code the builder has loaded (plugins/, tools/, labs/*.py, the settings) starts a
new builder first, so edited plugins take effect.

The reload hook exists only here: HTML responses get one <script> injected
before </body>; the files in output/ are exactly what `make html` writes. When a
rebuild was caused by stylesheets alone, open pages swap their stylesheets in place
(no reload: scroll position, open details and form state stay); any other change
reloads them.
"""
import argparse
import fnmatch
import functools
import http.server
import io
import json
import os
import queue
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELOAD_PATH = "/__reload__"
RELOAD_SCRIPT_PATH = "/__reload__.js"
# What the warm builder loaded (the code the render cache digests): editing one of these
# starts a new builder.
CODE_DIRS = ("plugins", "tools")
CODE_GLOBS = ("tools/*.py", "labs/*.py")
WATCHED_DIRS = ("content", "theme", "plugins")
WATCHED_GLOBS = ("labs/*/record.json", *CODE_GLOBS)

RELOAD_JS = """// tools/serve.py: reload when a new build is ready; show build errors meanwhile.
const me = document.currentScript || document.querySelector('script[data-build]');
const servedBuild = Number(me && me.dataset.build);
let shownBuild = servedBuild;
const source = new EventSource("%(events)s");
// Load each same-site stylesheet again (a new query defeats caches); the old <link>
// goes once the new one has loaded, so the page never shows unstyled.
function swapStylesheets(build) {
  for (const old of document.querySelectorAll('link[rel~="stylesheet"][href]')) {
    const url = new URL(old.href, location.href);
    if (url.origin !== location.origin) continue;
    url.searchParams.set("__build", build);
    const fresh = old.cloneNode();
    fresh.href = url.href;
    fresh.addEventListener("load", () => old.remove(), { once: true });
    fresh.addEventListener("error", () => fresh.remove(), { once: true });
    old.after(fresh);
  }
}
function overlay(errors) {
  let box = document.getElementById("__build_errors__");
  if (!errors) { if (box) box.remove(); return; }
  if (!box) {
    box = document.createElement("div");
    box.id = "__build_errors__";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;z-index:99999;" +
      "background:#2b0b0e;color:#ffd7d9;font:13px/1.5 ui-monospace,monospace;padding:12px 16px;" +
      "border-top:3px solid #ff6b6b;white-space:pre-wrap";
    document.body.append(box);
  }
  box.textContent = "Build failed (output/ still holds the last good build):\\n\\n" + errors.join("\\n");
}
source.addEventListener("build", (event) => {
  const build = JSON.parse(event.data);
  if (!build.ok) { overlay(build.errors); return; }
  overlay(null);
  if (build.page_id > servedBuild) { location.reload(); return; }  // more than CSS changed
  if (build.id !== shownBuild) { swapStylesheets(build.id); shownBuild = build.id; }
});
"""


class BuildState:
    """The latest build's id, success and errors; waiters are woken on each new build.
    `page_id`: the last build that changed more than stylesheets (a page served before
    it must reload; one served after it only swaps its stylesheets)."""

    def __init__(self):
        self.id = 0
        self.page_id = 0
        self.ok = True
        self.errors = []
        self.cond = threading.Condition()

    def publish(self, ok, errors, css_only=False):
        with self.cond:
            self.id += 1
            if not (css_only and ok and self.ok):  # after a failed build: reload
                self.page_id = self.id
            self.ok = ok
            self.errors = errors
            self.cond.notify_all()

    def _state(self):
        return {"id": self.id, "page_id": self.page_id, "ok": self.ok, "errors": self.errors}

    def snapshot(self):
        with self.cond:
            return self._state()

    def wait_newer(self, seen, timeout):
        with self.cond:
            self.cond.wait_for(lambda: self.id != seen, timeout=timeout)
            return self._state()


def stylesheets_only(paths) -> bool:
    """Whether a change touched stylesheets and nothing else (pages can keep them)."""
    return bool(paths) and all(path.endswith(".css") for path in paths)



def _build_args(options):
    from tools.build import overrides_from

    return options.settings, overrides_from(options.content, options.output)


def builder_main(options):
    """The warm builder (`python -m tools.serve --builder ...`): import everything once,
    then for each line on stdin fork a child that builds and answers one JSON line
    {"ok", "errors", "took"} on stdout. Warnings go to stderr as they come."""
    import importlib
    import json as json_lib

    from tools import build

    settings_file, overrides = _build_args(options)
    try:  # the plugins and the Markdown extensions, imported now rather than per build
        from pelican.settings import read_settings

        settings = read_settings(os.path.join(ROOT, settings_file), override=build._absolute(overrides))
        for name in settings.get("PLUGINS", []):
            importlib.import_module(str(name))
        for name in settings.get("MARKDOWN", {}).get("extension_configs", {}):
            importlib.import_module(name)
        from cnnotes.render_cache import code_digest

        code_digest()  # the code this builder loaded: a new builder starts when it changes
    except Exception:  # the build itself reports what is wrong
        pass
    out = sys.stdout
    for _ in sys.stdin:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the build, in a copy of this warm process
            os.close(read_end)
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # its "Done" line: not into the answers
            start = time.monotonic()
            replaced = []  # the previous output: removed once the answer is out
            try:
                out = build.build(settings_file, overrides, quiet=False, discard=replaced.append)
                result = {"ok": True, "errors": [], "output": out}
            except build.BuildFailed as failed:
                result = {"ok": False, "errors": failed.errors}
            except BaseException as e:  # noqa: BLE001 - a bug: say it, as a build error
                result = {"ok": False, "errors": [f"tools.build: {type(e).__name__}: {e}"]}
            result["took"] = time.monotonic() - start
            with os.fdopen(write_end, "w") as f:
                f.write(json_lib.dumps(result))
            for path in replaced:
                build.remove_tree(path)
            os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end) as f:
            answer = f.read()
        out.write((answer or json_lib.dumps({"ok": False, "errors": ["the build process died"]})) + "\n")
        out.flush()
        os.waitpid(pid, 0)  # after the answer: the child removes the replaced output meanwhile
    return 0


class WarmBuilder:
    """The builder process serve talks to; restarted when the code it loaded changes."""

    def __init__(self, options):
        self.options = options
        self.proc = None
        self.output = None  # the output directory, as the last good build said

    def _start(self):
        extra = ["--settings", self.options.settings]
        if self.options.content:
            extra += ["--content", self.options.content]
        if self.options.output:
            extra += ["--output", self.options.output]
        self.proc = subprocess.Popen([sys.executable, "-m", "tools.serve", "--builder", *extra],
                                     cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)

    def stop(self):
        if self.proc is not None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()  # by its handle: the process we started
                self.proc.wait()
            self.proc = None

    def restart(self):
        self.stop()
        self._start()

    def build(self):
        """(ok, error lines) of one build."""
        for attempt in (1, 2):
            if self.proc is None or self.proc.poll() is not None:
                self._start()
            try:
                self.proc.stdin.write("build\n")
                self.proc.stdin.flush()
                line = self.proc.stdout.readline()
            except (BrokenPipeError, OSError):
                line = ""
            if line:
                result = json.loads(line)
                self.output = result.get("output") or self.output
                return result["ok"], result["errors"]
            self.proc = None  # it died: once more with a new one
        return False, ["the builder process died (see the messages above)"]


def code_changed(paths) -> bool:
    """Whether a change needs a new builder (code it imported, or the settings)."""
    for path in paths:
        rel = os.path.relpath(path, ROOT)
        if rel.endswith(".py") and (rel.split(os.sep)[0] in CODE_DIRS or
                                    any(fnmatch.fnmatch(rel, g) for g in CODE_GLOBS)
                                    or "/" not in rel):
            return True
    return False


def _show(path):
    rel = os.path.relpath(path, ROOT)
    return path if rel.startswith("..") else rel


def watched_dirs(options):
    dirs = [os.path.join(ROOT, d) for d in WATCHED_DIRS]
    if options.content:
        dirs[0] = os.path.abspath(options.content)
    return dirs


def is_watched(options, path) -> bool:
    """Whether a change to path makes a build: anything under the watched folders but
    editors' scratch files, the files of WATCHED_GLOBS, the settings file."""
    name = os.path.basename(path)
    if name.startswith(".") or name.endswith((".pyc", "~", ".swp", ".swx", ".tmp")) or name == "4913":
        return False  # hidden, compiled, or an editor's scratch file (vim writes "4913")
    if "__pycache__" in path.split(os.sep):
        return False
    if any(path.startswith(d + os.sep) for d in watched_dirs(options)):
        return True
    rel = os.path.relpath(path, ROOT)
    return rel == options.settings or any(fnmatch.fnmatch(rel, g) for g in WATCHED_GLOBS)


# A change is taken once the watched files have been quiet this long (an editor saving
# several files, or renaming a temporary file over the post, is one change).
QUIET_MS = 30
SETTINGS_POLL_SECONDS = 0.2


class FileChanges:
    """Sets of changed paths, as they happen: the kernel's notifications (watchfiles) for
    the watched folders and for labs/ and tools/ (filtered by WATCHED_GLOBS), and the
    settings file's time, polled (a file replaced on save loses its own notification).
    start() returns once the folders are watched; iterating yields the changes."""

    def __init__(self, options, stop):
        self.options, self.stop = options, stop
        self.found = queue.Queue()
        self.watching = threading.Event()

    def start(self, timeout=30):
        for watcher in (self._notified, self._settings_polled):
            threading.Thread(target=watcher, daemon=True).start()
        self.watching.wait(timeout)

    def _notified(self):
        import watchfiles

        roots = [d for d in {*watched_dirs(self.options), os.path.join(ROOT, "labs"), os.path.join(ROOT, "tools")}
                 if os.path.isdir(d)]
        # with yield_on_timeout, the first (empty) answer says the folders are watched
        for changes in watchfiles.watch(*roots, watch_filter=lambda _, path: is_watched(self.options, path),
                                        stop_event=self.stop, step=QUIET_MS, debounce=1600,
                                        rust_timeout=100, yield_on_timeout=True, raise_interrupt=False):
            self.watching.set()
            if changes:
                self.found.put({path for _, path in changes})

    def _settings_polled(self):
        path = os.path.join(ROOT, self.options.settings)
        last = _mtime(path)
        while not self.stop.wait(SETTINGS_POLL_SECONDS):
            if _mtime(path) != last:
                last = _mtime(path)
                self.found.put({path})

    def __iter__(self):
        while not self.stop.is_set():
            try:
                changed = self.found.get(timeout=0.5)
            except queue.Empty:
                continue
            while not self.found.empty():  # what else happened meanwhile: one build for all
                changed |= self.found.get_nowait()
            yield sorted(changed)


def _mtime(path):
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def watch_and_build(changes, state, builder):
    """Rebuild on each change to the watched files (a started FileChanges)."""
    for changed in changes:
        start = time.monotonic()
        if code_changed(changed):
            builder.restart()
        ok, errors = builder.build()
        took = time.monotonic() - start
        what = f" ({_show(changed[0])}" + (f" and {len(changed) - 1} more)" if len(changed) > 1 else ")")
        print(("rebuilt" if ok else "build FAILED") + f" in {took:.2f} s{what}", flush=True)
        for line in errors:
            print("  " + line, flush=True)
        state.publish(ok, errors, css_only=stylesheets_only(changed))


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files from output/, with the reload script injected into HTML."""

    state: BuildState = None

    def log_message(self, fmt, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == RELOAD_PATH:
            return self._events()
        if path == RELOAD_SCRIPT_PATH:
            body = (RELOAD_JS % {"events": RELOAD_PATH}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        return super().do_GET()

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # redirect to the slash form
            path = os.path.join(path, "index.html")
        if path.endswith(".html") and os.path.isfile(path):
            return self._html(path, 200)
        if not os.path.exists(path):
            not_found = os.path.join(self.directory, "404.html")
            if os.path.isfile(not_found):
                return self._html(not_found, 404)
        return super().send_head()

    def _html(self, path, status):
        with open(path, "rb") as f:
            body = f.read()
        tag = (f'<script src="{RELOAD_SCRIPT_PATH}" data-build="{self.state.id}"></script>').encode()
        at = body.rfind(b"</body>")
        body = body[:at] + tag + body[at:] if at >= 0 else body + tag
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def _events(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        build = self.state.snapshot()
        try:
            while True:
                self.wfile.write(f"event: build\ndata: {json.dumps(build)}\n\n".encode())
                self.wfile.flush()
                seen = build["id"]
                build = self.state.wait_newer(seen, timeout=15)
                if build["id"] == seen:
                    self.wfile.write(b": keep-alive\n\n")  # notice closed connections
                    self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


def output_dir(options):
    if options.output:
        return os.path.abspath(options.output)
    from pelican.settings import read_settings

    return os.path.abspath(read_settings(os.path.join(ROOT, options.settings))["OUTPUT_PATH"])


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.serve", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--content", help="content directory instead of the settings' PATH")
    parser.add_argument("--output", help="output directory instead of the settings' OUTPUT_PATH")
    parser.add_argument("--builder", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for key in ("content", "output"):
        if getattr(args, key):
            setattr(args, key, os.path.abspath(getattr(args, key)))
    if args.builder:
        return builder_main(args)

    state = BuildState()
    builder = WarmBuilder(args)
    stop = threading.Event()
    changes = FileChanges(args, stop)
    changes.start()  # before the first build: an edit made during it builds again
    start = time.monotonic()
    ok, errors = builder.build()
    for line in errors:
        print(line, file=sys.stderr)
    print(("built" if ok else "build FAILED") + f" in {time.monotonic() - start:.2f} s", flush=True)
    state.publish(ok, errors)
    out = builder.output or output_dir(args)  # read from the settings only if it failed
    os.makedirs(out, exist_ok=True)

    handler = functools.partial(type("BoundHandler", (Handler,), {"state": state}), directory=out)
    try:
        server = http.server.ThreadingHTTPServer((args.host, args.port), handler)
    except OSError as e:
        print(f"cannot listen on {args.host}:{args.port}: {e.strerror} "
              f"(another `make serve`? try PORT=8001)", file=sys.stderr)
        return 1
    server.daemon_threads = True
    watcher = threading.Thread(target=watch_and_build, args=(changes, state, builder), daemon=True)
    watcher.start()
    host, port = server.server_address[:2]
    watched = ", ".join(_show(d) for d in watched_dirs(args))
    print(f"serving {_show(out)}/ on http://{host}:{port}/ "
          f"(watching {watched}, {', '.join(WATCHED_GLOBS)}; Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        builder.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
