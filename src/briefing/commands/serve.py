"""`briefing serve`: preview the published site locally, rebuilt and reloaded on every change.

The output folder is served on 127.0.0.1 by the standard library's HTTP server
in a thread, while the main thread watches the facts and templates (watchfiles)
and rebuilds through the same `commands.build` as `briefing build`, so the
preview is exactly what would be published. Pages served by the preview carry a
small script that polls `/.briefing/live` and reloads when a build finished; the
files on disk never get it. A failed build leaves the last good site in place
(builds are atomic) and the page shows what went wrong.
"""

from __future__ import annotations

import contextlib
import errno
import http.server
import io
import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any, TextIO
from urllib.parse import unquote, urlsplit

from briefing.dossier.workspace import facts_folder
from briefing.foundation import collector
from briefing.foundation.console import report
from briefing.foundation.errors import BuildStepError, Failure, UsageError
from briefing.foundation.layout import TEMP_MARK
from briefing.foundation.options import Options
from briefing.foundation.resources import templates_dir

LIVE_PATH = "/.briefing/live"
HOST = "127.0.0.1"

_RELOAD_SCRIPT = """<script>/* briefing preview only: reload after a rebuild */
(() => {
  const seen = %(version)d;
  let told = false;
  async function poll() {
    let wait = 700;
    try {
      const state = await (await fetch("%(live)s", {cache: "no-store"})).json();
      if (state.version !== seen) { location.reload(); return; }
      if (state.problems && !told) { told = true; tell(state.problems); }
    } catch (error) { wait = 3000; }
    setTimeout(poll, wait);
  }
  function tell(problems) {
    const box = document.createElement("pre");
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:40vh;overflow:auto;margin:0;padding:1rem;" +
      "background:#fff4f4;color:#5c0000;border-top:3px solid #a4161a;font:0.85rem/1.4 monospace;white-space:pre-wrap;z-index:99";
    box.textContent = "Preview: the last build failed, so this is the last good site.\\n\\n" + problems;
    document.body.append(box);
  }
  poll();
})();
</script>
"""


class LiveState:
    """What the open pages poll: a build counter and the problems of the last build, if it failed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.version = 0
        self.problems = ""

    def built(self, problems: str = "") -> None:
        """Record a finished build (failed when `problems` is set); open pages reload."""
        with self._lock:
            self.version += 1
            self.problems = problems

    def snapshot(self) -> dict[str, Any]:
        """A consistent copy: the server threads read while the main thread builds."""
        with self._lock:
            return {"version": self.version, "problems": self.problems}


def inject(page: bytes, script: bytes) -> bytes:
    """`page` with `script` before its last `</body>` (or at the end when it has none)."""
    at = page.lower().rfind(b"</body>")
    return page + script if at < 0 else page[:at] + script + page[at:]


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Static files of the output folder, never cached, HTML pages with the reload script."""

    state: LiveState  # set on the subclass `handler_for` makes

    def parse_request(self) -> bool:
        """Answer only requests addressed to this machine by name: 127.0.0.1, localhost or [::1], with our port.

        A page on a domain that resolves to 127.0.0.1 (DNS rebinding) sends its
        own name as Host; refusing it keeps every preview page (TLP:AMBER and
        RED briefs included) and the live-reload endpoint out of its reach.
        """
        if not super().parse_request():
            return False
        host = self.headers.get("Host")
        if host is None or len(self.headers.get_all("Host") or []) != 1:
            self.send_error(400, "Bad request: one Host header is required")
            return False
        if host.strip().lower() not in allowed_hosts(self.server.server_address[1]):
            self.send_error(403, "Forbidden: the preview answers only to 127.0.0.1, localhost and [::1]")
            return False
        return True

    def do_GET(self) -> None:
        """The live state at LIVE_PATH, files everywhere else."""
        if urlsplit(self.path).path == LIVE_PATH:
            self._send_live()
        else:
            super().do_GET()

    def send_head(self) -> Any:
        """Refuse hidden files (the lock, temp files of a build); inject the script into HTML."""
        url_path = unquote(urlsplit(self.path).path)
        if any(part.startswith(".") for part in url_path.split("/")):
            self.send_error(404, "Not found")
            return None
        path = Path(self.translate_path(self.path))
        if path.is_dir() and url_path.endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            return self._send_page(path)
        return super().send_head()

    def _send_page(self, path: Path) -> io.BytesIO:
        """The page with the reload script, which knows the build it was served from."""
        script = (_RELOAD_SCRIPT % {"version": self.state.snapshot()["version"], "live": LIVE_PATH}).encode()
        body = inject(path.read_bytes(), script)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def _send_live(self) -> None:
        """The state the reload script polls, as JSON."""
        body = json.dumps(self.state.snapshot()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        """Never cached: a preview must show the latest build."""
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def guess_type(self, path: Any) -> str:
        """Markdown as text, so a browser shows it instead of downloading it."""
        if str(path).endswith(".md"):
            return "text/markdown; charset=utf-8"
        return super().guess_type(path)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Only failed requests are worth a line; the page polls every second."""
        if isinstance(code, int) and code >= 400:
            super().log_request(code, size)

    def log_error(self, format: str, *args: Any) -> None:
        """`log_request` already reports the failed request; one line is enough."""


def allowed_hosts(port: int) -> frozenset[str]:
    """The Host headers the preview answers: its loopback names with its port (without it too on port 80)."""
    names = ("127.0.0.1", "localhost", "[::1]")
    return frozenset(f"{name}:{port}" for name in names) | (frozenset(names) if port == 80 else frozenset())


def handler_for(root: Path, state: LiveState) -> Callable[..., PreviewHandler]:
    """A request handler class serving `root` and reporting `state`."""

    class Handler(PreviewHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

    Handler.state = state
    return Handler


def bind(root: Path, port: int, state: LiveState) -> http.server.ThreadingHTTPServer:
    """The preview server on 127.0.0.1 (port 0: any free port); raises OSError when the port is taken."""
    server = http.server.ThreadingHTTPServer((HOST, port), handler_for(root, state))
    server.daemon_threads = True
    return server


# --- building -------------------------------------------------------------------------------


class _Tee(io.TextIOBase):
    """Standard error as usual, and a copy kept to show in the page when the build fails."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.copy = io.StringIO()

    def write(self, text: str) -> int:
        self.copy.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


def rebuild(options: Options, state: LiveState, loud: bool = True, first: bool = False) -> bool:
    """Build once as `briefing build` would; on failure keep the last good site and tell the pages.

    A wrong command line (unknown dossier, bad date) ends the preview when it
    is found by the first build; later it may be a dossier folder being
    renamed, so the preview reports it and waits for the next change.
    """
    from briefing.commands import build

    started = time.perf_counter()
    tee = _Tee(sys.stderr)
    with contextlib.redirect_stderr(tee):
        try:
            code = build.run(options)
        except Failure as exc:
            report(exc.problems)
            code = 1
        except UsageError as exc:
            if first:
                raise
            print(f"briefing: error: {exc}", file=sys.stderr)
            code = 1
        except BuildStepError as exc:
            print(f"briefing: error: {exc}", file=sys.stderr)
            code = 1
        except Exception as exc:  # a bug: a preview outlives one broken build; `briefing build --debug` shows the rest
            print(f"briefing: internal error: {type(exc).__name__}: {exc} (a bug; `briefing build --debug` shows where)",
                  file=sys.stderr)
            code = 1
        finally:
            # A build freezes what it made for speed (collector.no_cyclic_gc); a preview lives on, so it
            # hands the previous build's objects back to the collector before the next one.
            collector.thaw()
    if code == 0:
        state.built()
        if loud:
            print(f"Built in {time.perf_counter() - started:.1f} s; open pages reload.", file=sys.stderr, flush=True)
        return True
    lines = [line for line in tee.copy.getvalue().splitlines() if ": error: " in line or line.startswith("briefing:")]
    state.built("\n".join(lines) or tee.copy.getvalue().strip() or "The build failed; see the terminal.")
    print("The build failed: still serving the last good site.", file=sys.stderr, flush=True)
    return False


# --- watching ---------------------------------------------------------------------------------


def watched_folders(options: Options) -> list[Path]:
    """The folders whose changes call for a rebuild: the facts, the default and the user's templates."""
    folders = [facts_folder(options), templates_dir(), options.templates]
    unique = {p.resolve(): None for p in folders if p is not None and p.is_dir()}
    return list(unique)


def change_filter(out: Path) -> Callable[[Any, str], bool]:
    """Ignore the output folder (a build would trigger itself), temp files and editors' droppings."""
    import watchfiles

    default = watchfiles.DefaultFilter()
    out = out.resolve()

    def accept(change: Any, path: str) -> bool:
        p = Path(path)
        return not p.is_relative_to(out) and not p.name.startswith(TEMP_MARK) and default(change, path)

    return accept


def _changes(folders: list[Path], out: Path) -> Iterator[list[str]]:
    """Names of the files changed, one sorted list per burst of changes, until interrupted.

    An empty list comes every half second without changes: the first one says the
    watcher is in place, so an edit made right after "Serving" is not missed.
    """
    import watchfiles

    for changes in watchfiles.watch(*folders, watch_filter=change_filter(out), yield_on_timeout=True, rust_timeout=500):
        if not changes:
            yield []
            continue
        paths = {Path(path) for _change, path in changes}
        kept = {p for p in paths if p.exists()} or paths  # an editor's short-lived temp files are not news
        yield sorted(p.name for p in kept)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM ends the preview like Ctrl-C does: cleanly, exit 0."""

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --- the command ------------------------------------------------------------------------------


def run(options: Options) -> int:
    """Serve `--out` on 127.0.0.1:`--port`, rebuilding on change, until Ctrl-C or SIGTERM (exit 0).

    Exit 1 when the port cannot be had, 2 (via `UsageError`) when the command
    line is wrong, as `briefing build` would say.
    """
    loud = not options.quiet
    folders = watched_folders(options)
    quiet = options.replace(quiet=True)  # the file list of every rebuild is noise here; problems still print
    state = LiveState()
    try:
        server = bind(options.out, options.port, state)
    except OSError as exc:
        print(f"briefing: error: {_bind_problem(exc, options.port)}", file=sys.stderr)
        return 1
    with server, _sigterm_as_interrupt(), contextlib.suppress(KeyboardInterrupt):
        _run(server, quiet, state, folders, loud)
    print("Stopped.", file=sys.stderr, flush=True)
    return 0


def _run(server: http.server.ThreadingHTTPServer, options: Options, state: LiveState,
         folders: list[Path], loud: bool) -> None:
    """Build, serve in a thread, then rebuild on every change; returns only by an exception."""
    options.out.mkdir(parents=True, exist_ok=True)
    rebuild(options, state, loud, first=True)
    thread = threading.Thread(target=server.serve_forever, name="briefing-preview", daemon=True)
    thread.start()
    announced = False
    try:
        for names in _changes(folders, options.out):
            if not announced:  # the watcher is in place: from now on no edit is missed
                print(f"Serving {options.out} at http://{HOST}:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
                announced = True
            if not names:
                continue
            if loud:
                print(f"Changed: {', '.join(names[:4])}{' ...' if len(names) > 4 else ''}", file=sys.stderr, flush=True)
            rebuild(options, state, loud)
    finally:
        server.shutdown()


def _bind_problem(exc: OSError, port: int) -> str:
    """A person's words for why the preview could not start listening."""
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {HOST} is already in use; stop what uses it or pick another with --port (0 picks a free one)"
    if exc.errno == errno.EACCES:
        return f"not allowed to listen on port {port}; pick one above 1023 with --port"
    return f"cannot listen on {HOST}:{port}: {exc.strerror or exc}"
