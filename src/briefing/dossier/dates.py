"""Dates as analysts write them: a day, a month or a year (`PartialDate`), or a span of them (`Interval`)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from briefing.dossier.reader import describe

# ASCII digits only, to the very end: `\d` also takes '٢٠٢٤' and `$` a final newline.
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")


@dataclass(frozen=True, order=True)
class PartialDate:
    """An ISO date that may stop at the year or month: 2024, 2024-10, 2024-10-16."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        text = str(value).strip(" ") if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        match = _DATE.match(text) if text is not None else None
        if match is None:
            hint = " (only a fact's date and a source's published may be intervals)" if text is not None and "/" in text else ""
            raise ValueError(f"expected a date like 2024, 2024-10 or 2024-10-16, got {describe(value)}{hint}")
        year, month, day = (int(g) if g else None for g in match.groups())
        if year < 1:
            raise ValueError(f"'{text}' has no year 0")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"'{text}' has no month {month}")
        if day is not None and not 1 <= day <= calendar.monthrange(year, month or 1)[1]:
            raise ValueError(f"'{text}' is not a day of the calendar")
        return cls(year, month, day)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last(self) -> dt.date:
        """The day a partial date counts from (FORMAT.md: `2024-10` counts from 2024-10-31)."""
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text


@dataclass(frozen=True)
class Interval:
    """A span of partial dates, written `2024-10/2025-01`."""

    start: PartialDate
    end: PartialDate

    @property
    def first(self) -> dt.date:
        return self.start.first

    @property
    def last(self) -> dt.date:
        return self.end.last

    def __str__(self) -> str:
        return f"{self.start}/{self.end}"


When = PartialDate | Interval


def _partial_date(value: Any) -> PartialDate:
    return PartialDate.parse(value)


def _when(value: Any) -> When:
    if isinstance(value, str) and "/" in value:
        start_text, _, end_text = str(value).partition("/")
        if not start_text.strip() or not end_text.strip():
            raise ValueError(f"interval '{value}' needs a date on both sides of '/', like 2024-10/2025-01")
        try:
            start, end = PartialDate.parse(start_text), PartialDate.parse(end_text)
        except ValueError as exc:
            raise ValueError(f"interval '{value}': {exc}") from None
        if end.last < start.first:
            raise ValueError(f"interval '{value}' ends before it starts")
        return Interval(start, end)
    return PartialDate.parse(value)


# Months 01-12 and days 01-31 in the pattern, so an editor flags `2024-13-01` as it is typed.
_ONE = r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?"
_DATE_SCHEMA = {"type": ["string", "integer"], "pattern": f"^{_ONE}$", "examples": ["2024-10-16", "2024-10", 2024]}
_WHEN_SCHEMA = {
    "type": ["string", "integer"],
    "pattern": f"^{_ONE}(/{_ONE})?$",
    "examples": ["2024-10-16", "2024-10/2025-01"],
}
