"""The key figures of a brief: per metric, the desk's estimate above the reported values, agreeing
values merged, earlier values with why they no longer stand.

Two rules of FORMAT 1.1 live here. Supersession is per metric: a newer fact
withdraws an older fact's figure only for the metrics the newer fact itself
reports. Values that agree (the same value with the same qualifier) are one
value with all their facts and sources; only values that cannot both hold are
set against each other.

The views are rich on purpose (value, range, date, grade, status, estimate) so
that any presentation, a table, a tile or a chart, reads them without
recomputing a rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefing.dossier.model import Estimate, Figure, Metric, PartialDate
from briefing.dossier.rules import figure_range, overlap, span_of

if TYPE_CHECKING:
    from briefing.brief.judgments import JudgmentView
    from briefing.brief.views import FactView
    from briefing.dossier.dossier import Dossier


@dataclass
class ReportedValue:
    """One current value of a metric and every fact that reports it."""

    figure: Figure  # the value and qualifier, as the first fact wrote it
    entries: list[tuple[FactView, Figure]]

    @property
    def views(self) -> list[FactView]:
        return [v for v, _ in self.entries]

    @property
    def value(self) -> float:
        return self.figure.value

    @property
    def qualifier(self) -> str:
        return self.figure.qualifier

    @property
    def low(self) -> float:
        """The lowest value the qualifier allows (about: -10 %; at-most: minus infinity)."""
        return figure_range(self.figure)[0]

    @property
    def high(self) -> float:
        return figure_range(self.figure)[1]

    @property
    def date(self) -> object:
        """The newest of its facts' dates (a PartialDate or Interval), else None."""
        dated = [v.fact.date for v in self.views if v.fact.date is not None]
        return max(dated, key=lambda d: (d.last, d.first)) if dated else None

    @property
    def known_from(self) -> dt.date:
        return min(v.known_from for v in self.views)

    @property
    def grade(self) -> str:
        """The best Admiralty grade among its facts (A1 best)."""
        return min(v.grade for v in self.views)


@dataclass
class EarlierValue:
    """A value no longer current, and why: `superseded` (by `by`), `retracted`, `denied` or `older`."""

    view: FactView
    figure: Figure
    reason: str
    by: FactView | None = None


@dataclass
class EstimateView:
    """The desk's assessed value of a metric, from a current judgment."""

    judgment: JudgmentView
    estimate: Estimate

    @property
    def value(self) -> float:
        return self.estimate.value

    @property
    def low(self) -> float | None:
        return self.estimate.low

    @property
    def high(self) -> float | None:
        return self.estimate.high

    @property
    def date(self) -> object:
        return self.estimate.date or self.judgment.judgment.date

    @property
    def likelihood(self) -> str:
        return self.judgment.judgment.likelihood

    @property
    def confidence(self) -> str:
        return self.judgment.judgment.confidence


@dataclass
class FigureRow:
    """One metric in the key figures: the estimate, the current values, the earlier ones."""

    metric_id: str
    metric: Metric
    values: list[ReportedValue]
    earlier_values: list[EarlierValue] = field(default_factory=list)
    estimate: EstimateView | None = None

    @property
    def current(self) -> list[tuple[FactView, Figure]]:
        """Every current (fact, figure) pair, merged values included (as in version 1)."""
        return [entry for value in self.values for entry in value.entries]

    @property
    def earlier(self) -> list[tuple[FactView, Figure]]:
        return [(e.view, e.figure) for e in self.earlier_values]

    @property
    def disputed(self) -> bool:
        """True when two current values cannot both hold: only then are they set against each other."""
        ranges = [figure_range(v.figure) for v in self.values]
        return any(not overlap(a, b) for i, a in enumerate(ranges) for b in ranges[:i])


def withdrawn_by(view: FactView, metric: str) -> FactView | None:
    """The fact in the brief that withdraws `view`'s figure for `metric`: a superseding fact reporting it."""
    for newer in view.superseded_by_all:
        if any(f.metric == metric for f in newer.fact.figures):
            return newer
    return None


def key_figures(dossier: Dossier, views: list[FactView], judgments: list[JudgmentView]) -> list[FigureRow]:
    """Per metric of the dossier that the brief has a value or an estimate for, in the dossier's order."""
    estimates: dict[str, EstimateView] = {}
    for jv in sorted(judgments, key=lambda j: j.judgment.date.last):  # the newest current estimate wins
        if jv.current and jv.judgment.estimate is not None:
            estimates[jv.judgment.estimate.metric] = EstimateView(jv, jv.judgment.estimate)
    by_metric: dict[str, list[tuple[FactView, Figure]]] = {}  # one pass over the facts, not one per metric
    for v in views:
        for fig in v.fact.figures:
            by_metric.setdefault(fig.metric, []).append((v, fig))
    rows: list[FigureRow] = []
    for metric_id, metric in dossier.spec.metrics.items():
        entries = by_metric.get(metric_id, [])
        estimate = estimates.get(metric_id)
        if not entries and estimate is None:
            continue
        rows.append(_row(metric_id, metric, entries, estimate))
    return rows


def _row(metric_id: str, metric: Metric, entries: list[tuple[FactView, Figure]], estimate: EstimateView | None) -> FigureRow:
    standing, earlier = [], []
    for view, fig in entries:
        newer = withdrawn_by(view, metric_id)
        if newer is not None:
            earlier.append(EarlierValue(view, fig, "superseded", newer))
        elif view.claim_status in ("retracted", "denied"):
            earlier.append(EarlierValue(view, fig, view.claim_status))
        else:
            standing.append((view, fig))
    current: list[tuple[FactView, Figure]] = []
    if standing:
        newest = max(_span(v)[0] for v, _ in standing)
        current = [(v, fig) for v, fig in standing if _span(v)[1] >= newest]
        taken = {(id(v), id(fig)) for v, fig in current}
        earlier += [EarlierValue(v, fig, "older") for v, fig in standing if (id(v), id(fig)) not in taken]
    values: dict[tuple[str, float], ReportedValue] = {}
    for view, fig in current:
        key = (fig.qualifier, fig.value)
        if key in values:
            values[key].entries.append((view, fig))
        else:
            values[key] = ReportedValue(fig, [(view, fig)])
    shown = [e for e in earlier if e.view.in_full]  # older ones are in the fact register
    return FigureRow(metric_id, metric, list(values.values()), shown, estimate)


def _span(view: FactView) -> tuple[dt.date, dt.date]:
    span = span_of(view.fact.date, view.known_from)
    assert span is not None
    return span


__all__ = ["EarlierValue", "EstimateView", "FigureRow", "PartialDate", "ReportedValue", "key_figures", "withdrawn_by"]
