"""Golden corpus of broken dossiers: `check` must report exactly the expected lines.

Each folder under tests/corpus/ is one case: a `facts/` tree (usually one dossier
`facts/d/`) and `expected.txt`, run as `python build.py check` with the case
folder as the current directory. `expected.txt` starts with header lines:

    # exit 1                      the expected exit code (required, first line)
    # args: check --strict        the command line (default: check)
    # limit: max_file_bytes=200   a briefing.foundation.limits.LIMITS field set for this case (repeatable)

followed by the exact standard-error lines, in order. Limits let a case stand
for a huge file, too many values or too many facts without committing big
files. Regenerate after a deliberate change with

    python -m pytest tests/test_corpus.py --update-testdata

(a new case folder needs no expected.txt for that) and review the diff of every
expected.txt before committing: each line must point at the offending node and
say what to do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from briefing.foundation.limits import LIMITS
from conftest import Result

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []
LINE = re.compile(r"^facts/[^:]+:\d+:\d+: (error|warning): .+$")


@dataclass
class Expected:
    """What a case's expected.txt holds."""

    code: int
    args: list[str] = field(default_factory=lambda: ["check"])
    limits: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Expected:
        text = path.read_text(encoding="utf-8").splitlines()
        match = re.fullmatch(r"# exit (\d+)", text[0]) if text else None
        assert match, f"{path}: the first line must be '# exit N'"
        expected = cls(int(match.group(1)))
        for line in text[1:]:
            if line.startswith("# args:"):
                expected.args = line.removeprefix("# args:").split()
            elif line.startswith("# limit:"):
                name, _, value = line.removeprefix("# limit:").strip().partition("=")
                expected.limits[name] = int(value)
            elif line:
                expected.lines.append(line)
        return expected

    def write(self, path: Path, code: int, lines: list[str]) -> None:
        header = [f"# exit {code}"]
        if self.args != ["check"]:
            header.append("# args: " + " ".join(self.args))
        header += [f"# limit: {k}={v}" for k, v in self.limits.items()]
        path.write_text("\n".join([*header, *lines]) + "\n", encoding="utf-8")


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 55


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, update_testdata: bool) -> None:
    if update_testdata and not (case / "expected.txt").exists():  # a new case: its lines come from this run
        Expected(0).write(case / "expected.txt", 0, [])
    expected = Expected.read(case / "expected.txt")
    for name, value in expected.limits.items():
        assert hasattr(LIMITS, name), f"unknown limit {name}"
        monkeypatch.setattr(LIMITS, name, value)
    result = run(*expected.args, cwd=case)
    if update_testdata:
        expected.write(case / "expected.txt", result.code, result.lines)
        return
    assert result.lines == expected.lines
    assert result.code == expected.code
    assert all(LINE.match(line) for line in result.lines), "every line is path:line:col: severity: message"
    assert "Traceback" not in result.err
    again = run(*expected.args, cwd=case)  # the fact files now come from the cache of parsed files: the same lines
    assert (again.lines, again.code) == (result.lines, result.code)
