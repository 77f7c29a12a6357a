"""One item of a dossier and everything that refers to it: for `show`, and for anyone asking "who cites this?"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from briefing.dossier.dossier import Dossier

KINDS = ("facts", "sources", "judgments")


@dataclass(frozen=True)
class Reference:
    """An item that names another one, and how (`cites`, `rests on`, `supersedes`, `contradicts`)."""

    kind: str
    id: str
    how: str
    detail: str = ""


def find_item(dossier: Dossier, item_id: str) -> tuple[str, Any] | None:
    """The kind ('facts', 'sources', 'judgments') and the item with this id, or None."""
    for kind in KINDS:
        item = getattr(dossier, kind).get(item_id)
        if item is not None:
            return kind, item
    return None


def referrers(dossier: Dossier, kind: str, item_id: str) -> list[Reference]:
    """Every item naming this one, in the dossier's order."""
    out: list[Reference] = []
    for fact in dossier.facts.values():
        if kind == "sources":
            for cite in fact.sources:
                if cite.source == item_id:
                    detail = " ".join(p for p in (f'"{cite.quote}"' if cite.quote else "", f"({cite.locator})" if cite.locator else "") if p)
                    out.append(Reference("facts", fact.id, "cites it", detail))
        if kind == "facts":
            if item_id in fact.supersedes:
                out.append(Reference("facts", fact.id, "supersedes it"))
            if item_id in fact.contradicts:
                out.append(Reference("facts", fact.id, "contradicts it"))
    if kind == "facts":
        out.extend(Reference("judgments", j.id, "rests on it") for j in dossier.judgments.values() if item_id in j.facts)
    return out
