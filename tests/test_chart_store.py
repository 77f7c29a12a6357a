"""Charts kept from earlier runs (render/chart_store.py): read when their data is the same, drawn again otherwise."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefing.render import chart_store, charts

SERIES = charts.Series("Troops", "soldiers", (charts.Point(dt.date(2024, 10, 16), 2000.0, "C3", superseded=True),
                                              charts.Point(dt.date(2025, 7, 2), 11000.0, "F3")))
OTHER = charts.Series("Troops", "soldiers", (*SERIES.points[:1], charts.Point(dt.date(2025, 7, 2), 12000.0, "F3")))


def no_drawing(*_: object) -> str:
    raise AssertionError("drawn although kept")


def test_a_chart_is_kept_and_read_back_instead_of_drawn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = chart_store.Drawn([(SERIES, "chart-a")], tmp_path, lambda: None).get()
    assert first == [charts.chart_svg(SERIES, "chart-a")]
    assert len(list(tmp_path.glob("*.svg"))) == 1
    monkeypatch.setattr(charts, "chart_svg", no_drawing)
    assert chart_store.Drawn([(SERIES, "chart-a")], tmp_path, lambda: None).get() == first


def test_other_data_or_another_id_is_another_chart(tmp_path: Path) -> None:
    chart_store.Drawn([(SERIES, "chart-a")], tmp_path, lambda: None).get()
    keys = {chart_store.chart_key(SERIES, "chart-a"), chart_store.chart_key(SERIES, "chart-b"), chart_store.chart_key(OTHER, "chart-a")}
    assert len(keys) == 3
    assert chart_store.Drawn([(OTHER, "chart-a"), (SERIES, "chart-b")], tmp_path, lambda: None).get() == [
        charts.chart_svg(OTHER, "chart-a"), charts.chart_svg(SERIES, "chart-b")]


def test_a_damaged_kept_chart_is_drawn_again(tmp_path: Path) -> None:
    (tmp_path / f"{chart_store.chart_key(SERIES, 'chart-a')}.svg").write_text("<svg><g", encoding="utf-8")
    assert chart_store.Drawn([(SERIES, "chart-a")], tmp_path, lambda: None).get() == [charts.chart_svg(SERIES, "chart-a")]


def test_no_folder_draws_every_time_and_keeps_nothing(tmp_path: Path) -> None:
    assert chart_store.Drawn([(SERIES, "chart-a")], None, lambda: None).get() == [charts.chart_svg(SERIES, "chart-a")]
    assert not list(tmp_path.iterdir())
