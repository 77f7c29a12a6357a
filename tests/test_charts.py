"""Charts of key figures (render/charts.py): plain data in, reproducible inline SVG out, never on `check`'s path."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from briefing.brief.select import select_brief
from briefing.render import charts
from test_golden import FIXTURE, _dossier

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2024, 3, 31)


def ships_held() -> charts.Series:
    brief = select_brief(_dossier(FIXTURE / "harbour"), DAY, None, None)
    row = next(r for r in brief.figures if r.metric_id == "ships-held")
    return charts.series_from_row(row)


def test_a_row_becomes_points_current_superseded_and_disputed() -> None:
    series = ships_held()
    assert series.label == "Ships held at Vessa" and series.unit == "ships"
    by_value = {p.value: p for p in series.points}
    assert not by_value[20].superseded and by_value[20].disputed and by_value[45].disputed
    assert by_value[30].superseded and not by_value[30].disputed
    assert by_value[45].day == dt.date(2024, 3, 15) and by_value[45].label.startswith("F")
    assert by_value[20].day == dt.date(2024, 3, 16)  # "2024-03": the middle of the month
    assert by_value[20].when == "March 2024", "described as the brief dates it, not by the day it is drawn on"
    assert charts.chartable(series)
    assert not charts.chartable(charts.Series("x", None, series.points[:1]))


def test_chart_is_an_inline_svg_with_title_and_description() -> None:
    series = ships_held()
    svg = charts.chart_svg(series, "chart-ships-held")
    assert svg.startswith('<svg class="chart" role="img" aria-labelledby="chart-ships-held-title chart-ships-held-desc"')
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg and " width=" not in svg.split(">", 1)[0]
    assert "diamonds are values other reports dispute" in svg and "shaded band" not in svg
    assert "from February 2024 to March 2024" in svg  # month-dated facts, not the middle days they are drawn on
    assert svg == charts.chart_svg(series, "chart-ships-held")


def test_an_estimate_is_drawn_as_a_band() -> None:
    plain = charts.Series("x", "ships", (charts.Point(dt.date(2024, 1, 1), 10, "B2"), charts.Point(dt.date(2024, 2, 1), 20, "B2")))
    banded = charts.Series(plain.label, plain.unit, plain.points, charts.Band(dt.date(2024, 1, 15), dt.date(2024, 2, 1), 15, 25, 20))
    with_band, without = charts.chart_svg(banded, "c"), charts.chart_svg(plain, "c")
    assert "shaded band is the desk's estimated range" in with_band.replace("&#39;", "'")
    assert with_band.count("<path") > without.count("<path")


def test_check_never_imports_matplotlib_or_pagefind() -> None:
    result = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "build.py"), "check"], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "briefing" in imported and not {"matplotlib", "pagefind", "weasyprint"} & imported
