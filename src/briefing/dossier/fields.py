"""The format's value types (text, ids, URLs, numbers, dates, choices) with messages written for analysts.

Scalar types take the loader's `Plain` strings so that text stays exactly as
typed and numbers stay numbers; each refuses what the format refuses and says
what to write instead.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BeforeValidator, PlainSerializer, PlainValidator, WithJsonSchema

from briefing.dossier.dates import _DATE_SCHEMA, _WHEN_SCHEMA, PartialDate, When, _partial_date, _when
from briefing.dossier.reader import Plain, describe
from briefing.foundation.errors import suggest
from briefing.foundation.limits import LIMITS
from briefing.foundation.scales import (
    CONFIDENCE,
    ID_PATTERN,
    LIKELIHOOD,
    OUTCOMES,
    QUALIFIERS,
    RELIABILITY,
    ROLES,
    SOURCE_KINDS,
    STATUSES,
    TLP_LEVELS,
    WARNING_KINDS,
    WINDOWS_NAMES,
)
from briefing.foundation.scales import ID_RE as _ID

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
        better = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
        hint = f" (did you mean '{better}'?)" if better != text and _ID.match(better) else ""
        raise ValueError(
            f"'{text}' is not a valid id: use 1-64 lowercase letters, digits and hyphens, starting with a letter or digit{hint}"
        )
    if text in WINDOWS_NAMES:
        raise ValueError(f"'{text}' is a device name on Windows, where no file or anchor of that name works; pick another id")
    return text


def _ref(value: Any) -> str:
    """A reference to an id: any text here; whether it names an item is checked across the dossier.

    An id defined with a mistake (`LL1148476`) is reported once, where it is
    defined; the places that cite it exactly as written are not reported again.
    """
    return _text(value)


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


def whole(low: int, high: int) -> Any:
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
    """A web address as a browser reads it (the WHATWG URL standard, by the ada parser): http or https, a host, no credentials.

    A prefix check would pass `https://x/![a](https://evil/pixel.png)`; the
    address is therefore parsed, and written into Markdown escaped
    (`render.text.autolink`), never trusted to be inert as typed.
    """
    import ada_url

    text = _text(value).strip(" ")
    bad = sorted({c for c in text if c.isspace() or c in _NOT_IN_URLS or unicodedata.category(c) == "Cc"})
    if bad:
        shown = ", ".join("a space" if c == " " else repr(c) for c in bad)
        raise ValueError(f"the address holds {shown}; percent-encode it (a space is %20, a quote %22)")
    parts = urlsplit(text)
    try:
        parsed = ada_url.URL(text)
    except ValueError:
        parsed = None
    if parts.scheme not in ("http", "https") or not parts.netloc or (parsed is not None and parsed.protocol not in ("http:", "https:")):
        raise ValueError(f"must be an http:// or https:// address, got '{text[:80]}'")
    if parsed is None:
        raise ValueError(f"'{text[:80]}' is not a valid web address (look at the host name and the port)")
    if parsed.username or parsed.password:
        raise ValueError(f"the address '{text[:80]}' holds a user name or password before '@'; leave it out")
    if not parsed.hostname:
        raise ValueError(f"the address '{text[:80]}' names no host")
    return text


Text = Annotated[str, PlainValidator(_text), WithJsonSchema({"type": "string", "minLength": 1})]
ID_SCHEMA = {"type": "string", "pattern": ID_PATTERN}
Id = Annotated[str, PlainValidator(_id), WithJsonSchema(ID_SCHEMA)]
Url = Annotated[str, PlainValidator(_url), WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https?://"})]
Number = Annotated[float, PlainValidator(_number), WithJsonSchema({"type": "number"})]
Day = Annotated[PartialDate, PlainValidator(_partial_date), PlainSerializer(str), WithJsonSchema(_DATE_SCHEMA)]
DateOrInterval = Annotated[When, PlainValidator(_when), PlainSerializer(str), WithJsonSchema(_WHEN_SCHEMA)]
Marking = _choice(*TLP_LEVELS)
Reliability = _choice(*RELIABILITY)
Credibility = whole(1, 6)
Likelihood = _choice(*LIKELIHOOD)
Confidence = _choice(*CONFIDENCE)
Status = _choice(*STATUSES)
Qualifier = _choice(*QUALIFIERS)
SourceKind = _choice(*SOURCE_KINDS)
Role = _choice(*ROLES)
Outcome = _choice(*OUTCOMES)


def _flag(value: Any) -> bool:
    """`true` or `false` as YAML writes them; a quoted "yes" is text, not a flag."""
    flag = value.value if isinstance(value, Plain) else value
    if not isinstance(flag, bool):
        raise ValueError(f"expected true or false, got {describe(value)}")
    return flag


def _as_list(value: Any) -> Any:
    """One id or one line where a list is expected is what the analyst meant (`based_on: fact-a`); a mapping is not."""
    return [value] if isinstance(value, str) else value


Flag = Annotated[bool, PlainValidator(_flag), WithJsonSchema({"type": "boolean"})]


_LINE = {"type": "string", "minLength": 1}
TextList = Annotated[list[Text], BeforeValidator(_as_list),
                     WithJsonSchema({"anyOf": [_LINE, {"type": "array", "items": _LINE}]})]
# At least one line: a list that must not be empty (highlight points).
TextLines = Annotated[list[Text], BeforeValidator(_as_list),
                      WithJsonSchema({"anyOf": [_LINE, {"type": "array", "items": _LINE, "minItems": 1}]})]
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$"


def _language(value: Any) -> str:
    """The schema's pattern, enforced here too: it becomes the `lang` of every HTML brief."""
    text = _text(value)
    if not re.fullmatch(LANGUAGE_PATTERN[1:-1], text):
        raise ValueError(f"'{text}' is not a language tag like en, fr or pt-BR")
    return text


Language = Annotated[str, PlainValidator(_language), WithJsonSchema({"type": "string", "pattern": LANGUAGE_PATTERN})]


# References to ids: the same schema for editors, checked by validate.check_references rather than one by one.
Ref = Annotated[str, PlainValidator(_ref), WithJsonSchema(ID_SCHEMA)]
RefList = Annotated[list[Ref], BeforeValidator(_as_list),
                    WithJsonSchema({"anyOf": [ID_SCHEMA, {"type": "array", "items": ID_SCHEMA, "minItems": 1}]})]


_KIND = _choice(*WARNING_KINDS)
_KIND_SCHEMA = {"type": "string", "enum": list(WARNING_KINDS)}
Accept = Annotated[list[_KIND], BeforeValidator(_as_list),  # type: ignore[valid-type]
                   WithJsonSchema({"anyOf": [_KIND_SCHEMA, {"type": "array", "items": _KIND_SCHEMA}]})]
_ACCEPT_HELP = "warnings looked at and accepted: check no longer prints them, and --strict passes them"
