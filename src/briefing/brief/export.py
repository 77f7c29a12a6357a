"""A dossier as of a day, cut to a marking, as plain data for other programs: JSON, CSV rows, CSL-JSON.

Everything comes from `select_brief`, the same selection a brief is made from,
so an export holds exactly what a brief of that day and marking could show:
nothing above `--max-marking` leaves, and a fact's number, grade and status are
those of the day. The JSON form is described by schema/export.schema.json
(`EXPORT_SCHEMA` below is its source).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from briefing.brief.select import Brief, FactView, select_brief
from briefing.dossier.dossier import Dossier
from briefing.dossier.model import Source
from briefing.dossier.rules import marking_rank, source_day
from briefing.foundation.scales import TLP_LEVELS

FORMAT_VERSION = 1
CSV_COLUMNS = ("id", "number", "section", "date", "known_from", "grade", "status", "statement", "attribution", "credibility",
               "sources", "quotes", "figures", "supersedes", "superseded_by", "marking", "tags")
CSL_TYPES = {"news": "article-newspaper", "official": "document", "report": "report", "social": "post", "other": "document"}


def releasable_sources(dossier: Dossier, as_of: dt.date, max_marking: str | None) -> list[Source]:
    """The sources known by `as_of` and releasable at `max_marking`, in the order the dossier lists them."""
    limit = marking_rank(max_marking) if max_marking else len(TLP_LEVELS)
    default = dossier.spec.marking
    return [s for s in dossier.sources.values() if source_day(s) <= as_of and marking_rank(s.marking or default) <= limit]


def export_data(dossier: Dossier, as_of: dt.date, max_marking: str | None = None) -> dict[str, Any]:
    """The whole dossier as of `as_of`: sources, facts (known-from day, number, grade, status), judgments, disagreements."""
    brief = select_brief(dossier, as_of, None, max_marking)
    spec = dossier.spec
    return {
        "format": "briefing-export",
        "version": FORMAT_VERSION,
        "dossier": {"id": dossier.id, "title": spec.title, "summary": spec.summary, "language": spec.language,
                    "authors": list(spec.authors), "sections": [{"id": s.id, "title": s.title} for s in spec.sections],
                    "metrics": {k: {"label": m.label, "unit": m.unit} for k, m in spec.metrics.items()}},
        "as_of": as_of.isoformat(),
        "marking": brief.marking,
        "max_marking": max_marking,
        "sources": [_source(s, dossier) for s in releasable_sources(dossier, as_of, max_marking)],
        "facts": [_fact(v, dossier, {f.id for f in brief.facts}) for v in _reading_order(brief)],
        "judgments": [{"id": j.judgment.id, "number": j.number, "statement": j.judgment.statement,
                       "likelihood": j.judgment.likelihood, "confidence": j.judgment.confidence,
                       "date": str(j.judgment.date),
                       "based_on": [{"fact": f.id, "role": j.roles.get(f.id, "supports")} for f in j.based_on],
                       "marking": j.judgment.marking or spec.marking} for j in brief.judgments],
        "disagreements": [{"kind": c.kind, "metric": c.metric, "facts": [f.id for f in c.facts]} for c in brief.clashes],
    }


def _reading_order(brief: Brief) -> list[FactView]:
    return sorted(brief.facts, key=lambda v: v.number)


def _source(source: Source, dossier: Dossier) -> dict[str, Any]:
    return {"id": source.id, "title": source.title, "publisher": source.publisher, "via": source.via, "author": source.author,
            "published": _text(source.published), "accessed": str(source.accessed), "url": source.url, "kind": source.kind,
            "reliability": source.reliability, "marking": source.marking or dossier.spec.marking}


def _fact(view: FactView, dossier: Dossier, included: set[str]) -> dict[str, Any]:
    fact = view.fact
    return {"id": fact.id, "number": view.number, "section": fact.section, "statement": fact.statement, "date": _text(fact.date),
            "known_from": view.known_from.isoformat(), "grade": view.grade, "status": view.status,
            "attribution": fact.attribution, "credibility": fact.credibility,
            "figures": [{"metric": f.metric, "value": f.value, "qualifier": f.qualifier} for f in fact.figures],
            "citations": [{"source": c.source.source.id, "quote": c.quote, "locator": c.locator} for c in view.citations],
            "supersedes": [v.id for v in view.supersedes],
            "superseded_by": view.superseded_by.id if view.superseded_by else None,
            "contradicts": [c for c in fact.contradicts if c in included],  # never the id of a fact this export withholds
            "tags": list(fact.tags), "marking": fact.marking or dossier.spec.marking}


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def csv_text(data: dict[str, Any]) -> str:
    """One row per fact (RFC 4180: quoted where needed, CRLF line ends, a header row), lists joined by '; '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for fact in data["facts"]:
        cites = fact["citations"]
        row = {**fact, "sources": "; ".join(c["source"] for c in cites),
               "quotes": "; ".join(c["quote"] for c in cites if c["quote"]),
               "figures": "; ".join(f"{f['metric']}={f['value']}" + ("" if f["qualifier"] == "exact" else f" ({f['qualifier']})")
                                    for f in fact["figures"]),
               "supersedes": "; ".join(fact["supersedes"]), "tags": "; ".join(fact["tags"])}
        writer.writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])
    return out.getvalue()


def csl_items(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The sources as CSL-JSON items, for Zotero and pandoc's citeproc."""
    items = []
    for s in data["sources"]:
        kind = CSL_TYPES.get(s["kind"], "document")
        item: dict[str, Any] = {"id": s["id"], "type": kind, "title": s["title"]}
        if s["publisher"]:
            item["container-title" if kind == "article-newspaper" else "publisher"] = s["publisher"]
        if s["author"]:
            item["author"] = [{"literal": s["author"]}]
        if s["published"]:
            item["issued"] = {"date-parts": [_parts(p) for p in s["published"].split("/")]}
        item["accessed"] = {"date-parts": [_parts(s["accessed"])]}
        if s["url"]:
            item["URL"] = s["url"]
        if s["via"]:
            item["note"] = f"via {s['via']}"
        items.append(item)
    return items


def _parts(text: str) -> list[int]:
    return [int(p) for p in text.split("-")]
