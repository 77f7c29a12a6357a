"""Rendering: date words, the Markdown-to-HTML pass, links that always land, template errors, reproducibility."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from briefing.brief.select import select_brief
from briefing.dossier.model import Interval, PartialDate
from briefing.render import markdown as render_markdown
from briefing.render import templates as render
from briefing.render import text as render_text
from briefing.render.markers import MARK as M
from test_golden import CASES, FIXTURE, Case, _dossier, rendered


def P(text: str) -> PartialDate:  # noqa: N802 - reads like the type it builds
    return PartialDate.parse(text)


# --- words ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "words"), [
    (dt.date(2024, 10, 16), "16 October 2024"),
    (P("2024-10"), "October 2024"),
    (P("2024"), "2024"),
    (None, "date not stated"),
    (Interval(P("2024-01"), P("2024-02")), "January–February 2024"),
    (Interval(P("2024-03-18"), P("2024-03-19")), "18–19 March 2024"),
    (Interval(P("2024-02-28"), P("2024-03-02")), "28 February – 2 March 2024"),
    (Interval(P("2023-10"), P("2024-10")), "October 2023 – October 2024"),
    (Interval(P("2025-03-25"), P("2025-04")), "25 March 2025 – April 2025"),
    (Interval(P("2023"), P("2025")), "2023–2025"),
    (Interval(P("2024-06"), P("2024-06")), "June 2024"),
    (Interval(P("2024-03-18"), P("2024-03-18")), "18 March 2024"),
])
def test_dates_read_as_said_and_keep_their_precision(value: object, words: str) -> None:
    assert render_text.long_date(value) == words  # type: ignore[arg-type]


def test_a_url_cannot_leave_its_autolink() -> None:
    assert render_text.autolink('https://example.org/a b"><script>') == "<https://example.org/a%20b%22%3E%3Cscript%3E>"
    assert render_text.autolink("https://example.org/p?q=1&r=(2)#x") == "<https://example.org/p?q=1&r=(2)#x>"


def test_fact_numbers_past_f999_widen_their_list() -> None:
    """The number hangs in the margin: a list that reaches F1000 is marked so the stylesheet makes room."""
    short = render_markdown.markdown_to_html(f"- **{M.item}F998** One.\n- **{M.item}F999** Two.\n")
    wide = render_markdown.markdown_to_html(f"- **{M.item}F999** One.\n- **{M.item}F1000** Two.\n")
    assert "<ul>" in short
    assert '<ul class="refs-5">' in wide and '<li class="fact" id="f1000">' in wide


def test_fact_ranges() -> None:
    assert render_text.ranges([1, 2, 3, 5, 7, 8]) == "F1–F3, F5, F7–F8"
    assert render_text.ranges([4, 2], link=True) == "[F2](#f2), [F4](#f4)"


# --- Markdown to HTML ----------------------------------------------------------------------------


BREAK = "  "  # two spaces before a newline: a Markdown line break
SAMPLE = f"""**{M.banner}TLP:AMBER**

# Title

Sub

## Part one

- **{M.item}F1** A claim **{M.status}DENIED** *{M.grade}Grade C3*[^1]
- **{M.item}F2** Another with **{M.portion}TLP:RED** inside *{M.grade}Grade A1*[^1][^2]
- **{M.item}J1** A judgment{BREAK}
  Likelihood: **likely**

| a | b |
|---|---|
| x[^2] | y |

## Sources

{M.endnotes}Endnotes, numbered in order of first citation:

[^1]: Pub: "One". {M.cited_for}Cited for 2 facts (F1–F2).
[^2]: Pub: "Two". {M.cited_for}Cited for 1 fact (F2).
"""


def test_items_get_ids_and_classes_and_parts_become_landmarks() -> None:
    html = render_markdown.markdown_to_html(SAMPLE)
    assert '<header class="brief-head">' in html
    assert '<section aria-labelledby="part-one" class="part part-part-one">' in html
    assert '<li class="fact is-denied" id="f1">' in html
    assert '<li class="judgment" id="j1">' in html and '<span class="judgment-meta">' in html
    assert '<abbr class="grade" title="source fairly reliable, information possibly true">Grade C3</abbr>' in html
    assert 'class="table-wrap" role="region" tabindex="0"' in html and 'class="table-part-one cols-2"' in html


def test_only_a_paragraph_of_its_own_is_a_marking_banner() -> None:
    html = render_markdown.markdown_to_html(SAMPLE)
    assert html.count('class="marking"') == 1
    assert '<p class="marking"><strong class="tlp tlp-amber">TLP:AMBER</strong></p>' in html
    assert '<strong class="tlp portion tlp-red">TLP:RED</strong>' in html  # a portion marking, not the brief's


def test_an_endnote_cited_many_times_has_one_back_link_and_links_its_facts() -> None:
    html = render_markdown.markdown_to_html(SAMPLE)
    first = re.search(r'<li id="fn:1">(.*?)</li>', html, re.S)
    assert first is not None
    assert first.group(1).count("footnote-backref") == 1
    assert re.search(r'<a class="fact-link" href="#f1"[^>]*>F1</a>–<a class="fact-link" href="#f2"[^>]*>F2</a>', first.group(1))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"] or "")
        if tag == "a" and (attributes.get("href") or "").startswith("#"):
            self.hrefs.append((attributes["href"] or "")[1:])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_in_page_link_lands_and_every_endnote_links_back(case: Case) -> None:
    """Citation markers, fact references (also to summarized facts) and back links all have targets."""
    parser = _Links()
    parser.feed(rendered(case).html)
    missing = sorted(set(parser.hrefs) - parser.ids)
    assert missing == [], f"links without a target: {missing}"
    endnotes = {i for i in parser.ids if i.startswith("fn:")}
    assert endnotes == {h for h in parser.hrefs if h.startswith("fn:")}  # every endnote is cited
    assert {h.split(":")[1] for h in parser.hrefs if h.startswith("fnref")} >= {e[3:] for e in endnotes}


def test_markdown_reads_as_plain_text() -> None:
    """No HTML tags in the Markdown: only autolinks use angle brackets."""
    for case in CASES:
        text = rendered(case).markdown
        assert not re.search(r"<(?!https?://)[a-zA-Z/]", text), case.name


def test_the_page_margin_marking_takes_the_brief_marking_colour() -> None:
    amber = rendered(Case(FIXTURE, "harbour", "2024-03-31"))
    assert '@top-right { content: "TLP:AMBER"; color: #ffc000; }' in amber.html
    assert '@bottom-left { content: "TLP:AMBER"; color: #ffc000; }' in amber.html
    clear = rendered(Case(FIXTURE, "harbour", "2024-04-30", max_marking="TLP:CLEAR"))
    assert '@top-right { content: "TLP:CLEAR"; color: #ffffff; }' in clear.html


# --- the command line ------------------------------------------------------------------------------


def test_two_builds_give_byte_identical_markdown_and_html(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for out in ("a", "b"):
        result = run("build", "--facts", FIXTURE, "--out", tmp_path / out, "--as-of", "2024-03-31",
                     "--since", "2024-02-29", "--format", "md,html", "-q")
        assert result.code == 0, result.err
    for suffix in (".md", ".html"):
        name = Path("harbour") / ("2024-03-31" + suffix)
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.parametrize(("template", "line", "message"), [
    ("Fine line\n{{ brief.no_such_thing }}\n", 2, "has no attribute 'no_such_thing'"),
    ("one\ntwo\n{% if %}\n", 3, "template syntax"),
    ("{{ 1 // 0 }}\n", 1, "by zero"),
])
def test_a_broken_override_template_is_reported_as_template_line_error(run, tmp_path: Path, template: str, line: int,  # type: ignore[no-untyped-def]
                                                                        message: str) -> None:
    overrides = tmp_path / "templates"
    overrides.mkdir()
    (overrides / "brief.md.j2").write_text(template)
    result = run("build", "--facts", FIXTURE, "--out", tmp_path / "out", "--as-of", "2024-03-31",
                 "--format", "md", "--templates", overrides, "-q")
    assert result.code == 1
    assert "Traceback" not in result.err
    errors = [e for e in result.lines if ": error: " in e]
    assert len(errors) == 1, result.err
    assert errors[0].startswith(f"{overrides / 'brief.md.j2'}:{line}:") and message in errors[0]
    assert not (tmp_path / "out" / "harbour").exists()  # nothing half-written


def _register(brief: object, env: object) -> str:
    """Every page of the brief's fact register, one after the other."""
    return "".join(data.decode() for _, data in render.render_registers(brief, env))  # type: ignore[arg-type]


def test_the_register_dates_a_status_as_the_brief_does() -> None:
    """`harbour-mined` is disputed from 25 March 2024: the register says so then, and not before."""
    dossier = _dossier(FIXTURE / "harbour")
    env = render.environment([])
    after = _register(select_brief(dossier, dt.date(2024, 3, 31)), env)
    assert re.search(r"<strong class=\"status status-disputed\">DISPUTED</strong> <em>\(since 25 March 2024\)</em>", after)
    before = _register(select_brief(dossier, dt.date(2024, 3, 24)), env)
    assert "<code>harbour-mined</code>" in before and "DISPUTED" not in before


def _brief_html(templates: Path | None = None, formats: tuple[str, ...] = ("md", "html")) -> str:
    dossier = _dossier(FIXTURE / "harbour")
    env = render.environment([templates] if templates else [])
    return render.render_brief(select_brief(dossier, dt.date(2024, 3, 31), dt.date(2024, 2, 29)), env, formats).html


def _structure(html: str) -> list[str]:
    """The page's generated structure: element, id and class of every tagged element, in order (no text)."""
    return re.findall(r"<(\w+)((?: (?:id|class)=\"[^\"]*\")*)", html)  # type: ignore[return-value]


def test_rewording_the_templates_prose_keeps_the_pages_structure(tmp_path: Path) -> None:
    """Marks, not words, tie the Markdown to the HTML pass: reworded prose moves no endnote and loses no link."""
    from briefing.foundation.resources import templates_dir

    source = (templates_dir() / "brief.md.j2").read_text(encoding="utf-8")
    reworded = (source.replace("Endnotes, numbered in order of first citation:", "Our sources, in order:")
                .replace("Cited for", "Used for").replace("Grade {{", "Admiralty grade {{").replace("versus*", "against*"))
    assert reworded.count("Used for") == 1 and "Admiralty grade" in reworded
    (tmp_path / "brief.md.j2").write_text(reworded, encoding="utf-8")
    before, after = _brief_html(), _brief_html(tmp_path)
    assert "Our sources, in order" not in after, "the endnotes paragraph is replaced by the endnotes, whatever it says"
    assert _structure(after) == _structure(before)
    assert after.count('class="fact-link"') == before.count('class="fact-link"') > 0
    assert after.count('<abbr class="grade"') == before.count('<abbr class="grade"') > 0


def test_words_an_analyst_types_are_never_generated_labels() -> None:
    """`**CONFIRMED**`, `*Grade A1*`, `**TLP:CLEAR**` typed in a statement stay plain emphasis."""
    html = render_markdown.markdown_to_html(f"**{M.banner}TLP:RED**\n\n- **{M.item}F1** Said **CONFIRMED** *Grade A1* **TLP:CLEAR** "
                                            f"**NEW** *versus* *{M.grade}Grade C3*\n\n**TLP:CLEAR**\n")
    assert html.count('class="status') == 0 and 'class="is-confirmed' not in html and "badge-new" not in html
    assert html.count('class="grade"') == 1 and html.count("tlp-clear") == 0 and html.count('class="marking"') == 1
    assert "versus" in html and 'class="versus"' not in html


def test_marks_never_reach_the_markdown_or_the_html() -> None:
    from briefing.render.markers import ALL

    dossier = _dossier(FIXTURE / "harbour")
    out = render.render_brief(select_brief(dossier, dt.date(2024, 3, 31)), render.environment([]), ("md", "html"))
    assert not set(ALL) & set(out.markdown + out.html)


@pytest.mark.parametrize(("formats", "links"), [(("html",), []), (("md", "html"), ["Markdown"]),
                                               (("md", "html", "pdf"), ["PDF", "Markdown"])])
def test_the_page_links_only_the_formats_that_were_built(formats: tuple[str, ...], links: list[str]) -> None:
    nav = re.search(r'<nav class="formats".*?</nav>', _brief_html(formats=formats), re.S)
    assert nav is not None
    shown = re.findall(r'<a href="[^"]+\.(?:pdf|md)">(\w+)</a>', nav.group(0))
    assert shown == links


def test_plain_statements_skip_markdown_with_the_same_bytes() -> None:
    """The fast path of `inline_html` (text with no Markdown syntax) gives exactly what the Markdown pass gives."""
    import random

    from markupsafe import Markup

    from briefing.render import markdown as rm
    from briefing.render.text import md_inline

    def through_markdown(text: str) -> str:
        html = rm._INLINE.reset().convert(md_inline(text)).removeprefix("<p>").removesuffix("</p>")
        return Markup(rm.sanitize(html))

    rng = random.Random(14)
    alphabet = "aZé9 .,;:'\"?!()%/+=$@-–—‘’“”…° 1234567890\u00a0\t_*#<>&[]`\\|~"
    plain = 0
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        plain += bool(rm._PLAIN.fullmatch(" ".join(text.split())) and "_" not in text)
        assert rm.inline_html(text) == through_markdown(text), repr(text)
    assert plain > 100, "the sample must reach the fast path"
    assert rm.inline_html("1. The ministry said: “yes” (twice) — 40 % of 2,000!") == "1. The ministry said: “yes” (twice) — 40 % of 2,000!"
    words = ["troops", "*trucks*", "**many**", "* a*", "*a *", "*a**b*", "**a*b**", "x_y", "*a_b*", "***c***", "- list", "1.",
             "[F1](#f1)", "*", "**", "«", "`", "<i>", "(*yes*)", "“*so*”", "1990.", "# head", "\\*", "*é*", "*2,000!*"]
    emphasized = 0
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
        emphasized += rm.emphasis_html(rm.md_inline(text)) is not None and "*" in text
        assert rm.inline_html(text) == through_markdown(text), repr(text)
    assert emphasized > 100, "the sample must reach the emphasis path"


def test_analyst_markdown_with_nothing_to_escape_skips_the_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    """`md_inline` returns a line holding none of the characters it escapes as it is: the same as its full walk."""
    import random

    rng = random.Random(14)
    alphabet = "aZé9 .,;:'\"?!()%/+=$@-–—#>*_&<\\ 1234567890\t\ue001[]`|^"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))) for _ in range(3000)]
    texts += ["- a list", "1. a number", "# a heading", "> a quote", "---", "    indented"]
    fast = [render_text.md_inline(t) for t in texts]
    monkeypatch.setattr(render_text, "_ESCAPED_HERE", re.compile(""))  # every line takes the walk
    assert [render_text.md_inline(t) for t in texts] == fast
    assert sum(not re.search(r"[|`\[\]]", t) for t in texts) > 1000, "the sample must reach the fast path"


def test_an_analysts_emphasis_never_reaches_the_templates_own_after_it() -> None:
    """Whatever emphasis a field opens, the template's "*(according to ...)* *Grade F3*" after it stays whole:
    a field whose `*`/`_` runs do not pair up within it shows them as typed."""
    import random

    import markdown

    rng = random.Random(203)
    words = ["a", "*b*", "**c**", "*", "**", "***", "_", "__", "x_y", "_d_", "**a*b**", "*a**b*", "`c*d`", "\\*", "(*e*)",
             "2 * 3", "[^2]", "**F7**", "*f", "g*", "_h", "i_"]
    md = markdown.Markdown()
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 7)))
        html = md.reset().convert(render_text.md_inline(text) + " *(according to X)* *Grade F3*")
        assert html.endswith(" <em>(according to X)</em> <em>Grade F3</em></p>"), (text, html)
        assert "zzwxh" not in html, (text, html)
    assert render_text.md_inline("*kept* and **kept**") == "*kept* and **kept**", "balanced emphasis is the analyst's"
    assert render_text.md_inline("**a*b**") == "\\*\\*a\\*b\\*\\*"


def test_compiled_templates_are_kept_between_runs_and_never_stale(tmp_path: Path) -> None:
    """A second run loads the compiled template from the folder; a changed template is compiled again."""
    folder, compiled = tmp_path / "templates", tmp_path / "compiled"
    folder.mkdir()
    compiled.mkdir()
    (folder / "x.md.j2").write_text("one {{ 1 + 1 }}\n", encoding="utf-8")
    assert render.render_template(render.environment([folder], compiled), "x.md.j2") == "one 2\n"
    entries = list(compiled.iterdir())
    assert len(entries) == 1, "compiled once, kept"
    second = render.environment([folder], compiled)
    assert second.bytecode_cache is not None
    assert render.render_template(second, "x.md.j2") == "one 2\n"
    (folder / "x.md.j2").write_text("two {{ 2 + 2 }}\n", encoding="utf-8")
    assert render.render_template(render.environment([folder], compiled), "x.md.j2") == "two 4\n"
    env = render.environment([folder], compiled)
    for entry in compiled.iterdir():  # a folder removed under a running build never fails it
        entry.unlink()
    compiled.rmdir()
    (folder / "x.md.j2").write_text("three\n", encoding="utf-8")
    assert render.render_template(env, "x.md.j2") == "three\n"


def test_repeated_citations_get_the_ids_the_library_gives() -> None:
    """The footnote extension's faster id walk gives the stock extension's bytes (a source cited many times)."""
    import markdown

    text = "".join(f"- Fact {i}[^{1 + i % 3}]\n" for i in range(60)) + "\n" + "".join(f"[^{n}]: Source {n}.\n" for n in (1, 2, 3))
    stock = markdown.Markdown(extensions=["footnotes"]).convert(text)
    ours = markdown.Markdown(extensions=[render_markdown._Footnotes()]).convert(text)
    assert ours == stock
    assert 'id="fnref20:1"' in ours


def test_a_page_with_charts_and_tiles_has_no_duplicate_ids() -> None:
    """Every id once: the chart's figure and its SVG must not share one (a broken label for screen readers)."""
    dossier = _dossier(FIXTURE / "strait")
    html = render.render_brief(select_brief(dossier, dt.date(2024, 2, 20)), render.environment([]), ("md", "html")).html
    ids = re.findall(r' id="([^"]+)"', html)
    assert "<svg" in html and 'class="figure-tiles"' in html
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_a_desk_estimate_leads_its_figure_tile() -> None:
    dossier = _dossier(FIXTURE / "strait")
    html = render.render_brief(select_brief(dossier, dt.date(2024, 2, 20)), render.environment([]), ("md", "html")).html
    tile = re.search(r'<p class="tile-label">People on board</p>\s*<p class="tile-value">(.*?)</p>\s*<p class="tile-meta">(.*?)</p>', html, re.S)
    assert tile is not None
    assert tile.group(1).startswith("25 ") and tile.group(2).startswith("Desk estimate, range 23–28")


def test_only_the_registers_own_pages_and_anchors_pass_the_link_filter() -> None:
    """Links into the register are allowed by the same name pattern that names its pages (layout.REGISTER_PAGE),
    which ends at the end of the text: a name followed by a newline is not a register page."""
    from briefing.render.markdown import _link_filter

    for kept in ("2024-03-31.register.html", "2024-03-31.register.html#f3", "2024-03-31.register-2024-02.html#j12"):
        assert _link_filter("a", "href", kept) == kept
    for refused in ("2024-03-31.register.html\n", "2024-03-31.register.html#x1", "2024-03-31.register-24-2.html#f1",
                    "notes.html#f1", "javascript:alert(1)"):
        assert _link_filter("a", "href", refused) is None, refused
