"""Put a dossier's files together and check everything that crosses items.

Each item (source, fact, judgment) is validated on its own so that one broken
fact does not hide the problems of the others, and a reference to an item that
exists but is broken is not reported a second time as "unknown".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from briefing.dossier.analysis_checks import check_analysis
from briefing.dossier.archives import check_archives
from briefing.dossier.checks import check_time, warn
from briefing.dossier.discover import DOSSIER_FILE, yaml_files
from briefing.dossier.dossier import Dossier, Where
from briefing.dossier.graph import find_cycles
from briefing.dossier.items import KINDS, SINGULAR, FileItems, validate_item
from briefing.dossier.model import DossierFile, suggest
from briefing.dossier.parsed import ParsedFiles
from briefing.dossier.reader import Document, Path_, load_file
from briefing.foundation.errors import Budget, Problems, Suggester
from briefing.foundation.limits import LIMITS

# --- loading one dossier -------------------------------------------------------------


def load_dossier(folder: Path, problems: Problems, parsed_files: ParsedFiles | None = None) -> Dossier | None:
    """Load and check one dossier folder; None when dossier.yaml itself is unusable.

    A broken dossier.yaml still lets every fact file be checked (all problems in
    one run); only the references to its sections and metrics cannot be.
    Fact files are read through `parsed_files` (the cache of parsed files),
    else afresh.
    """
    spec_path = folder / DOSSIER_FILE
    spec_doc = None if _refuse_outside(spec_path, folder, problems) else load_file(spec_path, problems)
    spec: Any = None
    if spec_doc is not None and spec_doc.data is None:
        problems.add(spec_doc.problem((), f"{DOSSIER_FILE} is empty; it needs at least 'title:' and 'sections:'"))
    elif spec_doc is not None:
        spec = validate_item(DossierFile, spec_doc.data, spec_doc, (), "", problems)
    files = [p for p in yaml_files(folder) if p != spec_path]
    if len(files) > LIMITS.max_files:
        problems.error(spec_path, 1, 1, f"dossier has {len(files):,} YAML files, over the limit of {LIMITS.max_files:,} (BRIEFING_MAX_FILES)")
        return None
    spec_ok = isinstance(spec, DossierFile)
    if spec_ok and spec_doc is not None:
        _check_spec(spec, spec_doc, problems)
    else:  # a mistake elsewhere in dossier.yaml must not drop its `accept:` list and bury the error under warnings
        spec = DossierFile.model_construct(title="", sections=[], metrics={}, accept=_salvage_accept(spec_doc))
    dossier = Dossier(folder.name, folder, spec, [spec_path, *files])
    broken: dict[tuple[str, str], Where] = {}  # items with an id that failed validation, where they are
    unreadable: dict[Path, set[str]] = {}  # files that could not be read as YAML, and the ids they seem to define
    parsed_files = parsed_files or ParsedFiles(None)
    for path in files:
        if _refuse_outside(path, folder, problems):
            continue
        parsed = parsed_files.read(path)
        problems.extend(parsed.problems)
        if parsed.items is None:
            unreadable[path] = parsed.ids_written
        else:
            _assemble(parsed.items, dossier, broken, problems)
        parsed = None  # freed before the next file loads: the models hold the data, each item's Marks its positions
    if len(dossier.facts) > LIMITS.max_facts:
        problems.error(spec_path, 1, 1, f"dossier has {len(dossier.facts):,} facts, over the limit of {LIMITS.max_facts:,} (BRIEFING_MAX_FACTS)")
        return None
    check_references(dossier, broken, problems, spec_known=spec_ok, unreadable=unreadable)
    check_archives(dossier, problems)
    check_time(dossier, problems)
    check_analysis(dossier, problems)
    warn(dossier, problems, complete=not unreadable)
    return dossier if spec_ok else None


def _salvage_accept(doc: Document | None) -> list[str]:
    """The `accept:` list of a dossier.yaml that is otherwise invalid, when that list itself is valid."""
    data = doc.data if doc is not None else None
    if not isinstance(data, dict) or "accept" not in data:
        return []
    try:
        return list(DossierFile.model_validate({"title": "x", "sections": [{"id": "x", "title": "x"}], "accept": data["accept"]}).accept)
    except ValidationError:
        return []


def _refuse_outside(path: Path, folder: Path, problems: Problems) -> bool:
    """True, after reporting it, when `path` (dossier.yaml included) is a link to a file outside the dossier."""
    if _outside(path, folder):
        problems.error(path, 1, 1, "file is a link to a place outside the dossier folder; copy it in instead")
        return True
    return False


def _outside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return True
    except (OSError, RuntimeError):  # a link that loops: reading the file reports it
        return False
    return False


def _check_spec(spec: DossierFile, doc: Document, problems: Problems) -> None:
    seen: dict[str, int] = {}
    for i, section in enumerate(spec.sections):
        if section.id in seen:
            problems.add(doc.problem(("sections", i, "id"), f"section '{section.id}' is listed twice (first as section {seen[section.id] + 1})"))
        seen.setdefault(section.id, i)


def _assemble(items: FileItems, dossier: Dossier, broken: dict[tuple[str, str], Where], problems: Problems) -> None:
    """Add one file's good items to the dossier; an id used twice is reported even when either item is broken."""
    for entry in items.entries:
        if entry.item_id:
            first = dossier.where.get((entry.kind, entry.item_id)) or broken.get((entry.kind, entry.item_id))
            if first is not None:
                entry.where.problem(problems, ("id",), f"{entry.label}: id is used twice (first at {first})")
                if (entry.kind, entry.item_id) in dossier.where:
                    continue  # the first stands; when it is broken, this one is kept, so that what cites it does not cascade
        if entry.item is None:
            if entry.item_id:
                broken[(entry.kind, entry.item_id)] = entry.where
            continue
        store: dict[str, Any] = getattr(dossier, entry.kind)
        store[entry.item.id] = entry.item
        dossier.where[(entry.kind, entry.item.id)] = entry.where
    dossier.highlights.extend(items.highlights)


# --- checks across items ---------------------------------------------------------------


def check_references(dossier: Dossier, broken: dict[tuple[str, str], Where], problems: Problems, *, spec_known: bool = True,
                     unreadable: dict[Path, set[str]] | None = None) -> None:
    """Every id a fact or judgment names must exist (and not only as a broken item).

    Without a valid dossier.yaml (`spec_known` false) sections and metrics are
    unknown, so references to them are not checked rather than all reported.
    A file that could not be read may define the ids others name: references to
    the ids it seems to define (to any id, when none can be seen) are not called
    unknown; the file gets one line saying they could not be checked.
    """
    sections = {s.id for s in dossier.spec.sections}
    metrics = set(dossier.spec.metrics)
    unreadable = unreadable or {}
    unchecked: dict[Path, int] = {}
    budget = Budget()  # one index per kind of id, built on first need; a fixed number of searches in all
    suggesters: dict[str, Suggester] = {}

    def ref(where: Where, sub: Path_, label: str, kind: str, name: str, known: Any) -> None:
        if name in known or (kind, name) in broken or (kind in ("section", "metric") and not spec_known):
            return
        if kind in KINDS:
            holder = next((p for p, ids in unreadable.items() if name in ids), None) or next((p for p, ids in unreadable.items() if not ids), None)
            if holder is not None:
                unchecked[holder] = unchecked.get(holder, 0) + 1
                return
        if kind not in suggesters:
            suggesters[kind] = Suggester(known, budget)
        where.problem(problems, sub, f"{label}: unknown {SINGULAR.get(kind, kind)} '{name}'{suggesters[kind](name)}")

    for fid, fact in dossier.facts.items():
        where, label = dossier.where[("facts", fid)], f"fact '{fid}'"
        ref(where, ("section",), label, "section", fact.section, sections)
        for i, fig in enumerate(fact.figures):
            ref(where, ("figures", i, "metric"), label, "metric", fig.metric, metrics)
        for i, cite in enumerate(fact.sources):
            ref(where, ("sources", i, "source"), label, "sources", cite.source, dossier.sources)
        for i, old in enumerate(fact.supersedes):
            if old == fid:
                where.problem(problems, ("supersedes", i), f"{label}: a fact cannot supersede itself")
            else:
                ref(where, ("supersedes", i), label, "facts", old, dossier.facts)
        for i, other in enumerate(fact.contradicts):
            if other == fid:
                where.problem(problems, ("contradicts", i), f"{label}: a fact cannot contradict itself")
            else:
                ref(where, ("contradicts", i), label, "facts", other, dossier.facts)
    for jid, judgment in dossier.judgments.items():
        where, label = dossier.where[("judgments", jid)], f"judgment '{jid}'"
        for i, basis in enumerate(judgment.based_on):
            ref(where, ("based_on", i, "fact"), label, "facts", basis.fact, dossier.facts)
        if judgment.revises is not None:
            if judgment.revises == jid:
                where.problem(problems, ("revises",), f"{label}: a judgment cannot revise itself")
            else:
                ref(where, ("revises",), label, "judgments", judgment.revises, dossier.judgments)
        if judgment.estimate is not None:
            ref(where, ("estimate", "metric"), label, "metric", judgment.estimate.metric, metrics)
        if judgment.resolution is not None:
            for i, fid in enumerate(judgment.resolution.based_on):
                ref(where, ("resolution", "based_on", i), label, "facts", fid, dossier.facts)
    items = {**dossier.facts, **dossier.judgments}
    for highlight, where in dossier.highlights:
        for i, name in enumerate(highlight.based_on):
            if name not in items and ("facts", name) not in broken and ("judgments", name) not in broken:
                where.problem(problems, ("based_on", i), f"highlights of {highlight.date}: unknown fact or judgment "
                              f"'{name}'{suggest(name, items)}")
    for path, count in unchecked.items():
        problems.error(path, 1, 1, f"{count} reference{'s' if count != 1 else ''} from other files to ids this file may define "
                                   "could not be checked, because the file cannot be read; they are checked once it is fixed")
    _check_cycles(dossier, problems)


def _check_cycles(dossier: Dossier, problems: Problems) -> None:
    """`supersedes` chains must end: a cycle would make every fact in it both current and old."""
    for cycle in find_cycles({fid: [o for o in f.supersedes if o != fid] for fid, f in dossier.facts.items()}):
        first = min(cycle)
        index = dossier.facts[first].supersedes.index(_rotate(cycle, first)[1 % len(cycle)])
        dossier.where[("facts", first)].problem(
            problems, ("supersedes", index), f"fact '{first}': 'supersedes' forms a cycle: {' -> '.join([*_rotate(cycle, first), first])}"
        )


def _rotate(cycle: list[str], first: str) -> list[str]:
    i = cycle.index(first)
    return cycle[i:] + cycle[:i]


