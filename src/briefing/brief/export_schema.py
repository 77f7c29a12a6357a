"""The JSON Schema of `export --to json`, published as schema/export.schema.json for the programs that read exports."""

from __future__ import annotations

from typing import Any

from briefing.foundation.scales import CONFIDENCE, ID_PATTERN, LIKELIHOOD, QUALIFIERS, RELIABILITY, ROLES, SOURCE_KINDS, STATUSES, TLP_LEVELS

_ID = {"type": "string", "pattern": ID_PATTERN}
_DAY = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "a day, YYYY-MM-DD"}
_PARTIAL = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$",
            "description": "a partial date (2024, 2024-10, 2024-10-16) or an interval of two (first/last)"}
_MARKING = {"enum": list(TLP_LEVELS), "description": "TLP 2.0 marking"}
_TEXT_OR_NULL = {"type": ["string", "null"]}


def _object(description: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "description": description, "additionalProperties": False,
            "required": list(properties), "properties": properties}


def _with(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {**schema, "description": description}


def export_schema() -> dict[str, Any]:
    """The schema, built from the same vocabularies the format uses (foundation/scales)."""
    source = _object("a source known by the export's day and releasable at its marking", {
        "id": _ID, "title": _with({"type": "string"}, "the source's title"),
        "publisher": _with(_TEXT_OR_NULL, "who published it; null when not stated"),
        "via": _with(_TEXT_OR_NULL, "the aggregator or syndication it was read through"),
        "author": _with(_TEXT_OR_NULL, "its author, when stated"),
        "published": {"anyOf": [_PARTIAL, {"type": "null"}], "description": "publication date; null when unknown"},
        "accessed": _with(_PARTIAL, "when the analyst read it"),
        "url": _with(_TEXT_OR_NULL, "its address"),
        "kind": {"enum": list(SOURCE_KINDS), "description": "news, official, report, social or other"},
        "reliability": {"enum": list(RELIABILITY), "description": "Admiralty source reliability A-F"},
        "marking": _MARKING})
    fact = _object("a fact known by the export's day and releasable at its marking, in reading order", {
        "id": _ID, "number": {"type": "integer", "minimum": 1, "description": "the fact's number in a brief of that day (F1, F2...)"},
        "section": _with(_ID, "the section it belongs to"),
        "statement": _with({"type": "string"}, "the claim, Markdown (inline)"),
        "date": {"anyOf": [_PARTIAL, {"type": "null"}], "description": "when it happened"},
        "known_from": _with(_DAY, "the day it became known: its earliest source's publication (else access) day"),
        "grade": {"type": "string", "pattern": "^[A-F][1-6]$", "description": "Admiralty grade: best source reliability, then credibility"},
        "status": {"enum": [*STATUSES, "superseded"], "description": "its status on the export's day"},
        "attribution": _with(_TEXT_OR_NULL, "who asserts it, if not the source itself"),
        "credibility": {"type": "integer", "minimum": 1, "maximum": 6, "description": "Admiralty information credibility 1-6"},
        "figures": {"type": "array", "description": "numbers it reports", "items": _object("a figure", {
            "metric": _with(_ID, "a metric of the dossier"), "value": {"type": "number", "description": "the value"},
            "qualifier": {"enum": list(QUALIFIERS), "description": "exact, about, at-least or at-most"}})},
        "citations": {"type": "array", "description": "its releasable sources", "items": _object("a citation", {
            "source": _with(_ID, "a source id of this export"), "quote": _with(_TEXT_OR_NULL, "verbatim excerpt"),
            "locator": _with(_TEXT_OR_NULL, "where in the source (paragraph N)")})},
        "supersedes": {"type": "array", "items": _ID, "description": "the older facts of this export it updates"},
        "superseded_by": {"anyOf": [_ID, {"type": "null"}], "description": "the newer fact of this export that updates it"},
        "contradicts": {"type": "array", "items": _ID, "description": "facts of this export it conflicts with"},
        "tags": {"type": "array", "items": {"type": "string"}, "description": "the analyst's tags"},
        "marking": _MARKING})
    judgment = _object("a judgment made by the export's day, resting on facts of this export", {
        "id": _ID, "number": {"type": "integer", "minimum": 1, "description": "its number in a brief of that day, newest first"},
        "statement": _with({"type": "string"}, "the judgment, Markdown (inline)"),
        "likelihood": {"enum": list(LIKELIHOOD), "description": "ICD 203 likelihood"},
        "confidence": {"enum": list(CONFIDENCE), "description": "the analyst's confidence"},
        "date": _with(_PARTIAL, "when it was made"),
        "based_on": {"type": "array", "description": "the facts of this export it weighs, each with its role",
                     "items": {"type": "object", "additionalProperties": False, "required": ["fact", "role"],
                               "properties": {"fact": _ID, "role": {"enum": list(ROLES)}}}},
        "marking": _MARKING})
    clash = _object("facts that disagree on the export's day", {
        "kind": {"enum": ["figure", "contradiction", "denied", "disputed"], "description": "how they disagree"},
        "metric": {"anyOf": [_ID, {"type": "null"}], "description": "the metric, for figures that disagree"},
        "facts": {"type": "array", "items": _ID, "description": "the facts, side by side"}})
    dossier = _object("what the dossier is", {
        "id": _ID, "title": _with({"type": "string"}, "its title"), "summary": _with(_TEXT_OR_NULL, "its scope, Markdown"),
        "language": _with({"type": "string"}, "language tag"), "authors": {"type": "array", "items": {"type": "string"}, "description": "its authors"},
        "sections": {"type": "array", "description": "in reading order",
                     "items": _object("a section", {"id": _ID, "title": {"type": "string", "description": "its title"}})},
        "metrics": {"type": "object", "description": "quantities facts report, by id", "additionalProperties": _object("a metric", {
            "label": _with({"type": "string"}, "what it counts"), "unit": _with(_TEXT_OR_NULL, "its unit")})}})
    top = _object("A dossier as of a day, cut to a marking: `briefing export --to json`", {
        "format": {"const": "briefing-export", "description": "what this file is"},
        "version": {"const": 1, "description": "the version of this layout"},
        "dossier": dossier, "as_of": _with(_DAY, "the day the export is as of"),
        "marking": _with(_MARKING, "the most restrictive marking of what it holds"),
        "max_marking": {"anyOf": [_MARKING, {"type": "null"}], "description": "the release cut asked for, if any"},
        "sources": {"type": "array", "items": source, "description": "the sources"},
        "facts": {"type": "array", "items": fact, "description": "the facts, by number"},
        "judgments": {"type": "array", "items": judgment, "description": "the judgments, newest first"},
        "disagreements": {"type": "array", "items": clash, "description": "the disagreements"}})
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "briefing export, version 1", **top}
