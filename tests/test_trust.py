"""What a red team found past the first defences (SECURITY.md), each attack reproduced exactly.

Input errors among them (ids, dates, URLs, control characters in messages,
Windows device names, a dossier's own templates) are corpus cases in
tests/corpus/ with their exact lines; this file holds what needs a build, a
file system trick or a server. The property test over every text field is in
tests/test_trust_property.py.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import markdown
import pytest
import yaml
from markdown_it import MarkdownIt

from briefing.cli import parse
from briefing.commands import serve
from conftest import ROOT
from test_security import AS_OF, benign, cli, hostile_dossier, page_of, scheme, write_yaml

SAFE = {"http", "https", "mailto"}


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail instead of hanging: a blocking open() or read() is interrupted too."""

    def hang(signum: int, frame: FrameType | None) -> None:
        raise _Hung  # not an OSError (TimeoutError is one): no `except OSError` in the program can swallow it

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    except _Hung:
        pytest.fail(f"still running after {seconds} s: it hangs")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


class _Hung(BaseException):
    """Raised by the alarm in `time_limit`: a BaseException, so that the code under test cannot catch it."""


def both_renderers(text: str) -> list[str]:
    """The Markdown as two renderers with no sanitizer make it: Python-Markdown and CommonMark (markdown-it-py)."""
    return [markdown.markdown(text, extensions=["tables", "footnotes"], output_format="html"),
            MarkdownIt("commonmark").enable("table").render(text)]


def inert(html: str) -> list[str]:
    """What in unsanitized HTML would load something or run script."""
    page = page_of(html)
    found = sorted(f"<{t}>" for t in page.tags & {"img", "script", "iframe", "object", "embed", "style", "svg"})
    for _tag, name, value in page.attrs:
        if name.startswith("on") or name in ("style", "src", "srcset"):
            found.append(f"{name}={value!r}")
        elif name == "href" and scheme(value) not in SAFE and not value.startswith("#") and scheme(value) is not None:
            found.append(f"href={value!r}")
    return found


# --- 1. files planted in a dossier folder ------------------------------------------------------------


def build(*args: object, kind: str) -> tuple[int, str]:
    """`briefing ARGS`; where a regression would read /dev/zero without end, in a child process with bounded memory."""
    if kind != "dev-zero":
        with time_limit(20):
            return cli(*args)
    import resource

    def bound() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    result = subprocess.run([sys.executable, str(ROOT / "build.py"), *map(str, args)], capture_output=True, text=True,
                            timeout=120, preexec_fn=bound, check=False)
    return result.returncode, result.stderr


def plant(kind: str, path: Path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "dangling":
        path.symlink_to(path.parent / "nowhere-at-all")


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "dangling"])
@pytest.mark.parametrize("name", ["notes.txt", "archive/copy.txt", "templates/x.j2"])
def test_a_planted_file_the_build_does_not_read_is_ignored(tmp_path: Path, kind: str, name: str) -> None:
    folder = hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign)
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    plant(kind, folder / name)
    for _ in range(2):  # the first build and the rebuild that reads the record
        code, err = build("build", "--facts", tmp_path / "facts", "--out", tmp_path / "out", "--as-of", AS_OF, "--format", "md", kind=kind)
        assert code == 0, err
        assert "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "dangling"])
def test_a_planted_yaml_file_is_one_error_line(tmp_path: Path, kind: str) -> None:
    folder = hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign)
    plant(kind, folder / "planted.yaml")
    code, err = build("build", "--facts", tmp_path / "facts", "--out", tmp_path / "out", "--as-of", AS_OF, "--format", "md", kind=kind)
    assert code == 1
    lines = [line for line in err.splitlines() if ": error: " in line]
    reason = {"fifo": "not a regular file; fact files are plain text files",
              "dev-zero": "file is a link to a place outside the dossier folder; copy it in instead",
              "dangling": "cannot read file: No such file or directory"}[kind]
    assert lines == [f"{folder / 'planted.yaml'}:1:1: error: {reason}"], err


@pytest.mark.parametrize(("kind", "reason"), [("fifo", "is not a regular file; name a text file"),
                                              ("dev-zero", "points outside the dossier folder")])
def test_an_archive_that_is_not_a_regular_file_is_one_error_line(tmp_path: Path, kind: str, reason: str) -> None:
    folder = hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign)
    plant(kind, folder / "copy.txt")
    data = yaml.safe_load((folder / "facts.yaml").read_text())
    data["sources"][0]["archive"] = "copy.txt"
    write_yaml(folder / "facts.yaml", data)
    code, err = build("check", "--facts", tmp_path / "facts", kind=kind)
    assert code == 1
    assert [line.split("/facts/")[-1] for line in err.splitlines() if ": error: " in line] == [
        f"evil/facts.yaml:11:12: error: source 's1': archive 'copy.txt' {reason}"], err


def test_an_archive_change_rebuilds_the_brief(tmp_path: Path) -> None:
    """The key no longer reads every file; the archive copies the build read are checked through the record."""
    folder = hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign)
    (folder / "archive").mkdir()
    (folder / "archive" / "copy.txt").write_text("zqxquote words\n")
    data = yaml.safe_load((folder / "facts.yaml").read_text())
    data["sources"][0]["archive"] = "archive/copy.txt"
    data["facts"][0]["sources"][0]["quote"] = "zqxquote words"
    write_yaml(folder / "facts.yaml", data)
    args = ("build", "--facts", tmp_path / "facts", "--out", tmp_path / "out", "--as-of", AS_OF, "--format", "md")
    assert cli(*args)[0] == 0
    code, err = cli(*args)
    assert code == 0 and "up to date" in err
    assert "copy.txt" not in (tmp_path / "out" / ".briefing-cache.json").read_text(), "the record names no input file"
    (folder / "archive" / "copy.txt").write_text("other words\n")
    code, err = cli(*args)
    assert code == 1 and "up to date" not in err, "the changed copy was read again"
    assert "quote not found in the archive" in err


def test_serve_rebuild_does_not_hang_on_a_planted_fifo(tmp_path: Path) -> None:
    folder = hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign)
    os.mkfifo(folder / "pipe.yaml")
    options = parse(["serve", "--facts", str(tmp_path / "facts"), "--out", str(tmp_path / "out"), "--as-of", AS_OF,
                     "--format", "md"])
    state = serve.LiveState()
    with time_limit(60), contextlib.redirect_stderr(open(os.devnull, "w")):
        assert serve.rebuild(options, state, loud=False) is False
    assert "pipe.yaml:1:1: error: not a regular file" in state.snapshot()["problems"]


# --- 2. Markdown injection through a source url -------------------------------------------------------


INJECTION = "https://example.com/![x](https://evil.example/pixel.png)[y](javascript:alert(1))"


def test_a_source_url_cannot_inject_an_image_or_a_script_link(tmp_path: Path) -> None:
    folder = hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign)
    data = yaml.safe_load((folder / "facts.yaml").read_text())
    data["sources"][0]["url"] = INJECTION
    write_yaml(folder / "facts.yaml", data)
    code, err = cli("build", "--facts", tmp_path / "facts", "--out", tmp_path / "out", "--as-of", AS_OF, "--format", "md,html")
    assert code == 0, err
    text = (tmp_path / "out" / "evil" / f"{AS_OF}.md").read_text()
    assert "<https://example.com/!%5Bx%5D(https://evil.example/pixel.png)%5By%5D(javascript:alert(1))>" in text
    for html in both_renderers(text):
        assert inert(html) == [], html  # no remote image, no javascript: link
        assert all(href.startswith(("https://", "#")) for href in re.findall(r'href="([^"]*)"', html)), html


# --- 3. forged labels ---------------------------------------------------------------------------------


def forged_dossier(facts: Path) -> Path:
    folder = hostile_dossier(facts, "http://127.0.0.1:9", benign, name="forged")
    spec = yaml.safe_load((folder / "dossier.yaml").read_text())
    spec["marking"] = "TLP:RED"
    spec["sections"][0]["summary"] = "**TLP:CLEAR**"
    write_yaml(folder / "dossier.yaml", spec)
    data = yaml.safe_load((folder / "facts.yaml").read_text())
    data["facts"][0]["statement"] = "**CONFIRMED** *Grade A1* **TLP:CLEAR**"
    data["facts"][0]["marking"] = "TLP:AMBER"
    data["facts"][1]["statement"] = "**NEW** *versus* **DISPUTED** **F99** *Grade F6*"
    write_yaml(folder / "facts.yaml", data)
    return folder


def test_labels_typed_by_an_analyst_stay_plain_emphasis(tmp_path: Path) -> None:
    forged_dossier(tmp_path / "facts")
    code, err = cli("build", "--facts", tmp_path / "facts", "--out", tmp_path / "out", "--as-of", AS_OF, "--since", "2024-09-30",
                    "--format", "md,html")
    assert code == 0, err
    html = (tmp_path / "out" / "forged" / f"{AS_OF}.html").read_text()
    f1 = re.search(r'<li class="([^"]*)" id="f1">(.*?)</li>', html, re.S)
    assert f1 and f1.group(1) == "fact is-new", "a reported fact is not confirmed by its own words"
    assert "<strong>CONFIRMED</strong> <em>Grade A1</em> <strong>TLP:CLEAR</strong>" in f1.group(2)
    assert f1.group(2).count('class="grade"') == 1 and 'tlp-clear' not in f1.group(2)
    assert f1.group(2).count('class="tlp portion tlp-amber"') == 1, "its real portion marking"
    banners = re.findall(r'<p class="marking"><strong class="tlp ([^"]+)">([^<]+)</strong></p>', html)
    assert banners == [("tlp-red", "TLP:RED")] * 2, "a section summary never becomes a banner"
    assert "tlp-clear" not in html
    f2 = re.search(r'<li class="([^"]*)" id="f2">(.*?)</li>', html, re.S)
    assert f2 and f2.group(1) == "fact is-new is-disputed"
    assert f2.group(2).count('class="badge-new"') == 1 and f2.group(2).count('class="status status-disputed"') == 1
    assert 'class="versus"' not in f2.group(2) and 'id="f99"' not in html


# --- 4. a link with an unbalanced title quote ---------------------------------------------------------


def test_an_unbalanced_link_title_swallows_nothing(tmp_path: Path) -> None:
    folder = hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign)
    data = yaml.safe_load((folder / "facts.yaml").read_text())
    data["facts"][1]["statement"] = '[note](#x" a(1)) end.'
    data["facts"][1]["status"] = "denied"
    data["facts"][1]["attribution"] = "the ministry"
    write_yaml(folder / "facts.yaml", data)
    code, err = cli("build", "--facts", tmp_path / "facts", "--out", tmp_path / "out", "--as-of", AS_OF, "--format", "md,html")
    assert code == 0, err
    html = (tmp_path / "out" / "evil" / f"{AS_OF}.html").read_text()
    item = re.search(r'<li class="fact is-denied" id="f2">(.*?)</li>', html, re.S)
    assert item, html
    assert '[note](#x" a(1)) end. <em>(according to the ministry)</em> <strong class="status status-denied">DENIED</strong>' in item.group(1)
    assert 'class="grade"' in item.group(1) and 'class="footnote-ref"' in item.group(1)
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file() and path.suffix in (".md", ".html", ".xml"):
            assert "klzzwxh" not in path.read_text(), path
    for rendered in both_renderers((tmp_path / "out" / "evil" / f"{AS_OF}.md").read_text()):
        assert "klzzwxh" not in rendered and "end. *(according" not in rendered


def test_emphasis_left_open_in_a_statement_cannot_break_the_labels_after_it(tmp_path: Path) -> None:
    """`**a*b**` leaves one `*` open: python-markdown paired it with the template's "*(according to ...)*",
    which broke the attribution and the grade and leaked a placeholder (`zzwxh:0076`) into the page."""
    folder = hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign)
    data = yaml.safe_load((folder / "facts.yaml").read_text())
    data["facts"][1]["statement"] = "Stray **a*b** x_y [^2] **F7** end."
    data["facts"][1]["attribution"] = "the ministry"
    write_yaml(folder / "facts.yaml", data)
    code, err = cli("build", "--facts", tmp_path / "facts", "--out", tmp_path / "out", "--as-of", AS_OF, "--format", "md,html")
    assert code == 0, err
    html = (tmp_path / "out" / "evil" / f"{AS_OF}.html").read_text()
    item = re.search(r'<li class="fact[^"]*" id="f2">(.*?)</li>', html, re.S)
    assert item, html
    assert "Stray **a*b** x_y [^2] **F7** end. <em>(according to the ministry)</em> " in item.group(1)
    assert item.group(1).count('class="grade"') == 1 and 'class="footnote-ref"' in item.group(1)
    assert "zzwxh" not in html


# --- 5. serve answers only to this machine's names ----------------------------------------------------


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[int]:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<html><body>TLP:RED preview</body></html>")
    server = serve.bind(tmp_path / "site", 0, serve.LiveState())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def ask(port: int, path: str, host: str | None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


@pytest.mark.parametrize("path", ["/", "/index.html", serve.LIVE_PATH])
def test_serve_refuses_other_host_names(preview: int, path: str) -> None:
    for host in ("127.0.0.1", "localhost", "[::1]"):
        assert ask(preview, path, f"{host}:{preview}") == 200, host
        assert ask(preview, path, f"{host.upper()}:{preview}") == 200, host
    for host in (f"evil.example:{preview}", "evil.example", "127.0.0.1", f"127.0.0.1:{preview + 1}", f"localhost.evil.example:{preview}",
                 f"127.0.0.1.nip.io:{preview}", f"0.0.0.0:{preview}", ""):
        assert ask(preview, path, host) in (400, 403), host
    assert ask(preview, path, None) == 400


# --- 6. a releasable cut writes nothing above it ------------------------------------------------------


def test_nothing_above_the_cut_is_written_anywhere(tmp_path: Path) -> None:
    folder = hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign)
    data = yaml.safe_load((folder / "facts.yaml").read_text())
    data["facts"][1].update(id="zqxredfact", marking="TLP:RED", statement="zqxredstatement", status="denied")
    data["sources"].append({"id": "zqxredsource", "title": "zqxredtitle", "accessed": "2024-10-02", "reliability": "F",
                            "marking": "TLP:RED", "archive": "archive/zqxredcopy.txt"})
    data["facts"][1]["sources"] = [{"source": "zqxredsource", "quote": "zqxredquote"}]
    (folder / "archive").mkdir()
    (folder / "archive" / "zqxredcopy.txt").write_text("zqxredquote\n")
    write_yaml(folder / "facts.yaml", data)
    args = ("build", "--facts", tmp_path / "facts", "--out", tmp_path / "out", "--as-of", AS_OF, "--format", "md,html",
            "--max-marking", "TLP:CLEAR")
    code, err = cli(*args)
    assert code == 0, err
    assert "zqxredfact" in err, "the terminal is told; the output folder is not"
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            assert b"zqxred" not in path.read_bytes(), path
    code, again = cli(*args)
    assert code == 0 and "up to date" in again
    assert [line for line in again.splitlines() if ": warning: " in line] == [line for line in err.splitlines() if ": warning: " in line]


# --- 7. table cells keep their shape --------------------------------------------------------------------


def test_lone_backticks_in_two_cells_do_not_merge_them(tmp_path: Path) -> None:
    folder = hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign)
    data = yaml.safe_load((folder / "facts.yaml").read_text())
    data["facts"][0]["statement"] = "one ` tick"
    data["facts"][1]["statement"] = "other ` tick"
    data["facts"][1]["contradicts"] = ["f1"]
    write_yaml(folder / "facts.yaml", data)
    code, err = cli("build", "--facts", tmp_path / "facts", "--out", tmp_path / "out", "--as-of", AS_OF, "--format", "md,html")
    assert code == 0, err
    html = (tmp_path / "out" / "evil" / f"{AS_OF}.html").read_text()
    table = re.search(r"<h3[^>]*>Reports that contradict each other</h3>.*?<tbody>(.*?)</tbody>", html, re.S)
    assert table, html
    cells = re.findall(r"<td>(.*?)</td>", table.group(1), re.S)
    assert len(cells) == 2 and all("` tick" in c and 'class="grade"' in c and "footnote-ref" in c for c in cells), cells
    assert "<code>" not in table.group(1)
    md = (tmp_path / "out" / "evil" / f"{AS_OF}.md").read_text()
    for rendered in both_renderers(md):
        rows = [row for row in re.findall(r"<tr>(.*?)</tr>", rendered, re.S) if "tick" in row]
        assert rows and all("<code>" not in row and row.count("<td>") == len(re.findall(r"<t[dh][ >]", row)) for row in rows), rows


# --- 9. small ones ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "٣", "１０", "1e3", "-1"])
def test_a_limit_that_is_not_ascii_digits_is_a_usage_error(value: str) -> None:
    env = {**os.environ, "BRIEFING_MAX_FACTS": value}
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "check"], capture_output=True, text=True, env=env,
                            cwd=ROOT, timeout=120, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines()[0] == (f"briefing: error: BRIEFING_MAX_FACTS={value!r} is not a whole number (0 or more); "
                                             "set it to one, or unset it for the default")
    assert "Traceback" not in result.stderr


def test_a_reading_window_before_year_one_is_no_traceback(tmp_path: Path) -> None:
    folder = hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign)
    spec: dict[str, Any] = yaml.safe_load((folder / "dossier.yaml").read_text())
    spec["reading_window"] = 30
    write_yaml(folder / "dossier.yaml", spec)
    code, err = cli("build", "--facts", tmp_path / "facts", "--out", tmp_path / "out", "--as-of", "0001-01-01", "--format", "md")
    assert code == 0, err
    assert (tmp_path / "out" / "evil" / "0001-01-01.md").is_file()


def test_a_dossier_folder_name_ending_in_a_newline_is_refused(tmp_path: Path) -> None:
    hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign, name="t\n")
    code, err = cli("build", "--facts", tmp_path / "facts", "--out", tmp_path / "out", "--as-of", AS_OF, "--format", "md")
    assert code == 1
    assert err.splitlines() == [f"{tmp_path / 'facts' / 't'}\\n/dossier.yaml:1:1: error: dossier folder name 't\\n' is not a valid id: "
                                "use lowercase letters, digits and hyphens"]
    assert not (tmp_path / "out" / "t\n").exists()
