"""The format's rules of time, status and disagreement: when a fact is known, what it says on a day,
which figures cannot both hold. Pure data in, data out, shared by `check` and every brief.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from briefing.dossier.model import Fact, Figure, Source, When
from briefing.foundation.scales import marking_rank

if TYPE_CHECKING:
    from briefing.dossier.dossier import Dossier

ABOUT = 0.10  # "about" a value covers +/- 10 % of it when figures are compared

__all__ = ["marking_rank"]


def known_from(fact: Fact, sources: dict[str, Source]) -> dt.date | None:
    """The day a fact became known: its earliest source's publication (else access) day, counted from its last day."""
    days = [source_day(sources[c.source]) for c in fact.sources if c.source in sources]
    return min(days) if days else None


def source_day(source: Source) -> dt.date:
    return (source.published or source.accessed).last


def status_on(fact: Fact, day: dt.date) -> str:
    """The fact's status as of `day`: until its `status_date` (its last day) it was only reported."""
    if fact.status_date is not None and fact.status_date.last > day:
        return "reported"
    return fact.status


def _final_status(fact: Fact) -> str:
    return fact.status


# --- figures and disagreements ---------------------------------------------------------


def figure_range(figure: Figure) -> tuple[float, float]:
    """The values a figure allows, given its qualifier."""
    v = figure.value
    if figure.qualifier == "about":
        return (v - abs(v) * ABOUT, v + abs(v) * ABOUT)
    if figure.qualifier == "at-least":
        return (v, float("inf"))
    if figure.qualifier == "at-most":
        return (float("-inf"), v)
    return (v, v)


def span_of(when: When | None, fallback: dt.date | None) -> tuple[dt.date, dt.date] | None:
    if when is not None:
        return (when.first, when.last)
    return (fallback, fallback) if fallback else None


def overlap(a: tuple[Any, Any] | None, b: tuple[Any, Any] | None) -> bool:
    return a is not None and b is not None and a[0] <= b[1] and b[0] <= a[1]


@dataclass
class Clash:
    """Facts that disagree: on a figure, by explicit contradiction, or by denial or dispute."""

    kind: str  # "figure", "contradiction", "denied", "disputed"
    facts: list[Fact]
    metric: str | None = None
    sub: tuple[str | int, ...] = ()

    @property
    def warning(self) -> str:
        a = self.facts[0]
        if self.kind == "figure":
            b = self.facts[1]
            fa = next(f for f in a.figures if f.metric == self.metric)
            fb = next(f for f in b.figures if f.metric == self.metric)
            return (f"fact '{b.id}' reports {fb.qualifier} {fb.value:g} for metric '{self.metric}' where fact "
                    f"'{a.id}' reports {fa.qualifier} {fa.value:g} for overlapping dates: the brief shows both")
        if self.kind == "contradiction":
            return f"fact '{self.facts[1].id}' contradicts fact '{a.id}': the brief shows both side by side"
        return f"fact '{a.id}' is {self.kind}: the brief shows it among disagreements and denials"


def disagreements(dossier: Dossier, facts: list[Fact] | None = None,
                  status: Callable[[Fact], str] = _final_status) -> list[Clash]:
    """Every disagreement among `facts` (default: all of the dossier's), in a stable order.

    For a brief (`facts` given) a superseded fact's figure no longer counts, and
    `status` gives each fact's status on the brief's day. For `check` (the whole
    dossier) superseded figures count, since briefs from before the update show
    them; only a fact and its own updates are never compared.
    """
    pool = list(dossier.facts.values()) if facts is None else facts
    ids = {f.id for f in pool}
    clashes: list[Clash] = []
    for fact in pool:
        if (state := status(fact)) in ("denied", "disputed"):
            clashes.append(Clash(state, [fact], sub=("status",)))
        for i, other in enumerate(fact.contradicts):
            if other in ids and other != fact.id:
                clashes.append(Clash("contradiction", [dossier.facts[other], fact], sub=("contradicts", i)))
    superseded = {old for f in pool for old in f.supersedes} if facts is not None else set()
    counted = [f for f in pool if status(f) not in ("retracted", "denied") and f.id not in superseded]
    return clashes + _figure_clashes(dossier, counted)


def _figure_clashes(dossier: Dossier, facts: list[Fact]) -> list[Clash]:
    """Pairs of figures on one metric with overlapping dates and values that cannot both hold.

    A sweep over the facts sorted by start date compares each figure only with
    those whose dates still overlap it, so a dossier that grows for years costs
    little more than its overlaps.
    """
    by_metric: dict[str, list[tuple[tuple[dt.date, dt.date], int, Fact, int]]] = {}
    for order, fact in enumerate(facts):
        span = span_of(fact.date, known_from(fact, dossier.sources))
        if span is None:
            continue
        for i, fig in enumerate(fact.figures):
            by_metric.setdefault(fig.metric, []).append((span, order, fact, i))
    clashes: list[Clash] = []
    for metric, entries in sorted(by_metric.items()):
        entries.sort(key=lambda e: (e[0][0], e[1]))
        active: list[tuple[tuple[dt.date, dt.date], int, Fact, int]] = []
        for entry in entries:
            span, _, b, bi = entry
            active = [e for e in active if e[0][1] >= span[0]]
            for _, _, a, ai in active:
                if a.id != b.id and not _related(dossier, a, b) and \
                        not overlap(figure_range(a.figures[ai]), figure_range(b.figures[bi])):
                    clashes.append(Clash("figure", [a, b], metric, ("figures", bi, "value")))
            active.append(entry)
    return clashes


def _related(dossier: Dossier, a: Fact, b: Fact) -> bool:
    """True when one fact updates the other, directly or through a chain of `supersedes`."""
    return b.id in _chain(dossier, a) or a.id in _chain(dossier, b)


def _chain(dossier: Dossier, fact: Fact) -> set[str]:
    seen: set[str] = set()
    todo = list(fact.supersedes)
    while todo:
        current = todo.pop()
        if current not in seen and current in dossier.facts:
            seen.add(current)
            todo.extend(dossier.facts[current].supersedes)
    return seen
