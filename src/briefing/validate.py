"""Put a dossier's files together and check everything that crosses items.

Each item (source, fact, judgment) is validated on its own so that one broken
fact does not hide the problems of the others, and a reference to an item that
exists but is broken is not reported a second time as "unknown".
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from briefing import select
from briefing.errors import Problems
from briefing.limits import LIMITS
from briefing.load import DOSSIER_FILE, Document, Path_, load_file, yaml_files
from briefing.model import DossierFile, Fact, Judgment, Source, describe, suggest

KINDS: dict[str, type[BaseModel]] = {"sources": Source, "facts": Fact, "judgments": Judgment}
SINGULAR = {"sources": "source", "facts": "fact", "judgments": "judgment"}


@dataclass(frozen=True)
class Where:
    """Where an item was written: its file and its path inside that file."""

    doc: Document
    path: Path_

    def problem(self, problems: Problems, sub: Path_, message: str, *, warning: bool = False, key: bool = False) -> None:
        problems.add(self.doc.problem((*self.path, *sub), message, warning=warning, key=key))

    def __str__(self) -> str:
        line, _ = self.doc.where(self.path)
        return f"{_short(self.doc.path)}:{line}"


@dataclass
class Dossier:
    """A whole dossier, valid as far as its items are: what every later stage reads."""

    id: str
    folder: Path
    spec: DossierFile
    files: list[Path]
    sources: dict[str, Source] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    judgments: dict[str, Judgment] = field(default_factory=dict)
    where: dict[tuple[str, str], Where] = field(default_factory=dict)
    archives: dict[str, str] = field(default_factory=dict)

    @property
    def templates(self) -> Path | None:
        folder = self.folder / "templates"
        return folder if folder.is_dir() else None


def _short(path: Path) -> str:
    return path.name


# --- loading one dossier -------------------------------------------------------------


def load_dossier(folder: Path, problems: Problems) -> Dossier | None:
    """Load and check one dossier folder; None when dossier.yaml itself is unusable."""
    spec_path = folder / DOSSIER_FILE
    spec_doc = load_file(spec_path, problems)
    if spec_doc is None:
        return None
    spec = _validate(DossierFile, spec_doc.data, spec_doc, (), "", problems)
    if not isinstance(spec, DossierFile):
        return None
    files = [p for p in yaml_files(folder) if p != spec_path]
    if len(files) > LIMITS.max_files:
        problems.error(spec_path, 1, 1, f"dossier has {len(files):,} YAML files, over the limit of {LIMITS.max_files:,} (BRIEFING_MAX_FILES)")
        return None
    dossier = Dossier(folder.name, folder, spec, [spec_path, *files])
    _check_spec(spec, spec_doc, problems)
    broken: set[tuple[str, str]] = set()
    for path in files:
        if _outside(path, folder):
            problems.error(path, 1, 1, "file is a link to a place outside the dossier folder; copy it in instead")
            continue
        doc = load_file(path, problems)
        if doc is not None:
            _collect(doc, dossier, broken, problems)
    if len(dossier.facts) > LIMITS.max_facts:
        problems.error(spec_path, 1, 1, f"dossier has {len(dossier.facts):,} facts, over the limit of {LIMITS.max_facts:,} (BRIEFING_MAX_FACTS)")
        return None
    check_references(dossier, broken, problems)
    check_archives(dossier, problems)
    check_time(dossier, problems)
    warn(dossier, problems)
    return dossier


def _outside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return True
    return False


def _check_spec(spec: DossierFile, doc: Document, problems: Problems) -> None:
    seen: dict[str, int] = {}
    for i, section in enumerate(spec.sections):
        if section.id in seen:
            problems.add(doc.problem(("sections", i, "id"), f"section '{section.id}' is listed twice (first as section {seen[section.id] + 1})"))
        seen.setdefault(section.id, i)


def _collect(doc: Document, dossier: Dossier, broken: set[tuple[str, str]], problems: Problems) -> None:
    """Validate each item of one fact file and add the good ones to the dossier."""
    data = doc.data
    if data is None:
        problems.add(doc.problem((), "file is empty; a fact file holds 'sources:', 'facts:' or 'judgments:' lists", warning=True))
        return
    if not isinstance(data, dict):
        problems.add(doc.problem((), f"the top level must be a mapping with 'sources:', 'facts:' or 'judgments:' lists, got {describe(data)}"))
        return
    for key, items in data.items():
        if key not in KINDS:
            hint = suggest(key, KINDS) or " (allowed: sources, facts, judgments)"
            problems.add(doc.problem((key,), f"unknown top-level key '{key}'{hint}", key=True))
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            problems.add(doc.problem((key,), f"'{key}' must be a list (each item starting with '- '), got {describe(items)}"))
            continue
        store: dict[str, Any] = getattr(dossier, key)
        for i, raw in enumerate(items):
            where = Where(doc, (key, i))
            label = _label(SINGULAR[key], raw, i)
            item = _validate(KINDS[key], raw, doc, (key, i), label, problems)
            item_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
            if item is None:
                if item_id:
                    broken.add((key, str(item_id)))
                continue
            first = dossier.where.get((key, item.id))
            if first is not None:
                where.problem(problems, ("id",), f"{label}: id is used twice (first at {first})")
                continue
            store[item.id] = item
            dossier.where[(key, item.id)] = where


def _label(kind: str, raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"].strip():
        return f"{kind} '{raw['id']}'"
    return f"{kind} #{index + 1}"


def _validate(model: type[BaseModel], raw: Any, doc: Document, base: Path_, label: str, problems: Problems) -> Any:
    """Validate `raw` with `model`, mapping each pydantic error to its YAML node."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            message, key = _message(error, model, loc)
            problems.add(doc.problem((*base, *loc), f"{label}: {message}" if label else message, key=key))
        return None


def _message(error: Any, model: type[BaseModel], loc: Path_) -> tuple[str, bool]:
    """A sentence for one pydantic error, and whether it points at a key rather than a value."""
    kind = error["type"]
    name = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        return f"unknown key '{name}'{suggest(name, _known_keys(model, loc[:-1])) or _allowed(model, loc[:-1])}", True
    if kind == "missing":
        return f"missing required key '{name}'", False
    if kind == "value_error":
        return str(error["ctx"]["error"]), False
    if kind == "list_type":
        return f"'{name}' must be a list, got {describe(error['input'])}", False
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        what = f"'{name}'" if isinstance(loc[-1] if loc else None, str) else "each item"
        return f"{what} must be a mapping of keys, got {describe(error['input'])}", False
    if kind == "too_short":
        return f"'{name}' needs at least one item", False
    return f"{name}: {error['msg']}", False


def _known_keys(model: type[BaseModel], loc: Path_) -> list[str]:
    """The keys allowed at `loc` inside `model`, found by walking field annotations."""
    target = _model_at(model, loc)
    return list(target.model_fields) if target else []


def _allowed(model: type[BaseModel], loc: Path_) -> str:
    keys = _known_keys(model, loc)
    return f" (allowed: {', '.join(keys)})" if keys else ""


def _model_at(model: type[BaseModel], loc: Path_) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _inner_model(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    """The model class inside list[...], dict[..., ...], Optional[...] or Annotated[...]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    return _inner_model(origin) if origin not in (None, list, dict) and origin is not annotation else None


# --- checks across items ---------------------------------------------------------------


def check_references(dossier: Dossier, broken: set[tuple[str, str]], problems: Problems) -> None:
    """Every id a fact or judgment names must exist (and not only as a broken item)."""
    sections = [s.id for s in dossier.spec.sections]
    metrics = list(dossier.spec.metrics)

    def ref(where: Where, sub: Path_, label: str, kind: str, name: str, known: Any) -> None:
        if name in known or (kind, name) in broken:
            return
        where.problem(problems, sub, f"{label}: unknown {SINGULAR.get(kind, kind)} '{name}'{suggest(name, known)}")

    for fid, fact in dossier.facts.items():
        where, label = dossier.where[("facts", fid)], f"fact '{fid}'"
        ref(where, ("section",), label, "section", fact.section, sections)
        for i, fig in enumerate(fact.figures):
            ref(where, ("figures", i, "metric"), label, "metric", fig.metric, metrics)
        for i, cite in enumerate(fact.sources):
            ref(where, ("sources", i, "source"), label, "sources", cite.source, dossier.sources)
        if fact.supersedes is not None:
            if fact.supersedes == fid:
                where.problem(problems, ("supersedes",), f"{label}: a fact cannot supersede itself")
            else:
                ref(where, ("supersedes",), label, "facts", fact.supersedes, dossier.facts)
        for i, other in enumerate(fact.contradicts):
            if other == fid:
                where.problem(problems, ("contradicts", i), f"{label}: a fact cannot contradict itself")
            else:
                ref(where, ("contradicts", i), label, "facts", other, dossier.facts)
    for jid, judgment in dossier.judgments.items():
        where = dossier.where[("judgments", jid)]
        for i, fid in enumerate(judgment.based_on):
            ref(where, ("based_on", i), f"judgment '{jid}'", "facts", fid, dossier.facts)
    _check_cycles(dossier, problems)


def _check_cycles(dossier: Dossier, problems: Problems) -> None:
    """`supersedes` chains must end: a cycle would make every fact in it both current and old."""
    reported: set[str] = set()
    for start in sorted(dossier.facts):
        chain: list[str] = []
        current: str | None = start
        while current is not None and current in dossier.facts and current not in chain:
            chain.append(current)
            current = dossier.facts[current].supersedes
        if current in chain and current not in reported:
            cycle = chain[chain.index(current):]
            reported.update(cycle)
            first = min(cycle)
            dossier.where[("facts", first)].problem(
                problems, ("supersedes",), f"fact '{first}': 'supersedes' forms a cycle: {' -> '.join([*_rotate(cycle, first), first])}"
            )


def _rotate(cycle: list[str], first: str) -> list[str]:
    i = cycle.index(first)
    return cycle[i:] + cycle[:i]


def check_archives(dossier: Dossier, problems: Problems) -> None:
    """Archive copies must sit inside the dossier, and every quote must occur in its source's copy."""
    root = dossier.folder.resolve()
    for sid, source in dossier.sources.items():
        if source.archive is None:
            continue
        where = dossier.where[("sources", sid)]
        target = (dossier.folder / source.archive).resolve()
        if os.path.isabs(source.archive) or not target.is_relative_to(root):
            where.problem(problems, ("archive",), f"source '{sid}': archive '{source.archive}' points outside the dossier folder")
            continue
        if not target.is_file():
            where.problem(problems, ("archive",), f"source '{sid}': archive file '{source.archive}' does not exist")
            continue
        if target.stat().st_size > LIMITS.max_archive_bytes:
            where.problem(problems, ("archive",), f"source '{sid}': archive is over the limit of {LIMITS.max_archive_bytes:,} bytes")
            continue
        try:
            dossier.archives[sid] = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            where.problem(problems, ("archive",), f"source '{sid}': archive '{source.archive}' is not a readable UTF-8 text file")
    folded = {sid: fold(text) for sid, text in dossier.archives.items()}
    for fid, fact in dossier.facts.items():
        for i, cite in enumerate(fact.sources):
            if cite.quote is None or cite.source not in folded:
                continue
            quote = fold(cite.quote)
            if quote not in folded[cite.source]:
                near = closest_passage(folded[cite.source], quote)
                dossier.where[("facts", fid)].problem(
                    problems, ("sources", i, "quote"),
                    f"fact '{fid}': quote not found in the archive of '{cite.source}'; closest passage: \"{near}\"",
                )


_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                       "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
                       "\u00ab": '"', "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-",
                       "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-", "\u00a0": " "})


def fold(text: str) -> str:
    """Text compared for quotes: white space folded, case folded, typographic quotes and dashes plain."""
    return " ".join(text.translate(_FOLD).casefold().split())


def closest_passage(haystack: str, needle: str) -> str:
    """The stretch of `haystack` most like `needle`, to show next to a quote that was not found."""
    import difflib

    if not haystack:
        return ""
    words = haystack.split(" ")
    size = max(1, len(needle.split(" ")))
    best, best_ratio = "", -1.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(needle)
    for start in range(0, max(1, len(words) - size + 1)):
        window = " ".join(words[start : start + size])
        matcher.set_seq1(window)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = window, ratio
    return best[:200]


def check_time(dossier: Dossier, problems: Problems) -> None:
    """Dates that contradict each other are almost always typos; say so."""
    for sid, source in dossier.sources.items():
        if source.published is not None and source.published.first > source.accessed.last:
            dossier.where[("sources", sid)].problem(
                problems, ("published",), f"source '{sid}': published {source.published} is after accessed {source.accessed}", warning=True
            )
    for jid, judgment in dossier.judgments.items():
        for i, fid in enumerate(judgment.based_on):
            fact = dossier.facts.get(fid)
            if fact is None:
                continue
            known = select.known_from(fact, dossier.sources)
            if known is not None and known > judgment.date.last:
                dossier.where[("judgments", jid)].problem(
                    problems, ("based_on", i),
                    f"judgment '{jid}' is dated {judgment.date} but rests on fact '{fid}', known only from {known}; "
                    "briefs before that day will show the judgment without it",
                    warning=True,
                )


def warn(dossier: Dossier, problems: Problems) -> None:
    """Warnings: things a brief can live with but an analyst should look at."""
    cited = {c.source for f in dossier.facts.values() for c in f.sources}
    for sid, source in dossier.sources.items():
        where = dossier.where[("sources", sid)]
        if sid not in cited:
            where.problem(problems, ("id",), f"source '{sid}': never cited by a fact", warning=True)
        if source.publisher is None:
            where.problem(problems, ("id",), f"source '{sid}': no publisher (shown as \"publisher not stated\")", warning=True)
        if source.published is None:
            where.problem(problems, ("id",), f"source '{sid}': no publication date (its facts count from accessed {source.accessed})", warning=True)
    for fid, fact in dossier.facts.items():
        cites = [dossier.sources[c.source] for c in fact.sources if c.source in dossier.sources]
        if len(cites) == 1 and cites[0].reliability in ("E", "F"):
            dossier.where[("facts", fid)].problem(
                problems, ("sources",), f"fact '{fid}': rests on one source, graded {cites[0].reliability}", warning=True
            )
    for clash in select.disagreements(dossier):
        where = dossier.where[("facts", clash.facts[-1].id)]
        where.problem(problems, clash.sub, clash.warning, warning=True)
