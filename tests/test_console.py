"""What a person watching the terminal sees: coloured severity words on a terminal only, NO_COLOR, progress lines."""

from __future__ import annotations

import io

import pytest

from briefing.foundation import console

LINE = "facts/d/x.yaml:3:5: warning: fact 'a' is disputed: ... error: not this one [disagreement]"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert console.colour_wanted(Terminal())
    assert not console.colour_wanted(io.StringIO())  # a pipe or a file
    monkeypatch.setenv("NO_COLOR", "1")
    assert not console.colour_wanted(Terminal())
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not console.colour_wanted(Terminal())


def test_only_the_severity_word_is_painted() -> None:
    painted = console.paint(LINE, True)
    assert painted.startswith("facts/d/x.yaml:3:5: \033[1m\033[33mwarning\033[0m: fact 'a'")
    assert painted.count("\033[") == 3 and "error: not this one" in painted  # the message's own words stay plain
    assert console.paint("x.yaml:1:1: error: bad", True) == "x.yaml:1:1: \033[1m\033[31merror\033[0m: bad"
    assert console.paint(LINE, False) == LINE


def test_piped_problem_lines_stay_plain(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    console.problem_line(LINE)
    assert capsys.readouterr().err == LINE + "\n"


def test_progress_line_per_brief_on_builds_of_several() -> None:
    said: list[str] = []
    progress = console.Progress(2, said.append)
    progress.step("d/2024-01-01")
    progress.step("d/2024-01-02")
    assert [line.split(" (")[0] for line in said] == ["[1/2] d/2024-01-01", "[2/2] d/2024-01-02"]
    single: list[str] = []
    console.Progress(1, single.append).step("d/2024-01-01")
    assert single == []
