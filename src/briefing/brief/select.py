"""What a brief as of a given day holds: time, supersession, markings, figures, disagreements.

Everything here is pure data in, data out (no text, no files) so that the time
rules of FORMAT.md can be tested on their own and every format renders the same
selection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from briefing.brief.disagreements import SHOWN_DISAGREEMENTS, ClashView, clash_view, recent_figures
from briefing.dossier.dossier import Dossier
from briefing.dossier.model import (
    Fact,
    Figure,
    Judgment,
    Metric,
    PartialDate,
    Section,
    Source,
)
from briefing.dossier.rules import disagreements, figure_range, known_from, marking_rank, source_day, span_of, status_on
from briefing.foundation.scales import RELIABILITY, TLP_LEVELS

KEEP_JUDGMENTS = 5  # with a reading window, the newest judgments a brief always shows in full


# --- the brief's selection -----------------------------------------------------------------


@dataclass
class SourceView:
    """A source as an endnote: numbered in order of first citation."""

    source: Source
    number: int
    views: list[FactView] = field(default_factory=list)  # the facts citing it, in reading order

    @property
    def facts(self) -> list[str]:
        return [v.id for v in self.views]

    @property
    def reliability_words(self) -> str:
        return RELIABILITY[self.source.reliability]


@dataclass
class CitationView:
    source: SourceView
    quote: str | None
    locator: str | None


@dataclass
class FactView:
    """A fact as a brief shows it."""

    fact: Fact
    number: int
    known_from: dt.date
    citations: list[CitationView]
    section: Section
    claim_status: str = "reported"  # the fact's own status on the brief's day (see `status_on`)
    superseded_by: FactView | None = None
    supersedes: FactView | None = None
    new: bool = False
    in_full: bool = True

    @property
    def id(self) -> str:
        return self.fact.id

    @property
    def grade(self) -> str:
        """Admiralty grade: the best source's reliability, then the information's credibility."""
        best = min(c.source.source.reliability for c in self.citations)
        return f"{best}{self.fact.credibility}"

    @property
    def status(self) -> str:
        """The status a reader sees: a plain or confirmed fact that a newer one replaced is `superseded`.

        Disputed, denied and retracted stay as they are (a newer fact does not
        resolve a dispute); the supersession is still shown beside them.
        """
        if self.superseded_by is not None and self.claim_status in ("reported", "confirmed"):
            return "superseded"
        return self.claim_status

    @property
    def status_since(self) -> PartialDate | None:
        """The day the fact took the status the brief shows, when the dossier says (`status_date`)."""
        return self.fact.status_date if self.claim_status == self.fact.status != "reported" else None

    @property
    def standing(self) -> bool:
        """Still current: neither replaced by a newer fact, withdrawn by its source, nor denied."""
        return self.superseded_by is None and self.claim_status not in ("retracted", "denied")


@dataclass
class JudgmentView:
    """A judgment as a brief shows it, resting only on facts the brief includes."""

    judgment: Judgment
    number: int
    based_on: list[FactView]
    new: bool = False
    in_full: bool = True  # False: made before the reading window and not among the newest, so only counted


@dataclass
class FigureRow:
    """One metric in the key-figures table: the current value(s) and what they replaced."""

    metric_id: str
    metric: Metric
    current: list[tuple[FactView, Figure]]
    earlier: list[tuple[FactView, Figure]]

    @property
    def disputed(self) -> bool:
        """Some two current values cannot both hold: on a line, that is when the highest low passes the lowest high."""
        ranges = [figure_range(fig) for _, fig in self.current]
        return bool(ranges) and max(lo for lo, _ in ranges) > min(hi for _, hi in ranges)


@dataclass
class Brief:
    """Everything one brief shows, already cut to its day and marking."""

    dossier: Dossier
    as_of: dt.date
    since: dt.date | None
    marking: str
    max_marking: str | None
    facts: list[FactView]
    judgments: list[JudgmentView]
    sources: list[SourceView]
    figures: list[FigureRow]
    clashes: list[ClashView]
    window_start: dt.date | None = None
    all_sources: list[SourceView] = field(default_factory=list)  # also those cited only by summarized facts

    @cached_property
    def sections(self) -> list[tuple[Section, list[FactView]]]:
        """Each section with its facts, grouped in one pass (a brief may have thousands of both)."""
        grouped: dict[str, list[FactView]] = {s.id: [] for s in self.dossier.spec.sections}
        for view in self.facts:
            grouped.setdefault(view.section.id, []).append(view)
        return [(s, grouped[s.id]) for s in self.dossier.spec.sections]

    @property
    def new(self) -> list[FactView]:
        return [f for f in self.facts if f.new]

    @property
    def shown_judgments(self) -> list[JudgmentView]:
        return [j for j in self.judgments if j.in_full]

    @property
    def older_judgments(self) -> list[JudgmentView]:
        return [j for j in self.judgments if not j.in_full]

    @property
    def shown_clashes(self) -> list[ClashView]:
        return [c for c in self.clashes if c.in_full]

    @property
    def older_clashes(self) -> list[ClashView]:
        return [c for c in self.clashes if not c.in_full]

    @property
    def figure_clashes(self) -> list[ClashView]:
        """Figure disagreements the brief shows, most recent first, at most SHOWN_DISAGREEMENTS of them."""
        return recent_figures(self.clashes)[:SHOWN_DISAGREEMENTS]

    @property
    def all_figure_clashes(self) -> list[ClashView]:
        """Every figure disagreement among the brief's facts, most recent first (the fact register lists them)."""
        clashes = [c for c in self.clashes if c.kind == "figure" and c.period is not None]
        return sorted(clashes, key=lambda c: (c.period[1], c.period[0]), reverse=True)  # type: ignore[index]

    @property
    def more_figure_clashes(self) -> int:
        """Figure disagreements the brief leaves to the fact register."""
        return max(0, len(recent_figures(self.clashes)) - SHOWN_DISAGREEMENTS)

    @property
    def flagged(self) -> list[FactView]:
        """Denied, disputed and retracted facts the brief shows in full."""
        return [f for f in self.facts if f.in_full and f.claim_status in ("denied", "disputed", "retracted")]

    @property
    def new_judgments(self) -> list[JudgmentView]:
        return [j for j in self.judgments if j.new]

    @property
    def newly_superseded(self) -> list[FactView]:
        """Older facts that a fact new since the previous brief replaced: the updates a reader must notice."""
        return [f for f in self.facts if f.superseded_by is not None and f.superseded_by.new and not f.new]

    @property
    def status_changes(self) -> list[FactView]:
        """Facts known before `since` that took a new status after it (now denied, retracted...): news too."""
        if self.since is None:
            return []
        return [f for f in self.facts if not f.new and f.status_since is not None and f.status_since.last > self.since]

    @property
    def timeline(self) -> list[FactView]:
        """Dated facts shown in full, oldest first; intervals sort by their start, then their end."""
        dated = [f for f in self.facts if f.fact.date is not None and f.in_full]
        return sorted(dated, key=lambda f: (f.fact.date.first, f.fact.date.last, f.number))  # type: ignore[union-attr]

    @property
    def summarized(self) -> list[FactView]:
        """Standing facts known before the reading window: listed in the annex, not in the sections."""
        return [f for f in self.facts if not f.in_full]

    @property
    def withdrawn(self) -> list[FactView]:
        """Retracted facts: kept in the brief, and gathered with the disagreements so none goes unnoticed."""
        return [f for f in self.facts if f.claim_status == "retracted"]

    @property
    def source_summary(self) -> dict[str, int]:
        single = sum(1 for f in self.facts if len({c.source.number for c in f.citations}) == 1)
        strong = sum(1 for f in self.facts if any(c.source.source.reliability in "AB" for c in f.citations))
        weak = sum(1 for f in self.facts if all(c.source.source.reliability in "EF" for c in f.citations))
        every = self.all_sources or self.sources
        return {"facts": len(self.facts), "sources": len(every), "single_source": single,
                "a_or_b": strong, "only_e_or_f": weak, "no_publisher": sum(1 for s in every if not s.source.publisher),
                "no_date": sum(1 for s in every if not s.source.published)}


def select_brief(
    dossier: Dossier,
    as_of: dt.date,
    since: dt.date | None = None,
    max_marking: str | None = None,
) -> Brief:
    """Cut the dossier to what was known on `as_of` and releasable at `max_marking`."""
    limit = marking_rank(max_marking) if max_marking else len(TLP_LEVELS)
    default = dossier.spec.marking

    def allowed(marking: str | None) -> bool:
        return marking_rank(marking or default) <= limit

    sources = {sid: s for sid, s in dossier.sources.items() if source_day(s) <= as_of and allowed(s.marking)}
    order = {s.id: i for i, s in enumerate(dossier.spec.sections)}
    chosen: list[tuple[Fact, dt.date]] = []
    for fact in dossier.facts.values():
        if not allowed(fact.marking):
            continue
        known = known_from(fact, sources)
        if known is not None and known <= as_of:
            chosen.append((fact, known))
    chosen.sort(key=lambda fk: (order.get(fk[0].section, 0), _date_key(fk[0]), fk[0].id))
    views, source_views = _fact_views(dossier, chosen, sources, since, as_of)
    by_id = {v.id: v for v in views}
    for view in views:
        old = view.fact.supersedes
        if old in by_id:
            by_id[old].superseded_by = view
            view.supersedes = by_id[old]
    _apply_window(dossier, views, as_of)
    judgments = _judgments(dossier, as_of, since, by_id, allowed)
    if dossier.spec.reading_window:
        start = window_start(as_of, dossier.spec.reading_window)
        for index, view in enumerate(judgments):  # newest first: the latest few always lead the brief
            view.in_full = view.judgment.date.last >= start or index < KEEP_JUDGMENTS
    figures = _figures(dossier, views)
    clashes = [clash_view(c, by_id)
               for c in disagreements(dossier, [v.fact for v in views], status=lambda f: by_id[f.id].claim_status)]
    shown = _shown(views, figures, clashes)
    visible, every = _number_sources(views, shown, source_views)
    marking = max([default, *(v.fact.marking or default for v in views), *(s.source.marking or default for s in every),
                   *(j.judgment.marking or default for j in judgments)], key=marking_rank)
    if max_marking is not None and marking_rank(marking) > limit:
        marking = max_marking
    return Brief(dossier, as_of, since, marking, max_marking, views, judgments, visible, figures, clashes,
                 window_start=window_start(as_of, dossier.spec.reading_window) if dossier.spec.reading_window else None,
                 all_sources=every)


def _shown(views: list[FactView], figures: list[FigureRow], clashes: list[ClashView]) -> set[str]:
    """Ids of the facts whose citations the brief itself prints: in full, in key figures, in disagreements."""
    shown = {v.id for v in views if v.in_full}
    shown.update(v.id for row in figures for v, _ in (*row.current, *row.earlier))
    shown.update(f.id for c in clashes if c.in_full and c.kind != "figure" for f in c.facts)
    shown.update(v.id for c in recent_figures(clashes)[:SHOWN_DISAGREEMENTS] for side in c.values for v, _ in side.shown)
    return shown


def _number_sources(views: list[FactView], shown: set[str],
                    source_views: dict[str, SourceView]) -> tuple[list[SourceView], list[SourceView]]:
    """Number the endnotes: sources the brief cites first, in order of first citation, then the rest.

    The brief lists only the first group, so a dossier that grows for years
    does not grow the brief's endnotes; the fact register lists them all.
    """
    order: dict[str, SourceView] = {}
    for view in sorted(views, key=lambda v: v.id not in shown):  # stable: shown facts first, each in reading order
        for citation in view.citations:
            order.setdefault(citation.source.source.id, citation.source)
    for number, sv in enumerate(order.values(), start=1):
        sv.number = number
    every = list(order.values())
    visible = [sv for sv in every if any(v.id in shown for v in sv.views)]
    return visible, every


def _date_key(fact: Fact) -> tuple[dt.date, dt.date]:
    if fact.date is None:
        return (dt.date.max, dt.date.max)
    return (fact.date.first, fact.date.last)


def _fact_views(dossier: Dossier, chosen: list[tuple[Fact, dt.date]], sources: dict[str, Source],
                since: dt.date | None, as_of: dt.date) -> tuple[list[FactView], dict[str, SourceView]]:
    sections = {s.id: s for s in dossier.spec.sections}
    source_views: dict[str, SourceView] = {}
    views: list[FactView] = []
    for number, (fact, known) in enumerate(chosen, start=1):
        citations = []
        for cite in fact.sources:
            if cite.source not in sources:
                continue
            sv = source_views.get(cite.source)
            if sv is None:
                sv = source_views[cite.source] = SourceView(sources[cite.source], len(source_views) + 1)
            citations.append(CitationView(sv, cite.quote, cite.locator))
        view = FactView(fact, number, known, citations, sections[fact.section], status_on(fact, as_of),
                        new=since is not None and since < known)
        for sv in {id(c.source): c.source for c in citations}.values():  # each source once per fact
            sv.views.append(view)
        views.append(view)
    return views, source_views


def _apply_window(dossier: Dossier, views: list[FactView], as_of: dt.date) -> None:
    """Facts known before the reading window are summarized; the fact register lists them in full.

    A dossier that grows for years must not grow its brief: only the window's
    facts are shown, and beside them the older facts they replaced, so that a
    reader sees what changed. Everything older (standing, denied or retracted)
    is counted in its section and listed in the register.
    """
    days = dossier.spec.reading_window
    if not days:
        return
    start = window_start(as_of, days)
    for view in views:
        view.in_full = view.known_from >= start or (view.superseded_by is not None and view.superseded_by.known_from >= start)


def window_start(as_of: dt.date, days: int) -> dt.date:
    """The first day of a reading window of `days` days that ends on (and includes) `as_of`."""
    return as_of - dt.timedelta(days=days - 1)


def _judgments(dossier: Dossier, as_of: dt.date, since: dt.date | None, by_id: dict[str, FactView],
               allowed: Any) -> list[JudgmentView]:
    """Judgments made by `as_of` and releasable, newest first, each resting only on facts the brief holds.

    A judgment none of whose facts the brief holds (all later, or all above the
    marking cut) is left out: it would rest on nothing the reader can see.
    """
    out: list[JudgmentView] = []
    ordered = sorted(dossier.judgments.values(), key=lambda j: (-j.date.last.toordinal(), j.id))
    for judgment in ordered:
        if judgment.date.last > as_of or not allowed(judgment.marking):
            continue
        based = sorted((by_id[f] for f in judgment.based_on if f in by_id), key=lambda v: v.number)
        if not based:
            continue  # everything it rests on is later than the brief or not releasable
        out.append(JudgmentView(judgment, len(out) + 1, based, new=since is not None and since < judgment.date.last))
    return out


def _figures(dossier: Dossier, views: list[FactView]) -> list[FigureRow]:
    """Per metric: the newest standing values (several when they disagree) and the ones they replaced."""
    rows: list[FigureRow] = []
    by_metric: dict[str, list[tuple[FactView, Figure]]] = {}
    for v in views:
        for fig in v.fact.figures:
            by_metric.setdefault(fig.metric, []).append((v, fig))
    for metric_id, metric in dossier.spec.metrics.items():
        entries = by_metric.get(metric_id, [])
        standing = [(v, fig) for v, fig in entries if v.standing]
        if not entries:
            continue
        if not standing:
            rows.append(FigureRow(metric_id, metric, [], entries))
            continue
        newest = max(_fig_span(v)[0] for v, _ in standing)
        current = [(v, fig) for v, fig in standing if _fig_span(v)[1] >= newest]
        now = {(id(cv), id(cf)) for cv, cf in current}
        earlier = [(v, fig) for v, fig in entries if (id(v), id(fig)) not in now and v.in_full]
        rows.append(FigureRow(metric_id, metric, current, earlier))
    return rows


def _fig_span(view: FactView) -> tuple[dt.date, dt.date]:
    span = span_of(view.fact.date, view.known_from)
    assert span is not None
    return span
