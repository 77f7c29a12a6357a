"""How a number and a day are written for a reader, in a module light enough for the chart worker to import.

`render.text` (the template filters) uses them too; it imports the brief's
views and the dossier's models, which a chart worker forked before the
dossiers load would otherwise import for two words of a chart's alt text.
"""

from __future__ import annotations

import datetime as dt

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def number(value: float) -> str:
    """11000 -> 11,000; 0.5 -> 0.5."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def day_words(day: dt.date) -> str:
    """16 October 2024."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
