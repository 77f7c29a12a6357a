"""What opens a brief and what sets its events in order: the day's highlights, the timeline, and the
reading order of facts (FORMAT 1.1: a month-only date never comes before a day inside that month).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from briefing.dossier.model import Fact, Highlight

if TYPE_CHECKING:
    from briefing.brief.views import FactView
    from briefing.dossier.dossier import Dossier


def reading_key(fact: Fact, order: int) -> tuple[dt.date, dt.date, int]:
    """Sort key of a fact by time as a reader reads it, ties in file order; undated facts last.

    A date sorts by the day its span ends, then by the day it starts: `2024-03`
    (ends 31 March) comes after `2024-03-06`, and before `2024-04-02`; a year
    comes after every day and month inside it.
    """
    if fact.date is None:
        return (dt.date.max, dt.date.max, order)
    return (fact.date.last, fact.date.first, order)


@dataclass
class HighlightView:
    """The highlights a brief opens with: the newest entry dated on or before its day."""

    highlight: Highlight
    refs: list[Any]  # FactView or JudgmentView of each id in `based_on` the brief holds
    dated: bool  # older than the brief's "since" day: shown with its date

    @property
    def date(self) -> object:
        return self.highlight.date

    @property
    def points(self) -> list[str]:
        return self.highlight.points


def highlights(dossier: Dossier, as_of: dt.date, since: dt.date | None, items: dict[str, Any],
               withheld: set[str]) -> HighlightView | None:
    """The entry for `as_of`; None when there is none yet, or when it rests on something a releasable cut left out."""
    entries = [(h, i) for i, (h, _) in enumerate(dossier.highlights) if h.date.last <= as_of]
    if not entries:
        return None
    entry = max(entries, key=lambda e: (e[0].date.last, e[1]))[0]
    if any(name in withheld for name in entry.based_on):
        return None  # its points may tell what the cut withholds
    refs = [items[name] for name in entry.based_on if name in items]
    return HighlightView(entry, refs, dated=since is not None and entry.date.last < since)


def timeline(dossier: Dossier, facts: list[FactView]) -> list[FactView]:
    """Key events (`timeline: true`) when the dossier flags any, else every dated fact; shown in full, by time."""
    flagged = any(f.timeline for f in dossier.facts.values())
    chosen = [v for v in facts if v.in_full and v.fact.date is not None and (v.fact.timeline or not flagged)]
    return sorted(chosen, key=lambda v: reading_key(v.fact, v.order))
