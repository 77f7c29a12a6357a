"""Turn a selected brief into Markdown, and that Markdown into safe HTML.

Markdown is the one content source: the Markdown template writes the brief,
python-markdown turns the same text into the HTML body, nh3 removes anything a
fact file smuggled in, and the HTML layout template only adds page chrome.
The PDF is made from that HTML (see `outputs`), so the three never disagree.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from briefing import __version__
from briefing.errors import Problem, display_path
from briefing.model import CONFIDENCE, CREDIBILITY, LIKELIHOOD, RELIABILITY, Interval, PartialDate
from briefing.resources import templates_dir
from briefing.select import Brief, FactView

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
STATUS_WORDS = ("CONFIRMED", "DISPUTED", "DENIED", "RETRACTED", "SUPERSEDED")
_GRADE = re.compile(r"^Grade ([A-F][1-6])$")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


# --- filters ---------------------------------------------------------------------------


def long_date(day: dt.date | PartialDate | Interval | None) -> str:
    """A date as a reader says it: 16 October 2024, October 2024, 2024, or a span of them."""
    if day is None:
        return "date not stated"
    if isinstance(day, Interval):
        return f"{long_date(day.start)} to {long_date(day.end)}"
    if isinstance(day, dt.date):
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    if day.day:
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"  # type: ignore[index]
    if day.month:
        return f"{MONTHS[day.month - 1]} {day.year}"
    return str(day.year)


def md_text(text: Any) -> str:
    """Plain text made safe inside Markdown: no accidental emphasis, links or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split())).replace("\\<", "&lt;").replace("\\>", "&gt;")


def md_inline(text: Any) -> str:
    """An analyst's inline Markdown on one line; raw HTML is shown as text, never run."""
    return " ".join(str(text).split()).replace("<", "&lt;").replace("|", "\\|")


def number(value: float) -> str:
    """11000 -> 11,000; 0.5 -> 0.5."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def qualified(figure: Any, unit: str | None) -> str:
    words = {"exact": "", "about": "about ", "at-least": "at least ", "at-most": "at most "}
    text = f"{words[figure.qualifier]}{number(figure.value)}"
    if unit == "percent":
        return text + " %"
    return f"{text} {unit}" if unit else text


def cite(view: FactView) -> str:
    """Footnote markers for a fact's sources, each source once, in endnote order."""
    numbers = sorted({c.source.number for c in view.citations})
    return "".join(f"[^{n}]" for n in numbers)


# --- environment -------------------------------------------------------------------------


def environment(extra: list[Path] | None = None) -> jinja2.Environment:
    """Jinja with the user's template folders searched before the defaults."""
    folders = [str(p) for p in (extra or []) if p is not None] + [str(templates_dir())]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xml"), default_for_string=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(long_date=long_date, md=md_text, inline=md_inline, number=number,
                       qualified=qualified, cite=cite)
    env.globals.update(LIKELIHOOD=LIKELIHOOD, CONFIDENCE=CONFIDENCE, RELIABILITY=RELIABILITY,
                       CREDIBILITY=CREDIBILITY, version=__version__)
    return env


def template_problem(exc: Exception, name: str) -> Problem:
    """A template error as one `template:line: error:` line."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Problem(display_path(exc.filename or name), exc.lineno or 1, 1, f"template syntax: {exc.message}")
    line = 1
    tb = exc.__traceback__
    filename = name
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith((".j2", ".html", ".md", ".xml")) or "template" in code.co_name:
            filename, line = code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    msg = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
    return Problem(display_path(filename), line, 1, f"template: {msg}")


def render_template(env: jinja2.Environment, name: str, **context: Any) -> str:
    """Render one template; template mistakes become a Problem, not a traceback."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateError as exc:
        raise template_problem(exc, name) from None
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise template_problem(exc, name) from None


# --- Markdown to HTML --------------------------------------------------------------------


class _Anchors(Treeprocessor):
    """Ids and classes the HTML needs but the Markdown should not show.

    `**F12**` opening a list item gives the item id `f12` (judgments link to it),
    status words and grades get classes for styling, the marking line its banner.
    """

    def run(self, root: ET.Element) -> None:
        for li in root.iter("li"):
            first = li[0] if len(li) else None
            if first is not None and first.tag == "p" and len(first):
                first = first[0]
            if first is not None and first.tag == "strong" and first.text and re.fullmatch(r"[FJ]\d+", first.text) and not (li.text or "").strip():
                li.set("id", first.text.lower())
                first.set("class", "ref")
        for el in root.iter("strong"):
            if el.text in STATUS_WORDS:
                el.set("class", f"status status-{el.text.lower()}")
            elif el.text and el.text.startswith("TLP:"):
                el.set("class", "tlp tlp-" + el.text[4:].lower().replace("+", "-"))
        for el in root.iter("em"):
            match = _GRADE.match(el.text or "")
            if match:
                grade = match.group(1)
                el.tag = "abbr"
                el.set("class", "grade")
                el.set("title", f"source {RELIABILITY[grade[0]]}, information {CREDIBILITY[int(grade[1])]}")


class _AnchorsExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - python-markdown's name
        md.treeprocessors.register(_Anchors(md), "brief_anchors", 5)


ALLOWED_TAGS = {"a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3",
                "h4", "h5", "h6", "hr", "li", "ol", "p", "section", "small", "span", "strong", "sub", "sup",
                "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
ALLOWED_ATTRIBUTES = {"*": {"id", "class", "title"}, "a": {"href"}, "td": {"align"}, "th": {"align", "scope"},
                      "ol": {"start"}}


def _link_filter(element: str, attribute: str, value: str) -> str | None:
    """Only web and mail links and in-page anchors survive in content."""
    if element == "a" and attribute == "href":
        return value if value.startswith(("#", "http://", "https://", "mailto:")) else None
    return value


def markdown_to_html(text: str) -> str:
    """The brief's Markdown as an HTML fragment, sanitized (see SECURITY.md)."""
    md = markdown.Markdown(
        extensions=["footnotes", "tables", "toc", _AnchorsExtension()],
        extension_configs={
            "footnotes": {"PLACE_MARKER": "Numbered endnotes:", "BACKLINK_TEXT": "\u21a9\ufe0e",
                          "BACKLINK_TITLE": "Back to citation %d in the text", "SUPERSCRIPT_TEXT": "{}"},
            "toc": {"permalink": False, "slugify": _slug},
        },
        output_format="html",
    )
    html = md.convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_link_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _slug(value: str, separator: str) -> str:
    return re.sub(r"[^a-z0-9]+", separator, value.lower()).strip(separator) or "section"


# --- the brief -----------------------------------------------------------------------------


@dataclass
class Rendered:
    """One brief in every text format; the PDF is made from `html`."""

    markdown: str
    html: str


def render_brief(brief: Brief, env: jinja2.Environment, formats: tuple[str, ...] = ("md", "html"),
                 assets: str = "../assets") -> Rendered:
    """The brief's Markdown, and its HTML page when HTML or PDF is wanted.

    `assets` is where the page finds its stylesheet, relative to the brief.
    """
    context = {"brief": brief, "dossier": brief.dossier, "spec": brief.dossier.spec, "assets": assets}
    text = render_template(env, "brief.md.j2", **context)
    html = ""
    if "html" in formats or "pdf" in formats:
        body = markdown_to_html(text)
        html = render_template(env, "brief.html.j2", body=body, **context)
    return Rendered(text, html)
