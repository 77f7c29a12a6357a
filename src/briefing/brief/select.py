"""What a brief as of a given day holds: time, supersession, markings, figures, disagreements.

Everything here is pure data in, data out (no text, no files) so that the time
rules of FORMAT.md can be tested on their own and every format renders the same
selection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from briefing.brief.disagreements import SHOWN_DISAGREEMENTS, ClashView, clash_view, recent_figures
from briefing.brief.figures import FigureRow, key_figures
from briefing.brief.judgments import JudgmentView, judgment_views
from briefing.brief.lead import HighlightView, highlights, reading_key, timeline
from briefing.brief.numbering import Numbering
from briefing.brief.record import TrackRecord, track_record
from briefing.brief.views import CitationView, FactView, SourceView
from briefing.dossier.dossier import Dossier
from briefing.dossier.model import Fact, Section, Source
from briefing.dossier.rules import disagreements, known_from, marking_rank, source_day, status_on
from briefing.foundation.scales import TLP_LEVELS

__all__ = ["Brief", "CitationView", "FactView", "FigureRow", "JudgmentView", "SourceView", "select_brief"]

KEEP_JUDGMENTS = 5  # with a reading window, the newest judgments a brief always shows in full


# --- the brief's selection -----------------------------------------------------------------


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
    highlights: HighlightView | None = None
    record: TrackRecord = field(default_factory=lambda: TrackRecord([]))

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
    def bottom_line(self) -> list[JudgmentView]:
        """Current judgments (not revised, resolved or due for review), by rank then newest."""
        return [j for j in self.judgments if j.current]

    @property
    def shown_judgments(self) -> list[JudgmentView]:
        return [j for j in self.bottom_line if j.in_full]

    @property
    def older_judgments(self) -> list[JudgmentView]:
        return [j for j in self.bottom_line if not j.in_full]

    @property
    def due(self) -> list[JudgmentView]:
        """Forecasts past their horizon without a resolution, oldest horizon first."""
        due = [j for j in self.judgments if j.state == "due"]
        return sorted(due, key=lambda j: (j.judgment.horizon.last, j.number))  # type: ignore[union-attr]

    @property
    def revisions(self) -> list[JudgmentView]:
        """Revising judgments made after `since` (each shows the judgment it replaced)."""
        return [j for j in self.judgments if j.revises is not None and j.new]

    @property
    def new_judgments(self) -> list[JudgmentView]:
        """Judgments made after `since` that revise none (revisions are told apart)."""
        return [j for j in self.judgments if j.new and j.revises is None]

    @property
    def resolved_since(self) -> list[JudgmentView]:
        if self.since is None:
            return []
        since = self.since
        return [j for j in self.record.resolved if j.judgment.resolution.date.last > since]  # type: ignore[union-attr]

    @property
    def due_since(self) -> list[JudgmentView]:
        """Forecasts whose horizon passed after `since`: newly due for review."""
        if self.since is None:
            return []
        since = self.since
        return [j for j in self.due if j.judgment.horizon.last >= since]  # type: ignore[union-attr]

    @property
    def judgments_changed(self) -> bool:
        return bool(self.new_judgments or self.revisions or self.resolved_since or self.due_since)

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
        """Key events when the dossier flags any (else every dated fact) shown in full, by time as read."""
        return timeline(self.dossier, self.facts)

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
    numbering: Numbering | None = None,
) -> Brief:
    """Cut the dossier to what was known on `as_of` and releasable at `max_marking`.

    `numbering` holds the fact numbers earlier briefs of the same output folder
    showed (it is extended with this brief's new facts); without it, facts are
    numbered as in a fresh folder.
    """
    limit = marking_rank(max_marking) if max_marking else len(TLP_LEVELS)
    default = dossier.spec.marking

    def allowed(marking: str | None) -> bool:
        return marking_rank(marking or default) <= limit

    sources = {sid: s for sid, s in dossier.sources.items() if source_day(s) <= as_of and allowed(s.marking)}
    every_source = {sid: s for sid, s in dossier.sources.items() if source_day(s) <= as_of}
    order = {s.id: i for i, s in enumerate(dossier.spec.sections)}
    chosen: list[tuple[Fact, dt.date, int]] = []
    known_all: dict[str, dt.date] = {}  # every fact known by the day, releasable or not: what a cut withheld
    for index, fact in enumerate(dossier.facts.values()):
        day = known_from(fact, every_source)
        if day is not None:
            known_all[fact.id] = day
        if not allowed(fact.marking):
            continue
        known = known_from(fact, sources)
        if known is not None and known <= as_of:
            chosen.append((fact, known, index))
    numbers = (numbering or Numbering()).assign(f.id for f, _, _ in sorted(chosen, key=lambda c: (c[1], c[2])))
    chosen.sort(key=lambda c: (order.get(c[0].section, 0), reading_key(c[0], c[2])))
    views, source_views = _fact_views(dossier, chosen, sources, since, as_of, numbers)
    by_id = {v.id: v for v in views}
    for view in views:
        for old in view.fact.supersedes:
            if old in by_id:
                by_id[old].superseded_by_all.append(view)
                view.supersedes.append(by_id[old])
    for view in views:
        view.superseded_by_all.sort(key=lambda v: (v.known_from, v.order))
        view.superseded_by = view.superseded_by_all[0] if view.superseded_by_all else None
    _apply_window(dossier, views, as_of)
    judgments = judgment_views(dossier, as_of, since, by_id, allowed, known_all)
    if dossier.spec.reading_window:
        start = window_start(as_of, dossier.spec.reading_window)
        newest = sorted((j for j in judgments if j.current), key=lambda j: -j.judgment.date.last.toordinal())
        keep = {id(j) for j in newest[:KEEP_JUDGMENTS]}  # the latest few always lead the brief
        for view in judgments:
            view.in_full = view.judgment.date.last >= start or id(view) in keep
    figures = key_figures(dossier, views, judgments)
    clashes = [clash_view(c, by_id)
               for c in disagreements(dossier, [v.fact for v in views], status=lambda f: by_id[f.id].claim_status)]
    shown = _shown(views, figures, clashes)
    visible, every = _number_sources(views, shown, source_views)
    marking = max([default, *(v.fact.marking or default for v in views), *(s.source.marking or default for s in every),
                   *(j.judgment.marking or default for j in judgments)], key=marking_rank)
    if max_marking is not None and marking_rank(marking) > limit:
        marking = max_marking
    items: dict[str, object] = {**by_id, **{j.judgment.id: j for j in judgments}}
    withheld = {fid for fid, day in known_all.items() if day <= as_of and fid not in by_id} | \
        {jid for jid, j in dossier.judgments.items() if j.date.last <= as_of and not allowed(j.marking)}
    return Brief(dossier, as_of, since, marking, max_marking, views, judgments, visible, figures, clashes,
                 window_start=window_start(as_of, dossier.spec.reading_window) if dossier.spec.reading_window else None,
                 all_sources=every, highlights=highlights(dossier, as_of, since, items, withheld),
                 record=track_record(judgments))


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


def _fact_views(dossier: Dossier, chosen: list[tuple[Fact, dt.date, int]], sources: dict[str, Source],
                since: dt.date | None, as_of: dt.date, numbers: dict[str, int]) -> tuple[list[FactView], dict[str, SourceView]]:
    sections = {s.id: s for s in dossier.spec.sections}
    source_views: dict[str, SourceView] = {}
    views: list[FactView] = []
    for fact, known, index in chosen:
        citations = []
        for cite in fact.sources:
            if cite.source not in sources:
                continue
            sv = source_views.get(cite.source)
            if sv is None:
                sv = source_views[cite.source] = SourceView(sources[cite.source], len(source_views) + 1)
            citations.append(CitationView(sv, cite.quote, cite.locator))
        view = FactView(fact, numbers[fact.id], known, citations, sections[fact.section], status_on(fact, as_of),
                        new=since is not None and since < known, order=index)
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
    if (as_of - dt.date.min).days < days - 1:  # a window reaching back before 1 January of year 1
        return dt.date.min
    return as_of - dt.timedelta(days=days - 1)
