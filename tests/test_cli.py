"""The command-line contract of `check` (CLI.md): exit codes, message lines, any current directory."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import DEMO, ROOT, Result

Run = Callable[..., Result]
LINE = re.compile(r"^[^:]+:\d+:\d+: (error|warning): .+$")
TRY = "Try 'python build.py --help'."
GOOD = {
    "dossier.yaml": "title: T\nsections:\n  - id: s\n    title: S\n",
    "facts.yaml": "sources:\n  - id: a\n    title: A\n    publisher: P\n    published: 2024\n    accessed: 2024-11-01\n    reliability: B\n"
                  "facts:\n  - id: f\n    section: s\n    statement: F.\n    sources:\n      - source: a\n",
}


def dossier(root: Path, name: str = "d", **files: str) -> Path:
    """Write a dossier `name` under root/facts (valid unless `files` replace its files) and return the facts folder."""
    folder = root / "facts" / name
    folder.mkdir(parents=True, exist_ok=True)
    for file, text in {**GOOD, **files}.items():
        (folder / file).write_text(text)
    return root / "facts"


# --- exit 0 ----------------------------------------------------------------------------------------


def test_check_on_the_demo_exits_0_with_warning_lines_only(run: Run) -> None:
    result = run("check", cwd=ROOT)
    assert result.code == 0
    assert result.lines and all(LINE.match(line) for line in result.lines)
    assert not any(": error: " in line for line in result.lines)
    assert all(line.startswith("facts/north-korea-russia/") for line in result.lines), "paths relative to the current directory"
    summary = result.out.splitlines()[-1]
    assert re.fullmatch(rf"0 error\(s\), {len(result.lines)} warning\(s\), [1-9]\d* accepted", summary), summary
    assert all(line.endswith("[disagreement]") for line in result.lines)  # the demo accepts what it records on purpose


def test_check_of_a_clean_dossier_prints_nothing_on_stderr(run: Run, tmp_path: Path) -> None:
    dossier(tmp_path)
    result = run("check", "--strict", cwd=tmp_path)
    assert (result.code, result.err) == (0, "")
    assert result.out == "d: 1 facts, 1 sources, 0 judgments\n0 error(s), 0 warning(s)\n"


def test_build_py_check_in_a_fresh_interpreter_is_fast_and_never_imports_the_renderers() -> None:
    """`check` must stay cheap: no WeasyPrint, Jinja or Markdown behind it (they cost most of a second to import)."""
    script = (
        "import runpy, sys\n"
        "sys.argv = ['build.py', 'check']\n"
        "try:\n    runpy.run_path('build.py', run_name='__main__')\n"
        "except SystemExit as exc:\n    code = exc.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'jinja2', 'markdown', 'nh3', 'pypdf'))\n"
        "print(code, heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    # Its speed is the benchmark's to measure (`check` next to a bare libyaml load), not a timed test's:
    # what keeps it fast is that none of the renderers is imported.
    assert result.stdout.splitlines()[-1] == "0 []", result.stderr[-2000:]


def test_check_writes_nothing(run: Run, tmp_path: Path) -> None:
    result = run("check", "--facts", str(DEMO), cwd=tmp_path)
    assert result.code == 0
    assert list(tmp_path.iterdir()) == []


# --- any current directory, --facts anywhere ---------------------------------------------------------


def test_check_from_another_directory_with_absolute_facts(run: Run, tmp_path: Path) -> None:
    result = run("check", "--facts", str(DEMO), cwd=tmp_path)
    assert result.code == 0
    assert result.lines and all(line.startswith(f"{DEMO}/north-korea-russia/") for line in result.lines)


def test_check_with_relative_facts_keeps_the_path_as_given(run: Run, tmp_path: Path) -> None:
    dossier(tmp_path / "data", **{"facts.yaml": GOOD["facts.yaml"].replace("section: s", "section: x")})
    (tmp_path / "work").mkdir()
    result = run("check", "--facts", "../data/facts", cwd=tmp_path / "work")
    assert (result.code, result.lines) == (1, ["../data/facts/d/facts.yaml:10:14: error: fact 'f': unknown section 'x'"])


def test_without_facts_here_the_bundled_demo_is_checked(run: Run, tmp_path: Path) -> None:
    result = run("check", cwd=tmp_path)
    assert result.code == 0
    assert result.lines[0] == "No facts/ folder here: using the bundled demo dossier."


# --- exit 1 ---------------------------------------------------------------------------------------


def test_strict_turns_warnings_into_exit_1(run: Run) -> None:
    plain, strict = run("check", cwd=ROOT), run("check", "--strict", cwd=ROOT)
    assert (plain.code, strict.code) == (0, 1)
    assert strict.lines == plain.lines


def test_invalid_facts_exit_1_with_every_problem(run: Run, tmp_path: Path) -> None:
    dossier(tmp_path, "a", **{"facts.yaml": "facts: [\n"})
    dossier(tmp_path, "b", **{"dossier.yaml": "title: T\n"})
    dossier(tmp_path, "c")
    result = run("check", cwd=tmp_path)
    assert result.code == 1
    assert result.lines == [
        "facts/a/facts.yaml:2:1: error: a value is missing here: a '[' or '{' above is not closed, or a ',' has nothing after it",
        "facts/b/dossier.yaml:1:1: error: missing required key 'sections'",
    ]
    assert result.out.splitlines()[-1] == "2 error(s), 0 warning(s)"


def test_only_the_named_dossiers_are_checked(run: Run, tmp_path: Path) -> None:
    dossier(tmp_path, "bad", **{"dossier.yaml": "title: T\n"})
    dossier(tmp_path, "good")
    assert run("check", "good", "good", cwd=tmp_path).code == 0
    assert run("check", "good", "bad", cwd=tmp_path).code == 1


def test_a_dossier_folder_named_badly_is_bad_facts_not_a_bad_command(run: Run, tmp_path: Path) -> None:
    dossier(tmp_path, "Bad_Name")
    result = run("check", cwd=tmp_path)
    assert (result.code, result.lines) == (1, [
        "facts/Bad_Name/dossier.yaml:1:1: error: dossier folder name 'Bad_Name' is not a valid id: use lowercase letters, digits and hyphens",
    ])


# --- exit 2 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (["check", "--bogus"], "unrecognized arguments: --bogus"),
    (["check", "north-korea-rusia"], "unknown dossier 'north-korea-rusia' in facts (did you mean 'north-korea-russia'?)"),
    (["chek"], "unknown dossier 'chek' in facts (did you mean 'check'?)"),
    (["check", "--facts", "nowhere"], "facts folder 'nowhere' does not exist"),
    (["check", "--facts", "facts/north-korea-russia/dossier.yaml"], "facts folder 'facts/north-korea-russia/dossier.yaml' is not a folder"),
    (["build", "--as-of", "2024-13-01"], "argument --as-of: '2024-13-01' is not a date; use YYYY-MM-DD"),
    (["build", "--as-of", "yesterday"], "argument --as-of: 'yesterday' is not a date; use YYYY-MM-DD"),
    (["build", "--since", "2024-02-30"], "argument --since: '2024-02-30' is not a date; use YYYY-MM-DD"),
    (["build", "--format", "docx"], "argument --format: unknown format 'docx'; choose from md, html, pdf"),
    (["build", "--max-marking", "TLP:WHITE"], "argument --max-marking: 'TLP:WHITE' is not a TLP marking; "
                                              "choose from TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED"),
])
def test_command_line_errors_exit_2(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str) -> None:
    monkeypatch.setattr(sys, "argv", ["build.py"])
    (tmp_path / "facts").symlink_to(DEMO)
    result = run(*args, "--out", str(tmp_path / "out"), cwd=tmp_path) if args[0] == "build" else run(*args, cwd=tmp_path)
    assert (result.code, result.lines) == (2, [f"briefing: error: {message}", TRY])
    assert not (tmp_path / "out").exists(), "a bad command line builds nothing"


def test_no_dossiers_is_a_command_line_error(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/briefing"])
    (tmp_path / "facts").mkdir()
    result = run("check", cwd=tmp_path)
    assert (result.code, result.lines) == (2, [
        "briefing: error: no dossiers in facts (a dossier is a folder holding dossier.yaml)", "Try 'briefing --help'.",
    ])


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_return_0(run: Run, flag: str) -> None:
    result = run(flag)
    assert result.code == 0
    assert result.out


# --- errors that are not the user's input ------------------------------------------------------------


def test_a_failed_pdf_engine_is_a_build_step_error_not_a_yaml_position(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers are forked, so the broken engine is theirs too; nothing is written, exit 1."""
    from briefing.render.formats import pdf

    def broken(*_args: object, **_kwargs: object) -> bytes:
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(pdf, "pdf_bytes", broken)
    out = tmp_path / "out"
    result = run("build", "--facts", DEMO, "--out", out, "--as-of", "2025-04-01", "--quiet")
    assert result.code == 1
    assert result.lines[-1] == ("briefing: error: the PDF engine failed on the PDF of north-korea-russia/2025-04-01: "
                                "RuntimeError: layout exploded")
    assert not any(LINE.match(line) and ": error: " in line for line in result.lines), "blamed on an input position"
    assert not out.exists(), "a failed build step wrote something"


def test_a_bug_is_reported_as_one_and_the_traceback_comes_with_debug(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.render import templates, text

    monkeypatch.setattr(templates, "long_date", lambda _day: text.number(None))  # a TypeError inside the package
    args = ["build", "--facts", DEMO, "--out", tmp_path / "out", "--as-of", "2025-04-01", "--format", "md", "--quiet"]
    result = run(*args)
    assert result.code == 70
    lines = [line for line in result.lines if ": warning: " not in line]
    assert lines[0].startswith("briefing: internal error: InternalError: rendering brief.md.j2: TypeError")
    assert lines[1] == "This is a bug in briefing, not in your facts; run again with --debug for the traceback."
    assert "Traceback" not in result.err
    assert "Traceback (most recent call last)" in run(*args, "--debug").err


def test_a_mistake_in_a_users_template_is_still_the_templates_problem(run: Run, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "brief.md.j2").write_text("line one\n{{ brief.as_of | number }}\n", encoding="utf-8")
    result = run("build", "--facts", DEMO, "--out", tmp_path / "out", "--templates", templates, "--as-of", "2025-04-01",
                 "--format", "md", "--quiet")
    assert result.code == 1
    errors = [line for line in result.lines if ": warning: " not in line]
    assert len(errors) == 1 and re.fullmatch(r".*templates/brief\.md\.j2:2:1: error: template: .+", errors[0]), errors


# --- good manners in a shell ---------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["schema"], ["build", "--facts", str(DEMO), "--format", "md", "--as-of", "2025-04-01"]])
def test_output_piped_into_head_ends_quietly(tmp_path: Path, argv: list[str]) -> None:
    if argv[0] == "build":
        argv = [*argv, "--out", str(tmp_path / "out")]
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=tmp_path)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # `| head -1`
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipeError" not in err and "Exception ignored" not in err, err


def test_an_output_folder_that_is_a_dangling_link_is_one_line(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.symlink_to(tmp_path / "nowhere")
    result = run("build", "--facts", DEMO, "--out", out, "--format", "md", "--quiet")
    assert result.code == 2
    assert result.lines[0] == f"briefing: error: output folder '{out}' is a link to '{tmp_path / 'nowhere'}', which does not exist"


def test_an_output_folder_that_cannot_be_made_is_one_line(run: Run, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = run("build", "--facts", DEMO, "--out", tmp_path / "file" / "out", "--format", "md", "--quiet")
    assert result.code == 1
    assert result.lines == [f"briefing: error: writing the output failed on {tmp_path / 'file' / 'out'}: Not a directory"]


def test_a_full_disk_is_one_line_and_leaves_nothing(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    from briefing.publish import transaction

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(transaction.os, "fsync", full)
    out = tmp_path / "out"
    out.mkdir()
    result = run("build", "--facts", DEMO, "--out", out, "--format", "md", "--as-of", "2025-04-01", "--quiet")
    assert result.code == 1
    errors = [line for line in result.lines if ": warning: " not in line]
    assert len(errors) == 1 and errors[0].endswith(": No space left on device"), errors
    assert errors[0].startswith("briefing: error: writing the output failed on ")
    assert sorted(p.name for p in out.iterdir()) == [".briefing.lock"] or list(out.iterdir()) == []


def test_the_command_line_becomes_one_frozen_options_object() -> None:
    import dataclasses
    import datetime as dt

    from briefing.cli import parse
    from briefing.foundation.options import Options

    options = parse(["--as-of", "2025-01-02,2024-12-01", "--format", "html,md", "--max-marking", "tlp:amber", "d1"])
    assert isinstance(options, Options)
    assert options.command == "build" and options.dossiers == ("d1",)
    assert options.as_of == (dt.date(2024, 12, 1), dt.date(2025, 1, 2)) and options.formats == ("md", "html")
    assert options.max_marking == "TLP:AMBER"
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.quiet = True  # type: ignore[misc]
    assert options.replace(quiet=True).quiet and not options.quiet
