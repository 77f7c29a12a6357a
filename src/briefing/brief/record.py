"""The desk's track record: its resolved forecasts, their Brier score and, from ten on, a calibration table.

The Brier score is the mean of (p - o)^2 over forecasts decided either way,
where p is the midpoint of the stated likelihood's ICD 203 range (likely,
55-80 %: 0.675) and o is 1 when the forecast was borne out, 0 when not. 0 is
perfect; always saying "roughly even chance" scores 0.25. Indeterminate
outcomes are listed but not scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing.foundation.scales import LIKELIHOOD, likelihood_midpoint

if TYPE_CHECKING:
    from briefing.brief.judgments import JudgmentView

CALIBRATION_FROM = 10  # decided forecasts needed before a calibration table says anything


@dataclass
class CalibrationRow:
    """Forecasts stated at one likelihood: how many, and how many came true."""

    likelihood: str
    stated: str  # the ICD 203 range, "55-80%"
    decided: int
    borne_out: int

    @property
    def observed(self) -> float:
        return self.borne_out / self.decided


@dataclass
class TrackRecord:
    """Resolved forecasts, newest resolution first, and the scores over those decided."""

    resolved: list[JudgmentView]

    @property
    def decided(self) -> list[JudgmentView]:
        return [j for j in self.resolved if j.judgment.resolution and j.judgment.resolution.outcome != "indeterminate"]

    @property
    def borne_out(self) -> int:
        return sum(1 for j in self.decided if _outcome(j) == 1)

    @property
    def brier(self) -> float | None:
        """Mean squared gap between stated probability and outcome; None before any forecast is decided."""
        decided = self.decided
        if not decided:
            return None
        return sum((likelihood_midpoint(j.judgment.likelihood) - _outcome(j)) ** 2 for j in decided) / len(decided)

    @property
    def calibration(self) -> list[CalibrationRow]:
        """By likelihood, in scale order; empty below CALIBRATION_FROM decided forecasts."""
        decided = self.decided
        if len(decided) < CALIBRATION_FROM:
            return []
        rows = []
        for name, (_, stated) in LIKELIHOOD.items():
            group = [j for j in decided if j.judgment.likelihood == name]
            if group:
                rows.append(CalibrationRow(name, stated, len(group), sum(_outcome(j) for j in group)))
        return rows

    def summary(self) -> dict[str, object]:
        """Plain numbers for pages that show the record without the brief (the site's archive page)."""
        brier = self.brier
        return {"resolved": len(self.resolved), "decided": len(self.decided), "borne_out": self.borne_out,
                "brier": None if brier is None else round(brier, 3)}


def _outcome(view: JudgmentView) -> int:
    resolution = view.judgment.resolution
    assert resolution is not None
    return 1 if resolution.outcome == "borne-out" else 0


def track_record(judgments: list[JudgmentView]) -> TrackRecord:
    resolved = [j for j in judgments if j.state == "resolved"]
    resolved.sort(key=lambda j: (-j.judgment.resolution.date.last.toordinal(), j.number))  # type: ignore[union-attr]
    return TrackRecord(resolved)
