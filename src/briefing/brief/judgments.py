"""The judgments of a brief: which are current and in what order, which were revised, resolved or are
due for review, and what each rests on (for it, against it, as context).

FORMAT 1.1's rules of a judgment's life, on the brief's day D:
- a judgment revised by one dated D or earlier is no longer current;
- one with a resolution dated D or earlier goes to the track record;
- one whose horizon has passed by D without a resolution is due for review;
- every other judgment made by D is current: the bottom line, by rank, then newest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from briefing.dossier.model import Judgment

if TYPE_CHECKING:
    from briefing.brief.views import FactView
    from briefing.dossier.dossier import Dossier

CHANGED = ("superseded", "denied", "disputed", "retracted")  # a supporting fact in one of these no longer bears weight


@dataclass(eq=False)
class JudgmentView:
    """A judgment as a brief shows it, resting only on facts the brief includes."""

    judgment: Judgment
    number: int
    based_on: list[FactView]  # every fact it weighs that the brief holds, whatever the role
    new: bool = False
    in_full: bool = True  # False: made before the reading window and not among the newest, so only counted
    roles: dict[str, str] = field(default_factory=dict)  # fact id -> supports | contradicts | context
    withheld: int = 0  # supporting facts the releasable cut left out
    state: str = "current"  # current | revised | resolved | due
    revises: JudgmentView | None = None  # the earlier judgment this one replaced
    revised_by: JudgmentView | None = None
    resolution_facts: list[FactView] = field(default_factory=list)
    between: list[FactView] = field(default_factory=list)  # for a revision: facts known after the old judgment's day

    @property
    def current(self) -> bool:
        return self.state == "current"

    @property
    def supports(self) -> list[FactView]:
        return [v for v in self.based_on if self.roles.get(v.id) == "supports"]

    @property
    def contradicts(self) -> list[FactView]:
        return [v for v in self.based_on if self.roles.get(v.id) == "contradicts"]

    @property
    def context(self) -> list[FactView]:
        return [v for v in self.based_on if self.roles.get(v.id) == "context"]

    @property
    def changed_basis(self) -> list[FactView]:
        """Supporting facts that, on the brief's day, are superseded, denied, disputed or retracted."""
        return [v for v in self.supports if v.status in CHANGED]

    @property
    def supporting_total(self) -> int:
        return len(self.supports) + self.withheld


def judgment_views(dossier: Dossier, as_of: dt.date, since: dt.date | None, by_id: dict[str, FactView],
                   allowed: Any, known: dict[str, dt.date]) -> list[JudgmentView]:
    """Every judgment made by `as_of`, releasable and resting on something the brief holds, with its state.

    `known` gives the day each fact of the dossier became known (for counting
    what a releasable cut withheld). The list is in bottom-line order: current
    judgments by rank then newest, then the others newest first.
    """
    views: dict[str, JudgmentView] = {}
    for judgment in dossier.judgments.values():
        if judgment.date.last > as_of or not allowed(judgment.marking):
            continue
        based = sorted((by_id[b.fact] for b in judgment.based_on if b.fact in by_id), key=lambda v: v.number)
        if not based or (judgment.supporting and not any(f in by_id for f in judgment.supporting)):
            continue  # everything it rests on is later than the brief or not releasable
        withheld = sum(1 for b in judgment.based_on if b.role == "supports" and b.fact not in by_id
                       and b.fact in known and known[b.fact] <= as_of)
        views[judgment.id] = JudgmentView(judgment, 0, based, new=since is not None and since < judgment.date.last,
                                          roles={b.fact: b.role for b in judgment.based_on}, withheld=withheld)
    for view in views.values():
        _set_state(view, views, as_of, by_id)
    ordered = sorted(views.values(), key=_order)
    for number, view in enumerate(ordered, start=1):
        view.number = number
    return ordered


def _set_state(view: JudgmentView, views: dict[str, JudgmentView], as_of: dt.date, by_id: dict[str, FactView]) -> None:
    judgment = view.judgment
    old = views.get(judgment.revises or "")
    if old is not None:
        view.revises, old.revised_by = old, view
        old.state = "revised"
        view.between = [v for v in view.based_on if v.known_from > old.judgment.date.last]
    resolution = judgment.resolution
    if view.state == "revised":
        return
    if resolution is not None and resolution.date.last <= as_of:
        view.state = "resolved"
        view.resolution_facts = [by_id[f] for f in resolution.based_on if f in by_id]
    elif judgment.horizon is not None and judgment.horizon.last < as_of:
        view.state = "due"


def _order(view: JudgmentView) -> tuple[Any, ...]:
    """Current first, by rank (unranked after), then newest; the rest newest first."""
    j = view.judgment
    rank = j.rank if j.rank is not None and view.current else 10_000
    return (not view.current, rank, -j.date.last.toordinal(), j.id)
