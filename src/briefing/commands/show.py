"""`show`: one fact, source or judgment, where it is written, its values on a day, and everything that refers to it."""

from __future__ import annotations

from typing import Any

from briefing.dossier.discover import find_dossiers
from briefing.dossier.workspace import facts_folder, load_one
from briefing.foundation.console import emit
from briefing.foundation.errors import Problems, UsageError, suggest
from briefing.foundation.options import Options

SINGULAR = {"facts": "fact", "sources": "source", "judgments": "judgment"}


def run(options: Options, commands: tuple[str, ...] = ()) -> int:
    from briefing.brief.lookup import find_item, referrers
    from briefing.brief.select import select_brief

    ids = tuple(str(i) for i in options.get("ids") or ())  # type: ignore[attr-defined]
    if len(ids) > 2:
        raise UsageError("give one id, optionally after the dossier: show [DOSSIER] ID")
    dossier_name, item_id = (ids[0], ids[1]) if len(ids) == 2 else (_owner(options, ids[0]), ids[0])
    problems = Problems()
    dossier = load_one(options.replace(dossiers=(dossier_name,)), problems, commands)
    found = find_item(dossier, item_id)
    if found is None:
        every = [*dossier.facts, *dossier.sources, *dossier.judgments]
        raise UsageError(f"no fact, source or judgment '{item_id}' in dossier '{dossier.id}'{suggest(item_id, every)}")
    kind, item = found
    day = options.days[0]
    brief = select_brief(dossier, day)
    views = {v.id: v for v in brief.facts}
    lines = [f"{SINGULAR[kind]} '{item_id}'  {dossier.where[(kind, item_id)]}"]
    if kind == "facts":
        view = views.get(item_id)
        lines.append(f"  on {day}: F{view.number}, grade {view.grade}, {view.status}, known from {view.known_from}" if view
                     else f"  on {day}: not known yet, or not releasable")
    elif kind == "judgments":
        judged = next((j for j in brief.judgments if j.judgment.id == item_id), None)
        lines.append(f"  on {day}: J{judged.number}" if judged else f"  on {day}: not made yet, or resting on no fact known by then")
    lines += [f"  {key}: {value}" for key, value in _values(item)]
    if kind == "judgments":  # what it rests on, as a brief of that day shows those facts
        lines.append("Rests on:")
        lines += [f"  fact '{fid}' " + (f"F{views[fid].number}, {views[fid].status}" if fid in views else f"not known on {day}")
                  for fid in item.facts]
    refs = referrers(dossier, kind, item_id)
    lines.append("Referred to by:" if refs else "Nothing refers to it.")
    for ref in refs:
        number = f" F{views[ref.id].number}" if ref.kind == "facts" and ref.id in views else ""
        detail = f": {ref.detail}" if ref.detail else ""
        lines.append(f"  {SINGULAR[ref.kind]} '{ref.id}'{number} {ref.how}{detail}  {dossier.where[(ref.kind, ref.id)]}")
    emit("\n".join(lines) + "\n", options.get("output"))  # type: ignore[arg-type]
    return 0


def _owner(options: Options, item_id: str) -> str:
    """The dossier holding `item_id` when none is named: the only dossier, else the first that has the id."""
    found = find_dossiers(facts_folder(options), Problems())
    if len(found) == 1:
        return next(iter(found))
    from briefing.dossier.workspace import load_all

    for name, folder in sorted(found.items()):
        for dossier in load_all({name: folder}, Problems()):
            if any(item_id in getattr(dossier, k) for k in SINGULAR):
                return name
    raise UsageError(f"'{item_id}' is in none of the dossiers of {facts_folder(options)}; name the dossier: show DOSSIER ID")


def _values(item: Any) -> list[tuple[str, str]]:
    """The item's own values, as written, in the format's order (empty ones left out)."""
    out = []
    for key in type(item).model_fields:
        value = getattr(item, key)
        if key == "id" or value in (None, [], ()) or key == "accept":
            continue
        if key == "sources":
            value = "; ".join(f"{c.source}" + (f' "{c.quote}"' if c.quote else "") + (f" ({c.locator})" if c.locator else "") for c in value)
        elif key == "figures":
            value = "; ".join(f"{f.metric}={f.value} ({f.qualifier})" for f in value)
        elif isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        out.append((key, " ".join(str(value).split())))
    return out
