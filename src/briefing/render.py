"""Turn a selected brief into Markdown, and that Markdown into safe HTML.

Markdown is the one content source: the Markdown template writes the brief,
python-markdown turns the same text into the HTML body, nh3 removes anything a
fact file smuggled in, and the HTML layout template only adds page chrome.
The PDF is made from that HTML (see `outputs`), so the three never disagree.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, overload
from urllib.parse import quote

import jinja2
import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from briefing import __version__
from briefing.errors import Problem, display_path
from briefing.model import CONFIDENCE, CREDIBILITY, LIKELIHOOD, RELIABILITY, Interval, PartialDate
from briefing.resources import templates_dir
from briefing.select import Brief, FactView, JudgmentView

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
TLP_COLOURS = {  # TLP 2.0: the label's text colour, always on black
    "TLP:CLEAR": "#ffffff",
    "TLP:GREEN": "#33ff00",
    "TLP:AMBER": "#ffc000",
    "TLP:AMBER+STRICT": "#ffc000",
    "TLP:RED": "#ff2b2b",
}
STATUS_WORDS = ("CONFIRMED", "DISPUTED", "DENIED", "RETRACTED", "SUPERSEDED")
ENDNOTES_MARKER = "Endnotes, numbered in order of first citation:"
CITED_FOR = "Cited for"
_GRADE = re.compile(r"^Grade ([A-F][1-6])$")
_ITEM = re.compile(r"[FJ]\d+")
_FACT_NUMBER = re.compile(r"\bF(\d+)\b")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


# --- filters ---------------------------------------------------------------------------


def long_date(day: dt.date | PartialDate | Interval | None) -> str:
    """A date as a reader says it: 16 October 2024, October 2024, 2024, or a span of them."""
    if day is None:
        return "date not stated"
    if isinstance(day, Interval):
        return _span_words(day.start, day.end)
    if isinstance(day, dt.date):
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
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


def autolink(url: Any) -> str:
    """A URL as a Markdown autolink `<...>`: anything that could end it or open markup is percent-encoded."""
    return "<" + quote(str(url).strip(), safe=":/?#[]@!$&'()*+,;=%~-._") + ">"


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
    """Plain text made safe inside Markdown: no accidental emphasis, links or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split())).replace("\\<", "&lt;").replace("\\>", "&gt;")


_SAFE_LINK = ("http://", "https://", "mailto:", "#")
_LINK_TARGET = re.compile(r"\s*\(\s*([^\s)]*)")
_BLOCK_START = re.compile(r"[#>]|[-+*_](?:\s|$)|([-*_])(?:\s*\1){2,}\s*$|\[[^\]]*\](?::|\s*$)")
_ORDERED_START = re.compile(r"(\d{1,9})([.)])(?=\s|$)")
_FENCE_START = re.compile(r"(`{3,}|~{3,})")


def _safe_link(target: str) -> bool:
    """Whether a Markdown link target is a web or mail address or an in-page anchor."""
    import html

    plain = "".join(ch for ch in html.unescape(target) if ch.isprintable() and not ch.isspace()).lower()
    return plain.startswith(_SAFE_LINK)


def md_inline(text: Any) -> str:
    """An analyst's inline Markdown on one line, unable to reach past its place (see SECURITY.md).

    Raw HTML is shown as text, never run; `|` cannot end a table cell; the line
    cannot open a heading, list, quote, rule, code fence or link definition;
    images, footnote references and links to anything but http, https, mailto
    or an in-page anchor are shown as the text the analyst typed.
    """
    line = " ".join(str(text).split()).replace("<", "&lt;")
    out: list[str] = []
    backslashes = 0  # run of backslashes just before the current character
    bang = False  # the previous character is an unescaped "!"
    for i, ch in enumerate(line):
        live = backslashes % 2 == 0
        if live and (ch == "|"
                     or (ch == "[" and (bang or line.startswith("^", i + 1)))
                     or (ch == "]" and (target := _LINK_TARGET.match(line, i + 1)) and not _safe_link(target.group(1)))):
            out.append("\\")
        out.append(ch)
        bang = live and ch == "!"
        backslashes = backslashes + 1 if ch == "\\" else 0
    result = "".join(out)
    if result.startswith("\\"):
        return result
    if _BLOCK_START.match(result):
        return "\\" + result
    if ordered := _ORDERED_START.match(result):
        return f"{ordered.group(1)}\\{result[ordered.end(1):]}"
    if _FENCE_START.match(result):
        return f"&#{ord(result[0])};{result[1:]}"
    return result


def number(value: float) -> str:
    """11000 -> 11,000; 0.5 -> 0.5."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


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


# --- environment -------------------------------------------------------------------------


def environment(extra: list[Path] | None = None) -> jinja2.Environment:
    """Jinja with the user's template folders searched before the defaults."""
    folders = [str(p) for p in (extra or []) if p is not None] + [str(templates_dir())]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xml", "html.j2", "xml.j2"), default_for_string=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(long_date=long_date, md=md_text, inline=md_inline, number=number,
                       qualified=qualified, cite=cite, ref=ref, ranges=ranges, autolink=autolink,
                       inline_html=inline_html)
    env.globals.update(LIKELIHOOD=LIKELIHOOD, CONFIDENCE=CONFIDENCE, RELIABILITY=RELIABILITY,
                       CREDIBILITY=CREDIBILITY, TLP_COLOURS=TLP_COLOURS, version=__version__)
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


@overload
def render_template(env: jinja2.Environment, name: str, *, encoded: Literal[False] = False, **context: Any) -> str: ...
@overload
def render_template(env: jinja2.Environment, name: str, *, encoded: Literal[True], **context: Any) -> bytes: ...
def render_template(env: jinja2.Environment, name: str, *, encoded: bool = False, **context: Any) -> str | bytes:
    """Render one template (as UTF-8 bytes when `encoded`); template mistakes become a Problem, not a traceback.

    The output is streamed into one buffer rather than joined from a list of
    every fragment, which for a register of thousands of facts would hold
    hundreds of thousands of small strings at once. A byte buffer also spares
    the text buffer's four bytes a character and the copy that encoding makes.
    """
    try:
        chunks = env.get_template(name).generate(**context)
        if encoded:
            raw = io.BytesIO()
            for chunk in chunks:
                raw.write(chunk.encode())
            return raw.getvalue()
        text = io.StringIO()
        for chunk in chunks:
            text.write(chunk)
        return text.getvalue()
    except Problem:
        raise
    except Exception as exc:  # any failure inside a (possibly user-written) template is its problem
        raise template_problem(exc, name) from None


# --- Markdown to HTML --------------------------------------------------------------------


class _Anchors(Treeprocessor):
    """Ids, classes and structure the HTML needs but the Markdown should not show.

    The Markdown stays plain text that reads well on its own; this pass gives
    the HTML what a browser and a PDF reader need: ids on fact and judgment
    items (so `[F12](#f12)` links land), classes for status words, grades and
    the marking banner, one back link per endnote instead of one per citation,
    and `<header>`/`<section>` landmarks around the parts of the brief.
    """

    def run(self, root: ET.Element) -> None:
        _label_items(root)
        _widen_long_numbers(root)
        _label_words(root)
        _compact_endnotes(root)
        _wrap_parts(root)


def _label_items(root: ET.Element) -> None:
    """`**F12**` opening a list item gives it the id `f12`; its status words become classes on the item."""
    for li in root.iter("li"):
        first = li[0] if len(li) else None
        if first is None or first.tag != "strong" or (li.text or "").strip() or not _ITEM.fullmatch(first.text or ""):
            continue
        li.set("id", (first.text or "").lower())
        first.set("class", "ref")
        classes = ["fact" if first.text.startswith("F") else "judgment"]  # type: ignore[union-attr]
        classes += [f"is-{(el.text or '').lower()}" for el in li if el.tag == "strong" and el.text in (*STATUS_WORDS, "NEW")]
        li.set("class", " ".join(classes))
        if classes[0] == "judgment":
            _wrap_after_break(li)
        else:
            _separate_date(li)


def _separate_date(li: ET.Element) -> None:
    """The `·` between a fact's date and its statement in an element of its own.

    With the dot inside the statement's text, WeasyPrint (70, with Pango 1.50)
    sometimes breaks the line right after the date, leaving it alone on a line,
    when the statement fits but what follows it (an attribution in italics, a
    status word) does not. Split off, the line breaks where it should.
    """
    for index, child in enumerate(li):
        before, dot, after = (child.tail or "").partition(" · ")
        if dot:
            child.tail = before + " "
            separator = ET.Element("span", {"class": "sep"})
            separator.text, separator.tail = "·", " " + after
            li.insert(index + 1, separator)
            return


def _widen_long_numbers(root: ET.Element) -> None:
    """A list whose numbers run to five characters or more (F1000) gets the class `refs-N`.

    The number hangs in the item's left margin, which the stylesheet sizes for
    F1–F999; wider numbers would run into the text.
    """
    for ul in root.iter("ul"):
        refs = [li[0].text or "" for li in ul.findall("li") if li.get("class", "").startswith(("fact", "judgment"))]
        width = max(map(len, refs), default=0)
        if width > 4:
            ul.set("class", f"refs-{min(width, 6)}")


def _wrap_after_break(li: ET.Element) -> None:
    """A judgment's second line (likelihood, confidence, basis) in its own span, for layout."""
    children = list(li)
    breaks = [i for i, el in enumerate(children) if el.tag == "br"]
    if not breaks:
        return
    index = breaks[0]
    meta = ET.Element("span", {"class": "judgment-meta"})
    meta.text, children[index].tail = children[index].tail, None
    for el in children[index + 1:]:
        li.remove(el)
        meta.append(el)
    li.remove(children[index])
    li.append(meta)


def _label_words(root: ET.Element) -> None:
    """Classes for status words, grades and the marking banner (only a paragraph of its own is a banner)."""
    for p in root.iter("p"):
        only = p[0] if len(p) == 1 else None
        if (only is not None and only.tag == "strong" and (only.text or "").startswith("TLP:")
                and not (p.text or "").strip() and not (only.tail or "").strip()):
            p.set("class", "marking")
            only.set("class", "tlp tlp-" + (only.text or "")[4:].lower().replace("+", "-"))
    for el in root.iter("strong"):
        if el.text in STATUS_WORDS:
            el.set("class", f"status status-{el.text.lower()}")
        elif el.text == "NEW":
            el.set("class", "badge-new")
        elif (el.text or "").startswith("TLP:") and not el.get("class"):
            el.set("class", "tlp portion tlp-" + (el.text or "")[4:].lower().replace("+", "-"))
    for el in root.iter("em"):
        if el.text == "versus" and not len(el):
            el.set("class", "versus")
        match = _GRADE.match(el.text or "")
        if match:
            grade = match.group(1)
            el.tag = "abbr"
            el.set("class", "grade")
            el.set("title", f"source {RELIABILITY[grade[0]]}, information {CREDIBILITY[int(grade[1])]}")


def _compact_endnotes(root: ET.Element) -> None:
    """One back link per endnote, and the facts it is cited for as links.

    python-markdown adds a back arrow for every citation: a source cited for 20
    facts would end in 20 arrows nobody can tell apart. The endnote keeps one
    (to the first citation) and its "Cited for ... (F1–F8, F10)" list links
    each named fact instead.
    """
    parents = {child: parent for parent in root.iter() for child in parent}
    for li in root.iter("li"):
        if not (li.get("id") or "").startswith("fn:"):
            continue
        backrefs = [a for a in li.iter("a") if a.get("class") == "footnote-backref"]
        for extra in backrefs[1:]:
            parent = parents[extra]
            parent.remove(extra)
        if backrefs:
            backrefs[0].set("title", "Back to the first citation of this source")
        for p in li.iter("p"):
            _link_cited_facts(p)


def _link_cited_facts(p: ET.Element) -> None:
    """Turn the fact numbers after "Cited for" in an endnote paragraph into links to the facts."""
    segments: list[tuple[ET.Element | None, str]] = [(None, p.text or "")] + [(el, el.tail or "") for el in p]
    for owner, text in reversed(segments):  # the template's own words come last, after any source title
        at = text.rfind(CITED_FOR)
        if at < 0:
            continue
        head, rest = text[:at], text[at:]
        pieces = _FACT_NUMBER.split(rest)  # text, number, text, number, ..., text
        links = []
        for i in range(1, len(pieces), 2):
            link = ET.Element("a", {"href": f"#f{pieces[i]}", "class": "fact-link"})
            link.text, link.tail = f"F{pieces[i]}", pieces[i + 1]
            links.append(link)
        if owner is None:
            p.text = head + pieces[0]
            position = 0
        else:
            owner.tail = head + pieces[0]
            position = list(p).index(owner) + 1
        for offset, link in enumerate(links):
            p.insert(position + offset, link)
        return


def _wrap_parts(root: ET.Element) -> None:
    """Group the page into landmarks: the opening as `<header>`, each `##` part as a labelled `<section>`.

    Tables get a keyboard-scrollable wrapper (narrow screens), labelled by the
    heading above them so that each such region has its own name, and a class
    naming their part and column count.
    """
    children = list(root)
    for child in children:
        root.remove(child)
    container = ET.SubElement(root, "header", {"class": "brief-head"})
    heading = ""
    for index, child in enumerate(children):
        if index == len(children) - 1 and child.get("class") == "marking":
            root.append(child)  # the closing marking belongs to the whole brief, not to its last part
            continue
        if child.tag == "h2":
            slug = child.get("id") or "part"
            container = ET.SubElement(root, "section", {"class": f"part part-{slug}", "aria-labelledby": slug})
        if child.tag in ("h2", "h3"):
            heading = " ".join("".join(child.itertext()).split())
        if child.tag == "table":
            columns = len(next(child.iter("tr"), []))
            child.set("class", f"table-{container.get('aria-labelledby') or 'head'} cols-{columns}")
            wrap = ET.SubElement(container, "div", {"class": "table-wrap", "tabindex": "0", "role": "region",
                                                    "aria-label": f"Table: {heading}" if heading else "Table"})
            wrap.append(child)
            continue
        container.append(child)


class _AnchorsExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - python-markdown's name
        # After the footnotes (50), inline (20), prettify (10) and toc (5) passes, before unescaping (0).
        md.treeprocessors.register(_Anchors(md), "brief_anchors", 4)


ALLOWED_TAGS = {"a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3",
                "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "section", "small", "span", "strong", "sub", "sup",
                "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
ALLOWED_ATTRIBUTES = {"*": {"id", "class", "title"}, "a": {"href"}, "td": {"align"}, "th": {"align", "scope"},
                      "ol": {"start"}, "section": {"aria-labelledby"}, "div": {"tabindex", "role", "aria-label"}}


_REGISTER_LINK = re.compile(r"^\d{4}-\d{2}-\d{2}\.register\.html(#[fj]\d+)?$")


def _link_filter(element: str, attribute: str, value: str) -> str | None:
    """Only web and mail links, in-page anchors and the brief's own fact register survive in content."""
    if element == "a" and attribute == "href":
        return value if value.lower().startswith(_SAFE_LINK) or _REGISTER_LINK.match(value) else None
    return value


def _retarget(html: str, elsewhere: str | None) -> str:
    """Point links to facts that are not on this page (summarized ones) at the fact register."""
    if not elsewhere:
        return html
    ids = set(re.findall(r' id="([^"]+)"', html))
    return re.sub(r'href="#([fj]\d+)"',
                  lambda m: m.group(0) if m.group(1) in ids else f'href="{elsewhere}#{m.group(1)}"', html)


def markdown_to_html(text: str, elsewhere: str | None = None) -> str:
    """The brief's Markdown as an HTML fragment, sanitized (see SECURITY.md).

    Fact links without a target on the page go to `elsewhere` (the fact register).
    """
    md = markdown.Markdown(
        extensions=["footnotes", "tables", "toc", _AnchorsExtension()],
        extension_configs={
            "footnotes": {"PLACE_MARKER": ENDNOTES_MARKER, "BACKLINK_TEXT": "\u21a9\ufe0e",
                          "BACKLINK_TITLE": "Back to citation %d in the text", "SUPERSCRIPT_TEXT": "{}"},
            "toc": {"permalink": False, "slugify": _slug},
        },
        output_format="html",
    )
    return sanitize(_retarget(md.convert(text), elsewhere))


def sanitize(html: str) -> str:
    """The allowlist every piece of content HTML passes (SECURITY.md): our tags, web links, no scripts."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, attribute_filter=_link_filter,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer", strip_comments=True)


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
    context = _context(brief, assets)
    text = render_template(env, "brief.md.j2", **context)
    html = ""
    if "html" in formats or "pdf" in formats:
        body = markdown_to_html(text, elsewhere=context["register"])
        html = render_template(env, "brief.html.j2", body=body, **context)
    return Rendered(text, html)


def render_register(brief: Brief, env: jinja2.Environment, assets: str = "../assets") -> bytes:
    """The fact register, UTF-8: every fact of the brief in full with all its citations, as an HTML annex.

    Kept out of the brief itself so that a dossier that grows for years still
    gives a short brief and PDF; the brief links here for everything it summarizes.
    Encoded as it is rendered: for thousands of facts it is megabytes, held once.
    """
    return render_template(env, "register.html.j2", encoded=True, **_context(brief, assets))


_INLINE = markdown.Markdown(output_format="html")


def inline_html(text: Any) -> Markup:
    """One analyst statement as sanitized inline HTML: the same inline Markdown rules as in the brief."""
    html = _INLINE.reset().convert(md_inline(text)).removeprefix("<p>").removesuffix("</p>")
    return Markup(sanitize(html))


def register_name(day: dt.date) -> str:
    """The register's file name beside the brief (not a dated brief name, so the site does not list it)."""
    return f"{day.isoformat()}.register.html"


def _context(brief: Brief, assets: str) -> dict[str, Any]:
    return {"brief": brief, "dossier": brief.dossier, "spec": brief.dossier.spec, "assets": assets,
            "register": register_name(brief.as_of)}
