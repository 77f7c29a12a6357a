"""The disagreements a brief shows: figure clusters with their sides, contradictions, denials, as views of its facts.

Kept apart from the selection itself (select.py): a figure disagreement is a
cluster of facts on one metric and period, split into the values that agree;
the brief prints the most recent few and the fact register all of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from briefing.brief.views import FactView
from briefing.dossier.model import Figure, Interval, PartialDate
from briefing.dossier.rules import Clash

SHOWN_DISAGREEMENTS = 10  # figure disagreements a brief shows, most recent first; the register lists them all
SHOWN_REPORTS = 4  # facts a brief names for each value of a disagreement; the register names them all


@dataclass
class ValueView:
    """One side of a figure disagreement: agreeing values and the facts reporting them."""

    figures: list[tuple[FactView, Figure]]

    @property
    def facts(self) -> list[FactView]:
        return list({v.id: v for v, _ in self.figures}.values())

    @property
    def shown(self) -> list[tuple[FactView, Figure]]:
        """The first few reports, each fact once: what the brief prints of this side."""
        return list({v.id: (v, fig) for v, fig in reversed(self.figures)}.values())[::-1][:SHOWN_REPORTS]

    @property
    def more(self) -> int:
        return len(self.facts) - len(self.shown)

    @property
    def readings(self) -> list[tuple[Figure, list[FactView]]]:
        """The shown reports grouped by the figure they give: the same value is printed once with all its facts."""
        return _by_figure(self.shown)

    @property
    def all_readings(self) -> list[tuple[Figure, list[FactView]]]:
        """Every report of this side grouped by figure, for the fact register."""
        return _by_figure(self.figures)


def _by_figure(pairs: list[tuple[FactView, Figure]]) -> list[tuple[Figure, list[FactView]]]:
    grouped: dict[tuple[str, float], tuple[Figure, list[FactView]]] = {}
    for view, fig in pairs:
        entry = grouped.setdefault((fig.qualifier, fig.value), (fig, []))
        if not entry[1] or entry[1][-1] is not view:
            entry[1].append(view)
    return list(grouped.values())


@dataclass
class ClashView:
    kind: str
    facts: list[FactView]
    metric: str | None
    values: list[ValueView] = field(default_factory=list)
    period: tuple[dt.date, dt.date] | None = None

    @property
    def in_full(self) -> bool:
        """Shown in the brief when one of its facts is; older ones are marked in the fact register."""
        return any(f.in_full for f in self.facts)

    @property
    def when(self) -> Any:
        """The disagreement's period in the facts' own dates: one date when they share it, else from first to last."""
        dates = [(v.fact.date or PartialDate.parse(v.known_from)) for v in self.facts]
        first = min(dates, key=lambda d: (d.first, d.last))
        last = max(dates, key=lambda d: (d.last, d.first))
        if first == last:
            return first
        return Interval(first.start if isinstance(first, Interval) else first, last.end if isinstance(last, Interval) else last)


def clash_view(clash: Clash, by_id: dict[str, FactView]) -> ClashView:
    values = [ValueView([(by_id[f.id], fig) for f, fig in v.figures]) for v in clash.values]
    return ClashView(clash.kind, [by_id[f.id] for f in clash.facts], clash.metric, values, clash.period)


def recent_figures(clashes: list[ClashView]) -> list[ClashView]:
    """Figure disagreements shown in the brief, the most recent period first."""
    shown = [c for c in clashes if c.kind == "figure" and c.in_full and c.period is not None]
    return sorted(shown, key=lambda c: (c.period[1], c.period[0]), reverse=True)  # type: ignore[index]
