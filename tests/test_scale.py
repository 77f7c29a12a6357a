"""No super-linear path: each input shape that once took minutes costs about what loading its YAML costs.

Every test times one shape against the fixed cost of the same work on a plain
dossier of the same size (loading it, or building its brief), measured in the
same run, and fails when the shape costs ten times more. A quadratic path
at these sizes costs a hundred times more, so the bound catches it on any
machine, fast or loaded, without flaking on noise.
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from briefing.brief.select import select_brief
from briefing.dossier.dossier import Dossier
from briefing.dossier.validate import load_dossier
from briefing.foundation.collector import no_cyclic_gc
from briefing.foundation.errors import SUGGESTION_SEARCHES, Problems
from briefing.render.templates import environment, render_brief, render_registers

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import shapes

BOUND = 10  # a shape may cost this many times the plain dossier's fixed cost


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def load(folder: Path) -> tuple[float, Dossier | None, Problems]:
    problems = Problems()
    seconds, dossier = timed(lambda: load_dossier(folder, problems))
    return seconds, dossier, problems


def plain_load(tmp_path: Path, facts: int) -> float:
    """The fixed cost: loading a dossier of `facts` plain facts in one section."""
    seconds, _, _ = load(shapes.many_sections(tmp_path / "plain", sections=1, facts=facts))
    return seconds


def messages(problems: Problems, severity: str) -> list[str]:
    return [str(p) for p in problems.items if f": {severity}: " in str(p)]


def test_figures_over_years_give_one_warning_per_cluster(tmp_path: Path) -> None:
    """The issue's dossier: 2,500 figure facts on 20 metrics over three years once gave 208,218 warnings."""
    base = plain_load(tmp_path, 4000)
    seconds, dossier, problems = load(shapes.figures_over_years(tmp_path / "d", facts=4000, clashes=24))
    assert dossier is not None
    warnings = messages(problems, "warning")
    assert len(warnings) == 24, warnings[:3]
    assert all(w.endswith("the brief shows them side by side [disagreement]") and " report 2 values " in w for w in warnings), warnings[0]
    assert seconds < BOUND * base, (seconds, base)
    brief = select_brief(dossier, dt.date(2026, 6, 30))
    text = render_brief(brief, environment(), ("md",)).markdown
    table = text.split("### Figures that disagree", 1)[1].split("\n\n")[1]
    rows = table.splitlines()[2:]
    assert len(rows) == 10, "the ten most recent"
    months = [r.split(" | ")[1] for r in rows]  # the clashes fall in January to September 2023; the newest come first
    assert months[:4] == ["September 2023", "August 2023", "August 2023", "August 2023"] and months[-1] == "May 2023"
    assert "*versus*" in rows[0]
    assert "And 14 more disagreements on figures, for earlier periods, in the [fact register]" in text
    register = "".join(data.decode() for _, data in render_registers(brief, environment()))
    assert register.count('<li class="disagreement">') == 24


def test_a_metric_tracked_for_years_without_clash_gives_no_warning(tmp_path: Path) -> None:
    _, _, problems = load(shapes.figures_over_years(tmp_path / "d", facts=2000, clashes=0))
    assert messages(problems, "warning") == []


def test_one_contested_metric_is_one_disagreement(tmp_path: Path) -> None:
    """2,000 different values on one metric for overlapping dates: 98 s and 1.67 GB before, one warning now."""
    base = plain_load(tmp_path, 2000)
    seconds, _, problems = load(shapes.one_metric_contested(tmp_path / "d", facts=2000))
    warnings = messages(problems, "warning")
    assert len(warnings) == 1
    assert "fact 'f0' and 1999 others report 2000 values for metric 'm'" in warnings[0]
    assert seconds < BOUND * base, (seconds, base)


def test_a_long_supersession_chain_is_checked_in_one_pass(tmp_path: Path) -> None:
    """A chain of 4,000 facts took 190 s (the cycle check was cubic)."""
    base = plain_load(tmp_path, 3000)
    seconds, dossier, problems = load(shapes.supersession_chain(tmp_path / "d", facts=3000))
    assert dossier is not None and problems.items == []
    assert seconds < BOUND * base, (seconds, base)


def test_a_long_supersession_cycle_is_reported_once(tmp_path: Path) -> None:
    folder = shapes.supersession_chain(tmp_path / "d", facts=3000)
    text = (folder / "facts-001.yaml").read_text(encoding="utf-8")
    (folder / "facts-001.yaml").write_text(text.replace("  - id: f0\n", "  - id: f0\n    supersedes: f2999\n", 1), encoding="utf-8")
    _, _, problems = load(folder)
    errors = messages(problems, "error")
    assert len(errors) == 1
    assert "fact 'f0': 'supersedes' forms a cycle: f0 -> f2999 -> f2998 -> " in errors[0] and errors[0].endswith(" -> f2 -> f1 -> f0")


def test_many_misspelt_ids_are_suggested_through_an_index(tmp_path: Path) -> None:
    """4,000 misspelt ids in one judgment took over five minutes (difflib against every id, per id)."""
    base = plain_load(tmp_path, 2000)
    seconds, _, problems = load(shapes.misspelt_ids(tmp_path / "d", facts=2000))
    errors = messages(problems, "error")
    assert len(errors) == 2000
    assert errors[0].endswith("unknown fact 'reprt-00000-troops' (did you mean 'report-00000-troops'?)")
    assert sum("did you mean" in e for e in errors) == SUGGESTION_SEARCHES  # a fixed number of searches per run
    assert seconds < BOUND * base, (seconds, base)


def test_a_huge_sexagesimal_number_is_refused_at_the_scanner(tmp_path: Path) -> None:
    """A 2 MB base-60 integer took 135 s and showed Python's own limit message."""
    base = plain_load(tmp_path, 100)
    seconds, _, problems = load(shapes.huge_number(tmp_path / "d", size=1_500_000))
    errors = messages(problems, "error")
    assert len(errors) == 1 and "error: '1:0:0:0:0:0:0:0:0:0:...' is too long to be a number (1,499,999 characters); put it in quotes" in errors[0]
    assert "set_int_max_str_digits" not in errors[0]
    assert seconds < BOUND * max(base, 0.5), (seconds, base)  # the file's own scan dominates: half a second at most


@pytest.mark.slow
def test_many_sections_times_many_facts_render_linearly(tmp_path: Path) -> None:
    """6,000 sections and 6,000 facts took 38 s to build as Markdown and HTML (check: 0.9 s).

    The brief's Markdown, its HTML page and the fact register, as `build` renders
    them: about what the same facts cost in one section, and twice the time for
    twice the sections and facts (quadratic would be four times). Each timing is
    the best of three, so that a busy machine does not decide.
    """
    env = environment()

    def build(folder: Path) -> float:
        _, dossier, _ = load(folder)
        assert dossier is not None

        def render() -> None:
            brief = select_brief(dossier, dt.date(2026, 6, 30))
            rendered = render_brief(brief, env, ("md", "html"))
            assert rendered.html.count('class="part part-section-') == len(brief.sections)
            list(render_registers(brief, env))

        def once() -> float:
            with no_cyclic_gc():  # as `build` renders
                seconds, _ = timed(render)
            gc.unfreeze()  # the collector back for the rest of the tests
            return seconds

        return min(once() for _ in range(3))

    build(shapes.many_sections(tmp_path / "warm", sections=10, facts=100))  # templates compiled once, outside the timing
    base = build(shapes.many_sections(tmp_path / "one", sections=1, facts=2000))
    seconds = build(shapes.many_sections(tmp_path / "many", sections=2000, facts=2000))
    doubled = build(shapes.many_sections(tmp_path / "twice", sections=4000, facts=4000))
    assert seconds < 3 * base, (seconds, base)  # a section costs about what a fact costs, not ten
    assert doubled < 2.7 * seconds, (doubled, seconds)
