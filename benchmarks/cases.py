"""One column of the results: prepare a dossier (the demo or a synthetic size) and measure every command on it."""

from __future__ import annotations

import datetime as dt
import re
import shlex
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dossiers import AS_OF, READING_WINDOW, SEED, WINDOW_FROM, generate_dossier
from measuring import FAIR_FLOOR, FAIR_FLOOR_TAGGED, LOAD_FLOOR, Measure, briefing_cmd, run_child, weasyprint_cmd

from briefing.foundation.limits import LIMITS

JOBS_BRIEFS = 4  # briefs built together with --jobs 2, and one command at a time
JOBS_MAX_DEFAULT = 300  # above this the jobs comparison costs many minutes; raise with --jobs-max

# --- the benchmark ------------------------------------------------------------------------------

MEASUREMENTS: tuple[tuple[str, str], ...] = (
    ("load", "bare libyaml load (floor of check)"),
    ("check", "`check`"),
    ("checkcold", "`check` with an empty cache (a first run: every file parsed, and kept for the next)"),
    ("mdhtml", "build `--format md,html`"),
    ("full", "full build (md, html, pdf)"),
    ("rebuild", "rebuild, nothing changed"),
    ("fair", "bare WeasyPrint with the build's library lookup (fair floor of full build)"),
    ("fairtag", "the fair floor, tagged as the build tags (× the fair floor: what tagging costs)"),
    ("cold", "full build with empty caches (no parsed files, compiled templates or kept charts: a first build)"),
    ("nochart", "full build of the demo with no chart (each metric reported once)"),
    ("nochartfair", "the fair floor of that build"),
    ("weasy", "bare `weasyprint` command on the brief's HTML"),
    ("pandoc", "`pandoc --pdf-engine=weasyprint` on the brief's Markdown"),
    ("seq", f"{JOBS_BRIEFS} briefs, one command each"),
    ("one", f"{JOBS_BRIEFS} briefs, one command, `--jobs 1`"),
    ("jobs", f"{JOBS_BRIEFS} briefs, one command, `--jobs 2`"),
)
RATIOS: dict[str, str] = {"check": "load", "checkcold": "load", "full": "fair", "weasy": "fair", "fairtag": "fair", "cold": "fair", "nochart": "nochartfair",
                          "rebuild": "full", "one": "seq", "jobs": "seq",
                          "pandoc": "weasy"}


@dataclass
class Case:
    """One column of the results: a dossier (the demo or a synthetic size) and what was measured on it."""

    label: str
    facts: int
    files: int
    yaml_bytes: int
    as_of: dt.date
    measures: dict[str, Measure] = field(default_factory=dict)
    pages: int | None = None


@dataclass
class Options:
    """The command line of the benchmark, resolved (--quick filled in)."""

    sizes: list[str]
    repeat: int
    out: Path
    pdf: bool
    jobs_max: int
    keep: Path | None
    shapes: bool = False  # also measure the held-out shapes (shape_cases.py)


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def _demo_as_of(folder: Path) -> dt.date:
    """The day after the newest date written in the demo dossier, so its brief holds everything."""
    days = [dt.date.fromisoformat(m) for p in _yaml_files(folder)
            for m in re.findall(r"\b(\d{4}-\d{2}-\d{2})\b", p.read_text(encoding="utf-8"))]
    return max(days, default=dt.date.today()) + dt.timedelta(days=1)


def prepare(label: str, root: Path) -> tuple[Path, list[str], Case]:
    """Write the facts folder of one case: the dossier measured, plus copies for the --jobs comparison."""
    facts_dir = root / f"facts-{label}"
    shutil.rmtree(facts_dir, ignore_errors=True)  # a kept folder from an earlier run
    if label == "demo":
        from briefing.foundation.resources import demo_facts_dir

        demo = next(p for p in sorted(demo_facts_dir().iterdir()) if (p / "dossier.yaml").is_file())
        names = [demo.name, *(f"{demo.name}-{c}" for c in "bcdefgh"[: JOBS_BRIEFS - 1])]
        for name in names:
            shutil.copytree(demo, facts_dir / name)
        as_of = _demo_as_of(facts_dir / demo.name)
    else:
        size = int(label)
        window = READING_WINDOW if size >= WINDOW_FROM else None
        names = [f"bench-{size}", *(f"bench-{size}-{c}" for c in "bcdefgh"[: JOBS_BRIEFS - 1])]
        for i, name in enumerate(names):
            generate_dossier(facts_dir / name, size, seed=SEED + i, reading_window=window)
        as_of = AS_OF
    main = facts_dir / names[0]
    files = _yaml_files(main)
    def holds_facts(path: Path) -> bool:  # sources come in `sources.yaml`, `sources-2.yaml`... from 30,000 facts
        return not path.name.startswith(("sources", "judgments", "dossier"))

    count = sum(len(re.findall(r"^  - id: ", p.read_text(encoding="utf-8"), re.M)) for p in files if holds_facts(p))
    case = Case(label, count, len(files), sum(p.stat().st_size for p in files), as_of)
    return facts_dir, names, case


def _pages(pdf: Path) -> int | None:
    """Pages of a PDF: with pypdf when installed (the test extra), else from the page tree's /Count."""
    try:
        from pypdf import PdfReader

        return len(PdfReader(pdf).pages)
    except ImportError:
        counts = re.findall(rb"/Count\s+(\d+)", pdf.read_bytes())
        return max((int(c) for c in counts), default=0) or None
    except Exception:  # a page count is a nicety: never fail the benchmark over it
        return None


def measure_case(label: str, root: Path, opts: Options, env: dict[str, str], say: Callable[[str], None]) -> Case:
    """Every measurement of one dossier, in rounds: each round runs each command once.

    Rounds rather than N runs in a row, so that a burst of load from elsewhere
    on the machine hits a command and its floor alike, and the ratios (what
    the targets are about) stay steadier than the times themselves.
    """
    facts_dir, names, case = prepare(label, root)
    if case.facts > LIMITS.max_facts:  # 100,000 facts: over the default limit, which a desk that big raises
        env = {**env, "BRIEFING_MAX_FACTS": str(case.facts)}
    say(f"[{label}] {case.facts:,} facts in {case.files} files ({case.yaml_bytes / 1e6:.1f} MB), as of {case.as_of}")
    main, day = names[0], case.as_of.isoformat()
    work = root / f"work-{label}"
    shutil.rmtree(work, ignore_errors=True)  # a kept folder from an earlier run
    work.mkdir(parents=True)
    counter = iter(range(1_000_000))
    formats = "md,html,pdf" if opts.pdf else "md,html"
    common = ("--facts", facts_dir, "--as-of", day)
    script = weasyprint_cmd() if opts.pdf else None
    pandoc = shutil.which("pandoc") if opts.pdf else None
    jobs = case.facts <= opts.jobs_max
    plain = without_charts(facts_dir / main, root / f"facts-{label}-nochart" / main).parent if opts.pdf and label == "demo" else None

    def fresh() -> Path:
        return work / f"out-{next(counter)}"

    def timed(key: str, cmd: Sequence[str | Path], extra: dict[str, str] | None = None) -> None:
        sample = run_child(cmd, work, {**env, **(extra or {})})
        case.measures.setdefault(key, Measure()).samples.append(sample)
        say(f"[{label}] {key:8} {sample.seconds:8.2f} s  {sample.cpu:8.2f} s CPU  {sample.max_rss_kb / 1024:7.0f} MB"
            f"  {sample.tree_kb / 1024:7.0f} MB tree")

    def one_at_a_time(out: Path) -> list[str | Path]:
        steps = [shlex.join(str(a) for a in briefing_cmd("build", n, *common, "--out", out, "--format", formats)) for n in names]
        return ["/bin/sh", "-ec", " && ".join(steps)]

    for _round in range(opts.repeat):
        timed("load", [sys.executable, "-c", LOAD_FLOOR, facts_dir / main])
        timed("check", briefing_cmd("check", "--facts", facts_dir, main))
        timed("checkcold", briefing_cmd("check", "--facts", facts_dir, main), {"BRIEFING_CACHE_DIR": str(fresh()) + "-cache"})
        timed("mdhtml", briefing_cmd("build", main, *common, "--out", fresh(), "--format", "md,html"))
        out = fresh()
        build = briefing_cmd("build", main, *common, "--out", out, "--format", formats)
        if opts.pdf:
            timed("full", build)
        else:
            run_child(build, work, env)  # the output folder the rebuild repeats
        html, markdown = out / main / f"{day}.html", out / main / f"{day}.md"
        if script is not None:  # in place, so the page's ../assets/brief.css resolves as in the build
            timed("weasy", [script, html, work / "bare.pdf"])
        if opts.pdf:
            timed("fair", [sys.executable, "-c", FAIR_FLOOR, html, work / "fair.pdf"])
            timed("fairtag", [sys.executable, "-c", FAIR_FLOOR_TAGGED, html, work / "tagged.pdf"])
        if opts.pdf:
            cold = fresh()
            timed("cold", briefing_cmd("build", main, *common, "--out", cold, "--format", formats),
                  {"BRIEFING_CACHE_DIR": str(cold) + "-cache"})
        if plain is not None:
            plain_out = fresh()
            timed("nochart", briefing_cmd("build", main, "--facts", plain, "--as-of", day, "--out", plain_out, "--format", formats))
            timed("nochartfair", [sys.executable, "-c", FAIR_FLOOR, plain_out / main / f"{day}.html", work / "plain.pdf"])
        timed("rebuild", build)
        if pandoc is not None:
            timed("pandoc", [pandoc, markdown, "-o", work / "pandoc.pdf", "--pdf-engine=weasyprint"])
        if jobs:
            timed("seq", one_at_a_time(fresh()))
            timed("one", briefing_cmd("build", *names, *common, "--out", fresh(), "--format", formats, "--jobs", "1"))
            timed("jobs", briefing_cmd("build", *names, *common, "--out", fresh(), "--format", formats, "--jobs", "2"))
        if opts.pdf and case.pages is None:
            case.pages = _pages(out / main / f"{day}.pdf")
    if not opts.pdf:
        case.measures["rebuild"].note = "md,html only (--no-pdf)"
    elif script is None:
        case.measures["weasy"] = Measure(note="weasyprint command not found")
    if opts.pdf and pandoc is None:
        case.measures["pandoc"] = Measure(note="pandoc not installed")
    if plain is None:
        for key in ("nochart", "nochartfair"):
            case.measures[key] = Measure(note="the demo only" if opts.pdf else "no PDF (--no-pdf)")
        if not opts.pdf:
            for key in ("fairtag", "cold"):
                case.measures[key] = Measure(note="no PDF (--no-pdf)")
    if not jobs:
        for key in ("seq", "one", "jobs"):
            case.measures[key] = Measure(note="over --jobs-max")
    for key, m in case.measures.items():
        if m.samples:
            say(f"[{label}] {key:8} median {m.seconds:8.2f} s  {m.rss_mb:7.0f} MB")
    if opts.keep is None:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(facts_dir, ignore_errors=True)
        if plain is not None:
            shutil.rmtree(plain, ignore_errors=True)
    return case


def without_charts(dossier: Path, copy: Path) -> Path:
    """A copy of `dossier` in which each metric is reported by one fact only, so that no brief draws a chart.

    The rest (tiles, estimates, the key-figures table) stays, so that the
    build's time next to the demo's says what the chart costs.
    """
    import yaml

    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(dossier, copy)
    seen: set[str] = set()
    for path in _yaml_files(copy):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        facts = data.get("facts") if isinstance(data, dict) else None
        if not facts or not any("figures" in fact for fact in facts):
            continue
        for fact in facts:
            kept = [f for f in fact.get("figures", []) if f["metric"] not in seen]
            seen.update(f["metric"] for f in kept)
            if "figures" in fact:
                fact["figures"] = kept
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return copy
