"""Charts kept from earlier runs, by their data, so that a brief whose figures did not change needs no plotting.

A desk builds every day and its figures change now and then: most days each
chart is the one drawn the day before. A chart's SVG depends only on its plain
data (`charts.Series`), its id, the program's code and the plotting library's
version, so it is kept under a hash of the first two in a folder named by the
other two (`publish.cache.kept_charts`). A brief asks for all its charts at
once: those kept are read at once; the others go to the chart worker, and
are kept when they come back. Files unused for 30 days are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from briefing.render import charts

UNUSED_DAYS = 30


def chart_key(series: charts.Series, chart_id: str) -> str:
    """The name a chart is kept under: its data and id, hashed (the dataclasses' repr is exact and stable)."""
    return hashlib.sha256(repr((series, chart_id)).encode()).hexdigest()[:32]


class Drawn:
    """One brief's charts in the order asked: `.get()` gives their SVG, drawn elsewhere or kept from before."""

    def __init__(self, requests: list[tuple[charts.Series, str]], folder: Path | None, worker: Callable[[], Any]) -> None:
        """`worker()` gives the chart worker (started only now, if at all: when a chart was not kept), or None."""
        self.folder = folder
        self.ids = [chart_id for _, chart_id in requests]
        self.keys = [chart_key(series, chart_id) for series, chart_id in requests]
        self.svgs = {key: svg for key in self.keys if (svg := _read(folder, key)) is not None}
        self.missing = [(request, key) for request, key in zip(requests, self.keys, strict=True) if key not in self.svgs]
        pool = worker() if self.missing else None
        self.pending = pool.draw([request for request, _ in self.missing]) if pool is not None else None

    def get(self) -> list[str]:
        if self.missing:
            requests = [request for request, _ in self.missing]
            drawn = self.pending.get() if self.pending is not None else [charts.chart_svg(*r) for r in requests]
            for (_, key), svg in zip(self.missing, drawn, strict=True):
                self.svgs[key] = svg
                _keep(self.folder, key, svg)
            if self.folder is not None:  # once per brief that drew something, not per chart
                _remove_unused(self.folder)
            self.missing = []
        return [self.svgs[key] for key in self.keys]

    def by_id(self) -> dict[str, str]:
        """The SVG of each chart by its id (`chart-<metric>`)."""
        return dict(zip(self.ids, self.get(), strict=True))


def _read(folder: Path | None, key: str) -> str | None:
    if folder is None:
        return None
    path = folder / f"{key}.svg"
    try:
        svg = path.read_text(encoding="utf-8")
        os.utime(path)  # used today: not removed as unused
    except (OSError, UnicodeDecodeError):
        return None
    return svg if svg.startswith("<svg") and svg.endswith("</svg>") else None  # a damaged file is drawn again


def _keep(folder: Path | None, key: str, svg: str) -> None:
    """Keep one chart (whole or not at all); a cache that cannot be written is only a slower next run."""
    if folder is None:
        return
    with contextlib.suppress(OSError):
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(svg)
        os.replace(tmp, folder / f"{key}.svg")


def _remove_unused(folder: Path) -> None:
    too_old = time.time() - UNUSED_DAYS * 86400
    for path in folder.glob("*.svg"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < too_old:
                path.unlink()
