"""Held-out input shapes: dossiers built to hit one scaling path each, for the benchmark and the scale tests.

The main synthetic dossier (`dossiers.py`) looks like a real desk's work; these
do not. Each stresses one path that a real dossier reaches only after years:
figures on a few metrics over years, a long `supersedes` chain, many misspelt
ids, a big archive with quotes missing from it, many sections, a huge number.
Every generator is deterministic (no randomness) and writes plain YAML fast,
so that a test can make 10,000 facts in a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

SOURCE_COUNT = 36  # one source a month over three years: citations spread over the years


def _dossier_yaml(title: str, sections: Iterable[str], metrics: Iterable[str] = (), reading_window: int | None = None) -> str:
    lines = [f"title: {title}", "sections:"]
    lines += [f"  - id: {s}\n    title: Section {s}" for s in sections]
    metric_list = list(metrics)
    if metric_list:
        lines.append("metrics:")
        lines += [f"  {m}:\n    label: Metric {m}\n    unit: units" for m in metric_list]
    if reading_window:
        lines.append(f"reading_window: {reading_window}")
    return "\n".join(lines) + "\n"


def _month(index: int) -> dt.date:
    """The first day of the `index`-th month from January 2023."""
    return dt.date(2023 + index // 12, index % 12 + 1, 1)


def _sources_yaml(count: int = SOURCE_COUNT) -> str:
    out = ["sources:"]
    for i in range(count):
        day = _month(i) + dt.timedelta(days=27)
        out.append(f"  - id: s{i}\n    title: Report {i}\n    publisher: Wire\n    published: {day}\n"
                   f"    accessed: {day}\n    reliability: B")
    return "\n".join(out) + "\n"


def _fact(fid: str, section: str, source: int, *, date: str | None = None, figure: tuple[str, int, str] | None = None,
          extra: str = "") -> str:
    text = f"  - id: {fid}\n    section: {section}\n    statement: Fact {fid} as reported.\n"
    if date:
        text += f"    date: {date}\n"
    if figure:
        metric, value, qualifier = figure
        text += f"    figures:\n      - metric: {metric}\n        value: {value}\n        qualifier: {qualifier}\n"
    return text + extra + f"    sources:\n      - source: s{source}\n"


PER_FILE = 2000  # facts per file: well under the file size limit, as an analyst splits a big dossier


def _write(folder: Path, dossier: str, files: dict[str, str], facts: list[str] | None = None) -> Path:
    """Write the dossier: `files` as given, and `facts` (item texts) split into files of PER_FILE facts."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dossier.yaml").write_text(dossier, encoding="utf-8")
    (folder / "sources.yaml").write_text(_sources_yaml(), encoding="utf-8")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    for start in range(0, len(facts or []), PER_FILE):
        chunk = (facts or [])[start:start + PER_FILE]
        (folder / f"facts-{start // PER_FILE + 1:03d}.yaml").write_text("facts:\n" + "\n".join(chunk) + "\n", encoding="utf-8")
    return folder


def figures_over_years(folder: Path, facts: int = 10_000, metrics: int = 20, clashes: int = 24) -> Path:
    """A quarter of the facts report one value per metric and month for three years, several facts a value.

    Reports of one metric and month agree (exact, or about within 10 %),
    except in `clashes` metric-months where one report gives a value twice as
    high: `check` must warn about those clusters only, once each.
    """
    figure_facts = facts // 4
    months = 36
    names = [f"m{i:02d}" for i in range(metrics)]
    lines: list[str] = []
    clash_at = {(i * 7) % (metrics * months) for i in range(clashes)}
    for n in range(facts):
        section = "figures" if n < figure_facts else "other"
        if n >= figure_facts:
            lines.append(_fact(f"f{n}", section, n % SOURCE_COUNT))
            continue
        slot = n % (metrics * months)
        metric, month = slot % metrics, slot // metrics
        value = 1000 + 100 * month + 10 * metric
        qualifier = "about" if n % 3 == 0 else "exact"
        if slot in clash_at and n // (metrics * months) == 1:
            value, qualifier = value * 2, "exact"
        day = _month(month)
        lines.append(_fact(f"f{n}", section, month, date=f"{day:%Y-%m}", figure=(names[metric], value, qualifier)))
    return _write(folder, _dossier_yaml("Figures over years", ["figures", "other"], names), {}, lines)


def one_metric_contested(folder: Path, facts: int = 2000) -> Path:
    """Every fact reports a different value on one metric for overlapping dates: one cluster of `facts` facts."""
    lines: list[str] = []
    for n in range(facts):
        lines.append(_fact(f"f{n}", "main", n % SOURCE_COUNT, date="2024-01/2024-12", figure=("m", 1000 + 300 * n, "exact")))
    return _write(folder, _dossier_yaml("One metric contested", ["main"], ["m"]), {}, lines)


def supersession_chain(folder: Path, facts: int = 4000) -> Path:
    """Each fact supersedes the one before it: one chain as long as the dossier."""
    lines: list[str] = []
    for n in range(facts):
        extra = f"    supersedes: f{n - 1}\n" if n else ""
        lines.append(_fact(f"f{n}", "main", n % SOURCE_COUNT, date=f"{_month(n % 36):%Y-%m}", extra=extra))
    return _write(folder, _dossier_yaml("Supersession chain", ["main"]), {}, lines)


def misspelt_ids(folder: Path, facts: int = 4000) -> Path:
    """One judgment resting on `facts` ids that each miss a letter of a real fact's id."""
    lines: list[str] = []
    for n in range(facts):
        lines.append(_fact(f"report-{n:05d}-troops", "main", n % SOURCE_COUNT))
    based = "".join(f"      - reprt-{n:05d}-troops\n" for n in range(facts))
    judgment = ("judgments:\n  - id: j\n    statement: A judgment on many facts.\n    likelihood: likely\n"
                f"    confidence: low\n    date: 2025-12-01\n    based_on:\n{based}")
    return _write(folder, _dossier_yaml("Misspelt ids", ["main"]), {"judgments.yaml": judgment}, lines)


def big_archive(folder: Path, quotes: int = 100, size: int = 2_000_000) -> Path:
    """A source with a `size`-byte archive and `quotes` citations whose quotes are not in it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "archive").mkdir(exist_ok=True)
    paragraph = "The ministry said on Monday that the convoy had crossed the border near the river town. "
    body = "\n\n".join(paragraph * 3 + f"Paragraph {i}." for i in range(size // (len(paragraph) * 3)))
    (folder / "archive" / "s0.txt").write_text(body, encoding="utf-8")
    lines: list[str] = []
    for n in range(quotes):
        cite = f"    sources:\n      - source: s0\n        quote: \"the convoy turned back at kilometre {n} of the road\"\n"
        lines.append(f"  - id: f{n}\n    section: main\n    statement: Fact {n}.\n{cite}")
    result = _write(folder, _dossier_yaml("Big archive", ["main"]), {}, lines)
    sources = _sources_yaml().replace("  - id: s0\n", "  - id: s0\n    archive: archive/s0.txt\n", 1)
    (folder / "sources.yaml").write_text(sources, encoding="utf-8")
    return result


def many_sections(folder: Path, sections: int = 6000, facts: int = 6000) -> Path:
    """`sections` sections and `facts` facts spread over them."""
    names = [f"sec{i}" for i in range(sections)]
    lines: list[str] = []
    for n in range(facts):
        lines.append(_fact(f"f{n}", names[n % sections], n % SOURCE_COUNT, date=f"{_month(n % 36):%Y-%m}"))
    return _write(folder, _dossier_yaml("Many sections", names), {}, lines)


def huge_number(folder: Path, size: int = 2_000_000) -> Path:
    """A YAML 1.1 base-60 integer of `size` characters where a credibility digit belongs."""
    number = "1:" + ":".join("0" * ((size - 2) // 2))
    fact = _fact("f0", "main", 0).replace("    sources:", f"    credibility: {number}\n    sources:")
    return _write(folder, _dossier_yaml("Huge number", ["main"]), {"facts.yaml": "facts:\n" + fact})


SHAPES = {
    "figures-over-years": figures_over_years,
    "one-metric-contested": one_metric_contested,
    "supersession-chain": supersession_chain,
    "misspelt-ids": misspelt_ids,
    "big-archive": big_archive,
    "many-sections": many_sections,
    "huge-number": huge_number,
}
