"""Templates: the Jinja environment with the user's folders first, its filters and named values, and
the rendering of a brief into its Markdown and HTML page.

Markdown is the one content source: the Markdown template writes the brief,
`render.markdown` turns the same text into the HTML body, and the HTML layout
template only adds page chrome. The PDF is made from that HTML, so the three
never disagree.
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, overload

import jinja2
import jinja2.bccache

from briefing import __version__
from briefing.brief.register import RegisterPlan, register_plan
from briefing.brief.select import Brief
from briefing.foundation.errors import InternalError, Problem, display_path
from briefing.foundation.layout import ASSETS, brief_file, register_name
from briefing.foundation.resources import templates_dir
from briefing.foundation.scales import (
    CONFIDENCE,
    CREDIBILITY,
    LIKELIHOOD,
    OUTCOME_WORDS,
    RELIABILITY,
    SOURCE_KIND_WORDS,
    TLP_COLOURS,
    WARNING_KINDS,
    tlp_class,
)
from briefing.render import charts, markers
from briefing.render.chart_store import Drawn
from briefing.render.formats import FORMATS, LINK_ORDER, NAMES
from briefing.render.markdown import FIGURES_PLACE, inline_html, markdown_with_contents, retarget
from briefing.render.text import (
    alternative,
    autolink,
    cite,
    cite_all,
    estimate_range,
    long_date,
    md_inline,
    md_text,
    published_words,
    qualified,
    ranges,
    ref,
    sentences,
)
from briefing.render.words import MONTHS, number

JUDGMENT_STATES = {"current": "Current", "revised": "Revised (no longer current)", "resolved": "Resolved",
                   "due": "Due for review"}


def environment(extra: list[Path] | None = None, compiled: Path | None = None) -> jinja2.Environment:
    """Jinja with the user's template folders searched before the defaults.

    With `compiled`, compiled templates are kept in that folder between runs
    (compiling them was a third of a small build). Jinja checks each entry
    against its template's source and its own version; the caller names the
    folder after the program's version and code, which fix the rest.
    """
    folders = [str(p) for p in (extra or []) if p is not None] + [str(templates_dir())]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        bytecode_cache=_Compiled(str(compiled)) if compiled is not None else None,
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xml", "html.j2", "xml.j2"), default_for_string=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(long_date=long_date, md=md_text, inline=md_inline, number=number,
                       qualified=qualified, cite=cite, ref=ref, ranges=ranges, autolink=autolink,
                       inline_html=inline_html, published=published_words, estimate_range=estimate_range,
                       cite_all=cite_all, sentences=sentences, alternative=alternative)
    env.globals.update(LIKELIHOOD=LIKELIHOOD, CONFIDENCE=CONFIDENCE, RELIABILITY=RELIABILITY,
                       CREDIBILITY=CREDIBILITY, TLP_COLOURS=TLP_COLOURS, SOURCE_KINDS=SOURCE_KIND_WORDS,
                       WARNING_KINDS=WARNING_KINDS, OUTCOMES=OUTCOME_WORDS, STATES=JUDGMENT_STATES, version=__version__, mark=markers.MARK)
    env.filters.update(tlp_class=tlp_class)
    return env


class _Compiled(jinja2.FileSystemBytecodeCache):
    """Jinja's folder of compiled templates, which never fails a build: an entry it cannot write is compiled again next time."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError, EOFError, ValueError):
            super().load_bytecode(bucket)


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
    except Exception as exc:
        if _is_bug(exc):
            raise InternalError(f"rendering {name}: {type(exc).__name__}: {exc}") from exc
        raise template_problem(exc, name) from None


def _is_bug(exc: Exception) -> bool:
    """True when the program, not a template, failed: a Python error raised in the package's own code
    while one of its own templates was rendering. A user's template override that misuses a filter is
    the template's problem, and so is every error Jinja itself reports (syntax, undefined names)."""
    if isinstance(exc, jinja2.TemplateError):
        return False
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame.f_code.co_filename)
        tb = tb.tb_next
    templates = [f for f in frames if f.endswith(".j2")]
    own = str(templates_dir())
    package = str(Path(__file__).resolve().parent.parent)
    return bool(frames) and frames[-1].startswith(package) and all(f.startswith(own) for f in templates)


@dataclass
class Rendered:
    """One brief in every text format; the PDF is made from `html`."""

    markdown: str
    html: str


def render_brief(brief: Brief, env: jinja2.Environment, formats: tuple[str, ...] = ("md", "html"),
                 assets: str = "../" + ASSETS, drawn: Drawn | None = None, plan: RegisterPlan | None = None) -> Rendered:
    """The brief's Markdown, and its HTML page when HTML or PDF is wanted.

    `assets` is where the page finds its stylesheet, relative to the brief;
    the page links the other formats in `formats`, and only those. `drawn`,
    when given, is the charts of `chart_requests(brief)`, kept from an earlier
    run or being drawn in the chart worker; without it they are drawn here.
    `plan` is the register's `register_plan(brief)`, when the caller has made
    it already (for a big dossier it is a pass over every fact).
    """
    context = _context(brief, assets, formats)
    marked = render_template(env, "brief.md.j2", **context)
    text = markers.strip(marked)
    html = ""
    if "html" in formats or "pdf" in formats:
        elsewhere = (plan or register_plan(brief)).page_of  # a fact the page only summarizes: the register page that lists it
        body, toc = markdown_with_contents(marked, elsewhere=elsewhere)
        body = retarget(_with_figures(body, brief, env, drawn), elsewhere)  # tiles link facts the page may only summarize
        html = render_template(env, "brief.html.j2", body=body, toc=toc, **context)
    return Rendered(text, html)


def chart_requests(brief: Brief, series: list[charts.Series] | None = None) -> list[tuple[charts.Series, str]]:
    """The charts the brief's page shows, with their ids: one per metric with two or more dated values.

    `series`, when given, is each key-figures row's plain data, in the rows' order (computed once by the page).
    """
    rows = series if series is not None else [charts.series_from_row(row) for row in brief.figures]
    return [(one, f"chart-{row.metric_id}") for row, one in zip(brief.figures, rows, strict=True) if charts.chartable(one)]


def _with_figures(body: str, brief: Brief, env: jinja2.Environment, drawn: Drawn | None) -> str:
    """The key figures' tiles and charts in the place the HTML pass left for them (after sanitizing: the charts are SVG).

    Charts not asked for elsewhere are drawn here; matplotlib is imported only then.
    """
    place = f'<div class="key-figures-visual" id="{FIGURES_PLACE}"></div>'
    if place not in body:
        return body
    series = [charts.series_from_row(row) for row in brief.figures]
    drawn = drawn or Drawn(chart_requests(brief, series), None, lambda: None)
    svgs = drawn.by_id()
    figures = [(row, svgs.get(f"chart-{row.metric_id}", ""), one) for row, one in zip(brief.figures, series, strict=True)]
    visual = render_template(env, "_figures.html.j2", figures=figures)
    return body.replace(place, f'<div class="key-figures-visual">{visual}</div>', 1)


def render_registers(brief: Brief, env: jinja2.Environment, assets: str = "../" + ASSETS,
                     plan: RegisterPlan | None = None) -> Iterator[tuple[str, bytes]]:
    """The fact register's pages, (file name, UTF-8 HTML) one at a time: every fact of the brief in full with all its citations.

    Kept out of the brief itself so that a dossier that grows for years still
    gives a short brief and PDF; the brief links here for everything it
    summarizes. With a reading window the main page lists the window's facts
    and each earlier month has a page of its own (brief.register). Each page
    is encoded as it is rendered and handed over before the next is made, so
    a caller that writes them away holds one page at a time.
    """
    plan = plan or register_plan(brief)
    context = {**_context(brief, assets), "plan": plan, "MONTHS": MONTHS}
    for part in plan.pages:
        template = "register.html.j2" if part.month is None else "register-month.html.j2"
        at = functools.partial(plan.href, here=part.name)
        yield part.name, render_template(env, template, encoded=True, **context, part=part, at=at)


def _context(brief: Brief, assets: str, formats: tuple[str, ...] = NAMES) -> dict[str, Any]:
    """What every brief template gets: the brief, and the links to its other formats that were built."""
    links = [(FORMATS[name].label, brief_file(brief.as_of, FORMATS[name].extension)) for name in LINK_ORDER
             if name in formats and name != "html"]
    return {"brief": brief, "dossier": brief.dossier, "spec": brief.dossier.spec, "assets": assets,
            "register": register_name(brief.as_of), "page": brief_file(brief.as_of, FORMATS["html"].extension), "links": links}
