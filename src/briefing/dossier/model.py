"""The dossier format (version 1) as pydantic models, and the JSON Schema made from them.

The models describe one file's content; `validate` puts files together into a
dossier and checks what crosses items (references, duplicates, time). Scalar
types take the loader's `Plain` strings so that text stays exactly as typed and
numbers stay numbers, with messages written for analysts, not programmers.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, PlainValidator, WithJsonSchema

from briefing.dossier.reader import Plain
from briefing.foundation.errors import suggest
from briefing.foundation.limits import LIMITS
from briefing.foundation.scales import (
    CONFIDENCE,
    CREDIBILITY,
    ID_PATTERN,
    LIKELIHOOD,
    QUALIFIERS,
    RELIABILITY,
    SOURCE_KINDS,
    STATUSES,
    TLP_LEVELS,
    WARNING_KINDS,
)
from briefing.foundation.scales import ID_RE as _ID

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

__all__ = ["CONFIDENCE", "CREDIBILITY", "LIKELIHOOD", "QUALIFIERS", "RELIABILITY", "SOURCE_KINDS", "STATUSES", "TLP_LEVELS", "suggest"]



def describe(value: Any) -> str:
    """What the analyst wrote, named the way they would name it."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, Plain):
        kind = type(value.value).__name__
        return {"bool": "a yes/no value", "int": "a number", "float": "a number"}.get(kind, "a date") + f" '{value}'"
    if isinstance(value, str):
        return f"text '{value[:60]}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} '{value}'"


# --- scalar types -----------------------------------------------------------------


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # Unicode category Cc, less tab and newline


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {describe(value)}")
    text = str(value)
    if len(text) > LIMITS.max_text_chars:
        raise ValueError(f"text is {len(text):,} characters, over the limit of {LIMITS.max_text_chars:,} (BRIEFING_MAX_TEXT_CHARS)")
    control = _CONTROL.search(text)
    if control:
        raise ValueError(f"text contains the control character U+{ord(control.group()):04X}; remove it")
    if not text.strip():
        raise ValueError("text is empty")
    return text


def _id(value: Any) -> str:
    text = _text(value)
    if not _ID.match(text):
        raise ValueError(
            f"'{text}' is not a valid id: use 1-64 lowercase letters, digits and hyphens, starting with a letter or digit"
        )
    return text


# Words analysts write for a value of a scale, from older standards or plain usage:
# TLP 1.0 called TLP:CLEAR "WHITE"; ICD 203 pairs each likelihood with a synonym.
SYNONYMS = {
    "TLP:WHITE": "TLP:CLEAR",
    "medium": "moderate",
    "remote": "almost-no-chance",
    "highly-improbable": "very-unlikely",
    "improbable": "unlikely",
    "roughly-even-odds": "roughly-even-chance",
    "probable": "likely",
    "highly-probable": "very-likely",
    "nearly-certain": "almost-certain",
}


def _choice_hint(text: str, choices: tuple[str, ...]) -> str:
    """` (did you mean 'x'?)`: same word in another case or spacing, a known synonym, else the nearest."""
    plain = "-".join(text.split())
    for choice in choices:
        if plain.casefold() == choice.casefold():
            return f" (did you mean '{choice}'?)"
    for candidate in (plain, plain.upper(), plain.lower()):
        if SYNONYMS.get(candidate) in choices:
            return f" (did you mean '{SYNONYMS[candidate]}'?)"
    return suggest(text, choices)


def _choice(*choices: str) -> Any:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"expected one of {', '.join(choices)}; got {describe(value)}")
        if str(value) not in choices:
            raise ValueError(f"'{value}' is not one of {', '.join(choices)}{_choice_hint(str(value), choices)}")
        return str(value)

    return Annotated[str, PlainValidator(check), WithJsonSchema({"type": "string", "enum": list(choices)})]


_NUMERIC_TEXT = re.compile(r"^[-+]?\d[\d,_ ]*(\.\d+)?$")


def _quoted_number(value: Any) -> str:
    """A hint when text holds what was meant as a number (`"2"`, `11,000`): YAML reads those as text."""
    if isinstance(value, str) and not isinstance(value, Plain) and _NUMERIC_TEXT.match(value.strip()):
        return " (write the number without quotes or thousands separators)"
    return ""


def _whole(low: int, high: int) -> Any:
    def check(value: Any) -> int:
        number = value.value if isinstance(value, Plain) else value
        if isinstance(number, bool) or not isinstance(number, int):
            raise ValueError(f"expected a whole number from {low} to {high}, got {describe(value)}{_quoted_number(value)}")
        if not low <= number <= high:
            raise ValueError(f"{number} is out of range: expected {low} to {high}")
        return number

    return Annotated[int, PlainValidator(check), WithJsonSchema({"type": "integer", "minimum": low, "maximum": high})]


def _number(value: Any) -> float | int:
    number = value.value if isinstance(value, Plain) else value
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        raise ValueError(f"expected a number, got {describe(value)}{_quoted_number(value)}")
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("expected a finite number")
    if isinstance(number, int) and not -1e300 < number < 1e300:  # figures are compared as floats
        raise ValueError(f"the number has {len(str(abs(number)))} digits; that cannot be a real figure")
    return number


_NOT_IN_URLS = set('"<>\\`')  # never valid unencoded (RFC 3986), and each one can break out of a link in Markdown or HTML


def _url(value: Any) -> str:
    text = _text(value).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"must be an http:// or https:// address, got '{text[:80]}'")
    bad = sorted({c for c in text if c.isspace() or c in _NOT_IN_URLS or unicodedata.category(c) == "Cc"})
    if bad:
        shown = ", ".join("a space" if c == " " else repr(c) for c in bad)
        raise ValueError(f"the address holds {shown}; percent-encode it (a space is %20, a quote %22)")
    return text


@dataclass(frozen=True, order=True)
class PartialDate:
    """An ISO date that may stop at the year or month: 2024, 2024-10, 2024-10-16."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        match = _DATE.match(text) if text is not None else None
        if match is None:
            hint = " (only a fact's date may be an interval)" if text is not None and "/" in text else ""
            raise ValueError(f"expected a date like 2024, 2024-10 or 2024-10-16, got {describe(value)}{hint}")
        year, month, day = (int(g) if g else None for g in match.groups())
        if year < 1:
            raise ValueError(f"'{text}' has no year 0")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"'{text}' has no month {month}")
        if day is not None and not 1 <= day <= calendar.monthrange(year, month or 1)[1]:
            raise ValueError(f"'{text}' is not a day of the calendar")
        return cls(year, month, day)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last(self) -> dt.date:
        """The day a partial date counts from (FORMAT.md: `2024-10` counts from 2024-10-31)."""
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text


@dataclass(frozen=True)
class Interval:
    """A span of partial dates, written `2024-10/2025-01`."""

    start: PartialDate
    end: PartialDate

    @property
    def first(self) -> dt.date:
        return self.start.first

    @property
    def last(self) -> dt.date:
        return self.end.last

    def __str__(self) -> str:
        return f"{self.start}/{self.end}"


When = PartialDate | Interval


def _partial_date(value: Any) -> PartialDate:
    return PartialDate.parse(value)


def _when(value: Any) -> When:
    if isinstance(value, str) and "/" in value:
        start_text, _, end_text = str(value).partition("/")
        if not start_text.strip() or not end_text.strip():
            raise ValueError(f"interval '{value}' needs a date on both sides of '/', like 2024-10/2025-01")
        try:
            start, end = PartialDate.parse(start_text), PartialDate.parse(end_text)
        except ValueError as exc:
            raise ValueError(f"interval '{value}': {exc}") from None
        if end.last < start.first:
            raise ValueError(f"interval '{value}' ends before it starts")
        return Interval(start, end)
    return PartialDate.parse(value)


_DATE_SCHEMA = {"type": ["string", "integer"], "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$", "examples": ["2024-10-16", "2024-10", 2024]}
_WHEN_SCHEMA = {
    "type": ["string", "integer"],
    "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$",
    "examples": ["2024-10-16", "2024-10/2025-01"],
}

Text = Annotated[str, PlainValidator(_text), WithJsonSchema({"type": "string", "minLength": 1})]
Id = Annotated[str, PlainValidator(_id), WithJsonSchema({"type": "string", "pattern": ID_PATTERN})]
Url = Annotated[str, PlainValidator(_url), WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https?://"})]
Number = Annotated[float, PlainValidator(_number), WithJsonSchema({"type": "number"})]
Day = Annotated[PartialDate, PlainValidator(_partial_date), PlainSerializer(str), WithJsonSchema(_DATE_SCHEMA)]
DateOrInterval = Annotated[When, PlainValidator(_when), PlainSerializer(str), WithJsonSchema(_WHEN_SCHEMA)]
Marking = _choice(*TLP_LEVELS)
Reliability = _choice(*RELIABILITY)
Credibility = _whole(1, 6)
Likelihood = _choice(*LIKELIHOOD)
Confidence = _choice(*CONFIDENCE)
Status = _choice(*STATUSES)
Qualifier = _choice(*QUALIFIERS)
SourceKind = _choice(*SOURCE_KINDS)
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$"


def _language(value: Any) -> str:
    """The schema's pattern, enforced here too: it becomes the `lang` of every HTML brief."""
    text = _text(value)
    if not re.match(LANGUAGE_PATTERN, text):
        raise ValueError(f"'{text}' is not a language tag like en, fr or pt-BR")
    return text


Language = Annotated[str, PlainValidator(_language), WithJsonSchema({"type": "string", "pattern": LANGUAGE_PATTERN})]


def _as_list(value: Any) -> Any:
    """A single id where a list is expected is what the analyst meant; a mapping is not."""
    return [value] if isinstance(value, str) else value


_ID_SCHEMA = {"type": "string", "pattern": ID_PATTERN}
# One id or a list of them: `based_on: fact-a` is what the analyst meant by `[fact-a]`.
IdList = Annotated[list[Id], BeforeValidator(_as_list),
                   WithJsonSchema({"anyOf": [_ID_SCHEMA, {"type": "array", "items": _ID_SCHEMA, "minItems": 1}]})]


_KIND = _choice(*WARNING_KINDS)
_KIND_SCHEMA = {"type": "string", "enum": list(WARNING_KINDS)}
Accept = Annotated[list[_KIND], BeforeValidator(_as_list),  # type: ignore[valid-type]
                   WithJsonSchema({"anyOf": [_KIND_SCHEMA, {"type": "array", "items": _KIND_SCHEMA}]})]
_ACCEPT_HELP = "warnings looked at and accepted: check no longer prints them, and --strict passes them"


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
    reading_window: _whole(1, 3650) | None = Field(  # type: ignore[valid-type]
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

    source: Id
    quote: Text | None = None
    locator: Text | None = None


class Figure(Model):
    """A number a fact reports for a metric of the dossier."""

    metric: Id
    value: Number
    qualifier: Qualifier = "exact"


class Fact(Model):
    """One narrow claim, in the analyst's words, with the sources that report it."""

    id: Id
    section: Id
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
    supersedes: Id | None = None
    contradicts: IdList = Field(
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
    based_on: Annotated[IdList, Field(min_length=1)]
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
