"""briefing.model: one item at a time, with messages written for analysts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from briefing.dossier.model import (
    Citation,
    DossierFile,
    Fact,
    Figure,
    Interval,
    Judgment,
    PartialDate,
    Source,
    describe,
    dossier_schema,
    fact_file_schema,
)
from briefing.dossier.reader import Plain
from briefing.foundation.limits import LIMITS

SOURCE = {"id": "times", "title": "An article", "accessed": Plain("2024-11-01", "2024-11-01")}
FACT = {"id": "a-fact", "section": "troops", "statement": "A claim.", "sources": [{"source": "times"}]}
JUDGMENT = {"id": "a-judgment", "statement": "A conclusion.", "likelihood": "likely", "confidence": "low",
            "date": Plain("2024-11", "2024-11"), "based_on": ["a-fact"]}


def errors(model: type[BaseModel], data: dict[str, Any], **changes: Any) -> list[str]:
    """`loc: message` for every error of `model` on `data` with `changes` applied ([] when valid)."""
    try:
        model.model_validate({**data, **changes})
    except ValidationError as exc:
        return [".".join(map(str, e["loc"])) + ": " + (str(e["ctx"]["error"]) if e["type"] == "value_error" else e["type"])
                for e in exc.errors(include_url=False)]
    return []


def n(text: str) -> Plain:
    """A plain scalar as the loader makes it from `text`."""
    for convert in (int, float):
        try:
            return Plain(text, convert(text))
        except ValueError:
            pass
    return Plain(text, {"yes": True, "no": False}.get(text, text))


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (n("2024"), PartialDate(2024)),
        ("2024-10", PartialDate(2024, 10)),
        (n("2024-10-16"), PartialDate(2024, 10, 16)),
        (dt.date(2024, 10, 16), PartialDate(2024, 10, 16)),
        ("2024-02-29", PartialDate(2024, 2, 29)),
        ("2000-02-29", PartialDate(2000, 2, 29)),
    ],
)
def test_partial_dates(value: Any, expected: PartialDate) -> None:
    assert PartialDate.parse(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2023-02-29", "'2023-02-29' is not a day of the calendar"),
        ("1900-02-29", "'1900-02-29' is not a day of the calendar"),
        ("2024-04-31", "'2024-04-31' is not a day of the calendar"),
        ("2024-10-00", "'2024-10-00' is not a day of the calendar"),
        ("2024-13", "'2024-13' has no month 13"),
        ("2024-00-01", "'2024-00-01' has no month 0"),
        ("0000", "'0000' has no year 0"),
        ("2024-1", "expected a date like 2024, 2024-10 or 2024-10-16, got text '2024-1'"),
        ("24-10-16", "expected a date like 2024, 2024-10 or 2024-10-16, got text '24-10-16'"),
        (n("2024.5"), "expected a date like 2024, 2024-10 or 2024-10-16, got a number '2024.5'"),
        (n("yes"), "expected a date like 2024, 2024-10 or 2024-10-16, got a yes/no value 'yes'"),
        (None, "expected a date like 2024, 2024-10 or 2024-10-16, got nothing (an empty value)"),
        ("2024-10/2024-11", "expected a date like 2024, 2024-10 or 2024-10-16, got text '2024-10/2024-11' "
                            "(only a fact's date and a source's published may be intervals)"),
    ],
)
def test_invalid_dates(value: Any, message: str) -> None:
    with pytest.raises(ValueError) as info:
        PartialDate.parse(value)
    assert str(info.value) == message


def test_partial_date_spans() -> None:
    assert (PartialDate(2024).first, PartialDate(2024).last) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert PartialDate(2024, 2).last == dt.date(2024, 2, 29)
    assert PartialDate(2023, 2).last == dt.date(2023, 2, 28)
    assert PartialDate(2024, 10, 16).last == PartialDate(2024, 10, 16).first == dt.date(2024, 10, 16)
    assert [str(PartialDate(2024)), str(PartialDate(2024, 3)), str(PartialDate(2024, 3, 5))] == ["2024", "2024-03", "2024-03-05"]
    assert [PartialDate(2024).precision, PartialDate(2024, 3).precision, PartialDate(2024, 3, 5).precision] == ["year", "month", "day"]


def test_fact_date_may_be_an_interval() -> None:
    fact = Fact.model_validate({**FACT, "date": "2024-10/2025-01"})
    assert fact.date == Interval(PartialDate(2024, 10), PartialDate(2025, 1))
    assert (fact.date.first, fact.date.last) == (dt.date(2024, 10, 1), dt.date(2025, 1, 31))
    assert str(fact.date) == "2024-10/2025-01"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-01/2024-10", "date: interval '2025-01/2024-10' ends before it starts"),
        ("2024-10-16/2024-10-15", "date: interval '2024-10-16/2024-10-15' ends before it starts"),
        ("2024-10/", "date: interval '2024-10/' needs a date on both sides of '/', like 2024-10/2025-01"),
        ("/2024", "date: interval '/2024' needs a date on both sides of '/', like 2024-10/2025-01"),
        ("2024-10/2025-13", "date: interval '2024-10/2025-13': '2025-13' has no month 13"),
    ],
)
def test_invalid_intervals(value: str, message: str) -> None:
    assert errors(Fact, FACT, date=value) == [message]


def test_interval_may_end_inside_the_month_it_starts_in() -> None:
    assert errors(Fact, FACT, date="2024-10/2024-10-01") == []


def test_judgment_dates_are_days_not_intervals_but_a_publication_may_be_a_window() -> None:
    assert errors(Judgment, JUDGMENT, date="2024-10/2024-11")[0].startswith("date: expected a date like")
    assert errors(Source, SOURCE, published="2025-03-26/2025-04-30") == []
    assert errors(Source, SOURCE, accessed="2024-10/2024-11")[0].startswith("accessed: expected a date like")


# --- ids -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("good", ["a", "0", "nk-troops-11000", "2024", "a" * 64, n("2024")])
def test_valid_ids(good: str) -> None:
    assert errors(Fact, FACT, id=good) == []


@pytest.mark.parametrize(("bad", "better"), [("A", "a"), ("under_score", "under-score"), ("-lead", "lead"), ("has space", "has-space"),
                                            ("a" * 65, None), ("é", None), ("a.b", "a-b")])
def test_invalid_ids(bad: str, better: str | None) -> None:
    hint = f" (did you mean '{better}'?)" if better else ""
    assert errors(Fact, FACT, id=bad) == [
        f"id: '{bad}' is not a valid id: use 1-64 lowercase letters, digits and hyphens, starting with a letter or digit{hint}"
    ]


def test_empty_id() -> None:
    assert errors(Fact, FACT, id="") == ["id: text is empty"]


# --- choices --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "data", "key", "value", "hint"),
    [
        (Fact, FACT, "status", "confirmd", " (did you mean 'confirmed'?)"),
        (Fact, FACT, "status", "rumoured", ""),
        (Fact, FACT, "marking", "TLP:WHITE", " (did you mean 'TLP:CLEAR'?)"),
        (Fact, FACT, "marking", "tlp:amber+strict", " (did you mean 'TLP:AMBER+STRICT'?)"),
        (Source, SOURCE, "reliability", "c", " (did you mean 'C'?)"),
        (Source, SOURCE, "reliability", "G", ""),
        (Source, SOURCE, "kind", "offical", " (did you mean 'official'?)"),
        (Judgment, JUDGMENT, "likelihood", "probable", " (did you mean 'likely'?)"),
        (Judgment, JUDGMENT, "likelihood", "Very Likely", " (did you mean 'very-likely'?)"),
        (Judgment, JUDGMENT, "likelihood", "remote", " (did you mean 'almost-no-chance'?)"),
        (Judgment, JUDGMENT, "confidence", "medium", " (did you mean 'moderate'?)"),
        (Judgment, JUDGMENT, "confidence", "HIGH", " (did you mean 'high'?)"),
    ],
)
def test_choices_suggest_the_intended_word(model: type[BaseModel], data: dict[str, Any], key: str, value: str, hint: str) -> None:
    [message] = errors(model, data, **{key: value})
    assert message.startswith(f"{key}: '{value}' is not one of ")
    assert message.endswith(hint) and (hint or "did you mean" not in message)


def test_choice_lists_what_is_allowed() -> None:
    assert errors(Figure, {"metric": "m", "value": n("1")}, qualifier="approx") == [
        "qualifier: 'approx' is not one of exact, about, at-least, at-most"
    ]
    assert errors(Figure, {"metric": "m", "value": n("1")}, qualifier=None) == [
        "qualifier: expected one of exact, about, at-least, at-most; got nothing (an empty value)"
    ]


def test_choices_are_text_not_yes_or_no() -> None:
    assert errors(Source, SOURCE, reliability=n("no")) == ["reliability: 'no' is not one of A, B, C, D, E, F"]


# --- numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "6"])
def test_credibility_range(value: str) -> None:
    assert Fact.model_validate({**FACT, "credibility": n(value)}).credibility == int(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (n("0"), "credibility: 0 is out of range: expected 1 to 6"),
        (n("7"), "credibility: 7 is out of range: expected 1 to 6"),
        (n("2.5"), "credibility: expected a whole number from 1 to 6, got a number '2.5'"),
        (n("yes"), "credibility: expected a whole number from 1 to 6, got a yes/no value 'yes'"),
        ("2", "credibility: expected a whole number from 1 to 6, got text '2' (write the number without quotes or thousands separators)"),
        (True, "credibility: expected a whole number from 1 to 6, got bool 'True'"),
    ],
)
def test_invalid_credibility(value: Any, message: str) -> None:
    assert errors(Fact, FACT, credibility=value) == [message]


def test_figure_values() -> None:
    assert Figure.model_validate({"metric": "m", "value": n("11000")}).value == 11000
    assert Figure.model_validate({"metric": "m", "value": n("0.45")}).value == 0.45
    assert Figure.model_validate({"metric": "m", "value": 3}).value == 3


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11000", "value: expected a number, got text '11000' (write the number without quotes or thousands separators)"),
        ("11,000", "value: expected a number, got text '11,000' (write the number without quotes or thousands separators)"),
        ("about 11000", "value: expected a number, got text 'about 11000'"),
        (n("no"), "value: expected a number, got a yes/no value 'no'"),
        (Plain(".nan", float("nan")), "value: expected a finite number"),
        (Plain(".inf", float("inf")), "value: expected a finite number"),
        (None, "value: expected a number, got nothing (an empty value)"),
        (Plain("1" + "0" * 400, 10**400), "value: the number has 401 digits; that cannot be a real figure"),
    ],
)
def test_invalid_figure_values(value: Any, message: str) -> None:
    assert errors(Figure, {"metric": "m"}, value=value) == [message]


# --- urls --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["https://example.org/a?b=c#d", "http://example.org", "HTTPS://EXAMPLE.ORG/"])
def test_http_urls(url: str) -> None:
    assert errors(Source, SOURCE, url=url) == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://example.org/x", "mailto:a@example.org",
                                 "https:///path", "www.example.org", "data:text/html,hi"])
def test_other_urls_are_refused(url: str) -> None:
    assert errors(Source, SOURCE, url=url) == [f"url: must be an http:// or https:// address, got '{url}'"]


@pytest.mark.parametrize(("url", "shown"), [
    ("https://example.org/a b", "a space"),
    ('https://example.org/"><script>alert(1)</script>', "'\"', '<', '>'"),
    ("https://example.org/a\\b`c", "'\\\\', '`'"),
])
def test_urls_with_characters_that_must_be_encoded_are_refused(url: str, shown: str) -> None:
    assert errors(Source, SOURCE, url=url) == [f"url: the address holds {shown}; percent-encode it (a space is %20, a quote %22)"]


# --- text ---------------------------------------------------------------------------------------------


def test_plain_scalars_are_text_where_text_is_expected() -> None:
    fact = Fact.model_validate({**FACT, "statement": n("no"), "attribution": n("2024"), "tags": [n("yes"), n("2024-10-16")]})
    assert (fact.statement, fact.attribution, fact.tags) == ("no", "2024", ["yes", "2024-10-16"])
    assert type(fact.statement) is str, "the model keeps text, not the loader's Plain"


def test_text_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LIMITS, "max_text_chars", 10)
    assert errors(Fact, FACT, statement="x" * 10) == []
    assert errors(Fact, FACT, statement="x" * 11) == ["statement: text is 11 characters, over the limit of 10 (BRIEFING_MAX_TEXT_CHARS)"]


@pytest.mark.parametrize(("char", "code"), [("\x00", "0000"), ("\x07", "0007"), ("\x1b", "001B"), ("\x7f", "007F"), ("\x85", "0085")])
def test_control_characters_are_refused(char: str, code: str) -> None:
    assert errors(Fact, FACT, statement=f"a{char}b") == [f"statement: text contains the control character U+{code}; remove it"]


def test_tabs_and_newlines_are_text() -> None:
    assert errors(Fact, FACT, statement="line one\n\tline two") == []


@pytest.mark.parametrize(("value", "message"), [
    ("", "statement: text is empty"),
    ("  \n", "statement: text is empty"),
    (None, "statement: expected text, got nothing (an empty value)"),
    (["a"], "statement: expected text, got a list"),
    ({"a": "b"}, "statement: expected text, got a mapping"),
])
def test_text_must_be_text(value: Any, message: str) -> None:
    assert errors(Fact, FACT, statement=value) == [message]


def test_language_is_a_language_tag() -> None:
    dossier = {"title": "T", "sections": [{"id": "s", "title": "S"}]}
    assert errors(DossierFile, dossier, language="pt-BR") == []
    assert errors(DossierFile, dossier, language="English") == ["language: 'English' is not a language tag like en, fr or pt-BR"]


# --- structure ------------------------------------------------------------------------------------------


def test_defaults() -> None:
    fact = Fact.model_validate(FACT)
    assert (fact.credibility, fact.status, fact.figures, fact.marking, fact.contradicts) == (6, "reported", [], None, [])
    source = Source.model_validate(SOURCE)
    assert (source.reliability, source.kind, source.publisher, source.published) == ("F", "news", None, None)
    spec = DossierFile.model_validate({"title": "T", "sections": [{"id": "s", "title": "S"}]})
    assert (spec.marking, spec.language, spec.metrics) == ("TLP:CLEAR", "en", {})


def test_single_ids_become_lists() -> None:
    assert Judgment.model_validate({**JUDGMENT, "based_on": "a-fact"}).facts == ["a-fact"]
    assert Fact.model_validate({**FACT, "contradicts": "other"}).contradicts == ["other"]


def test_required_and_unknown_keys() -> None:
    assert errors(Citation, {"qoute": "x"}) == ["source: missing", "qoute: extra_forbidden"]
    assert errors(Fact, FACT, sources=[]) == ["sources: too_short"]
    assert errors(Judgment, JUDGMENT, based_on=[]) == ["based_on: too_short"]
    assert errors(DossierFile, {"title": "T", "sections": []}) == ["sections: too_short"]


def test_metric_ids_are_checked() -> None:
    assert errors(DossierFile, {"title": "T", "sections": [{"id": "s", "title": "S"}], "metrics": {"Bad": {"label": "x"}}}) == [
        "metrics.Bad.[key]: 'Bad' is not a valid id: use 1-64 lowercase letters, digits and hyphens, starting with a letter or digit"
        " (did you mean 'bad'?)"
    ]


def test_models_are_frozen() -> None:
    fact = Fact.model_validate(FACT)
    with pytest.raises(ValidationError):
        fact.id = "other"  # type: ignore[misc]


@pytest.mark.parametrize(("value", "text"), [
    (None, "nothing (an empty value)"),
    (n("no"), "a yes/no value 'no'"),
    (n("12"), "a number '12'"),
    (Plain("2024-10-16", "2024-10-16"), "a date '2024-10-16'"),
    ("x" * 70, "text '" + "x" * 60 + "'"),
    ([1], "a list"),
    ({}, "a mapping"),
])
def test_describe(value: Any, text: str) -> None:
    assert describe(value) == text


def test_schemas_are_json_schema_2020_12() -> None:
    for schema in (fact_file_schema(), dossier_schema()):
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["additionalProperties"] is False
    assert set(fact_file_schema()["properties"]) == {"sources", "facts", "judgments", "highlights"}
