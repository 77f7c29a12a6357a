"""The format's rules of time, status and disagreement: when a fact is known, what it says on a day,
which figures cannot both hold. Pure data in, data out, shared by `check` and every brief.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from briefing.dossier.model import Fact, Figure, Interval, Source, When
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
class Value:
    """One side of a disagreement on a figure: values that agree with each other, and who reports them."""

    low: float
    high: float
    figures: list[tuple[Fact, Figure]]

    @property
    def facts(self) -> list[Fact]:
        return list({id(f): f for f, _ in self.figures}.values())


@dataclass
class Clash:
    """Facts that disagree: on a figure, by explicit contradiction, or by denial or dispute.

    A figure clash is a cluster: every figure on one metric whose dates overlap
    (directly or through one another), grouped into the values that agree, so
    that two hundred reports of one contested number make one disagreement, not
    twenty thousand pairs.
    """

    kind: str  # "figure", "contradiction", "denied", "disputed"
    facts: list[Fact]
    metric: str | None = None
    sub: tuple[str | int, ...] = ()
    values: list[Value] = field(default_factory=list)
    period: tuple[dt.date, dt.date] | None = None
    when: str = ""  # the period in the facts' own dates, for the warning

    @property
    def warning(self) -> str:
        a = self.facts[0]
        if self.kind == "figure":
            when = self.when
            sides = "; ".join(_value_words(v) for v in self.values)
            others = len(self.facts) - 1
            return (f"fact '{a.id}' and {others} other{'s' if others > 1 else ''} report {len(self.values)} values "
                    f"for metric '{self.metric}' over overlapping dates "
                    f"({when}): {sides}; the brief shows them side by side")
        if self.kind == "contradiction":
            return f"fact '{self.facts[1].id}' contradicts fact '{a.id}': the brief shows both side by side"
        return f"fact '{a.id}' is {self.kind}: the brief shows it among disagreements and denials"


NAMED = 3  # facts a warning names for each value; the others are counted


def _value_words(value: Value) -> str:
    shown = sorted({(fig.qualifier, fig.value) for _, fig in value.figures}, key=lambda qv: (qv[1], qv[0]))
    figures = ", ".join(f"{q} {v:g}" for q, v in shown[:NAMED]) + (f" and {len(shown) - NAMED} more" if len(shown) > NAMED else "")
    facts = value.facts
    names = ", ".join(f"'{f.id}'" for f in facts[:NAMED]) + (f" and {len(facts) - NAMED} more" if len(facts) > NAMED else "")
    return f"{figures} (fact{'s' if len(facts) > 1 else ''} {names})"


def disagreements(dossier: Dossier, facts: list[Fact] | None = None,
                  status: Callable[[Fact], str] = _final_status) -> list[Clash]:
    """Every disagreement among `facts` (default: all of the dossier's), in a stable order.

    For a brief (`facts` given) a superseded fact's figure no longer counts, and
    `status` gives each fact's status on the brief's day. For `check` (the whole
    dossier) superseded figures count, since briefs from before the update show
    them; only a fact and its own updates are never set against each other.
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
    return clashes + figure_clashes(dossier, counted)


Entry = tuple[tuple[dt.date, dt.date], int, Fact, Figure, int]  # span, order, fact, figure, figure index


def figure_clashes(dossier: Dossier, facts: list[Fact]) -> list[Clash]:
    """Figures on one metric whose dates overlap and whose values cannot all hold, as clusters.

    Per metric, a sweep over the figures sorted by start date cuts them into
    periods (figures whose dates overlap, directly or through one another);
    within a period the values that agree are merged. A period holding two
    values reported by facts that are not updates of one another is one
    disagreement. Sorting is the only super-linear step.
    """
    roots = supersession_roots(dossier)
    by_metric: dict[str, list[Entry]] = {}
    for order, fact in enumerate(facts):
        span = span_of(fact.date, known_from(fact, dossier.sources))
        if span is None:
            continue
        for i, fig in enumerate(fact.figures):
            by_metric.setdefault(fig.metric, []).append((span, order, fact, fig, i))
    clashes: list[Clash] = []
    for metric, entries in sorted(by_metric.items()):
        entries.sort(key=lambda e: (e[0][0], e[1]))
        for period in _periods(entries):
            values = _values(period)
            if len(values) > 1 and len({roots.get(e[2].id, e[2].id) for e in period}) > 1:
                first = min(period, key=lambda e: (e[1], e[4]))
                facts_in = sorted({id(e[2]): e for e in period}.values(), key=lambda e: e[1])
                span = (period[0][0][0], max(e[0][1] for e in period))
                clashes.append(Clash("figure", [e[2] for e in facts_in], metric, ("figures", first[4], "value"), values, span,
                                     _when_words(period)))
    return clashes


def _periods(entries: list[Entry]) -> list[list[Entry]]:
    """Runs of entries (sorted by start) whose dates overlap one another, in one pass."""
    periods: list[list[Entry]] = []
    end: dt.date | None = None
    for entry in entries:
        if end is None or entry[0][0] > end:
            periods.append([])
            end = entry[0][1]
        periods[-1].append(entry)
        end = max(end, entry[0][1])
    return periods


def _when_words(period: list[Entry]) -> str:
    """`2024-10`, or `2024-10 to 2024-12-15`: from the earliest start to the latest end, as the facts write them."""
    first = min(period, key=lambda e: (e[0][0], e[0][1]))
    last = max(period, key=lambda e: (e[0][1], e[0][0]))
    start = _date_words(first, 0)
    end = _date_words(last, 1)
    return start if start == end else f"{start} to {end}"


def _date_words(entry: Entry, side: int) -> str:
    date = entry[2].date
    if date is None:
        return str(entry[0][side])
    if isinstance(date, Interval):
        return str(date.start if side == 0 else date.end)
    return str(date)


def _values(period: list[Entry]) -> list[Value]:
    """The period's figures merged into the values that agree (their allowed ranges overlap)."""
    ranged = sorted(((figure_range(e[3]), e) for e in period), key=lambda r: (r[0][0], r[0][1], r[1][1], r[1][4]))
    sides: list[tuple[Value, list[Entry]]] = []
    for (low, high), entry in ranged:
        if sides and low <= sides[-1][0].high:
            sides[-1][0].high = max(sides[-1][0].high, high)
        else:
            sides.append((Value(low, high, []), []))
        sides[-1][1].append(entry)
    for value, entries in sides:  # each side in the order its facts stand in the files
        value.figures = [(e[2], e[3]) for e in sorted(entries, key=lambda e: (e[1], e[4]))]
    return [value for value, _ in sides]


def supersession_roots(dossier: Dossier) -> dict[str, str]:
    """For every fact, one id naming the group of facts joined to it by `supersedes` (its own id when none).

    Facts of one group are updates of one another, directly or through others,
    and never set against each other. A union-find over the `supersedes` links
    (a fact may update several older facts): each link is looked at once, so a
    chain of thousands costs its length. The group's name is its smallest id,
    so the result does not depend on the order of the files.
    """
    parent: dict[str, str] = {}

    def find(fid: str) -> str:
        root = fid
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(fid, fid) != root:  # every id on the way now points at the root
            parent[fid], fid = root, parent[fid]
        return root

    for fid, fact in dossier.facts.items():
        for old in fact.supersedes:
            if old in dossier.facts:
                a, b = find(fid), find(old)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return {fid: find(fid) for fid in dossier.facts}
