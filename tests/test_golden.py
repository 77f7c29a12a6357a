"""Golden briefs: the demo and the fixture dossier rendered to Markdown and HTML, compared byte for byte.

A change to the templates, the selection or the Markdown pipeline shows up here
as a diff a reviewer can read. After an intended change, regenerate with

    python3 -m pytest tests/test_golden.py --update-testdata

and review `git diff tests/golden` before committing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from briefing.brief.numbering import Numbering
from briefing.brief.select import select_brief
from briefing.dossier.dossier import Dossier
from briefing.dossier.validate import load_dossier
from briefing.foundation.errors import Problems
from briefing.render import templates as render
from conftest import DEMO

GOLDEN = Path(__file__).parent / "golden"
FIXTURE = Path(__file__).parent / "fixtures" / "facts"
NUMBERS = Path(__file__).parent / "fixtures" / "numbers"


@dataclass(frozen=True)
class Case:
    """One brief: a dossier as of a day, optionally since a day and cut at a marking."""

    facts: Path
    dossier: str
    as_of: str
    since: str | None = None
    max_marking: str | None = None
    numbers: str | None = None  # a fact numbering file (tests/fixtures/numbers/) earlier briefs left in the folder

    @property
    def name(self) -> str:
        parts = [self.as_of]
        if self.since:
            parts.append(f"since-{self.since}")
        if self.max_marking:
            parts.append(self.max_marking.lower().replace(":", "-").replace("+", "-"))
        if self.numbers:
            parts.append("numbered")
        return f"{self.dossier}/{'_'.join(parts)}"


CASES = [
    Case(DEMO, "north-korea-russia", "2026-11-21"),
    Case(DEMO, "north-korea-russia", "2024-12-01", since="2024-10-01"),
    Case(FIXTURE, "harbour", "2023-12-31"),  # before anything is known: an empty brief
    Case(FIXTURE, "harbour", "2024-01-15"),
    Case(FIXTURE, "harbour", "2024-02-20", since="2024-01-15"),
    Case(FIXTURE, "harbour", "2024-03-31", since="2024-02-29"),
    Case(FIXTURE, "harbour", "2024-04-30", since="2024-03-31"),
    Case(FIXTURE, "harbour", "2024-04-30", since="2024-03-31", max_marking="TLP:CLEAR"),
    # The analysis rules (format 1.1), one day for each:
    # estimate, supersession per metric, highlights, key events;
    Case(FIXTURE, "strait", "2024-01-15", since="2024-01-08"),
    # due for review, agreeing values merged, a publication window, a month after a day inside it;
    Case(FIXTURE, "strait", "2024-02-05", since="2024-01-15"),
    # revision, resolutions and the track record, weak basis, disagreeing values set against each other;
    Case(FIXTURE, "strait", "2024-02-20", since="2024-02-05"),
    # support withheld from a releasable cut;
    Case(FIXTURE, "strait", "2024-02-20", since="2024-02-05", max_marking="TLP:CLEAR"),
    # stable numbers: the backfilled storm warning gets the next number, the others keep theirs.
    Case(FIXTURE, "strait", "2024-03-10", since="2024-02-20", numbers="strait.json"),
    Case(DEMO, "north-korea-russia", "2024-10-20"),
    Case(DEMO, "north-korea-russia", "2025-06-01", since="2024-10-20"),
    Case(DEMO, "north-korea-russia", "2026-11-21", since="2025-06-01"),
]

_loaded: dict[Path, Dossier] = {}


def _dossier(folder: Path) -> Dossier:
    if folder not in _loaded:
        problems = Problems()
        dossier = load_dossier(folder, problems)
        assert dossier is not None and not problems.errors, problems.errors
        _loaded[folder] = dossier
    return _loaded[folder]


def rendered(case: Case) -> render.Rendered:
    """The brief exactly as `build` writes it (same environment, same assets path)."""
    day = dt.date.fromisoformat
    numbering = Numbering.load((NUMBERS / case.numbers).read_bytes()) if case.numbers else None
    brief = select_brief(_dossier(case.facts / case.dossier), day(case.as_of),
                         day(case.since) if case.since else None, case.max_marking, numbering)
    return render.render_brief(brief, render.environment([]), ("md", "html"))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_golden(case: Case, update_testdata: bool) -> None:
    out = rendered(case)
    for suffix, text in ((".md", out.markdown), (".html", out.html)):
        path = GOLDEN / (case.name + suffix)
        if update_testdata:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            continue
        assert path.is_file(), f"no golden file {path}: run pytest --update-testdata and review the diff"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"{path.name} differs from the golden file; if intended, run pytest --update-testdata and review git diff"
    if update_testdata:
        pytest.skip(f"golden files of {case.name} rewritten: review `git diff tests/golden` before committing")


def test_rendering_twice_gives_the_same_bytes() -> None:
    """Reproducible: nothing in Markdown or HTML depends on the clock, hash order or memory addresses."""
    case = next(c for c in CASES if c.since and c.dossier == "harbour")
    first, second = rendered(case), rendered(case)
    assert first.markdown == second.markdown and first.html == second.html
