"""The results as Markdown: the machine, the side-by-side tables of time, memory and CPU, and the targets."""

from __future__ import annotations

import contextlib
import ctypes.util
import datetime as dt
import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cases import JOBS_BRIEFS, MEASUREMENTS, RATIOS, Case, Options
from measuring import PACKAGE_ROOT
from shape_cases import ShapeResult, shape_targets, shapes_report

import briefing

# --- the report ----------------------------------------------------------------------------------


def checkout_commit() -> str:
    """The code's commit as `git describe` gives it; read when the code is snapshotted, not when the report is written."""
    return _run_text(["git", "-C", str(PACKAGE_ROOT), "describe", "--always", "--dirty"]) or "not a git checkout"


def machine(commit: str | None = None) -> list[tuple[str, str]]:
    """What the numbers depend on: CPU, cores, memory, Python, WeasyPrint, HarfBuzz subsetting, the code."""
    from importlib.metadata import PackageNotFoundError, version

    def cpuinfo(key: str) -> str:
        with contextlib.suppress(OSError):
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        return platform.processor() or "unknown"

    def meminfo() -> str:
        with contextlib.suppress(OSError, ValueError, IndexError):
            for line in Path("/proc/meminfo").read_text().splitlines():
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
        return "unknown"

    def pkg(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    harfbuzz = ctypes.util.find_library("harfbuzz-subset")
    dpkg = _run_text(["dpkg-query", "-W", "-f", "${Status} ${Version}", "libharfbuzz-subset0"])
    hb = f"yes ({harfbuzz})" if harfbuzz else "no"
    if dpkg.startswith("install ok installed"):  # the Debian package the WeasyPrint docs name
        hb = f"yes (libharfbuzz-subset0 {dpkg.split()[-1]})"
    commit = commit or checkout_commit()
    pandoc = _run_text(["pandoc", "--version"]).split("\n")[0] or "not installed"
    return [
        ("CPU", cpuinfo("model name")),
        ("Cores", f"{os.cpu_count()} ({usable} usable by this process)"),
        ("Memory", meminfo()),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("WeasyPrint", pkg("weasyprint")),
        ("pydyf / fonttools", f"{pkg('pydyf')} / {pkg('fonttools')}"),
        ("libharfbuzz-subset0", hb),
        ("PyYAML (libyaml)", f"{pkg('pyyaml')} ({'C loader' if _has_cloader() else 'NO C loader'})"),
        ("pydantic", pkg("pydantic")),
        ("pandoc", pandoc),
        ("briefing", f"{briefing.__version__}, {commit}"),
    ]


def _has_cloader() -> bool:
    import yaml

    return hasattr(yaml, "CSafeLoader")


def _run_text(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _cell(case: Case, key: str) -> str:
    m = case.measures.get(key)
    if m is None:
        return "–"
    if not m.samples:
        return f"– ({m.note})" if m.note else "–"
    text = f"{m.seconds:.2f} s"
    base = case.measures.get(RATIOS.get(key, ""))
    if key == "rebuild" and (base is None or not base.samples):  # --no-pdf: the rebuild repeats the md,html build
        base = case.measures.get("mdhtml")
    if base is not None and base.samples:
        text += f" (×{m.seconds / base.seconds:.2f})"
    return text + (f" [{m.note}]" if m.note else "")


def _cpu(case: Case, key: str) -> str:
    m = case.measures.get(key)
    return f"{m.cpu:.2f}" if m is not None and m.samples else "–"


def _rss(case: Case, key: str) -> str:
    m = case.measures.get(key)
    if m is None or not m.samples:
        return "–"
    return f"{m.rss_mb:.0f}" if round(m.tree_mb) <= round(m.rss_mb) else f"{m.rss_mb:.0f} / {m.tree_mb:.0f}"


@dataclass
class Target:
    """One goal of the performance issue, as a measured ratio (or absolute value) against its limit."""

    name: str
    case: str
    measured: str
    limit: str
    ok: bool | None


def targets(cases: list[Case]) -> list[Target]:
    out: list[Target] = []
    by = {c.label: c for c in cases}

    def pair(case: Case | None, key: str, base: str) -> tuple[float, float] | None:
        if case is None:
            return None
        a, b = case.measures.get(key), case.measures.get(base)
        if a is None or b is None or not a.samples or not b.samples:
            return None
        return a.seconds, b.seconds

    def ratio_target(name: str, label: str, key: str, base: str, limit: float) -> None:
        got = pair(by.get(label), key, base)
        if got is None:
            out.append(Target(name, label, "not measured", f"≤ {limit:g}×", None))
        else:
            r = got[0] / got[1]
            out.append(Target(name, label, f"{r:.2f}× ({got[0]:.2f} s / {got[1]:.2f} s)", f"≤ {limit:g}×", r <= limit))

    def measured(key: str) -> list[str]:
        """The cases where `key` was measured, or one to say it was not (per-size targets list only real rows)."""
        labels = [c.label for c in cases if c.measures.get(key) is not None and c.measures[key].samples]
        return labels or [cases[-1].label if cases else "–"]

    for label, limit in (("demo", 1.05), ("10000", 1.2), ("100000", 1.3)):
        if label in by or label == "demo":
            ratio_target("full build ÷ fair floor (WeasyPrint, the build's library lookup)", label, "full", "fair", limit)
    ratio_target("`check` ÷ bare libyaml load", "10000", "check", "load", 1.5)
    ratio_target("`check` with an empty cache ÷ bare libyaml load", "10000", "checkcold", "load", 1.5)
    for label in measured("rebuild"):
        ratio_target("rebuild (nothing changed) ÷ full build", label, "rebuild", "full", 0.1)
    for label in measured("jobs"):
        ratio_target(f"{JOBS_BRIEFS} briefs `--jobs 2` ÷ one at a time", label, "jobs", "seq", 0.6)
    for c in [c for c in cases if c.label in measured("full")]:
        full, weasy = c.measures.get("full"), c.measures.get("weasy")
        for what, mb in (("largest process", lambda m: m.rss_mb), ("all processes", lambda m: m.tree_mb)):
            name = f"peak memory ({what}): build ÷ bare weasyprint"
            if full is None or weasy is None or not full.samples or not weasy.samples:
                out.append(Target(name, c.label, "not measured", "≤ 1.2×", None))
            else:
                r = mb(full) / mb(weasy)
                out.append(Target(name, c.label, f"{r:.2f}× ({mb(full):.0f} MB / {mb(weasy):.0f} MB)", "≤ 1.2×", r <= 1.2))
    for label, seconds in (("10000", 30), ("100000", None)):
        big = by.get(label)
        if big is None and label != "10000":
            continue
        full = big.measures.get("full") if big else None
        name = f"{int(label):,}-fact PDF brief: {'time, ' if seconds else ''}memory (all processes)"
        limit = f"≤ {seconds} s, ≤ 1 GB" if seconds else "≤ 1 GB"
        if full is None or not full.samples:
            out.append(Target(name, label, "not measured", limit, None))
        else:
            out.append(Target(name, label, f"{full.seconds:.1f} s, {full.tree_mb:.0f} MB", limit,
                              (seconds is None or full.seconds <= seconds) and full.tree_mb <= 1024))
    return out


def report(cases: list[Case], opts: Options, started: dt.datetime, wall: float, load: tuple[float, float] | None = None,
           digest: str | None = None, shapes: list[ShapeResult] | None = None, commit: str | None = None) -> str:
    """The results as Markdown: the machine, the side-by-side table, memory, CPU, the targets, the raw runs."""
    rows = machine(commit)
    if digest is not None:
        rows.append(("Measured code (sha256 of the snapshot)", digest))
    if load is not None:  # other work on the machine slows wall times; CPU times below suffer less
        rows.append(("Load average (1 min), start / end", f"{load[0]:.2f} / {load[1]:.2f}"))
    lines = [
        "# Benchmark results",
        "",
        f"Generated by `python benchmarks/bench.py` on {started:%Y-%m-%d %H:%M} UTC in {wall / 60:.1f} min: "
        f"median of {opts.repeat} run(s) per cell; every command is a fresh child process. "
        "See [benchmark.md](benchmark.md) for what each row means.",
        "",
        "| Machine | |",
        "| --- | --- |",
        *(f"| {k} | {v} |" for k, v in rows),
        "",
        "## Time (median; × = ratio to the floor named in the row)",
        "",
        "| | " + " | ".join(_head(c) for c in cases) + " |",
        "| --- |" + " --- |" * len(cases),
        f"| facts / files / YAML | {' | '.join(f'{c.facts:,} / {c.files} / {c.yaml_bytes / 1e6:.2f} MB' for c in cases)} |",
    ]
    if any(c.pages for c in cases):
        lines.append(f"| PDF pages | {' | '.join(str(c.pages or '–') for c in cases)} |")
    for key, title in MEASUREMENTS:
        if any(key in c.measures for c in cases):
            ratio = f" (× {RATIOS[key]})" if key in RATIOS else ""
            lines.append(f"| {title}{ratio} | " + " | ".join(_cell(c, key) for c in cases) + " |")
    lines += ["", "## Peak memory (median, MB): largest process / all processes at once where they differ", "",
              "The first number is the exact peak RSS of the largest single process (`wait4`); the second, shown "
              "when larger, the peak of the whole process tree's PSS sampled every 0.1 s (the main process plus "
              "its workers, as the machine has to hold them).", "",
              "| | " + " | ".join(_head(c) for c in cases) + " |", "| --- |" + " --- |" * len(cases)]
    for key, title in MEASUREMENTS:
        if any(key in c.measures and c.measures[key].samples for c in cases):
            lines.append(f"| {title} | " + " | ".join(_rss(c, key) for c in cases) + " |")
    lines += ["", "## CPU time (median user + system seconds, the child and its workers)", "",
              "| | " + " | ".join(_head(c) for c in cases) + " |", "| --- |" + " --- |" * len(cases)]
    for key, title in MEASUREMENTS:
        if any(key in c.measures and c.measures[key].samples for c in cases):
            lines.append(f"| {title} | " + " | ".join(_cpu(c, key) for c in cases) + " |")
    lines += shapes_report(shapes or [])
    lines += ["", "## Targets", "", "| Target | Dossier | Measured | Limit | Result |", "| --- | --- | --- | --- | --- |"]
    for t in [*targets(cases), *(Target(*row) for row in shape_targets(shapes or []))]:
        verdict = "–" if t.ok is None else ("PASS" if t.ok else "**MISS**")
        lines.append(f"| {t.name} | {t.case} | {t.measured} | {t.limit} | {verdict} |")
    lines += ["", "## Raw runs (wall/CPU seconds, in the order run)", ""]
    for c in cases:
        runs = "; ".join(f"{key} " + ", ".join(f"{s.seconds:.2f}/{s.cpu:.2f}" for s in m.samples)
                         for key, m in c.measures.items() if m.samples)
        lines.append(f"- {c.label}: {runs}")
    return "\n".join(lines) + "\n"


def _head(case: Case) -> str:
    return "demo dossier" if case.label == "demo" else f"{int(case.label):,} facts"
