"""The error types of the project: the user's problems, a failed build step, and the program's own bugs.

Every input stage reports through `Problem` so that a user always sees the same
`path:line:col: severity: message` line, whether YAML, the format or a template
is at fault, and so that one run can report all of them at once. An engine that
fails on valid input is a `BuildStepError` and a bug is an `InternalError`:
neither is ever blamed on a YAML position.
"""

from __future__ import annotations

import bisect
import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning"]


def suggest(word: str, choices: list[str] | tuple[str, ...] | Any) -> str:
    """` (did you mean 'x'?)` for the nearest choice, or nothing when none is near.

    Ids are often typed short (`rio-time` for `rio-times-2024-10-16`), which a
    plain similarity ratio misses, so a choice that starts with the word counts too.
    """
    return Suggester(choices)(word)


CANDIDATES = 8  # rapidfuzz's best matches that difflib then scores
SUGGESTION_SEARCHES = 100  # did-you-mean searches one Suggester budget allows; later unknown names get none


@dataclass
class Budget:
    """How many more suggestion searches a run may make: shared by the suggesters of one dossier."""

    left: int = SUGGESTION_SEARCHES


class Suggester:
    """Did-you-mean over one set of choices, indexed once for many look-ups.

    The choices are sorted once (a prefix is found by bisection) and matched
    with rapidfuzz (C, one pass per word, no Python loop over the choices).
    With a `budget`, at most its number of searches are made: a dossier with
    thousands of misspelt ids gets its first hundred suggested, and stays fast.
    """

    def __init__(self, choices: Any, budget: Budget | None = None) -> None:
        self.options = sorted({str(c) for c in choices})
        self.budget = budget

    def __call__(self, word: Any) -> str:
        word = str(word)
        if self.budget is not None:
            if self.budget.left <= 0:
                return ""
            self.budget.left -= 1
        found = self._closest(word) or self._extension(word)
        return f" (did you mean '{found}'?)" if found else ""

    def _closest(self, word: str) -> str | None:
        """The most similar choice at a difflib ratio of 0.6 or more; of equals, the greatest (as difflib).

        rapidfuzz's ratio counts the longest common subsequence, which is never
        below difflib's matching blocks, so its best few candidates hold
        difflib's answer in practice; difflib then scores only those few.
        """
        from rapidfuzz import fuzz, process  # only when a name is unknown: most runs never need it

        matches = process.extract(word, self.options, scorer=fuzz.ratio, score_cutoff=60, limit=CANDIDATES)
        scored = []
        for choice, _, _ in matches:
            matcher = difflib.SequenceMatcher(None, choice, word)
            if matcher.ratio() >= 0.6:
                scored.append((matcher.ratio(), choice))
        return max(scored, default=(0.0, None))[1]

    def _extension(self, word: str) -> str | None:
        """The first choice (in sorted order) that starts with `word`, for words of three characters or more."""
        if len(word) < 3:
            return None
        i = bisect.bisect_left(self.options, word)
        return self.options[i] if i < len(self.options) and self.options[i].startswith(word) else None


def display_path(path: str | os.PathLike[str]) -> str:
    """The path as a user should see it: relative to the current directory where possible."""
    text = os.fspath(path)
    if not os.path.isabs(text):
        return text
    try:
        rel = os.path.relpath(text)
    except ValueError:  # another drive on Windows
        return text
    return text if rel.startswith(".." + os.sep) or rel == ".." else rel


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0 and C1 controls and DEL, and the bidirectional overrides and isolates that reorder what a terminal shows.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """`text` safe to print on a terminal, on one line: control characters shown as escapes (`\\x1b`, `\\n`).

    Keys, values and folder names quoted from a fact file reach the terminal in
    messages; an ESC there could move the cursor or erase earlier error lines,
    and a line break could forge a line of its own.
    """
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: _ESCAPES.get(m.group(), f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                                                  else f"\\u{ord(m.group()):04x}"), text)


class Problem(Exception):
    """One thing wrong with the input (or a warning), located at file, line and column.

    It is an exception so that a stage deep inside can stop with one, and a plain
    value so that validation can collect hundreds before reporting them together.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        line: int,
        column: int,
        message: str,
        severity: Severity = "error",
    ) -> None:
        super().__init__(message)
        self.path = visible(display_path(path))
        self.line = max(line, 1)
        self.column = max(column, 1)
        self.message = visible(message)
        self.severity: Severity = severity

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, for worker processes
        return (Problem, (self.path, self.line, self.column, self.message, self.severity))

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.message)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


@dataclass
class Problems:
    """Problems gathered over a run, reported sorted by file and line, each once."""

    items: list[Problem] = field(default_factory=list)
    accepted: int = 0  # warnings the dossier accepts (`accept:`): counted, not shown, never failing --strict

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def extend(self, problems: list[Problem] | Problems) -> None:
        if isinstance(problems, Problems):
            self.accepted += problems.accepted
        self.items.extend(problems.items if isinstance(problems, Problems) else problems)

    def error(self, path: str | Path, line: int, column: int, message: str) -> None:
        self.add(Problem(path, line, column, message))

    def warning(self, path: str | Path, line: int, column: int, message: str) -> None:
        self.add(Problem(path, line, column, message, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity == "warning"]

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items), key=Problem.sort_key)

    def failed(self, strict: bool = False) -> bool:
        """True when the run must stop: any error, or with `strict` any warning."""
        return any(p.severity == "error" or strict for p in self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)


class Failure(Exception):
    """Raised to stop a run whose problems were already collected (exit code 1)."""

    def __init__(self, problems: Problems) -> None:
        super().__init__(f"{len(problems.errors)} error(s)")
        self.problems = problems


class UsageError(Exception):
    """The command line itself is wrong (exit code 2)."""


class BuildStepError(Exception):
    """An engine failed on valid input (the PDF engine, the search indexer, the disk): exit 1, never blamed on the YAML.

    `step` names the engine or step, `target` the brief or file it was making;
    the message is what the engine said. The command line prints one line,
    and the traceback only with --debug.
    """

    def __init__(self, step: str, target: str, message: str) -> None:
        super().__init__(f"{step} failed on {target}: {message}")
        self.step, self.target, self.message = step, target, message

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, for worker processes
        return (BuildStepError, (self.step, self.target, self.message))


class InternalError(Exception):
    """A bug in the program itself, not in the user's input: reported as such, with the traceback under --debug."""
