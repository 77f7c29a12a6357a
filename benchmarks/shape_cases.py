"""The held-out shapes measured: `check` (or a Markdown and HTML build) at a size and at twice it, against the load floor.

Each shape is one path that was once super-linear (`shapes.py`). A row gives
the command's median time at the issue's size and at twice that size, the bare
libyaml load of the same files beside each, the growth when the size doubles
(linear is about 2×), and the time the issue measured before the fix.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import shapes
from measuring import LOAD_FLOOR, Measure, briefing_cmd, run_child


@dataclass(frozen=True)
class Shape:
    """One held-out shape: its generator's size argument, what is timed, and the issue's figure before the fix."""

    name: str
    size: int
    size_word: str
    before: str  # what the issue measured at `size`
    before_seconds: float | None
    build: bool = False  # time `build --format md,html` instead of `check`
    exit_code: int = 0  # the shapes made of errors exit 1, by design
    floor: bool = True  # False: libyaml itself computes the shape's value (a base-60 number takes it minutes)


SHAPES: tuple[Shape, ...] = (
    Shape("figures-over-years", 10_000, "facts", "208,218 warnings, 8× the load", None),
    Shape("one-metric-contested", 2000, "facts", "98 s, 1.67 GB", 98),
    Shape("supersession-chain", 4000, "facts", "190 s", 190),
    Shape("misspelt-ids", 4000, "misspelt ids", "over 300 s", 300, exit_code=1),
    Shape("big-archive", 100, "missing quotes", "24 s", 24, exit_code=1),
    Shape("huge-number", 1_000_000, "characters", "135 s at 2 MiB", 135, exit_code=1, floor=False),
    Shape("many-sections", 6000, "sections × facts", "38 s (md,html build)", 38, build=True),
)


@dataclass
class ShapeResult:
    shape: Shape
    runs: dict[int, dict[str, Measure]] = field(default_factory=dict)  # size -> "load"/"cmd" -> Measure
    warnings: int | None = None  # warnings `check` printed at the shape's size


def _generate(shape: Shape, folder: Path, size: int) -> None:
    make = shapes.SHAPES[shape.name]
    if shape.name == "many-sections":
        make(folder, sections=size, facts=size)
    elif shape.name == "big-archive":
        make(folder, quotes=size)
    else:
        make(folder, size)


def measure_shapes(root: Path, repeat: int, env: dict[str, str], say: Callable[[str], None]) -> list[ShapeResult]:
    """Every shape at its size and twice it, `repeat` rounds of (load, command) each."""
    results = []
    for shape in SHAPES:
        result = ShapeResult(shape)
        for size in (shape.size, shape.size * 2):
            facts = root / f"shape-{shape.name}-{size}" / "facts"
            shutil.rmtree(facts.parent, ignore_errors=True)
            _generate(shape, facts / shape.name, size)
            cmd = (briefing_cmd("build", shape.name, "--facts", facts, "--as-of", "2026-06-30", "--out", facts.parent / "out",
                                "--format", "md,html", "--no-cache") if shape.build else briefing_cmd("check", "--facts", facts))
            runs = result.runs.setdefault(size, {"load": Measure(), "cmd": Measure()})
            for _ in range(repeat):
                if shape.floor:
                    runs["load"].samples.append(run_child([sys.executable, "-c", LOAD_FLOOR, facts / shape.name], facts.parent, env))
                runs["cmd"].samples.append(run_child(cmd, facts.parent, env, expect=shape.exit_code))
            load = f"{runs['load'].seconds:.2f} s" if runs["load"].samples else "not measured"
            say(f"[{shape.name} {size:,}] load {load}, command {runs['cmd'].seconds:.2f} s, {runs['cmd'].rss_mb:.0f} MB")
            if size == shape.size and not shape.build:
                done = subprocess.run([str(c) for c in briefing_cmd("check", "--facts", facts)], cwd=facts.parent, env=env,
                                      capture_output=True, text=True, check=False)
                result.warnings = done.stderr.count(": warning: ")
            shutil.rmtree(facts.parent, ignore_errors=True)
        results.append(result)
    return results


def shapes_report(results: list[ShapeResult]) -> list[str]:
    """The Markdown section of the held-out shapes."""
    if not results:
        return []
    lines = ["", "## Held-out shapes (median; × = ratio to the bare libyaml load of the same files)", "",
             "| Shape | Size | Command | Load floor | At twice the size | Growth | Peak memory | Warnings | Before the fix |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        s = r.shape
        one, two = r.runs[s.size], r.runs[s.size * 2]
        what = "md,html build" if s.build else "`check`"
        lines.append(
            f"| {s.name} | {s.size:,} {s.size_word} | {what} {one['cmd'].seconds:.2f} s{_times(one)} "
            f"| {_load(one)} | {two['cmd'].seconds:.2f} s{_times(two)} "
            f"| {two['cmd'].seconds / one['cmd'].seconds:.2f}× | {one['cmd'].rss_mb:.0f} MB "
            f"| {'–' if r.warnings is None else f'{r.warnings:,}'} | {s.before} |")
    return lines


def _times(runs: dict[str, Measure]) -> str:
    return f" (×{runs['cmd'].seconds / runs['load'].seconds:.2f})" if runs["load"].samples else ""


def _load(runs: dict[str, Measure]) -> str:
    return f"{runs['load'].seconds:.2f} s" if runs["load"].samples else "– (libyaml computes the number itself: minutes)"


def shape_targets(results: list[ShapeResult]) -> list[tuple[str, str, str, str, bool]]:
    """(target, shape, measured, limit, ok) for each shape: ten times faster than before, linear when doubled."""
    out = []
    for r in results:
        s = r.shape
        one, two = r.runs[s.size]["cmd"].seconds, r.runs[s.size * 2]["cmd"].seconds
        if s.before_seconds is not None:
            out.append(("at least 10× faster than before the fix", s.name, f"{one:.2f} s (before: {s.before})",
                        f"≤ {s.before_seconds / 10:g} s", one <= s.before_seconds / 10))
        out.append(("linear: time at twice the size ÷ time at the size", s.name, f"{two / one:.2f}×", "≤ 2.5×", two / one <= 2.5))
        if s.name == "figures-over-years":
            load = r.runs[s.size]["load"].seconds
            out.append(("`check` ÷ bare libyaml load", s.name, f"{one / load:.2f}× ({one:.2f} s / {load:.2f} s)", "≤ 1.5×", one / load <= 1.5))
            out.append(("warnings printed by `check`", s.name, f"{r.warnings}", "≤ 48 (a few dozen)", (r.warnings or 0) <= 48))
    return out
