"""Charts of figures over time: one SVG per metric, drawn by matplotlib from plain data.

`chart_svg(series)` is the one entry point and takes plain values (a `Series`
of `Point`s and an optional `Band`), not the brief's views, so that any
selection, today's key figures (`series_from_row`) or a richer analysis
layer's, can feed it. matplotlib is imported inside `chart_svg`, on the
build path that draws a chart, never by `check` or a Markdown-only build.

The bytes are reproducible: matplotlib's SVG ids come from `svg.hashsalt`
(fixed here), its metadata carries no date, and text stays text (no glyph
paths, so the page's own font draws it and screen readers and search can read
it). What each point shows:

- filled: a current value; hollow: one a newer report superseded (or withdrawn);
- a diamond outlined in the disagreement colour: a value other reports dispute;
- its Admiralty grade (`B2`) beside it, while there is room (12 points or fewer);
- the desk's estimate, where there is one: a shaded band from its low to its high.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from dataclasses import dataclass
from typing import Any

from briefing.render.words import day_words, number

INK, MUTED, RULE, ACCENT, DISPUTE, BAND = "#1a1d21", "#4a525c", "#d5d9de", "#0b4f8a", "#b45309", "#0b4f8a"
GRADE_LABELS_UP_TO = 12


@dataclass(frozen=True)
class Point:
    """One reported value: its day, value, source grade and standing."""

    day: dt.date
    value: float
    grade: str = ""
    superseded: bool = False
    disputed: bool = False
    label: str = ""  # what a reader looks up, `F12`
    when: str = ""  # the day as the brief words it (`2025` for a year, drawn at its middle); the day itself if empty


@dataclass(frozen=True)
class Band:
    """An estimate over a span of days: its range, and its central value where it has one."""

    start: dt.date
    end: dt.date
    low: float
    high: float
    value: float | None = None


@dataclass(frozen=True)
class Series:
    """One metric's values over time, as the chart draws them."""

    label: str
    unit: str | None
    points: tuple[Point, ...]
    estimate: Band | None = None


def chartable(series: Series) -> bool:
    """A chart says something only with two or more values on two or more days."""
    return len(series.points) >= 2 and len({p.day for p in series.points}) >= 2


def chart_svg(series: Series, chart_id: str = "chart") -> str:
    """The chart as an inline `<svg>` element (no XML prolog), 100% wide, titled for screen readers.

    `chart_id` makes the ids inside unique on a page holding several charts.
    """
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    _add_fonts()
    style = {"svg.hashsalt": f"briefing-{chart_id}", "svg.fonttype": "none", "font.family": ["Inter", "DejaVu Sans"],
             "font.size": 9, "axes.edgecolor": RULE, "axes.labelcolor": MUTED, "xtick.color": MUTED, "ytick.color": MUTED,
             "axes.spines.top": False, "axes.spines.right": False, "svg.id": chart_id}
    with matplotlib.rc_context({k: v for k, v in style.items() if k in matplotlib.rcParams}):
        figure = Figure(figsize=(5.0, 2.4), dpi=72)  # not pyplot: no global state, no GUI backend; narrow, so a phone keeps its text readable
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        _draw(axes, series)
        figure.subplots_adjust(left=0.15, right=0.97, top=0.95, bottom=0.13)  # fixed: measuring every label (tight_layout) took a third of a chart
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, transparent=True)
    return _inline(buffer.getvalue(), series, chart_id)


def warm_up() -> None:
    """Import matplotlib and draw one throwaway chart (fonts found, caches filled): run in the chart worker
    while the dossiers load, so that a brief's first chart costs only its drawing."""
    chart_svg(Series("", None, (Point(dt.date(2000, 1, 1), 0.0), Point(dt.date(2000, 1, 2), 1.0))))


@functools.cache
def _add_fonts() -> None:
    """The page's own font (assets/fonts), so that labels are measured as the page will draw them."""
    from matplotlib import font_manager

    from briefing.foundation.resources import assets_dir

    for path in sorted((assets_dir() / "fonts").glob("Inter-*.otf")):
        font_manager.fontManager.addfont(str(path))


def _draw(axes: Any, series: Series) -> None:
    import matplotlib.dates as mdates

    points = sorted(series.points, key=lambda p: (p.day, p.value))
    if series.estimate is not None:
        band = series.estimate
        axes.fill_between([band.start, band.end], [band.low] * 2, [band.high] * 2, color=BAND, alpha=0.12, linewidth=0)
        if band.value is not None:
            axes.plot([band.start, band.end], [band.value] * 2, color=BAND, linewidth=1, linestyle="--")
    line = [p for p in points if not p.disputed]
    if len(line) >= 2:
        axes.plot([p.day for p in line], [p.value for p in line], color=MUTED, linewidth=1, zorder=1)
    for disputed, superseded in ((False, True), (False, False), (True, True), (True, False)):  # one artist per look
        group = [p for p in points if p.disputed == disputed and p.superseded == superseded]
        if group:
            axes.plot([p.day for p in group], [p.value for p in group], marker="D" if disputed else "o",
                      markersize=6 if disputed else 5, markeredgewidth=1.4, markeredgecolor=DISPUTE if disputed else ACCENT,
                      markerfacecolor="none" if superseded else (DISPUTE if disputed else ACCENT), linestyle="none", zorder=3)
    if len(points) <= GRADE_LABELS_UP_TO:
        for p in points:
            axes.annotate(p.grade, (p.day, p.value), textcoords="offset points", xytext=(0, 7), ha="center",
                          fontsize=7, color=MUTED)
    days = [p.day for p in points] + ([series.estimate.start, series.estimate.end] if series.estimate else [])
    span = (max(days) - min(days)).days
    axes.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=6))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%d %b" if span < 100 else "%b %Y" if span < 1100 else "%Y"))
    axes.yaxis.set_major_formatter(_number_formatter())
    axes.set_ylim(bottom=min(0, *(p.value for p in points)))
    axes.margins(x=0.06, y=0.18)
    axes.grid(axis="y", color=RULE, linewidth=0.6)
    axes.tick_params(length=0)
    axes.tick_params(axis="x", pad=7)  # the first date label clear of the y axis's lowest one, which sits on the same corner
    if series.unit:
        axes.set_ylabel(series.unit)


def _number_formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    def words(value: float, _pos: int) -> str:
        for size, suffix in ((1e9, " bn"), (1e6, " m"), (1e3, "k")):
            if abs(value) >= size:
                return f"{value / size:g}{suffix}"
        return f"{value:g}"

    return FuncFormatter(words)


_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*|<style[^>]*>.*?</style>\s*", re.S)  # its `*{...}` would style the whole page


def _inline(svg: str, series: Series, chart_id: str) -> str:
    """matplotlib's file as an element for an HTML page: no prolog, fluid width, a title and a description."""
    from markupsafe import escape

    svg = _METADATA.sub("", _PROLOG.sub("", svg, count=1))
    # matplotlib numbers its elements from 1 in every file (`axes_1`, `line2d_1`): on a page of several
    # charts those ids would repeat, so each one, and every reference to it, takes the chart's own prefix.
    inner = set(re.findall(r' id="([^"]+)"', svg)) - {chart_id}
    svg = re.sub(r'( id="|url\(#|href="#)([^")]+)',
                 lambda m: m.group(1) + (f"{chart_id}-{m.group(2)}" if m.group(2) in inner else m.group(2)), svg)
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
    title, described = f"{chart_id}-title", f"{chart_id}-desc"
    opening = (f'<svg class="chart" role="img" aria-labelledby="{title} {described}" preserveAspectRatio="xMidYMid meet" '
               f'focusable="false"')
    svg = svg.replace("<svg", opening, 1)
    head = f'<title id="{title}">{escape(alt_text(series))}</title><desc id="{described}">{escape(describe(series))}</desc>'
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + head, svg, count=1).strip()


def alt_text(series: Series) -> str:
    """One sentence a screen reader says for the chart: what it shows and over which days."""
    points = sorted(series.points, key=lambda p: p.day)
    first, last = points[0], points[-1]
    return (f"Chart of {series.label}: {len(points)} reported values from {first.when or day_words(first.day)} to "
            f"{last.when or day_words(last.day)}, "
            f"from {number(first.value)} to {number(last.value)}{' ' + series.unit if series.unit else ''}.")


def describe(series: Series) -> str:
    """The chart's reading key, in words: what hollow, diamond and shaded mean."""
    parts = ["Filled points are current values, hollow points superseded ones"]
    if any(p.disputed for p in series.points):
        parts.append("diamonds are values other reports dispute")
    if series.estimate is not None:
        parts.append("the shaded band is the desk's estimated range")
    return "; ".join(parts) + ". The table of values follows the chart."


def series_from_row(row: Any) -> Series:
    """A key-figures row of the brief (brief.select.FigureRow) as plain data: every dated value, current or not.

    A value's day is the middle of the span its fact's date names (a month, a
    year, an interval), or the day it became known when it has no date.
    """
    from briefing.dossier.rules import span_of

    current = {id(view) for view, _ in row.current}
    disputed = row.disputed
    points = []
    for view, figure in (*row.current, *row.earlier):
        span = span_of(view.fact.date, view.known_from)
        if span is None:
            continue
        day = span[0] + (span[1] - span[0]) / 2
        points.append(Point(day=day, value=float(figure.value), grade=view.grade, superseded=id(view) not in current,
                            disputed=disputed and id(view) in current, label=f"F{view.number}",
                            when=_day(view.fact.date or view.known_from)))
    return Series(label=row.metric.label, unit=row.metric.unit, points=tuple(points), estimate=_band(row, points))


def _band(row: Any, points: list[Point]) -> Band | None:
    """The desk's estimate (brief.figures.EstimateView) as a band from the day it was made to the last value drawn."""
    estimate = getattr(row, "estimate", None)
    if estimate is None:
        return None
    made = estimate.date
    start = made.first if hasattr(made, "first") else made
    end = max([start, *(p.day for p in points)])
    low = estimate.low if estimate.low is not None else estimate.value
    high = estimate.high if estimate.high is not None else estimate.value
    return Band(start=start, end=end, low=float(low), high=float(high), value=float(estimate.value))


def _day(day: Any) -> str:
    """A fact's date (a day, month, year or span) as the brief writes it; only in the main process, which has
    the brief's filters loaded already (the chart worker draws from the words it is sent)."""
    from briefing.render.text import long_date

    return long_date(day)
