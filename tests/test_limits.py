"""Resource limits: oversized or absurd input is one clear `path:line:col: error:` line, fast (docs/limits.md)."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from briefing.cli import main
from briefing.foundation.limits import LIMITS, Limits, invalid_settings

ROOT = Path(__file__).resolve().parent.parent
FAST = 2.0  # seconds: a limit is only useful if hitting it is quick


def cli(*args: object) -> tuple[int, str, float]:
    """Run the command line in-process: exit code, standard error, seconds taken."""
    err = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([str(a) for a in args])
    return code, err.getvalue(), time.perf_counter() - started


def fact(i: int, statement: str = "A plain statement.") -> dict[str, object]:
    return {"id": f"f{i}", "section": "main", "statement": statement, "sources": [{"source": "s1"}]}


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    """A small valid dossier: dossier.yaml, one source, one fact."""
    folder = tmp_path / "facts" / "limits"
    folder.mkdir(parents=True)
    (folder / "dossier.yaml").write_text("title: Limits\nsections:\n  - id: main\n    title: Main\n", encoding="utf-8")
    write(folder / "facts.yaml", [fact(0)])
    return folder


def write(path: Path, facts: list[dict[str, object]]) -> Path:
    source = {"id": "s1", "title": "A source", "publisher": "P", "published": "2024-01-01", "accessed": "2024-01-02", "reliability": "B"}
    path.write_text(yaml.safe_dump({"sources": [source], "facts": facts}, sort_keys=False, width=10**9), encoding="utf-8")
    return path


def errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": error: " in line]


def check_fails(dossier: Path, pattern: str) -> str:
    """`check` exits 1, quickly, with an error line matching `pattern` and no traceback."""
    code, err, seconds = cli("check", "--facts", dossier.parent)
    assert code == 1, err
    assert seconds < FAST, f"took {seconds:.1f} s"
    assert "Traceback" not in err
    assert any(re.search(pattern, line) for line in errors(err)), err
    assert all(re.match(r"^\S.*:\d+:\d+: error: ", line) for line in errors(err)), err
    return err


def test_the_small_dossier_is_valid(dossier: Path) -> None:
    code, err, _ = cli("check", "--facts", dossier.parent)
    assert code == 0, err


def test_file_over_the_size_limit(dossier: Path) -> None:
    big = dossier / "big.yaml"
    with big.open("wb") as fh:  # sparse: the size is what counts, the bytes are never read
        fh.write(b"facts: []\n")
        fh.truncate(LIMITS.max_file_bytes + 1)
    check_fails(dossier, rf"big\.yaml:1:1: error: file is {LIMITS.max_file_bytes + 1:,} bytes, over the limit .*BRIEFING_MAX_FILE_BYTES")


def test_statement_over_the_length_limit(dossier: Path) -> None:
    write(dossier / "facts.yaml", [fact(0, "x" * (LIMITS.max_text_chars + 1))])
    check_fails(dossier, rf"facts\.yaml:\d+:\d+: error: fact 'f0': (statement: )?text is {LIMITS.max_text_chars + 1:,} characters, over the limit")


def test_more_facts_than_the_limit(dossier: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LIMITS, "max_facts", 20)
    write(dossier / "facts.yaml", [fact(i) for i in range(21)])
    check_fails(dossier, r"dossier\.yaml:1:1: error: dossier has 21 facts, over the limit of 20 .*BRIEFING_MAX_FACTS")


def test_too_many_files(dossier: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LIMITS, "max_files", 5)
    for i in range(6):
        (dossier / f"more-{i}.yaml").write_text("facts: []\n", encoding="utf-8")
    check_fails(dossier, r"dossier\.yaml:1:1: error: dossier has 7 YAML files, over the limit of 5 .*BRIEFING_MAX_FILES")


def test_too_many_values_in_one_file(dossier: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LIMITS, "max_nodes", 1_000)
    (dossier / "wide.yaml").write_text("facts: [" + ", ".join(["x"] * 2_000) + "]\n", encoding="utf-8")
    check_fails(dossier, r"wide\.yaml:1:\d+: error: file has more than 1,000 values .*BRIEFING_MAX_NODES")


@pytest.mark.parametrize("shape", ["flow", "block", "mixed"])
def test_deep_nesting(dossier: Path, shape: str) -> None:
    depth = 100_000 if shape == "flow" else 1_500
    if shape == "flow":
        text = "facts: " + "[" * depth + "]" * depth + "\n"
    elif shape == "block":
        text = "facts:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, depth)) + " " * depth + "x: 1\n"
    else:
        text = "facts:\n  " + "- " * 100 + "x\n"  # shallow enough for the parser, too deep for the format
    (dossier / "deep.yaml").write_text(text, encoding="utf-8")
    check_fails(dossier, r"deep\.yaml:\d+:\d+: error: (data nested more than \d+ levels deep|YAML syntax)")


def test_archive_over_the_size_limit(dossier: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LIMITS, "max_archive_bytes", 1_000)
    (dossier / "archive").mkdir()
    (dossier / "archive" / "s1.txt").write_text("word " * 300, encoding="utf-8")
    data = yaml.safe_load((dossier / "facts.yaml").read_text(encoding="utf-8"))
    data["sources"][0]["archive"] = "archive/s1.txt"
    (dossier / "facts.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    check_fails(dossier, r"facts\.yaml:\d+:\d+: error: source 's1': archive is over the limit of 1,000 bytes")


def test_a_missing_quote_in_an_archive_at_the_limit_is_reported_fast(dossier: Path) -> None:
    """The closest-passage hint for a quote that is not there must not cost minutes on a large archive."""
    (dossier / "archive").mkdir()
    words = ("troops", "shells", "treaty", "drones", "report", "border", "winter", "supply")
    count = LIMITS.max_archive_bytes // 7 - 10  # every word is six letters and a space: just under the limit
    text = " ".join(words[(i * 7 + i // 3) % len(words)] for i in range(count))
    (dossier / "archive" / "s1.txt").write_text(text, encoding="utf-8")
    data = yaml.safe_load((dossier / "facts.yaml").read_text(encoding="utf-8"))
    data["sources"][0]["archive"] = "archive/s1.txt"
    data["facts"][0]["sources"][0]["quote"] = "a sentence that the archive does not hold anywhere at all"
    (dossier / "facts.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    check_fails(dossier, r"facts\.yaml:\d+:\d+: error: fact 'f0': quote not found")


def test_limits_are_adjustable_from_the_environment(dossier: Path) -> None:
    statement = "A statement longer than forty characters, but well within the default."
    write(dossier / "facts.yaml", [fact(0, statement)])
    command = [sys.executable, str(ROOT / "build.py"), "check", "--facts", str(dossier.parent)]
    assert subprocess.run(command, capture_output=True, timeout=60, check=False).returncode == 0
    env = {**os.environ, "BRIEFING_MAX_TEXT_CHARS": "40"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode == 1
    assert re.search(rf"facts\.yaml:\d+:\d+: error: fact 'f0': (statement: )?text is {len(statement)} characters, over the limit of 40 ",
                     result.stderr), result.stderr


def test_environment_values_are_whole_numbers_with_spaces_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_MAX_TEXT_CHARS", " 123 ")
    monkeypatch.setenv("BRIEFING_MAX_FILES", "0")
    monkeypatch.setenv("BRIEFING_MAX_FACTS", "")  # empty: as if unset
    limits = Limits.from_environment()
    assert (limits.max_text_chars, limits.max_files, limits.max_facts) == (123, 0, Limits().max_facts)
    assert invalid_settings() == []


@pytest.mark.parametrize("value", ["lots", "-3", "1e6", "100k"])
def test_a_limit_that_is_not_a_whole_number_stops_the_command(value: str, dossier: Path) -> None:
    write(dossier / "facts.yaml", [fact(0, "A statement.")])
    command = [sys.executable, str(ROOT / "build.py"), "check", "--facts", str(dossier.parent)]
    env = {**os.environ, "BRIEFING_MAX_FACTS": value}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (f"briefing: error: BRIEFING_MAX_FACTS={value!r} is not a whole number (0 or more); "
                                             "set it to one, or unset it for the default")


def test_every_limit_is_documented_with_its_default() -> None:
    doc = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    defaults = Limits()
    for field in dataclasses.fields(Limits):
        name = "BRIEFING_" + field.name.upper()
        assert name in doc, name
        value = getattr(defaults, field.name)
        shown = {f"{value:,}", str(value), f"{value // 1024 // 1024} MiB" if value % (1024 * 1024) == 0 else "-"}
        row = next(line for line in doc.splitlines() if name in line and "|" in line)
        assert any(s in row for s in shown), (name, row)
    code_vars = set()
    for path in (ROOT / "src" / "briefing").glob("*.py"):
        code_vars |= set(re.findall(r"BRIEFING_[A-Z_]+", path.read_text(encoding="utf-8")))
    undocumented = {v for v in code_vars if v not in doc and not v.endswith("_")}
    assert not undocumented, undocumented
