"""Validate the items of one YAML file on their own: the part of loading that depends only on the file's bytes.

What comes out (each item validated or found broken, where it stands, and the
problems found) is a pure function of the file's text, the program and the
limits, so `dossier.parsed` can keep it between runs. Checks across items
(an id used twice, unknown references, cycles) come after, in `validate`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from briefing.dossier.discover import DOSSIER_FILE
from briefing.dossier.dossier import Where
from briefing.dossier.model import DossierFile, Fact, Highlight, Judgment, Source, describe, suggest
from briefing.dossier.reader import Document, Path_
from briefing.foundation.errors import Problems

KINDS: dict[str, type[BaseModel]] = {"sources": Source, "facts": Fact, "judgments": Judgment}
SINGULAR = {"sources": "source", "facts": "fact", "judgments": "judgment"}
TOP_LEVEL = (*KINDS, "highlights")


@dataclass
class Entry:
    """One source, fact or judgment of a file: validated (`item`) or broken (None), with its id as written."""

    kind: str  # "sources", "facts" or "judgments"
    item_id: str | None  # the id as written, when it is a string: a broken item's id still counts as taken
    item: Any
    where: Where
    label: str


@dataclass
class FileItems:
    """What one fact file holds once read: its entries and highlights in file order."""

    entries: list[Entry] = field(default_factory=list)
    highlights: list[tuple[Highlight, Where]] = field(default_factory=list)


def parse_items(doc: Document, problems: Problems) -> FileItems:
    """Validate each item of one fact file on its own, so that one broken item does not hide the others' problems."""
    found = FileItems()
    data = doc.data
    if data is None:
        problems.add(doc.problem((), "file is empty; a fact file holds 'sources:', 'facts:' or 'judgments:' lists", warning=True))
        return found
    if not isinstance(data, dict):
        problems.add(doc.problem((), f"the top level must be a mapping with 'sources:', 'facts:' or 'judgments:' lists, got {describe(data)}"))
        return found
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
            found.highlights.extend(_highlights(doc, items, problems))
            continue
        for i, raw in enumerate(items):
            label = _label(SINGULAR[key], raw, i)
            item = validate_item(KINDS[key], raw, doc, (key, i), label, problems)
            item_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
            found.entries.append(Entry(key, item_id, item, Where(doc.path, doc.marks((key, i))), label))
    return found


def _highlights(doc: Document, items: list[Any], problems: Problems) -> list[tuple[Highlight, Where]]:
    """Highlights have no id: each is kept with where it stands, labelled by its date."""
    kept = []
    for i, raw in enumerate(items):
        date = raw.get("date") if isinstance(raw, dict) else None
        label = f"highlights of {date}" if isinstance(date, str) and date.strip() else f"highlight #{i + 1}"
        item = validate_item(Highlight, raw, doc, ("highlights", i), label, problems)
        if item is not None:
            kept.append((item, Where(doc.path, doc.marks(("highlights", i)))))
    return kept


def _label(kind: str, raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"].strip():
        return f"{kind} '{raw['id']}'"
    return f"{kind} #{index + 1}"


def validate_item(model: type[BaseModel], raw: Any, doc: Document, base: Path_, label: str, problems: Problems) -> Any:
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

