"""Put a dossier's files together and check everything that crosses items.

Each item (source, fact, judgment) is validated on its own so that one broken
fact does not hide the problems of the others, and a reference to an item that
exists but is broken is not reported a second time as "unknown".
"""

from __future__ import annotations

import difflib
import heapq
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from briefing import select
from briefing.errors import Problem, Problems, display_path
from briefing.limits import LIMITS
from briefing.load import DOSSIER_FILE, Document, Marks, Path_, load_file, yaml_files
from briefing.model import DossierFile, Fact, Judgment, Source, describe, suggest

KINDS: dict[str, type[BaseModel]] = {"sources": Source, "facts": Fact, "judgments": Judgment}
SINGULAR = {"sources": "source", "facts": "fact", "judgments": "judgment"}


@dataclass(frozen=True)
class Where:
    """Where an item was written: its file and the positions of its values, which outlive the file's data."""

    path: Path
    marks: Marks

    def problem(self, problems: Problems, sub: Path_, message: str, *, warning: bool = False, key: bool = False) -> None:
        line, col = self.marks.where(sub, key)
        problems.add(Problem(self.path, line, col, message, "warning" if warning else "error"))

    def __str__(self) -> str:
        """`path:line:col` of the item's id (else of the item), the form editors and terminals can open."""
        line, col = self.marks.where(("id",))
        return f"{display_path(self.path)}:{line}:{col}"


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
    else:
        spec = DossierFile.model_construct(title="", sections=[], metrics={})
    dossier = Dossier(folder.name, folder, spec, [spec_path, *files])
    broken: dict[tuple[str, str], Where] = {}  # items with an id that failed validation, where they are
    for path in files:
        if _refuse_outside(path, folder, problems):
            continue
        doc = load_file(path, problems)
        if doc is not None:
            _collect(doc, dossier, broken, problems)
        doc = None  # freed before the next file loads: the models hold the data, each item's Marks its positions
    if len(dossier.facts) > LIMITS.max_facts:
        problems.error(spec_path, 1, 1, f"dossier has {len(dossier.facts):,} facts, over the limit of {LIMITS.max_facts:,} (BRIEFING_MAX_FACTS)")
        return None
    check_references(dossier, broken, problems, spec_known=spec_ok)
    check_archives(dossier, problems)
    check_time(dossier, problems)
    warn(dossier, problems)
    return dossier if spec_ok else None


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


def check_references(dossier: Dossier, broken: dict[tuple[str, str], Where], problems: Problems, *, spec_known: bool = True) -> None:
    """Every id a fact or judgment names must exist (and not only as a broken item).

    Without a valid dossier.yaml (`spec_known` false) sections and metrics are
    unknown, so references to them are not checked rather than all reported.
    """
    sections = [s.id for s in dossier.spec.sections]
    metrics = list(dossier.spec.metrics)

    def ref(where: Where, sub: Path_, label: str, kind: str, name: str, known: Any) -> None:
        if name in known or (kind, name) in broken or (kind in ("section", "metric") and not spec_known):
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
        if current in chain and current not in reported and dossier.facts[current].supersedes != current:
            cycle = chain[chain.index(current):]  # a fact superseding itself is reported on its own
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
        shown = source.archive if len(source.archive) <= 80 else source.archive[:80] + "..."

        def bad(message: str, sid: str = sid, where: Where = where) -> None:
            where.problem(problems, ("archive",), f"source '{sid}': {message}")

        try:  # resolve() and stat() fail on links that loop and on names too long for the file system
            target = (dossier.folder / source.archive).resolve()
            if os.path.isabs(source.archive) or not target.is_relative_to(root):
                bad(f"archive '{shown}' points outside the dossier folder")
                continue
            if target.is_dir():
                bad(f"archive '{shown}' is a folder; name the text file in it")
                continue
            if not target.is_file():
                bad(f"archive file '{shown}' does not exist")
                continue
            if target.stat().st_size > LIMITS.max_archive_bytes:
                bad(f"archive is over the limit of {LIMITS.max_archive_bytes:,} bytes")
                continue
            dossier.archives[sid] = target.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            bad(f"archive '{shown}' is not a readable UTF-8 text file")
        except (OSError, RuntimeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "a link that loops"
            bad(f"archive '{shown}' cannot be read ({reason})")
    folded = {sid: fold(text) for sid, text in dossier.archives.items()}
    for fid, fact in dossier.facts.items():
        for i, cite in enumerate(fact.sources):
            if cite.quote is None or cite.source not in folded:
                continue
            quote = fold(cite.quote)
            if quote not in folded[cite.source]:
                near = closest_passage(dossier.archives[cite.source], cite.quote)
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
    """The stretch of `haystack` most like `needle`, to show next to a quote that was not found.

    Words are compared folded and without punctuation, but shown as the archive
    writes them, so that the analyst can copy the passage back into the quote.
    Comparing the quote with every window of a long archive, character by
    character, costs seconds per missing quote per 100 KB; so windows are first
    ranked by how many of the quote's words they hold (linear), and only the best
    few are compared, word by word, on at most the quote's first words.
    """
    words = haystack.split()
    if not words:
        return ""
    folded = fold(haystack).split(" ")
    if len(folded) != len(words):  # fold() splits where str.split() does; stay correct if that ever changes
        folded = [fold(w) for w in words]
    tokens = [_NON_WORD.sub("", w) for w in folded]
    target = [_NON_WORD.sub("", w) for w in fold(needle).split(" ")][:_MAX_WORDS]
    size = len(target)
    wanted = {w[:5] for w in target} - {""}
    hits = [0]
    for token in tokens:  # prefix sums of "this archive word is also in the quote" (first letters: troop/troops)
        hits.append(hits[-1] + (token[:5] in wanted))
    starts = range(0, max(1, len(words) - size + 1))
    ranked = heapq.nlargest(_CANDIDATES, starts, key=lambda i: (hits[min(i + size, len(words))] - hits[i], -i))
    best, best_ratio = ranked[0], -1.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(target)
    for start in sorted(ranked):
        matcher.set_seq1(tokens[start : start + size])
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = start, ratio
    return " ".join(words[best : best + size])[:200]


_CANDIDATES = 16
_MAX_WORDS = 40  # the passage shown is cut at 200 characters anyway
_NON_WORD = re.compile(r"\W+")


def check_time(dossier: Dossier, problems: Problems) -> None:
    """Dates that contradict each other are almost always typos; say so."""
    for sid, source in dossier.sources.items():
        if source.published is not None and source.published.first > source.accessed.last:
            _warn(problems, dossier, "published-after-accessed", ("sources", sid), [source], ("published",),
                  f"source '{sid}': published {source.published} is after accessed {source.accessed}")
    for fid, fact in dossier.facts.items():
        if fact.status_date is None:
            continue
        if fact.status == "reported":
            dossier.where[("facts", fid)].problem(
                problems, ("status_date",), f"fact '{fid}': status_date {fact.status_date} says when the status changed, but the "
                "status is 'reported'; give the status it took then (confirmed, disputed, denied or retracted)")
            continue
        known = select.known_from(fact, dossier.sources)
        if known is not None and fact.status_date.last < known:
            _warn(problems, dossier, "status-date-before-known", ("facts", fid), [fact], ("status_date",),
                  f"fact '{fid}': status_date {fact.status_date} is before the fact is known ({known}); "
                  f"briefs show it as {fact.status} from the day it is known")
    for jid, judgment in dossier.judgments.items():
        for i, fid in enumerate(judgment.based_on):
            fact = dossier.facts.get(fid)
            if fact is None:
                continue
            known = select.known_from(fact, dossier.sources)
            if known is not None and known > judgment.date.last:
                _warn(problems, dossier, "judgment-before-fact", ("judgments", jid), [judgment], ("based_on", i),
                      f"judgment '{jid}' is dated {judgment.date} but rests on fact '{fid}', known only from {known}; "
                      "briefs before that day will show the judgment without it")


def warn(dossier: Dossier, problems: Problems) -> None:
    """Warnings: things a brief can live with but an analyst should look at."""
    cited = {c.source for f in dossier.facts.values() for c in f.sources}
    for sid, source in dossier.sources.items():
        head = ("sources", sid)
        if sid not in cited:
            _warn(problems, dossier, "uncited", head, [source], ("id",), f"source '{sid}': never cited by a fact")
        if source.publisher is None:
            _warn(problems, dossier, "no-publisher", head, [source], ("id",),
                  f"source '{sid}': no publisher (shown as \"publisher not stated\")")
        if source.published is None:
            _warn(problems, dossier, "no-date", head, [source], ("id",),
                  f"source '{sid}': no publication date (its facts count from accessed {source.accessed})")
    for fid, fact in dossier.facts.items():
        cites = [dossier.sources[c.source] for c in fact.sources if c.source in dossier.sources]
        if len(cites) == 1 and cites[0].reliability in ("E", "F"):
            _warn(problems, dossier, "single-weak-source", ("facts", fid), [fact], ("sources",),
                  f"fact '{fid}': rests on one source, graded {cites[0].reliability}")
    for clash in select.disagreements(dossier):
        if len({f.id for f in clash.facts}) < len(clash.facts):
            continue  # a fact contradicting itself is already an error
        _warn(problems, dossier, "disagreement", ("facts", clash.facts[-1].id), clash.facts, clash.sub, clash.warning)


def _warn(problems: Problems, dossier: Dossier, kind: str, head: tuple[str, str], items: list[Any], sub: Path_,
          message: str) -> None:
    """A warning of `kind` on the item at `head`, unless the dossier or one of `items` accepts that kind.

    The kind is printed after the message: it is the name `accept:` takes once
    an analyst has looked at the warning and decided the dossier stands as it is.
    """
    if kind in dossier.spec.accept or any(kind in item.accept for item in items):
        problems.accepted += 1
        return
    dossier.where[head].problem(problems, sub, f"{message} [{kind}]", warning=True)
