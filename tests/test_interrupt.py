"""Killed, concurrent and failing builds never leave a broken or half-new output folder (SECURITY.md).

Builds run as real subprocesses (`python3 build.py build ...`) so that SIGKILL
can land anywhere: while validating, while WeasyPrint renders the PDF, in the
middle of the renames. Afterwards every published file must be one of the two
known versions, whole.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from briefing.foundation.layout import LOCK_NAME, SEARCH_DIR, TEMP_MARK
from briefing.publish.transaction import locked

assert LOCK_NAME.startswith(".briefing") and TEMP_MARK.startswith(".briefing")

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "facts"
AS_OF = "2025-05-01"
BOOKKEEPING = ".briefing"  # the lock, temp files and the rebuild cache: not published


def build_command(facts: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "build", "--facts", str(facts), "--out", str(out), *extra]


def run_build(facts: Path, out: Path, *extra: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(build_command(facts, out, *extra), capture_output=True, text=True, timeout=timeout, check=False)


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (as None) below `folder`, by relative path."""
    if not folder.exists():
        return {}
    found: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        found[rel] = None if path.is_dir() and not path.is_symlink() else path.read_bytes()
    return found


def published(folder: Path) -> dict[str, bytes | None]:
    """The snapshot without the build's own bookkeeping (lock, temp files, cache) and the search index.

    The index's files are named by their content's hash, so two versions of
    the site hold different names; `assert_whole` checks it instead.
    """
    return {k: v for k, v in snapshot(folder).items()
            if not Path(k).name.startswith(BOOKKEEPING) and Path(k).parts[0] != SEARCH_DIR}


def assert_search_index_whole(out: Path) -> None:
    """Every file the search index's entry names is there: old fragments stay until a new entry no longer needs them."""
    entry = out / SEARCH_DIR / "pagefind-entry.json"
    if not entry.is_file():
        return
    for language in json.loads(entry.read_text(encoding="utf-8"))["languages"].values():
        assert (out / SEARCH_DIR / f"pagefind.{language['hash']}.pf_meta").is_file(), language


def assert_whole(out: Path) -> None:
    """Every brief, index and feed in `out` is complete: PDFs parse, pages end, the feed and cache parse."""
    from pypdf import PdfReader

    assert_search_index_whole(out)

    for path in out.rglob("*"):
        if path.name.startswith(TEMP_MARK) or not path.is_file():
            continue
        if path.suffix == ".pdf":
            assert len(PdfReader(path).pages) > 0, path
        elif path.suffix == ".html":
            assert path.read_text(encoding="utf-8").rstrip().endswith("</html>"), path
        elif path.suffix == ".xml":
            ET.parse(path)
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))


def two_versions(tmp_path: Path) -> tuple[Path, Path]:
    """The demo facts (version A) and a copy with a different dossier title (version B)."""
    facts_a, facts_b = tmp_path / "a" / "facts", tmp_path / "b" / "facts"
    shutil.copytree(DEMO, facts_a)
    shutil.copytree(DEMO, facts_b)
    spec_path = facts_b / "north-korea-russia" / "dossier.yaml"
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    spec["title"] = "Changed: " + spec["title"]
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return facts_a, facts_b


def kill_group(proc: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """SIGKILL the build and any worker it forked; it may have finished a moment ago."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


# A build that dies abruptly (no cleanup, like SIGKILL) right after its first `after` renames.
DIE_IN_COMMIT = """
import os, sys
sys.path.insert(0, {src!r})
from briefing.cli import main
real, done = os.replace, [0]
def replace(*args, **kwargs):
    if done[0] == {after}:
        os._exit(137)
    done[0] += 1
    return real(*args, **kwargs)
os.replace = replace
sys.exit(main({argv!r}))
"""


def assert_old_or_new(out: Path, versions: list[dict[str, bytes | None]], note: str) -> None:
    assert_whole(out)
    state = published(out)
    assert set(state) in (set(versions[0]), set(versions[1])), f"files appeared or vanished {note}"
    for name, data in state.items():
        assert data in (versions[0][name], versions[1][name]), f"{name} is neither the old nor the new version {note}"


@pytest.mark.slow
def test_sigkill_at_any_moment_leaves_old_or_new_files_never_broken(tmp_path: Path) -> None:
    facts_a, facts_b = two_versions(tmp_path)
    started = time.perf_counter()
    for facts, out in ((facts_a, tmp_path / "ref-a"), (facts_b, tmp_path / "ref-b")):
        result = run_build(facts, out, "--as-of", AS_OF, "--quiet")
        assert result.returncode == 0, result.stderr
    duration = (time.perf_counter() - started) / 2
    versions = [published(tmp_path / "ref-a"), published(tmp_path / "ref-b")]
    assert versions[0] != versions[1]
    out = tmp_path / "out"
    shutil.copytree(tmp_path / "ref-a", out)

    seed = random.randrange(10**6)
    rng = random.Random(seed)
    span = min(duration * 1.1, 4.0) - 0.05  # from start-up through the PDF to just after the last rename
    delays = [0.05 + (i + rng.random()) * span / 6 for i in range(6)]  # one kill in each sixth of a build
    rng.shuffle(delays)
    for i, delay in enumerate(delays):
        facts = (facts_b, facts_a)[i % 2]
        proc = subprocess.Popen(build_command(facts, out, "--as-of", AS_OF, "--quiet", "--no-cache"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        kill_group(proc)
        assert_old_or_new(out, versions, f"(seed {seed}, kill {i} after {delay:.2f} s)")

    # Timing rarely lands inside the renames themselves, so die there on purpose too.
    for after in (1, 4):
        argv = ["build", "--facts", str(facts_b if after == 1 else facts_a), "--out", str(out), "--as-of", AS_OF,
                "--quiet", "--no-cache"]  # every format: a page links only the formats its build made
        script = DIE_IN_COMMIT.format(src=str(ROOT / "src"), after=after, argv=argv)
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 137, result.stderr
        assert_old_or_new(out, versions, f"(died after {after} renames)")
        assert list(out.rglob(f"{TEMP_MARK}*")), "the dying build should have left staged files behind"

    result = run_build(facts_b, out, "--as-of", AS_OF, "--quiet")
    assert result.returncode == 0, result.stderr
    assert not list(out.rglob(f"{TEMP_MARK}*")), "a later build must clean up leftover temp files"
    assert published(out) == versions[1]


def test_a_second_build_waits_for_the_lock(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with locked(out, quiet=True):
        proc = subprocess.Popen(build_command(DEMO, out, "--as-of", AS_OF, "--format", "md"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
        time.sleep(1.5)
        try:
            assert proc.poll() is None, "the build did not wait for the lock"
            assert not list(out.rglob("*.md")), "the build wrote while another held the lock"
        except BaseException:
            kill_group(proc)
            raise
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Waiting for another build" in err
    assert (out / "north-korea-russia" / f"{AS_OF}.md").is_file()


def test_two_builds_at_once_both_succeed_and_lose_nothing(tmp_path: Path) -> None:
    """Builds of two different days into one folder at once: both exit 0 and the site lists both briefs."""
    out = tmp_path / "out"
    days = ("2025-04-01", AS_OF)
    procs: list[subprocess.Popen[str]] = []
    gate = threading.Barrier(2)

    def start(day: str) -> None:
        gate.wait()
        procs.append(subprocess.Popen(build_command(DEMO, out, "--as-of", day, "--format", "md,html"),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))

    threads = [threading.Thread(target=start, args=(day,)) for day in days]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    assert_whole(out)
    assert not list(out.rglob(f"{TEMP_MARK}*"))
    for day in days:
        assert (out / "north-korea-russia" / f"{day}.html").is_file()
        assert f"{day}.html" in (out / "north-korea-russia" / "index.html").read_text(encoding="utf-8")
        assert day in (out / "feed.xml").read_text(encoding="utf-8")


# --- a failing run changes nothing ---------------------------------------------------------------


@pytest.fixture
def built_once(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the demo facts and an output folder holding one good build of it."""
    facts = tmp_path / "facts"
    shutil.copytree(DEMO, facts)
    out = tmp_path / "out"
    result = run_build(facts, out, "--as-of", "2025-04-01", "--format", "md,html")
    assert result.returncode == 0, result.stderr
    return facts, out


@pytest.mark.parametrize("breakage", ["yaml", "reference", "template"])
def test_a_failing_build_leaves_the_output_folder_byte_for_byte(built_once: tuple[Path, Path], breakage: str) -> None:
    facts, out = built_once
    dossier = facts / "north-korea-russia"
    if breakage == "yaml":
        (dossier / "troops.yaml").write_text("facts:\n  - id: [unclosed\n", encoding="utf-8")
    elif breakage == "reference":
        text = (dossier / "troops.yaml").read_text(encoding="utf-8")
        (dossier / "troops.yaml").write_text(text.replace("section: troops", "section: no-such-section", 1), encoding="utf-8")
    else:  # renders fine up to the template; a second, new dossier makes the first stage its files
        shutil.copytree(dossier, facts / "a-new-dossier")
        (dossier / "templates").mkdir()
        (dossier / "templates" / "brief.md.j2").write_text("{{ no_such_variable.attribute }}\n", encoding="utf-8")
    before = snapshot(out)
    for command in ("check", "build"):
        extra = ["--as-of", AS_OF, "--format", "md,html"] if command == "build" else []
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), command, "--facts", str(facts), *(
            ["--out", str(out)] if command == "build" else []), *extra], capture_output=True, text=True, timeout=60, check=False)
        if breakage == "template" and command == "check":
            continue  # templates are not part of check
        assert result.returncode == 1, (command, result.stderr)
        assert ": error: " in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert snapshot(out) == before, f"a failing {command} changed the output folder"


def test_a_failing_build_into_a_new_folder_leaves_no_folder(tmp_path: Path) -> None:
    facts = tmp_path / "facts"
    shutil.copytree(DEMO, facts)
    (facts / "north-korea-russia" / "broken.yaml").write_text("facts: [\n", encoding="utf-8")
    out = tmp_path / "new" / "out"
    result = run_build(facts, out, "--as-of", AS_OF, "--format", "md")
    assert result.returncode == 1, result.stderr
    assert not out.exists()


# --- signals: a clean end, nothing left behind ---------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_a_build_ends_it_cleanly(tmp_path: Path, signum: int) -> None:
    """SIGTERM or Ctrl-C to the whole process group (as a terminal or a service manager sends it):
    a non-zero status, no traceback from the build or any PDF worker, no staged file left."""
    out = tmp_path / "out"
    proc = subprocess.Popen(build_command(DEMO, out, "--as-of", AS_OF, "--jobs", "2", "--as-of", f"{AS_OF},2025-04-01"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 30
    while not list(out.rglob(f"{TEMP_MARK}*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # until the build has staged its first files
    os.killpg(proc.pid, signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0, err
    assert "Traceback" not in err, err
    assert "interrupted; nothing half-written was left behind" in err
    assert not list(out.rglob(f"{TEMP_MARK}*")), "staged files left behind"


def test_ctrl_c_between_a_temp_file_and_its_listing_leaves_no_temp_file(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The signal test found it now and then: Ctrl-C landing after a temp file was made, before the
    transaction listed it. Here it lands there every time."""
    from briefing.publish import transaction

    made = transaction._temp_beside

    def interrupted(path: Path, data: bytes) -> Path:
        made(path, data)
        raise KeyboardInterrupt

    txn = transaction.Transaction(tmp_path)
    txn.stage(tmp_path / "dossier" / "a.md", b"first")
    monkeypatch.setattr(transaction, "_temp_beside", interrupted)
    with pytest.raises(KeyboardInterrupt):
        txn.stage(tmp_path / "dossier" / "b.md", b"second")
    txn.rollback()
    assert not list(tmp_path.rglob(f"{TEMP_MARK}*"))
    assert not (tmp_path / "dossier").exists(), "the folder the transaction made goes too"


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_a_child_process_renders_ends_the_build_cleanly(tmp_path: Path, signum: int) -> None:
    """A big dossier is loaded and rendered in a child process (briefs.APART_BYTES, forced here): a signal to
    the process group while it stages its files leaves none of them, and no traceback."""
    out = tmp_path / "out"
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from briefing.publish import briefs; briefs.APART_BYTES = 0; "
            "from briefing.cli import main; sys.exit(main(sys.argv[2:]))")
    proc = subprocess.Popen([sys.executable, "-c", code, str(ROOT / "src"), "build", "--facts", str(DEMO), "--out", str(out),
                             "--as-of", f"{AS_OF},2025-04-01,2026-11-21"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 30
    while not list(out.rglob(f"{TEMP_MARK}*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # until the child has staged its first files
    os.killpg(proc.pid, signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0, err
    assert "Traceback" not in err, err
    assert not list(out.rglob(f"{TEMP_MARK}*")), "staged files left behind"
