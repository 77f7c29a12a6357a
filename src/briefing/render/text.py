"""The filters templates use to write Markdown: dates as a reader says them, numbers, references,
citations, and analyst text made safe in its place (see SECURITY.md).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

from briefing.brief.select import FactView, JudgmentView
from briefing.dossier.model import Interval, PartialDate
from briefing.render.markers import unmark
from briefing.render.words import MONTHS, day_words, number

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


# --- filters ---------------------------------------------------------------------------


def long_date(day: dt.date | PartialDate | Interval | None) -> str:
    """A date as a reader says it: 16 October 2024, October 2024, 2024, or a span of them."""
    if day is None:
        return "date not stated"
    if isinstance(day, Interval):
        return _span_words(day.start, day.end)
    if isinstance(day, dt.date):
        return day_words(day)
    if day.day:
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"  # type: ignore[index]
    if day.month:
        return f"{MONTHS[day.month - 1]} {day.year}"
    return str(day.year)


def _span_words(start: PartialDate, end: PartialDate) -> str:
    """An interval as a reader says it, each end at the precision it was given.

    What both ends share is said once (`18–19 March 2024`, `January–February
    2024`); anything else is spelled out in full (`October 2023 – October 2024`).
    """
    if start == end:  # `2024-06/2024-06`: one month, said once
        return long_date(start)
    same = start.precision == end.precision
    if same and start.year == end.year and start.month and end.month:
        first, last = MONTHS[start.month - 1], MONTHS[end.month - 1]
        if not start.day:
            return f"{first}–{last} {end.year}"
        if start.month == end.month:
            return f"{start.day}–{end.day} {last} {end.year}"
        return f"{start.day} {first} – {end.day} {last} {end.year}"
    if same and not start.month:
        return f"{start.year}–{end.year}" if start.year != end.year else str(start.year)
    return f"{long_date(start)} – {long_date(end)}"


def published_words(published: PartialDate | Interval | None) -> str:
    """An endnote's publication: `Published 16 October 2024`, or for a window the analyst inferred,
    `Published between 26 March and 30 April 2025 (day not stated)`."""
    if published is None:
        return "Date not stated"
    if not isinstance(published, Interval):
        return f"Published {long_date(published)}"
    start, end = published.start, published.end
    first = long_date(start)
    if start.year == end.year and start.month and end.month:
        first = first.removesuffix(f" {start.year}")
    return f"Published between {first} and {long_date(end)} (day not stated)"


def estimate_range(estimate: Any, unit: str | None) -> str:
    """The desk's value with its range: `14,000 soldiers (11,000–15,000)`."""
    text = f"{number(estimate.value)}{' %' if unit == 'percent' else ' ' + md_text(unit) if unit else ''}"
    if estimate.low is not None and estimate.high is not None:
        text += f" (range {number(estimate.low)}–{number(estimate.high)})"
    return text


def sentences(items: Any) -> str:
    """Lines of analyst Markdown as one run of sentences: each ends with a full stop unless it has its own."""
    out = []
    for item in items:
        text = md_inline(item).rstrip()
        out.append(text if text.endswith((".", "!", "?", ".)", '."', "…")) else text + ".")
    return " ".join(out)


def alternative(item: Any, words: str) -> str:
    """An alternative the desk weighed, with its likelihood: `The troops stay in the rear (unlikely).`"""
    text = md_inline(item).rstrip()
    return f"{text[:-1] if text.endswith('.') else text} ({words})."


def cite_all(views: Any) -> str:
    """Footnote markers for the sources of several facts, each source once, in endnote order."""
    numbers = sorted({c.source.number for v in views for c in v.citations})
    return "".join(f"[^{n}]" for n in numbers)


def autolink(url: Any) -> str:
    """A URL as a Markdown autolink `<...>`: anything that could end it or open markup is percent-encoded.

    Inside `<...>` CommonMark takes every character literally, but
    Python-Markdown looks for links before autolinks: an unencoded `[` in a
    path would start `[y](javascript:...)` or `![x](https://...)` there. So
    after the host, `[`, `]` and everything outside RFC 3986 are encoded (an
    address with the same meaning, as servers read it).
    """
    text = str(url).strip()
    scheme, sep, rest = text.partition("://")
    host, slash, path = rest.partition("/") if sep else ("", "", text)
    head = f"{scheme}{sep}{quote(host, safe=_URL_SAFE + '[]')}{slash}" if sep else ""
    return "<" + head + quote(path, safe=_URL_SAFE) + ">"


_URL_SAFE = ":/?#@!$&'()*+,;=%~-._"  # RFC 3986 reserved and unreserved characters, less `[` and `]`


def ref(item: Any) -> str:
    """A link to a fact or judgment of the brief: `[F7](#f7)`, `[J2](#j2)`."""
    label = ("J" if isinstance(item, JudgmentView) else "F") + str(item.number)
    return f"[{label}](#{label.lower()})"


def ranges(views: Any, link: bool = False) -> str:
    """Fact numbers as compact ranges, `F1–F8, F10, F12–F13`: a long list a reader can still scan.

    With `link`, each number is a Markdown link to its fact.
    """
    numbers = sorted({v if isinstance(v, int) else v.number for v in views})
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    name = (lambda n: f"[F{n}](#f{n})") if link else (lambda n: f"F{n}")
    return ", ".join(name(r[0]) if len(r) == 1 else f"{name(r[0])}–{name(r[-1])}" for r in runs)


def md_text(text: Any) -> str:
    """Plain text made safe inside Markdown: no accidental emphasis, links or HTML, and no block of its own.

    A field can open a line of the Markdown (an endnote's publisher follows
    `[^1]: `), so a leading `-`, `+` or `1.` is escaped as a list marker would be.
    """
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(unmark(str(text)).split())).replace("\\<", "&lt;").replace("\\>", "&gt;")
    return _block_safe(escaped)


_SAFE_LINK = ("http://", "https://", "mailto:", "#")
_LINK_OPEN = re.compile(r"\s*\(")
# A link target as both Markdown dialects read it alike: `(url)` or `(url "title")`, the url without spaces,
# quotes or angle brackets (one level of balanced parentheses allowed, as in Wikipedia's addresses).
_WELL_FORMED = re.compile(r"""\((?P<url>(?:[^\s()<>"'\\`]|\([^\s()<>"'\\`]*\))+)(?:[ ]+"[^"\\()\[\]`]*")?\)""")
_BLOCK_START = re.compile(r"[#>]|[-+*_](?:\s|$)|([-*_])(?:\s*\1){2,}\s*$|\[[^\]]*\](?::|\s*$)")
_ORDERED_START = re.compile(r"(\d{1,9})([.)])(?=\s|$)")
_FENCE_START = re.compile(r"(`{3,}|~{3,})")
_TICKS = re.compile(r"`+")


def _safe_link(target: str) -> bool:
    """Whether a Markdown link target is a web or mail address or an in-page anchor."""
    import html

    plain = "".join(ch for ch in html.unescape(target) if ch.isprintable() and not ch.isspace()).lower()
    return plain.startswith(_SAFE_LINK)


def _bad_link(line: str, after: int) -> bool:
    """Whether the `]` before `after` would open a link that is not a well-formed one to a safe target.

    A target with an unbalanced quote or parenthesis (`[note](#x" a(1)) end.`)
    is read differently by each renderer and can swallow the rest of the line,
    template text included, into an `href`; such a `]` is escaped, and the
    analyst's text is shown as typed.
    """
    if not _LINK_OPEN.match(line, after):
        return False
    target = _WELL_FORMED.match(line, after)
    return target is None or not _safe_link(target.group("url"))


def _unpaired_ticks(line: str) -> set[int]:
    """Where the backtick runs that close no code span start: escaped, so they cannot pair with a later field's.

    A run opens a code span only when a run of the same length follows it; a
    lone one in a table cell would otherwise pair with a lone one in the next
    cell and swallow the cells between into code.
    """
    runs = []
    for m in _TICKS.finditer(line):
        start, end = m.span()
        slashes = start - len(line[:start].rstrip("\\")) if line[start - 1:start] == "\\" else 0
        if slashes % 2:  # `\`` is a literal backtick: the rest of its run is a run of its own
            start += 1
        if start < end:
            runs.append((start, end - start))
    after: dict[int, int] = {}  # run length -> index of the next run of that length
    following: list[int | None] = [None] * len(runs)
    for i in range(len(runs) - 1, -1, -1):
        following[i] = after.get(runs[i][1])
        after[runs[i][1]] = i
    lone: set[int] = set()
    i = 0
    while i < len(runs):
        close = following[i]
        if close is None:
            lone.update(range(runs[i][0], runs[i][0] + runs[i][1]))
            i += 1
        else:
            i = close + 1
    return lone


_ESCAPED_HERE = re.compile(r"[|`\[\]]")  # the characters md_inline's walk may escape


def md_inline(text: Any) -> str:
    """An analyst's inline Markdown on one line, unable to reach past its place (see SECURITY.md).

    Raw HTML is shown as text, never run; `|` cannot end a table cell; the line
    cannot open a heading, list, quote, rule, code fence or link definition;
    images, footnote references, links that are not a well-formed `(url)` or
    `(url "title")` to http, https, mailto or an in-page anchor, and backticks
    that close no code span are shown as the text the analyst typed.
    """
    line = " ".join(unmark(str(text)).split()).replace("<", "&lt;")
    if ("*" in line or "_" in line) and not _balanced_emphasis(line):
        line = _escape_emphasis(line)  # a stray `*` would pair with the template's own emphasis after the field
    if not _ESCAPED_HERE.search(line):  # nothing the loop below would escape (most statements): spare the walk
        return _block_safe(line)
    lone = _unpaired_ticks(line) if "`" in line else set()
    out: list[str] = []
    backslashes = 0  # run of backslashes just before the current character
    bang = False  # the previous character is an unescaped "!"
    for i, ch in enumerate(line):
        live = backslashes % 2 == 0
        if live and (ch == "|" or i in lone
                     or (ch == "[" and (bang or line.startswith("^", i + 1)))
                     or (ch == "]" and _bad_link(line, i + 1))):
            out.append("\\")
        out.append(ch)
        bang = live and ch == "!"
        backslashes = backslashes + 1 if ch == "\\" else 0
    return _block_safe("".join(out))


_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
_DELIMITERS = re.compile(r"(?<!\\)(?:\\\\)*(\*+|_+)")


def _balanced_emphasis(line: str) -> bool:
    """Whether every `*`/`_` run that opens emphasis in `line` is closed by a run of the same length, nested
    properly, within the line. Only then is the analyst's emphasis kept: `**a*b**` leaves a `*` open, which
    python-markdown pairs with the `*` of the template's "*(according to ...)*" after the field, and the
    generated label breaks. Code spans are left out; an `_` inside a word is a letter, as python-markdown reads it.
    """
    stack: list[str] = []
    text = _CODE_SPAN.sub(lambda m: "x" * len(m.group()), line)
    for match in _DELIMITERS.finditer(text):
        run, start, end = match.group(1), match.start(1), match.end(1)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        opens, closes = not after.isspace(), not before.isspace()
        if run[0] == "_" and before.isalnum() and after.isalnum():
            continue
        if closes and stack and stack[-1] == run:
            stack.pop()
        elif opens:
            stack.append(run)
        elif closes:
            return False
    return not stack


def _escape_emphasis(line: str) -> str:
    """Every `*` and `_` outside code spans shown as typed (backslash-escaped), so none can open or close anything."""
    parts, last = [], 0
    for span in _CODE_SPAN.finditer(line):
        parts.append(_escape_runs(line[last:span.start()]))
        parts.append(span.group())
        last = span.end()
    parts.append(_escape_runs(line[last:]))
    return "".join(parts)


def _escape_runs(text: str) -> str:
    return _DELIMITERS.sub(lambda m: m.group()[: m.start(1) - m.start()] + "".join("\\" + c for c in m.group(1)), text)


def _block_safe(result: str) -> str:
    """Markdown for inline use that cannot open a heading, list, quote, rule, code fence or link definition."""
    if result.startswith("\\"):
        return result
    if _BLOCK_START.match(result):
        return "\\" + result
    if ordered := _ORDERED_START.match(result):
        return f"{ordered.group(1)}\\{result[ordered.end(1):]}"
    if _FENCE_START.match(result):
        return f"&#{ord(result[0])};{result[1:]}"
    return result


def qualified(figure: Any, unit: str | None, markdown: bool = True) -> str:
    """`about 11,000 soldiers`; the unit is plain text from the dossier, escaped for Markdown unless `markdown=False`."""
    words = {"exact": "", "about": "about ", "at-least": "at least ", "at-most": "at most "}
    text = f"{words[figure.qualifier]}{number(figure.value)}"
    if unit == "percent":
        return text + " %"
    return f"{text} {md_text(unit) if markdown else unit}" if unit else text


def cite(view: FactView) -> str:
    """Footnote markers for a fact's sources, each source once, in endnote order."""
    numbers = sorted({c.source.number for c in view.citations})
    return "".join(f"[^{n}]" for n in numbers)
