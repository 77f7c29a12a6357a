"""The views of facts and sources a brief is made of (a fact as shown on a day, a source as an endnote).

Kept apart from `select` so that the modules computing a brief's parts
(figures, judgments, lead) can use them without importing the selection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from briefing.dossier.model import Fact, PartialDate, Section, Source
from briefing.foundation.scales import RELIABILITY


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


@dataclass(eq=False)
class FactView:
    """A fact as a brief shows it."""

    fact: Fact
    number: int  # stable across the briefs of one output folder (brief.numbering)
    known_from: dt.date
    citations: list[CitationView]
    section: Section
    claim_status: str = "reported"  # the fact's own status on the brief's day (see `status_on`)
    superseded_by: FactView | None = None  # the first fact in the brief that updates it
    supersedes: list[FactView] = field(default_factory=list)  # the facts in the brief it updates
    new: bool = False
    in_full: bool = True
    order: int = 0  # its place in the dossier's files: ties in time keep this order
    superseded_by_all: list[FactView] = field(default_factory=list)

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
