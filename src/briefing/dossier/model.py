"""The dossier format as pydantic models (one per kind of item and file), and the JSON Schema made from them.

The models describe one file's content; `validate` puts files together into a
dossier and checks what crosses items (references, duplicates, time). The value
types they use are in `fields` and `dates`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from briefing.dossier.dates import Interval, PartialDate, When
from briefing.dossier.fields import (
    _ACCEPT_HELP,
    Accept,
    Confidence,
    Credibility,
    DateOrInterval,
    Day,
    Id,
    Language,
    Likelihood,
    Marking,
    Number,
    Qualifier,
    Ref,
    RefList,
    Reliability,
    SourceKind,
    Status,
    Text,
    Url,
    whole,
)
from briefing.dossier.reader import describe
from briefing.foundation.errors import suggest

__all__ = ["Interval", "PartialDate", "When", "describe", "suggest"]


class Model(BaseModel):
    """Base of every model: unknown keys are errors, values are never silently coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# --- dossier.yaml -------------------------------------------------------------------


class Section(Model):
    """A part of the brief, in reading order; facts name it by id."""

    id: Id
    title: Text
    summary: Text | None = Field(None, description="Markdown shown under the section heading")


class Metric(Model):
    """A quantity that facts report, shown in the key-figures table."""

    label: Text
    unit: Text | None = None


class DossierFile(Model):
    """dossier.yaml: what the brief is about and how it is organised."""

    title: Text
    summary: Text | None = Field(None, description="Markdown: the scope of the dossier")
    marking: Marking = "TLP:CLEAR"
    language: Language = "en"
    authors: list[Text] = []
    sections: Annotated[list[Section], Field(min_length=1)]
    metrics: dict[Id, Metric] = {}
    reading_window: whole(1, 3650) | None = Field(  # type: ignore[valid-type]
        None, description="days of facts a brief shows in full; older standing facts are summarized"
    )
    accept: Accept = Field([], description=_ACCEPT_HELP + ", for every item of the dossier")


# --- facts, sources, judgments --------------------------------------------------------


class Source(Model):
    """A document that reports facts: an article, a statement, a report."""

    id: Id
    title: Text
    publisher: Text | None = None
    via: Text | None = Field(None, description="aggregator or syndication the text was read through")
    author: Text | None = None
    published: Day | None = None
    accessed: Day
    url: Url | None = None
    kind: SourceKind = "news"
    reliability: Reliability = "F"
    archive: Text | None = Field(None, description="local text copy, relative to the dossier folder")
    marking: Marking | None = None
    accept: Accept = Field([], description=_ACCEPT_HELP)


class Citation(Model):
    """One source reporting a fact, optionally with the words it uses."""

    source: Ref
    quote: Text | None = None
    locator: Text | None = None


class Figure(Model):
    """A number a fact reports for a metric of the dossier."""

    metric: Ref
    value: Number
    qualifier: Qualifier = "exact"


class Fact(Model):
    """One narrow claim, in the analyst's words, with the sources that report it."""

    id: Id
    section: Ref
    statement: Text = Field(description="Markdown (inline)")
    date: DateOrInterval | None = None
    attribution: Text | None = None
    credibility: Credibility = 6
    status: Status = "reported"
    status_date: Day | None = Field(
        None, description="when the fact took its status (confirmed, disputed, denied, retracted); before it, it counts as reported"
    )
    figures: list[Figure] = []
    sources: Annotated[list[Citation], Field(min_length=1)]
    supersedes: Ref | None = None
    contradicts: RefList = Field(
        [], description="ids of facts this one conflicts with, shown side by side"
    )
    tags: list[Text] = []
    marking: Marking | None = None
    accept: Accept = Field([], description=_ACCEPT_HELP)


class Judgment(Model):
    """An analytic conclusion (ICD 203), kept apart from the facts it rests on."""

    id: Id
    statement: Text = Field(description="Markdown (inline)")
    likelihood: Likelihood
    confidence: Confidence
    date: Day
    based_on: Annotated[RefList, Field(min_length=1)]
    marking: Marking | None = None
    accept: Accept = Field([], description=_ACCEPT_HELP)


class FactFile(Model):
    """Any YAML file of a dossier other than dossier.yaml."""

    sources: list[Source] = []
    facts: list[Fact] = []
    judgments: list[Judgment] = []


def fact_file_schema() -> dict[str, Any]:
    """JSON Schema of fact files, for editors (yaml-language-server)."""
    return _schema(FactFile, "Dossier fact file (sources, facts, judgments), format v1")


def dossier_schema() -> dict[str, Any]:
    """JSON Schema of dossier.yaml."""
    return _schema(DossierFile, "dossier.yaml, format v1")


def _schema(model: type[BaseModel], title: str) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema["title"] = title
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
