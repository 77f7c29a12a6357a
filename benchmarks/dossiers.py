"""Synthetic dossiers for the benchmark: an analyst's files at any size, the same bytes for the same seed."""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20240916  # fixed: the same sizes always give byte-identical dossiers
AS_OF = dt.date(2026, 6, 30)  # synthetic briefs are built as of this day
START = dt.date(2023, 1, 1)  # synthetic facts happen between START and AS_OF
WINDOW_FROM = 3000  # dossiers this big or bigger set `reading_window: 30`, as real big dossiers would
READING_WINDOW = 30

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


SOURCES_PER_FILE = 4000  # about 1.4 MB of sources a file
MONTHLY_FROM = 30_000  # from this size, one fact file per section and month (a 100,000-fact dossier's years pass 2 MiB)


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
    for start in range(0, len(sources), SOURCES_PER_FILE):  # sources.yaml, then sources-2.yaml... under the size limit
        name = "sources.yaml" if start == 0 else f"sources-{start // SOURCES_PER_FILE + 1}.yaml"
        chunk = sources[start:start + SOURCES_PER_FILE]
        (folder / name).write_text(header + "sources:\n" + "\n".join(line for s in chunk for line in [*s.lines, ""]), encoding="utf-8")
    archived = [s for s in sources if s.archive]
    if archived:
        (folder / "archive").mkdir(exist_ok=True)
        for source in archived:
            (folder / "archive" / f"{source.id}.txt").write_text("\n\n".join(source.archive) + "\n", encoding="utf-8")
    files: dict[str, list[_Fact]] = {}
    for fact in fact_list:
        name = fact.section if facts < 300 else f"{fact.section}-{fact.known.year}"
        if facts >= MONTHLY_FROM:  # a file per month keeps each under the file size limit
            name += f"-{fact.known.month:02d}"
        files.setdefault(name, []).append(fact)
    for name, group in sorted(files.items()):
        body = "\n".join(line for f in group for line in [*f.lines, ""])
        (folder / f"{name}.yaml").write_text(header + "facts:\n" + body, encoding="utf-8")
    (folder / "judgments.yaml").write_text(header + "judgments:\n" + "\n".join(judgments) + "\n", encoding="utf-8")
    return folder
