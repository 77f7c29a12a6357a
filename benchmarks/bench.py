"""`python benchmarks/bench.py`: how fast and how big the real command line is, next to its floors.

A number on its own says little: "a build takes 2 s" is good or bad only next
to what the work underneath costs. So every measurement here is paired with a
floor that the program cannot beat, run on the same input on the same machine
in the same run:

- `check` against a bare libyaml load of the same files (the parse we cannot avoid),
- a full build against the bare `weasyprint` command on the same final HTML
  (the typesetting we cannot avoid), in time and in peak memory,
- a rebuild with nothing changed against the full build it repeats,
- several briefs with `--jobs 2` against building them one command at a time.

Every measurement runs the real command line as a child process, so interpreter
start-up and imports count as they do for a user; each is repeated (`--repeat`)
and the median is reported, with the child's own peak memory read from
`os.wait4` (exact per process: the child and the children it waited for).

Inputs are synthetic dossiers generated with a fixed seed (several fact files,
graded sources, figures with some disagreements, supersessions, judgments,
partial dates, an archive with quotes) plus a copy of the bundled demo dossier,
all written to a temporary folder. Results go to a Markdown file (default
docs/benchmark-results.md) and to standard output. See docs/benchmark.md.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes.util
import datetime as dt
import os
import platform
import random
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # a checkout's package, first

import briefing

DEFAULT_SIZES: tuple[str, ...] = ("demo", "30", "300", "3000", "10000")
QUICK_SIZES: tuple[str, ...] = ("demo", "30", "300")
DEFAULT_OUT = Path("docs/benchmark-results.md")
SEED = 20240916  # fixed: the same sizes always give byte-identical dossiers
AS_OF = dt.date(2026, 6, 30)  # synthetic briefs are built as of this day
START = dt.date(2023, 1, 1)  # synthetic facts happen between START and AS_OF
WINDOW_FROM = 3000  # dossiers this big or bigger set `reading_window: 30`, as real big dossiers would
READING_WINDOW = 30
JOBS_BRIEFS = 4  # briefs built together with --jobs 2, and one command at a time
JOBS_MAX_DEFAULT = 300  # above this the jobs comparison costs many minutes; raise with --jobs-max
PACKAGE = Path(briefing.__file__).resolve().parent
PACKAGE_ROOT = PACKAGE.parent  # the folder holding the package: src/ of a checkout, or site-packages

# --- synthetic dossiers ----------------------------------------------------------------------

SECTIONS: tuple[tuple[str, str], ...] = (
    ("troops", "Troop deployments"),
    ("munitions", "Munitions and weapons"),
    ("diplomacy", "Treaty and diplomacy"),
    ("technology", "Technology and drones"),
    ("economy", "Trade, labour and sanctions"),
    ("wider-war", "The war's wider picture"),
)
SECTION_WEIGHTS = (30, 25, 15, 10, 10, 10)
# metric id, label, unit, section, value at START, value at AS_OF
METRICS: tuple[tuple[str, str, str | None, str, float, float], ...] = (
    ("troops-sent", "Troops sent abroad", "soldiers", "troops", 1000, 15000),
    ("troops-reinforcement", "Troops in the latest reported deployment", "soldiers", "troops", 500, 5000),
    ("troop-losses", "Troops killed or wounded", "soldiers", "troops", 10, 5000),
    ("shell-containers", "Containers of munitions delivered", "containers", "munitions", 500, 20000),
    ("share-of-shells", "Share of shells fired that were supplied", "percent", "munitions", 5, 60),
    ("missiles-supplied", "Ballistic missiles supplied", "missiles", "munitions", 0, 200),
    ("drones-supplied", "Drones supplied", "drones", "technology", 100, 6000),
    ("workers-sent", "Workers sent abroad", "workers", "economy", 1000, 30000),
    ("trade-volume", "Bilateral trade per year", "million USD", "economy", 30, 400),
    ("port-calls", "Port calls by cargo ships", None, "wider-war", 5, 300),
)
PUBLISHERS: tuple[tuple[str, str, str], ...] = (  # name, domain, usual reliability
    ("Reuters", "reuters.example", "B"), ("Associated Press", "apnews.example", "B"),
    ("Yonhap", "yna.example", "B"), ("The Rio Times", "riotimes.example", "C"),
    ("Kyiv Independent", "kyivindependent.example", "C"), ("NK News", "nknews.example", "B"),
    ("Korea JoongAng Daily", "joongang.example", "C"), ("TASS", "tass.example", "D"),
    ("KCNA", "kcna.example", "E"), ("Institute for the Study of War", "isw.example", "B"),
    ("38 North", "38north.example", "B"), ("Daily NK", "dailynk.example", "C"),
    ("Ministry of Defence of Ukraine", "mil.gov.example", "C"), ("US Department of State", "state.example", "B"),
    ("Telegram channel", "t.example", "F"), ("Radio Free Asia", "rfa.example", "C"),
)
ATTRIBUTIONS = (
    "South Korean Joint Chiefs of Staff", "Ukrainian military intelligence (HUR)", "the US State Department",
    "the Kremlin spokesman", "North Korean state media", "unnamed officials", "the UN Panel of Experts",
    "Ukrainian President Volodymyr Zelensky", "a NATO spokesperson", "South Korea's National Intelligence Service",
)
_VOCABULARY = (
    "troops units brigade battalion training deployment border region Kursk front line artillery shells "
    "containers rail shipments port Rajin Vostochny missiles launchers drones components engineers workers "
    "sanctions treaty summit delegation ministers talks cooperation exports imports oil coal grain medicine "
    "satellite imagery shows reports says claims estimates confirms denies suggests indicates continued "
    "increased reduced new additional several hundreds thousands dozens monthly weekly recently reportedly "
    "officials analysts observers intelligence assessment frontline casualties wounded killed captured "
    "prisoners interpreters uniforms documents vehicles trucks aircraft flights Pyongyang Moscow Vladivostok "
    "Khasan Tumangang bridge crossing supply chain factories production lines ammunition quality defects "
    "fuses propellant range accuracy strikes Kharkiv Donetsk Zaporizhzhia air defence radar electronic warfare"
)
WORDS = tuple(_VOCABULARY.split())
TAGS = ("troops", "training", "casualties", "shells", "missiles", "drones", "treaty", "sanctions", "rail",
        "ports", "labour", "imagery", "denial", "forecast")
LIKELIHOODS = ("almost-no-chance", "very-unlikely", "unlikely", "roughly-even-chance", "likely",
               "very-likely", "almost-certain")


@dataclass
class _Source:
    """A generated source: its YAML lines, and the day its facts count from (to date facts after it)."""

    id: str
    day: dt.date  # the day its facts count from (published, else accessed; partial dates at their last day)
    lines: list[str]
    archive: list[str] = field(default_factory=list)  # sentences of its archive copy, if it has one


@dataclass
class _Fact:
    """A generated fact: its YAML lines, and what later facts and judgments need to refer to it validly."""

    id: str
    section: str
    known: dt.date
    lines: list[str]
    figure: str | None = None


def _partial(rng: random.Random, day: dt.date, weights: tuple[int, int, int]) -> tuple[str, dt.date]:
    """A date as analysts write it (day, month or year precision) and the last day it covers."""
    precision = rng.choices(("day", "month", "year"), weights)[0]
    if precision == "day":
        return day.isoformat(), day
    if precision == "month":
        nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return f"{day.year:04d}-{day.month:02d}", nxt - dt.timedelta(days=1)
    return f"{day.year:04d}", dt.date(day.year, 12, 31)


def _sentence(rng: random.Random, low: int, high: int, emphasis: bool = True) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    if emphasis and rng.random() < 0.1:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*"
    if rng.random() < 0.15:
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 40) * 100:,}")
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _folded(key: str, text: str, indent: int, width: int = 88) -> list[str]:
    """`key: >-` and the text wrapped below it, the way the demo dossier writes long statements."""
    pad = " " * indent
    if len(text) + len(key) + indent + 2 <= width and text[0].isalnum():
        return [f"{pad}{key}: {text}"]
    lines, line = [f"{pad}{key}: >-"], ""
    for word in text.split():
        if line and len(line) + len(word) + indent + 3 > width:
            lines.append(f"{pad}  {line}")
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(f"{pad}  {line}")
    return lines


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _sources(rng: random.Random, count: int) -> list[_Source]:
    out: list[_Source] = []
    for n in range(count):
        name, domain, grade = rng.choice(PUBLISHERS)
        published = _day_between(rng, START, AS_OF - dt.timedelta(days=2))
        sid = f"s{n + 1:05d}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}"[:64]
        title = _sentence(rng, 5, 12, emphasis=False).rstrip(".")
        if rng.random() < 0.15:
            title = f'"{title.split()[0]}: {" ".join(title.split()[1:]) or "report"}"'
        lines = [f"  - id: {sid}", f"    title: {title}"]
        if rng.random() < 0.95:
            lines.append(f"    publisher: {name}")
        if rng.random() < 0.1:
            lines.append(f"    via: {rng.choice(('MENAFN', 'Yahoo News', 'MSN'))}")
        if rng.random() < 0.4:
            lines.append(f"    author: {rng.choice(('Kim', 'Lee', 'Park', 'Ivanova', 'Smith', 'Kovalenko'))} {rng.choice('ABCDEHJMS')}.")
        if rng.random() < 0.95:
            text, day = _partial(rng, published, (85, 12, 3))
            if day > AS_OF:  # a month or year not over yet when the brief is made: write the day
                text, day = published.isoformat(), published
            lines.append(f"    published: {text}")
            accessed = min(AS_OF, day + dt.timedelta(days=rng.randint(0, 20)))
        else:  # no publication date: its facts count from the day the analyst read it
            day = accessed = min(AS_OF, published + dt.timedelta(days=rng.randint(0, 20)))
        lines.append(f"    accessed: {accessed.isoformat()}")
        if rng.random() < 0.8:
            lines.append(f"    url: https://{domain}/{published.year}/{published.month:02d}/{sid}")
        lines.append(f"    kind: {rng.choices(('news', 'official', 'report', 'social', 'other'), (60, 15, 15, 8, 2))[0]}")
        reliability = grade if rng.random() < 0.7 else rng.choice("ABCDEF")
        lines.append(f"    reliability: {reliability}")
        source = _Source(sid, day, lines)
        if n % 40 == 3:  # a few sources keep a local copy, so `check` compares quotes against it
            source.archive = [_sentence(rng, 8, 20, emphasis=False) for _ in range(30)]
            lines.append(f"    archive: archive/{sid}.txt")
        if rng.random() < 0.03:
            lines.append("    marking: TLP:GREEN")
        out.append(source)
    return out


def _facts(rng: random.Random, count: int, sources: list[_Source]) -> list[_Fact]:
    """Facts in the order analysts add them: by the day they became known."""
    order = list(range(len(sources)))
    rng.shuffle(order)
    picks: list[list[_Source]] = []
    for n in range(count):
        cites = [sources[order[n % len(order)]]]  # round robin first: every source is cited at least once
        cites += rng.sample(sources, k=min(len(sources), rng.choices((0, 1, 2), (60, 30, 10))[0]))
        picks.append(list({c.id: c for c in cites}.values()))
    picks.sort(key=lambda cs: min(c.day for c in cs))
    facts: list[_Fact] = []
    current: dict[str, _Fact] = {}  # per metric: the newest figure fact, the one a new figure supersedes
    superseded: set[str] = set()
    section_ids = [s for s, _ in SECTIONS]
    span = (AS_OF - START).days
    for n, cites in enumerate(picks):
        known = min(c.day for c in cites)
        metric = rng.choice(METRICS) if rng.random() < 0.25 else None
        section = metric[3] if metric else rng.choices(section_ids, SECTION_WEIGHTS)[0]
        fid = f"f{n + 1:05d}-{section}"
        lines = [f"  - id: {fid}", f"    section: {section}"]
        lines += _folded("statement", _sentence(rng, 10, 35), 4)
        happened = max(START, known - dt.timedelta(days=rng.randint(0, 20)))
        shape = rng.choices(("day", "month", "year", "interval", "none"), (55, 25, 3, 10, 7) if not metric else (80, 15, 0, 5, 0))[0]
        if shape == "interval":
            end = min(known, happened + dt.timedelta(days=rng.randint(30, 120)))
            lines.append(f"    date: {happened.year:04d}-{happened.month:02d}/{end.year:04d}-{end.month:02d}")
        elif shape != "none":
            lines.append(f"    date: {_partial(rng, happened, {'day': (1, 0, 0), 'month': (0, 1, 0), 'year': (0, 0, 1)}[shape])[0]}")
        if rng.random() < 0.4:
            lines.append(f"    attribution: {rng.choice(ATTRIBUTIONS)}")
        lines.append(f"    credibility: {rng.choices(range(1, 7), (5, 30, 35, 12, 3, 15))[0]}")
        status = rng.choices(("reported", "confirmed", "disputed", "denied", "retracted"), (88, 6, 3, 2, 1))[0]
        if status != "reported":
            lines.append(f"    status: {status}")
        fact = _Fact(fid, section, known, lines)
        if metric is not None:
            mid, _label, _unit, _sec, low, high = metric
            progress = (known - START).days / span
            value = (low + (high - low) * progress) * rng.uniform(0.95, 1.05)
            if rng.random() < 0.05:  # a source that disagrees with the others
                value *= rng.choice((0.5, 1.6))
            value = round(value) if value >= 10 else round(value, 1)
            qualifier = rng.choices(("exact", "about", "at-least", "at-most"), (40, 40, 15, 5))[0]
            lines += ["    figures:", f"      - metric: {mid}", f"        value: {value}"]
            if qualifier != "exact":
                lines.append(f"        qualifier: {qualifier}")
            fact.figure = mid
        lines.append("    sources:")
        for cite in cites:
            lines.append(f"      - source: {cite.id}")
            paragraph = None
            if cite.archive:
                paragraph = rng.randrange(len(cite.archive))  # as rng.choice would, so the data stay the same
                sentence = cite.archive[paragraph].rstrip(".").split()
                start = rng.randrange(max(1, len(sentence) - 5))
                lines.append(f"        quote: {' '.join(sentence[start:start + 6]).lower()}")
            elif rng.random() < 0.25:
                lines.append(f"        quote: {_sentence(rng, 4, 9, emphasis=False).rstrip('.').lower()}")
            if rng.random() < 0.5:
                drawn = rng.randint(1, 25)  # where the archive holds the quote, the locator is checked: give the right one
                lines.append(f"        locator: paragraph {drawn if paragraph is None else paragraph + 1}")
        older = current.get(metric[0]) if metric else None
        if older is None and facts and rng.random() < 0.03:
            pick = facts[rng.randrange(max(0, len(facts) - 200), len(facts))]
            older = pick if pick.id not in superseded and pick.known <= known else None
        if older is not None and (metric is None or rng.random() < 0.7) and older.id not in superseded:
            lines.append(f"    supersedes: {older.id}")
            superseded.add(older.id)
        if facts and rng.random() < 0.005:
            lines.append(f"    contradicts: {rng.choice(facts).id}")
        if rng.random() < 0.6:
            lines.append(f"    tags: [{', '.join(sorted(set(rng.sample(TAGS, rng.randint(1, 3)))))}]")
        if rng.random() < 0.02:
            lines.append("    marking: TLP:AMBER")
        if metric is not None:
            current[metric[0]] = fact
        facts.append(fact)
    return facts


def _judgments(rng: random.Random, count: int, facts: list[_Fact]) -> list[str]:
    by_day = sorted(facts, key=lambda f: f.known)
    lines: list[str] = []
    for n in range(count):
        upto = rng.randint(1, len(by_day))
        based = rng.sample(by_day[max(0, upto - 50):upto], k=min(upto, rng.randint(1, 4)))
        day = max(f.known for f in based) + dt.timedelta(days=rng.randint(0, 10))
        lines += [f"  - id: j{n + 1:04d}"]
        lines += _folded("statement", _sentence(rng, 10, 25), 4)
        lines += [f"    likelihood: {rng.choice(LIKELIHOODS)}", f"    confidence: {rng.choices(('low', 'moderate', 'high'), (40, 45, 15))[0]}",
                  f"    date: {min(day, AS_OF).isoformat()}", "    based_on:"]
        lines += [f"      - {f.id}" for f in sorted(based, key=lambda f: f.id)]
    return lines


def generate_dossier(folder: Path, facts: int, seed: int = SEED, reading_window: int | None = None) -> Path:
    """Write a synthetic dossier of `facts` facts into `folder` (created), the same for the same arguments.

    The files look like an analyst's: a dossier.yaml with sections and metrics,
    sources.yaml, one fact file per section (and per year once a dossier is
    big), judgments.yaml, and an archive/ folder of local source copies whose
    quotes `check` verifies. Figures grow over time with noise, about one in
    twenty disagrees outright, most newer figures supersede the previous one,
    and dates come at day, month and year precision and as intervals. The
    result validates without errors (warnings are expected, as in real ones).
    """
    rng = random.Random(f"{seed}:{facts}")
    folder.mkdir(parents=True, exist_ok=True)
    sources = _sources(rng, max(3, facts // 4))
    fact_list = _facts(rng, facts, sources)
    judgments = _judgments(rng, max(2, facts // 25), fact_list)

    spec = [
        "# Synthetic dossier written by `python benchmarks/bench.py` (deterministic; do not edit by hand).",
        f"title: Synthetic dossier of {facts:,} facts",
        "summary: >-",
        "  Generated for benchmarks: troops, munitions, diplomacy, technology and trade",
        f"  between two states from {START.year} to {AS_OF.year}, from {len(sources):,} graded sources.",
        "marking: TLP:CLEAR",
        "language: en",
        "authors: [Benchmark desk]",
    ]
    if reading_window:
        spec.append(f"reading_window: {reading_window}")
    spec.append("sections:")
    for i, (sid, title) in enumerate(SECTIONS):
        spec += [f"  - id: {sid}", f"    title: {title}"]
        if i % 3 == 0:
            spec.append(f"    summary: What is reported about {title.lower()}.")
    spec.append("metrics:")
    for mid, label, unit, *_ in METRICS:
        spec += [f"  {mid}:", f"    label: {label}"] + ([f"    unit: {unit}"] if unit else [])
    (folder / "dossier.yaml").write_text("\n".join(spec) + "\n", encoding="utf-8")

    header = "# yaml-language-server: $schema=../../schema/facts.schema.json\n"
    (folder / "sources.yaml").write_text(header + "sources:\n" + "\n".join(line for s in sources for line in [*s.lines, ""]), encoding="utf-8")
    archived = [s for s in sources if s.archive]
    if archived:
        (folder / "archive").mkdir(exist_ok=True)
        for source in archived:
            (folder / "archive" / f"{source.id}.txt").write_text("\n\n".join(source.archive) + "\n", encoding="utf-8")
    files: dict[str, list[_Fact]] = {}
    for fact in fact_list:
        name = fact.section if facts < 300 else f"{fact.section}-{fact.known.year}"
        files.setdefault(name, []).append(fact)
    for name, group in sorted(files.items()):
        body = "\n".join(line for f in group for line in [*f.lines, ""])
        (folder / f"{name}.yaml").write_text(header + "facts:\n" + body, encoding="utf-8")
    (folder / "judgments.yaml").write_text(header + "judgments:\n" + "\n".join(judgments) + "\n", encoding="utf-8")
    return folder


# --- running children and measuring them -------------------------------------------------------


class BenchError(RuntimeError):
    """A measured command failed: the benchmark stops rather than report a number for a broken run."""


@dataclass
class Sample:
    """One run of one command: wall time, and the peak resident memory of the process tree it waited for."""

    seconds: float
    max_rss_kb: int
    cpu: float = 0.0  # user + system seconds of the process and the children it waited for
    tree_kb: int = 0  # peak of the whole process tree's memory at once (PSS, sampled every 0.1 s)


@dataclass
class Measure:
    """The repeated runs of one measurement at one size."""

    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def rss_mb(self) -> float:
        return statistics.median(s.max_rss_kb for s in self.samples) / 1024

    @property
    def tree_mb(self) -> float:
        return statistics.median(s.tree_kb for s in self.samples) / 1024


def snapshot_code(root: Path) -> Path:
    """Copy the package (and a checkout's templates) into `root`; returns the folder to put on PYTHONPATH.

    The benchmark runs for many minutes, often in a checkout others are editing.
    Every command measures this copy, so one run measures one version of the
    code (an edited template would otherwise also invalidate the rebuild cache
    halfway through). Bytecode is compiled up front so no run pays for it.
    """
    import compileall

    code = root / "code"
    shutil.rmtree(code, ignore_errors=True)  # a kept folder from an earlier run
    shutil.copytree(PACKAGE, code / "src" / PACKAGE.name, ignore=shutil.ignore_patterns("__pycache__"))
    if not (PACKAGE / "_data").is_dir():  # a checkout: resources.py finds templates/ and facts/ two levels up
        for name in ("templates", "facts"):
            if (PACKAGE_ROOT.parent / name).is_dir():
                shutil.copytree(PACKAGE_ROOT.parent / name, code / name)
    compileall.compile_dir(code / "src", quiet=1)
    return code / "src"


def code_digest(folder: Path) -> str:
    """A short hash of the measured code and templates, so that two results files can be compared."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(p for p in folder.parent.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(folder.parent)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def child_env(code: Path = PACKAGE_ROOT) -> dict[str, str]:
    """The environment of every measured command: the measured code first on the path, the scripts folder, UTC."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(code), *filter(None, [env.get("PYTHONPATH")])])
    env["PATH"] = os.pathsep.join([sysconfig.get_path("scripts"), env.get("PATH", "")])
    env.setdefault("TZ", "UTC")
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


# Started by the benchmark, this small interpreter starts the measured command and reports on it.
# Why not wait4 on the command directly: on Linux a child's peak RSS starts at its parent's RSS
# (the old memory map is accounted at exec), so every command started straight from the
# benchmark would report at least the benchmark's own size. Started from this launcher, a
# command's peak has the launcher's ~10 MB as its floor, below any Python process measured.
# A thread samples the memory of the whole process tree meanwhile (PSS, so pages that forked
# workers share are counted once), because wait4 reports the largest single process only.
LAUNCHER = """\
import os, sys, threading, time
page = os.sysconf("SC_PAGE_SIZE")
def tree(pid):
    pids = [pid]
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                for child in fh.read().split():
                    pids += tree(int(child))
    except (OSError, ValueError):
        pass
    return pids
def memory(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * page
    except (OSError, ValueError, IndexError):
        return 0
peak, done = [0], threading.Event()
def sample(pid):
    while not done.wait(0.1):
        peak[0] = max(peak[0], sum(memory(p) for p in tree(pid)))
null = os.open(os.devnull, os.O_RDWR)
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ,
                      file_actions=[(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1)])
sampler = threading.Thread(target=sample, args=(pid,), daemon=True)
sampler.start()
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - start
done.set()
sampler.join()
print(os.waitstatus_to_exitcode(status), wall, ru.ru_maxrss, ru.ru_utime + ru.ru_stime, peak[0] // 1024)
"""


def run_child(cmd: Sequence[str | Path], cwd: Path, env: dict[str, str]) -> Sample:
    """Run `cmd` to completion and measure it; raises BenchError with its stderr when it fails.

    The launcher's `os.wait4` on the command gives the rusage of exactly that
    process and the descendants it waited for (Linux reports the larger of
    their peaks, so workers count one at a time, not summed), which
    `getrusage(RUSAGE_CHILDREN)` here would mix with every earlier command.
    The tree's total is sampled every 0.1 s; a command too short to sample
    reports its largest process instead (a tree holds at least that).
    """
    with tempfile.TemporaryFile() as err:
        # Its own process group, so that an interrupted benchmark can stop the command and its workers.
        proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", LAUNCHER, *(str(c) for c in cmd)], cwd=cwd, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, start_new_session=True)
        try:
            out, _ = proc.communicate()
        except BaseException:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
            raise
        fields = out.decode().split()
        if proc.returncode != 0 or len(fields) != 5 or fields[0] != "0":
            err.seek(0)
            tail = err.read().decode(errors="replace")[-2000:]
            code = fields[0] if len(fields) == 5 else f"launcher {proc.returncode}"
            raise BenchError(f"exit {code}: {' '.join(map(str, cmd))}\n{tail}")
    max_rss = int(fields[2])
    return Sample(float(fields[1]), max_rss, float(fields[3]), max(int(fields[4]), max_rss))


def briefing_cmd(*args: str | Path) -> list[str | Path]:
    """The real command line, as `python -m briefing` (what `build.py` and the `briefing` script run)."""
    return [sys.executable, "-m", "briefing", *args]


LOAD_FLOOR = (
    "import pathlib, sys, yaml\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*')):\n"
    "    if p.suffix in ('.yaml', '.yml') and p.is_file():\n"
    "        yaml.load(p.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader)\n"
)


def weasyprint_cmd() -> str | None:
    """The console script of the installed weasyprint package (not a shim in front of it), else the one on PATH."""
    script = Path(sysconfig.get_path("scripts")) / "weasyprint"
    return str(script) if script.is_file() else shutil.which("weasyprint")


# --- the benchmark ------------------------------------------------------------------------------

MEASUREMENTS: tuple[tuple[str, str], ...] = (
    ("load", "bare libyaml load (floor of check)"),
    ("check", "`check`"),
    ("mdhtml", "build `--format md,html`"),
    ("full", "full build (md, html, pdf)"),
    ("rebuild", "rebuild, nothing changed"),
    ("weasy", "bare `weasyprint` on the brief's HTML (floor of full build)"),
    ("pandoc", "`pandoc --pdf-engine=weasyprint` on the brief's Markdown"),
    ("seq", f"{JOBS_BRIEFS} briefs, one command each"),
    ("one", f"{JOBS_BRIEFS} briefs, one command, `--jobs 1`"),
    ("jobs", f"{JOBS_BRIEFS} briefs, one command, `--jobs 2`"),
)
RATIOS: dict[str, str] = {"check": "load", "full": "weasy", "rebuild": "full", "one": "seq", "jobs": "seq", "pandoc": "weasy"}


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
    not_facts = ("sources.yaml", "judgments.yaml", "dossier.yaml")
    count = sum(len(re.findall(r"^  - id: ", p.read_text(encoding="utf-8"), re.M)) for p in files if p.name not in not_facts)
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

    def fresh() -> Path:
        return work / f"out-{next(counter)}"

    def timed(key: str, cmd: Sequence[str | Path]) -> None:
        sample = run_child(cmd, work, env)
        case.measures.setdefault(key, Measure()).samples.append(sample)
        say(f"[{label}] {key:8} {sample.seconds:8.2f} s  {sample.cpu:8.2f} s CPU  {sample.max_rss_kb / 1024:7.0f} MB"
            f"  {sample.tree_kb / 1024:7.0f} MB tree")

    def one_at_a_time(out: Path) -> list[str | Path]:
        steps = [shlex.join(str(a) for a in briefing_cmd("build", n, *common, "--out", out, "--format", formats)) for n in names]
        return ["/bin/sh", "-ec", " && ".join(steps)]

    for _round in range(opts.repeat):
        timed("load", [sys.executable, "-c", LOAD_FLOOR, facts_dir / main])
        timed("check", briefing_cmd("check", "--facts", facts_dir, main))
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
    if not jobs:
        for key in ("seq", "one", "jobs"):
            case.measures[key] = Measure(note="over --jobs-max")
    for key, m in case.measures.items():
        if m.samples:
            say(f"[{label}] {key:8} median {m.seconds:8.2f} s  {m.rss_mb:7.0f} MB")
    if opts.keep is None:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(facts_dir, ignore_errors=True)
    return case


# --- the report ----------------------------------------------------------------------------------


def machine() -> list[tuple[str, str]]:
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
    commit = _run_text(["git", "-C", str(PACKAGE_ROOT), "describe", "--always", "--dirty"]) or "not a git checkout"
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

    ratio_target("full build ÷ bare weasyprint", "demo", "full", "weasy", 1.05)
    ratio_target("`check` ÷ bare libyaml load", "10000", "check", "load", 1.5)
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
    big = by.get("10000")
    full = big.measures.get("full") if big else None
    if full is None or not full.samples:
        out.append(Target("10,000-fact PDF brief: time, memory (all processes)", "10000", "not measured", "≤ 30 s, ≤ 1 GB", None))
    else:
        out.append(Target("10,000-fact PDF brief: time, memory (all processes)", "10000",
                          f"{full.seconds:.1f} s, {full.tree_mb:.0f} MB", "≤ 30 s, ≤ 1 GB",
                          full.seconds <= 30 and full.tree_mb <= 1024))
    return out


def report(cases: list[Case], opts: Options, started: dt.datetime, wall: float, load: tuple[float, float] | None = None,
           digest: str | None = None) -> str:
    """The results as Markdown: the machine, the side-by-side table, memory, CPU, the targets, the raw runs."""
    rows = machine()
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
    lines += ["", "## Targets", "", "| Target | Dossier | Measured | Limit | Result |", "| --- | --- | --- | --- | --- |"]
    for t in targets(cases):
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


# --- command line -------------------------------------------------------------------------------------


def _sizes(text: str) -> list[str]:
    parts = [p.strip().lower() for p in text.split(",") if p.strip()]
    for p in parts:
        if p != "demo" and not (p.isdigit() and int(p) >= 1):
            raise argparse.ArgumentTypeError(f"'{p}' is not a size: use numbers of facts and 'demo', e.g. demo,30,300")
    return parts


def parse(argv: list[str] | None = None) -> Options:
    p = argparse.ArgumentParser(prog="python benchmarks/bench.py", description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--sizes", type=_sizes, help=f"comma-separated: numbers of facts and 'demo' (default: {','.join(DEFAULT_SIZES)})")
    p.add_argument("--repeat", type=int, help="runs per measurement; the median is reported (default: 3)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"Markdown file to write (default: {DEFAULT_OUT})")
    p.add_argument("--quick", action="store_true", help=f"sizes {','.join(QUICK_SIZES)} and one run each, unless given")
    p.add_argument("--no-pdf", action="store_true", help="skip everything that makes a PDF (fast; for tests)")
    p.add_argument("--jobs-max", type=int, default=JOBS_MAX_DEFAULT,
                   help=f"compare --jobs 2 only for dossiers up to this many facts (default: {JOBS_MAX_DEFAULT})")
    p.add_argument("--keep", type=Path, help="keep the generated dossiers and outputs in this folder")
    args = p.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        p.error("--repeat must be 1 or more")
    sizes = args.sizes or list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    repeat = args.repeat or (1 if args.quick else 3)
    return Options(sizes, repeat, args.out, not args.no_pdf, args.jobs_max, args.keep)


@contextlib.contextmanager
def _workdir(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
    else:
        with tempfile.TemporaryDirectory(prefix="briefing-bench-") as tmp:
            yield Path(tmp)


def _terminate(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt  # so that the running child is stopped and the temporary folder removed


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 when it wrote its report, 1 when a measured command failed, 130 when interrupted."""
    opts = parse(argv)

    def say(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    load_start = os.getloadavg()[0]
    cases: list[Case] = []
    previous = signal.signal(signal.SIGTERM, _terminate) if threading.current_thread() is threading.main_thread() else None
    try:
        with _workdir(opts.keep) as root:
            code = snapshot_code(root)
            digest = code_digest(code)
            env = child_env(code)
            for label in opts.sizes:
                cases.append(measure_case(label, root, opts, env, say))
    except BenchError as exc:
        print(f"bench: a measured command failed, no results written:\n{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted, no results written", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    text = report(cases, opts, started, time.perf_counter() - t0, (load_start, os.getloadavg()[0]), digest)
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(text, encoding="utf-8")
    print(text)
    say(f"Written to {opts.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
