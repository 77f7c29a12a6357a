"""The dossier format as pydantic models (one per kind of item and file), and the JSON Schema made from them.

The models describe one file's content; `validate` puts files together into a
dossier and checks what crosses items (references, duplicates, time). The value
types they use are in `fields` and `dates`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from briefing.dossier.dates import Interval, PartialDate, When
from briefing.dossier.fields import (
    _ACCEPT_HELP,
    ID_SCHEMA,
    Accept,
    Confidence,
    Credibility,
    DateOrInterval,
    Day,
    Flag,
    Id,
    Language,
    Likelihood,
    Marking,
    Number,
    Outcome,
    Qualifier,
    Ref,
    RefList,
    Reliability,
    Role,
    SourceKind,
    Status,
    Text,
    TextLines,
    TextList,
    Url,
    whole,
)
from briefing.dossier.reader import describe
from briefing.foundation.errors import suggest
from briefing.foundation.scales import ROLES

__all__ = ["Interval", "PartialDate", "When", "describe", "suggest"]


class Model(BaseModel):
    """Base of every model: unknown keys are errors, values are never silently coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# --- dossier.yaml -------------------------------------------------------------------


class Section(Model):
    """A part of the brief, in reading order; facts name it by id."""

    id: Id = Field(description="the section's id, named by each fact's `section`")
    title: Text = Field(description="the section's heading in the brief")
    summary: Text | None = Field(None, description="Markdown shown under the section heading")


class Metric(Model):
    """A quantity that facts report, shown in the key-figures table."""

    label: Text = Field(description="what the number counts, as the key figures name it")
    unit: Text | None = Field(None, description="the unit written after each value (soldiers, percent...)")


class DossierFile(Model):
    """dossier.yaml: what the brief is about and how it is organised."""

    title: Text = Field(description="the brief's title")
    summary: Text | None = Field(None, description="Markdown: the scope of the dossier")
    marking: Marking = Field("TLP:CLEAR", description="TLP 2.0 marking of the whole dossier; items may set a stricter one")
    language: Language = Field("en", description="language tag of the brief (en, fr, pt-BR)")
    authors: list[Text] = Field([], description="who writes the brief, shown under its title")
    sections: Annotated[list[Section], Field(min_length=1, description="the brief's parts, in reading order")]
    metrics: dict[Id, Metric] = Field({}, description="quantities facts report, by id, for the key figures")
    reading_window: whole(1, 3650) | None = Field(  # type: ignore[valid-type]
        None, description="days of facts a brief shows in full; older standing facts are summarized"
    )
    accept: Accept = Field([], description=_ACCEPT_HELP + ", for every item of the dossier")


# --- facts, sources, judgments --------------------------------------------------------


class Source(Model):
    """A document that reports facts: an article, a statement, a report."""

    id: Id = Field(description="the source's id, named by citations")
    title: Text = Field(description="the document's title as published")
    publisher: Text | None = Field(None, description="who published it; missing is shown as 'publisher not stated'")
    via: Text | None = Field(None, description="aggregator or syndication the text was read through")
    author: Text | None = Field(None, description="the author, when named")
    published: DateOrInterval | None = Field(
        None, description="publication date (2024-10-16, 2024-10), or a window 2025-03-26/2025-04-30 when the page "
        "states no day: the source counts from the window's last day")
    accessed: Day = Field(description="when the desk read it; a source without `published` counts from this day")
    url: Url | None = Field(None, description="http or https address of the document")
    kind: SourceKind = Field("news", description="news, official, report, social or other")
    reliability: Reliability = Field("F", description="Admiralty source reliability, A (completely reliable) to F (cannot be judged)")
    archive: Text | None = Field(None, description="local text copy, relative to the dossier folder")
    marking: Marking | None = Field(None, description="TLP marking of this source, if stricter than the dossier's")
    accept: Accept = Field([], description=_ACCEPT_HELP)


class Citation(Model):
    """One source reporting a fact, optionally with the words it uses."""

    source: Ref = Field(description="id of the source that reports the fact")
    quote: Text | None = Field(None, description="verbatim excerpt, checked against the source's archive")
    locator: Text | None = Field(None, description="where in the source: 'paragraph 3', a page, a time stamp")


class Figure(Model):
    """A number a fact reports for a metric of the dossier."""

    metric: Ref = Field(description="a metric id from dossier.yaml")
    value: Number = Field(description="the number reported")
    qualifier: Qualifier = Field("exact", description="exact, about (+/- 10 %), at-least or at-most")




class Fact(Model):
    """One narrow claim, in the analyst's words, with the sources that report it."""

    id: Id = Field(description="the fact's id, named by judgments and other facts")
    section: Ref = Field(description="id of the section of dossier.yaml the fact belongs to")
    statement: Text = Field(description="Markdown (inline): the claim in the desk's own words")
    date: DateOrInterval | None = Field(None, description="when it happened: 2024, 2024-10, 2024-10-16 or an interval 2024-10/2025-01")
    attribution: Text | None = Field(None, description="who asserts it, if not the source itself")
    credibility: Credibility = Field(6, description="Admiralty information credibility, 1 (confirmed) to 6 (cannot be judged)")
    status: Status = Field("reported", description="reported, confirmed, disputed, denied or retracted")
    status_date: Day | None = Field(
        None, description="when the fact took its status (confirmed, disputed, denied, retracted); before it, it counts as reported"
    )
    figures: list[Figure] = Field([], description="numbers this claim reports, for the key figures")
    sources: Annotated[list[Citation], Field(min_length=1, description="the sources that report it, at least one")]
    supersedes: RefList = Field(
        [], description="older fact(s) this one updates; their figures are withdrawn only for the metrics this fact reports")
    contradicts: RefList = Field(
        [], description="ids of facts this one conflicts with, shown side by side"
    )
    timeline: Flag = Field(False, description="true: a key event for the brief's timeline (once any fact sets it, "
                           "the timeline holds only these)")
    tags: list[Text] = Field([], description="free labels for the desk's own use")
    marking: Marking | None = Field(None, description="TLP marking of this fact, if stricter than the dossier's")
    accept: Accept = Field([], description=_ACCEPT_HELP)


class Basis(Model):
    """A fact a judgment weighs, and how: for it, against it, or as background."""

    fact: Ref = Field(description="id of the fact")
    role: Role = Field("supports", description="supports (default), contradicts (weighed against the judgment) or context")


def _basis(value: Any) -> Any:
    """`based_on` items: a plain id means the fact supports the judgment."""
    items = [value] if isinstance(value, str) else value
    if isinstance(items, list):
        return [{"fact": item} if isinstance(item, str) else item for item in items]
    return items


_BASIS_SCHEMA = {"anyOf": [{**ID_SCHEMA, "description": "id of a fact that supports the judgment"}, {
    "type": "object", "additionalProperties": False, "required": ["fact"],
    "description": "a fact the judgment weighs, with its role",
    "properties": {"fact": {**ID_SCHEMA, "description": "id of the fact"},
                   "role": {"type": "string", "enum": list(ROLES), "default": "supports",
                            "description": "supports (default), contradicts (weighed against the judgment) or context"}}}]}
BasisList = Annotated[list[Basis], BeforeValidator(_basis), Field(min_length=1),
                      WithJsonSchema({"anyOf": [_BASIS_SCHEMA, {"type": "array", "items": _BASIS_SCHEMA, "minItems": 1}]})]


class Alternative(Model):
    """Another explanation or outcome the desk weighed (ICD 203 standard 5)."""

    statement: Text = Field(description="Markdown (inline): the alternative")
    likelihood: Likelihood = Field(description="how likely the desk judges it, on the ICD 203 scale")


class Estimate(Model):
    """The desk's assessed value of a metric, shown above the reported values in the key figures."""

    metric: Ref = Field(description="a metric id from dossier.yaml")
    value: Number = Field(description="the desk's best value")
    low: Number | None = Field(None, description="lower end of the range; give both `low` and `high` or neither")
    high: Number | None = Field(None, description="upper end of the range; `low` <= `value` <= `high`")
    date: DateOrInterval | None = Field(None, description="the day or period the estimate is of; default: the judgment's date")


class Resolution(Model):
    """How a forecast turned out, for the track record."""

    outcome: Outcome = Field(description="borne-out, not-borne-out or indeterminate")
    date: Day = Field(description="when it was settled; briefs show the resolution from this day")
    based_on: Annotated[RefList, Field(min_length=1, description="ids of the facts that settle it, at least one")]
    note: Text | None = Field(None, description="Markdown (inline): how it was settled")


class Judgment(Model):
    """An analytic conclusion (ICD 203), kept apart from the facts it rests on."""

    id: Id = Field(description="the judgment's id")
    statement: Text = Field(description="Markdown (inline)")
    likelihood: Likelihood = Field(description="ICD 203 likelihood, almost-no-chance to almost-certain")
    confidence: Confidence = Field(description="the desk's confidence in the evidence and reasoning: low, moderate or high")
    date: Day = Field(description="when the judgment was made; briefs before this day do not hold it")
    based_on: BasisList = Field(description="facts weighed: a plain id supports the judgment; "
                                "{fact: id, role: contradicts | context} says otherwise")
    rank: whole(1, 999) | None = Field(  # type: ignore[valid-type]
        None, description="order in the bottom line, 1 first; unranked judgments follow, newest first")
    rationale: Text | None = Field(None, description="Markdown: why, in a few sentences (ICD 203 standard 2)")
    assumptions: TextList = Field([], description="what must hold for the judgment to hold (standard 4)")
    alternatives: list[Alternative] = Field([], description="other explanations or outcomes weighed, each with a likelihood (standard 5)")
    indicators: TextList = Field([], description="what to watch: what would change the judgment")
    horizon: Day | None = Field(None, description="the day (or a partial date: its last day) by which a forecast resolves")
    revises: Ref | None = Field(None, description="id of an earlier judgment this one replaces (standard 7)")
    estimate: Estimate | None = Field(None, description="the desk's assessed value of a metric, shown in the key figures")
    resolution: Resolution | None = Field(None, description="how the forecast turned out, for the track record")
    marking: Marking | None = Field(None, description="TLP marking of this judgment, if stricter than the dossier's")
    accept: Accept = Field([], description=_ACCEPT_HELP)

    @property
    def facts(self) -> list[str]:
        """Ids of every fact the judgment weighs, whatever the role."""
        return [b.fact for b in self.based_on]

    @property
    def supporting(self) -> list[str]:
        return [b.fact for b in self.based_on if b.role == "supports"]


class Highlight(Model):
    """The desk's lead for the briefs from its day until the next entry's."""

    date: Day = Field(description="from this day until the next entry's day")
    points: Annotated[TextLines, Field(min_length=1, description="Markdown, one line each: what a reader should take away")]
    based_on: RefList = Field([], description="ids of the facts and judgments the points rest on")


class FactFile(Model):
    """Any YAML file of a dossier other than dossier.yaml."""

    sources: list[Source] = Field([], description="the source register: documents facts cite")
    facts: list[Fact] = Field([], description="narrow claims with their sources")
    judgments: list[Judgment] = Field([], description="the desk's conclusions from the facts (ICD 203)")
    highlights: list[Highlight] = Field([], description="the day's lead: points a brief opens with")


def fact_file_schema() -> dict[str, Any]:
    """JSON Schema of fact files, for editors (yaml-language-server)."""
    return _schema(FactFile, "Dossier fact file (sources, facts, judgments), format v1.1")


def dossier_schema() -> dict[str, Any]:
    """JSON Schema of dossier.yaml."""
    return _schema(DossierFile, "dossier.yaml, format v1.1")


def _schema(model: type[BaseModel], title: str) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema["title"] = title
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
