"""The one problem type: its line format, ordering and the suggestions in its messages."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from briefing.foundation.errors import Problem, Problems, display_path, suggest


def test_a_problem_is_one_line_in_the_contract_format() -> None:
    problem = Problem("facts/d/f.yaml", 3, 5, "fact 'a': id 'x\ny' is not valid")
    assert str(problem) == "facts/d/f.yaml:3:5: error: fact 'a': id 'x\\ny' is not valid"
    assert "\n" not in str(Problem("f.yaml", 1, 1, "a\r\nb", "warning"))


def test_positions_are_one_based_even_when_given_zero() -> None:
    assert str(Problem("f.yaml", 0, 0, "m")) == "f.yaml:1:1: error: m"


def test_paths_are_shown_relative_to_the_current_directory_where_possible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "facts" / "f.yaml") == os.path.join("facts", "f.yaml")
    assert display_path("facts/f.yaml") == "facts/f.yaml"  # as given
    assert display_path("/elsewhere/f.yaml") == "/elsewhere/f.yaml"


def test_problems_are_reported_sorted_and_once() -> None:
    problems = Problems()
    problems.warning("b.yaml", 2, 1, "w")
    problems.error("a.yaml", 9, 1, "e2")
    problems.error("a.yaml", 10, 1, "e3")
    problems.error("a.yaml", 9, 1, "e2")
    assert [str(p) for p in problems.sorted()] == ["a.yaml:9:1: error: e2", "a.yaml:10:1: error: e3", "b.yaml:2:1: warning: w"]
    assert problems.failed() and len(problems.errors) == 2 and len(problems.warnings) == 1


def test_warnings_fail_only_a_strict_run() -> None:
    problems = Problems()
    problems.warning("a.yaml", 1, 1, "w")
    assert not problems.failed() and problems.failed(strict=True)


def test_a_problem_survives_the_trip_to_a_worker_process() -> None:
    problem = Problem("t.j2", 4, 1, "template: boom", "error")
    assert str(pickle.loads(pickle.dumps(problem))) == str(problem)


@pytest.mark.parametrize(("word", "choices", "hint"), [
    ("sorces", ["sources", "facts"], " (did you mean 'sources'?)"),
    ("rio-time", ["rio-times-2024-10-16", "pyongyang"], " (did you mean 'rio-times-2024-10-16'?)"),
    ("zz", ["sources"], ""),
])
def test_suggestions_find_typos_and_ids_typed_short(word: str, choices: list[str], hint: str) -> None:
    assert suggest(word, choices) == hint
