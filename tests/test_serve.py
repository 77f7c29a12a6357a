"""`briefing serve`: builds, serves on 127.0.0.1, rebuilds on change, survives bad facts, stops cleanly.

The preview runs as a real subprocess (as a person starts it), on a free port,
over a copy of the demo facts; the test edits a fact file and watches the
served page change.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from briefing.commands.serve import LIVE_PATH, _changes, inject

ROOT = Path(__file__).resolve().parent.parent
DAY = "2026-11-21"
BRIEF = f"north-korea-russia/{DAY}.html"
OLD_STATEMENT = "statement: North Korea has begun sending troops to back Russian forces."
NEW_STATEMENT = "statement: North Korea has begun sending troops to back Russian forces (edited during preview)."


class Preview:
    """A running `python build.py serve`, its output collected line by line."""

    def __init__(self, *args: str, cwd: Path) -> None:
        command = [sys.executable, str(ROOT / "build.py"), "serve", *args]
        self.process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=self._collect, args=(stream, lines), daemon=True).start()

    @staticmethod
    def _collect(stream: object, lines: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.append(line)

    def url(self) -> str:
        """The address the preview printed, once it is serving."""
        wait_until(lambda: any("http://" in line for line in self.out) or self.process.poll() is not None, "the URL")
        found = [w for line in self.out for w in line.split() if w.startswith("http://127.0.0.1:")]
        assert found, f"no URL printed; stderr: {''.join(self.err)}"
        return found[0]

    def stop(self) -> int:
        """Ctrl-C, as a person would; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=15)
        finally:
            if self.process.poll() is None:
                self.process.kill()


def wait_until(check: Callable[[], object], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def live(url: str) -> dict:
    return json.loads(fetch(url + LIVE_PATH.lstrip("/")))


@pytest.fixture
def preview(tmp_path: Path, demo_copy: Path) -> Iterator[Preview]:
    running = Preview("--port", "0", "--facts", str(demo_copy), "--out", str(tmp_path / "site"),
                      "--as-of", DAY, "--format", "html,md", cwd=tmp_path)
    yield running
    running.stop()


def test_preview_builds_serves_rebuilds_and_stops(preview: Preview, tmp_path: Path, demo_copy: Path) -> None:
    url = preview.url()
    assert url.startswith("http://127.0.0.1:")
    index = fetch(url)
    assert "Situation briefs" in index and LIVE_PATH in index, "the served page carries the reload script"
    assert LIVE_PATH not in (tmp_path / "site" / "index.html").read_text(encoding="utf-8"), "the file on disk does not"
    assert live(url) == {"version": 1, "problems": ""}
    assert "(edited during preview)" not in fetch(url + BRIEF)

    troops = demo_copy / "north-korea-russia" / "troops.yaml"
    troops.write_text(troops.read_text(encoding="utf-8").replace(OLD_STATEMENT, NEW_STATEMENT), encoding="utf-8")
    wait_until(lambda: live(url)["version"] >= 2, "a rebuild after the fact file changed")
    assert "(edited during preview)" in fetch(url + BRIEF)

    troops.write_text("facts:\n  - id: [unclosed\n", encoding="utf-8")
    wait_until(lambda: live(url)["problems"], "the failed build to be reported to the page")
    assert "troops.yaml" in live(url)["problems"]
    assert "(edited during preview)" in fetch(url + BRIEF), "the last good site is still served"

    assert preview.stop() == 0
    err = "".join(preview.err)
    assert "Traceback" not in err and "troops.yaml" in err and "still serving the last good site" in err


def test_preview_hides_build_files_and_serves_markdown_as_text(preview: Preview) -> None:
    url = preview.url()
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(url + ".briefing.lock")
    assert refused.value.code == 404
    with urllib.request.urlopen(url + f"north-korea-russia/{DAY}.md", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/markdown")
        assert response.headers["Cache-Control"] == "no-store"


def test_port_in_use_is_a_clear_error(tmp_path: Path, demo_copy: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        running = Preview("--port", str(port), "--facts", str(demo_copy), "--out", str(tmp_path / "site"), cwd=tmp_path)
        code = running.process.wait(timeout=30)
    wait_until(lambda: running.err, "the error message", timeout=5)
    assert code == 1
    assert any(f"port {port} on 127.0.0.1 is already in use" in line for line in running.err), running.err
    assert "Traceback" not in "".join(running.err)


def test_the_reload_script_goes_before_the_end_of_body() -> None:
    assert inject(b"<html><body><p>x</p></body></html>", b"<script></script>") == b"<html><body><p>x</p><script></script></body></html>"
    assert inject(b"<p>no body</p>", b"<s>") == b"<p>no body</p><s>"


def test_a_failed_rebuild_prints_one_line_and_no_worker_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The preview keeps the last good site; the terminal gets the engine's one line, never a traceback."""
    import datetime as dt

    from briefing.commands.serve import LiveState, rebuild
    from briefing.foundation.options import Options
    from briefing.render.formats import pdf

    def broken(*_args: object, **_kwargs: object) -> bytes:
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(pdf, "pdf_bytes", broken)
    options = Options(facts=ROOT / "facts", out=tmp_path / "out", as_of=(dt.date(2025, 4, 1),), quiet=True)
    assert rebuild(options, LiveState(), loud=False) is False
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "briefing: error: the PDF engine failed on the PDF of north-korea-russia/2025-04-01: RuntimeError: layout exploded" in err


def test_an_edit_right_after_serving_is_announced_is_seen(tmp_path: Path) -> None:
    """"Serving" is printed at the watcher's first word, so an edit made at once is not lost
    (it was, now and then, when the line came before the watcher was in place)."""
    facts = tmp_path / "facts"
    facts.mkdir()
    changes = _changes([facts], tmp_path / "out")
    assert next(changes) == [], "the first word says only that the watcher is in place"
    (facts / "new.yaml").write_text("facts: []\n", encoding="utf-8")
    seen = next(changes)
    while not seen:
        seen = next(changes)
    assert seen == ["new.yaml"]
    changes.close()
