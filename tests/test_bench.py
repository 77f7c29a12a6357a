"""Smoke test of the shipped benchmark: its dossiers are valid and a tiny run writes a report.

The benchmark is only worth its numbers if the synthetic dossiers are real
input (they pass `check` with no errors) and if they are the same every time
(otherwise two runs measure different work). The full benchmark takes minutes;
this runs the smallest size once, without PDF, in a few seconds.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench  # noqa: E402


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_generated_dossier_is_valid_and_deterministic(tmp_path: Path) -> None:
    facts = tmp_path / "facts"
    bench.generate_dossier(facts / "bench-30", 30)
    bench.generate_dossier(tmp_path / "again" / "bench-30", 30)
    assert _tree(facts / "bench-30") == _tree(tmp_path / "again" / "bench-30"), "same seed, same bytes"
    names = {p.name for p in (facts / "bench-30").iterdir()}
    assert {"dossier.yaml", "sources.yaml", "judgments.yaml", "archive"} <= names
    assert len([n for n in names if n.endswith(".yaml")]) >= 5, "several fact files"

    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--facts", str(facts)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "bench-30: 30 facts" in result.stdout
    assert "0 error(s)" in result.stdout
    assert " error: " not in result.stderr


def test_generated_dossier_has_what_real_ones_have(tmp_path: Path) -> None:
    folder = bench.generate_dossier(tmp_path / "bench-300", 300, reading_window=30)
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.yaml")))
    for needle in ("reading_window: 30", "supersedes:", "figures:", "qualifier: about", "reliability: A",
                   "based_on:", "quote:", "archive: archive/", "status: denied"):
        assert needle in text, needle
    assert "date: 2024-" in text and "/20" in text, "day, month and interval dates"


def test_tiny_run_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    code = bench.main(["--sizes", "30", "--repeat", "1", "--no-pdf", "--jobs-max", "0", "--out", str(out)])
    assert code == 0
    text = out.read_text(encoding="utf-8")
    for needle in ("# Benchmark results", "| CPU |", "| WeasyPrint |", "libharfbuzz-subset0", "30 facts",
                   "bare libyaml load", "`check` (× load)", "`check` with an empty cache", "rebuild, nothing changed", "## Targets", "## Peak memory"):
        assert needle in text, needle
    assert "**MISS**" in text or "PASS" in text or "not measured" in text


def test_the_demo_without_charts_is_valid_and_draws_none(tmp_path: Path) -> None:
    """The benchmark's chart-free demo: every metric reported once, still a valid dossier, no chart on its page."""
    from cases import without_charts

    from briefing.dossier.workspace import load_all
    from briefing.foundation.errors import Problems
    from briefing.publish.briefs import may_chart

    copy = without_charts(ROOT / "facts" / "north-korea-russia", tmp_path / "north-korea-russia")
    problems = Problems()
    (plain,) = load_all({"north-korea-russia": copy}, problems)
    assert not problems.errors, problems.errors
    assert not may_chart(plain)
    assert {f.metric for fact in plain.facts.values() for f in fact.figures} == {
        "nk-troops-in-russia", "nk-troops-reinforcement", "nk-troop-losses", "nk-share-of-russian-shells"}
