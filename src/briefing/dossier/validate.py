"""Put a dossier's files together and check everything that crosses items.

Each item (source, fact, judgment) is validated on its own so that one broken
fact does not hide the problems of the others, and a reference to an item that
exists but is broken is not reported a second time as "unknown".
"""

from __future__ import annotations

import difflib
import re
import stat
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from briefing.dossier.analysis_checks import check_analysis
from briefing.dossier.archives import check_archives
from briefing.dossier.checks import check_time, warn
from briefing.dossier.discover import DOSSIER_FILE, yaml_files
from briefing.dossier.dossier import Dossier, Where
from briefing.dossier.graph import find_cycles
from briefing.dossier.model import DossierFile, Fact, Highlight, Judgment, Source, describe, suggest
from briefing.dossier.reader import Document, Path_, load_file
from briefing.foundation.errors import Budget, Problems, Suggester
from briefing.foundation.limits import LIMITS

KINDS: dict[str, type[BaseModel]] = {"sources": Source, "facts": Fact, "judgments": Judgment}
SINGULAR = {"sources": "source", "facts": "fact", "judgments": "judgment"}
TOP_LEVEL = (*KINDS, "highlights")


# --- loading one dossier -------------------------------------------------------------


def load_dossier(folder: Path, problems: Problems) -> Dossier | None:
    """Load and check one dossier folder; None when dossier.yaml itself is unusable.

    A broken dossier.yaml still lets every fact file be checked (all problems in
    one run); only the references to its sections and metrics cannot be.
    """
    spec_path = folder / DOSSIER_FILE
    spec_doc = None if _refuse_outside(spec_path, folder, problems) else load_file(spec_path, problems)
    spec: Any = None
    if spec_doc is not None and spec_doc.data is None:
        problems.add(spec_doc.problem((), f"{DOSSIER_FILE} is empty; it needs at least 'title:' and 'sections:'"))
    elif spec_doc is not None:
        spec = _validate(DossierFile, spec_doc.data, spec_doc, (), "", problems)
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
    for path in files:
        if _refuse_outside(path, folder, problems):
            continue
        doc = load_file(path, problems)
        if doc is not None:
            _collect(doc, dossier, broken, problems)
        else:
            unreadable[path] = _ids_written_in(path)
        doc = None  # freed before the next file loads: the models hold the data, each item's Marks its positions
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


_ID_LINE = re.compile(r"""^[ \t]*(?:-[ \t]+)?id[ \t]*:[ \t]*["']?([^\s"'#,\]}]+)""", re.MULTILINE)


def _ids_written_in(path: Path) -> set[str]:
    """The ids a file that does not parse seems to define (`id: x` lines), so references to them are not called unknown.

    Only a regular file within the size limit is read (never a named pipe, a device or a huge file: the
    loader already refused those, and reading them here would block or exhaust memory); else none.
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > LIMITS.max_file_bytes:
            return set()
        return set(_ID_LINE.findall(path.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return set()


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


def _collect(doc: Document, dossier: Dossier, broken: dict[tuple[str, str], Where], problems: Problems) -> None:
    """Validate each item of one fact file and add the good ones to the dossier."""
    data = doc.data
    if data is None:
        problems.add(doc.problem((), "file is empty; a fact file holds 'sources:', 'facts:' or 'judgments:' lists", warning=True))
        return
    if not isinstance(data, dict):
        problems.add(doc.problem((), f"the top level must be a mapping with 'sources:', 'facts:' or 'judgments:' lists, got {describe(data)}"))
        return
    for key, items in data.items():
        if key not in TOP_LEVEL:
            hint = suggest(key, TOP_LEVEL) or " (allowed: sources, facts, judgments, highlights)"
            problems.add(doc.problem((key,), f"unknown top-level key '{key}'{hint}", key=True))
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            problems.add(doc.problem((key,), f"'{key}' must be a list (each item starting with '- '), got {describe(items)}"))
            continue
        if key == "highlights":
            _collect_highlights(doc, items, dossier, problems)
            continue
        store: dict[str, Any] = getattr(dossier, key)
        for i, raw in enumerate(items):
            where = Where(doc.path, doc.marks((key, i)))
            label = _label(SINGULAR[key], raw, i)
            item = _validate(KINDS[key], raw, doc, (key, i), label, problems)
            item_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
            if item_id:  # a second use of an id is reported even when either item is broken otherwise
                first = dossier.where.get((key, item_id)) or broken.get((key, item_id))
                if first is not None:
                    where.problem(problems, ("id",), f"{label}: id is used twice (first at {first})")
                    if (key, item_id) in dossier.where:
                        continue  # the first stands; when it is broken, this one is kept, so that what cites it does not cascade
            if item is None:
                if item_id:
                    broken[(key, item_id)] = where
                continue
            store[item.id] = item
            dossier.where[(key, item.id)] = where


def _collect_highlights(doc: Document, items: list[Any], dossier: Dossier, problems: Problems) -> None:
    """Highlights have no id: each is kept with where it stands, labelled by its date."""
    for i, raw in enumerate(items):
        date = raw.get("date") if isinstance(raw, dict) else None
        label = f"highlights of {date}" if isinstance(date, str) and date.strip() else f"highlight #{i + 1}"
        item = _validate(Highlight, raw, doc, ("highlights", i), label, problems)
        if item is not None:
            dossier.highlights.append((item, Where(doc.path, doc.marks(("highlights", i)))))


def _label(kind: str, raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"].strip():
        return f"{kind} '{raw['id']}'"
    return f"{kind} #{index + 1}"


def _validate(model: type[BaseModel], raw: Any, doc: Document, base: Path_, label: str, problems: Problems) -> Any:
    """Validate `raw` with `model`, mapping each pydantic error to its YAML node."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # `statment:` makes `statement` missing too; the unknown key's "did you mean" says it all.
        typos = {(*e["loc"][:-1], near[0]) for e in errors if e["type"] == "extra_forbidden"
                 and (near := difflib.get_close_matches(str(e["loc"][-1]), _known_keys(model, tuple(e["loc"][:-1])), n=1, cutoff=0.6))}
        for error in errors:
            loc = tuple(error["loc"])
            if error["type"] == "missing" and loc in typos:
                continue
            message, key = _message(error, model, loc)
            if loc and loc[-1] == "[key]":  # a bad mapping key (a metric id): point at the key itself
                loc, key = loc[:-1], True
            problems.add(doc.problem((*base, *loc), f"{label}: {message}" if label else message, key=key))
        return None


def _message(error: Any, model: type[BaseModel], loc: Path_) -> tuple[str, bool]:
    """A sentence for one pydantic error, and whether it points at a key rather than a value."""
    kind = error["type"]
    name = str(loc[-1]) if loc else ""
    named = loc[:-2] if loc and loc[-1] == "[key]" else loc  # a bad key of `metrics:` belongs to `metrics`
    field_name = next((str(part) for part in reversed(named) if isinstance(part, str)), "")
    if kind == "extra_forbidden":
        return f"unknown key '{name}'{suggest(name, _known_keys(model, loc[:-1])) or _allowed(model, loc[:-1])}", True
    if kind == "missing":
        return f"missing required key '{name}'", False
    if kind == "value_error":  # the field named first: the line alone does not say which key a value belongs to
        return (f"{field_name}: " if field_name else "") + str(error["ctx"]["error"]), False
    if kind == "list_type":
        return f"'{name}' must be a list (each item starting with '- '), got {describe(error['input'])}", False
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if not loc and model is DossierFile:
            return f"{DOSSIER_FILE} must be a mapping of keys (title:, sections:, ...), got {describe(error['input'])}", False
        last = loc[-1] if loc else None
        what = f"'{name}'" if isinstance(last, str) else f"each item of '{loc[-2]}'" if len(loc) > 1 else "each item"
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
    keyed = False  # after a dict field (metrics), the next part is one of its keys, not a field
    for part in loc:
        if isinstance(part, int) or keyed or not (isinstance(current, type) and issubclass(current, BaseModel)):
            keyed = False
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        keyed = _is_dict(info.annotation)
        current = _inner_model(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _is_dict(annotation: Any) -> bool:
    """True for dict[...] fields (possibly Optional or Annotated), whose keys are ids rather than field names."""
    if getattr(annotation, "__origin__", None) is dict:
        return True
    return any(_is_dict(arg) for arg in getattr(annotation, "__args__", ()) or () if not isinstance(arg, type))


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


