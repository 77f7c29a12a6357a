"""The brief's lists made outside python-markdown (render.lists): the same page as python-markdown makes, in one pass a list."""

from __future__ import annotations

import random
import re

import pytest

from briefing.render import lists
from briefing.render.markdown import markdown_to_html, markdown_with_contents
from briefing.render.markers import MARK as M
from test_golden import CASES, Case, rendered

ITEMS = [f"**{M.item}F12** 3 May 2024 · The convoy turned back (twice). *{M.grade}Grade B2*[^1]",
         f"**{M.item}F1234** **{M.new}NEW** May 2024 · Ships *(according to “the ministry”)* **{M.status}DISPUTED** "
         f"*{M.grade}Grade C3*[^2][^1]",
         f"**{M.item}F7** **{M.portion}TLP:AMBER** Undated · Ships (updates [F3](#f3)) *{M.grade}Grade A1*[^2]",
         f"**{M.item}J2** Likely so.", "Troops crossed the border.", "Troops crossed *the* border[^2].",
         "x_y and a\\*b", "a [link](https://example.org) here", "[https://a.org/b?c](https://a.org/b?c)",
         "1. not a list", "- nested", "+ plus", "[^1]: not a note", "# not a heading", "-- -", "ok  ", "<b>raw</b>",
         "Café — “quoted”", "![F1](#f1)", "x | y", "`code`", f"**{M.outcome}borne out** then"]
BLOCKS = ["## Section", "# Title", "### Sub *part*", "## Heading ##", "####### seven", "Plain paragraph.", "    indented",
          "1. ordered", "> quote", "---", "Two\nlines", "", "\n- after a blank", "| a | b |\n|---|---|",
          "| a | b |\n|:--|---|\n| 1 | 2 |", "| a |\n|---|\n| 1 |", "| a | b |\n|---|---|\n| 1 | 2 | 3 |"]


def document(rng: random.Random) -> str:
    """A random page of blocks: lists and tables of random items among headings, paragraphs, quotes and indented blocks."""
    def rows() -> str:
        return "\n".join(f"| {rng.choice(ITEMS)} | {rng.choice(ITEMS)} |" for _ in range(rng.randint(1, 3)))
    blocks = [rng.choice([rng.choice(BLOCKS), "\n".join(f"- {rng.choice(ITEMS)}" for _ in range(rng.randint(1, 4))),
                          f"| {M.figures}Head | Value |\n|---|---|\n{rows()}"]) for _ in range(rng.randint(2, 9))]
    return "\n\n".join(blocks) + f"\n\n{M.endnotes}\n\n[^1]: First.\n[^2]: Second <https://example.org/a/b>.\n"


def slow(monkeypatch: pytest.MonkeyPatch, text: str) -> tuple[str, list[tuple[str, str]]]:
    """The page as python-markdown makes it: nothing lifted, every block through its own processors."""
    with monkeypatch.context() as m:
        m.setattr(lists, "lift", lambda text: (text, []))
        m.setattr(lists.Blocks, "test", lambda *args: False)
        return markdown_with_contents(text)


def _placeholders(html: str) -> str:
    """python-markdown numbers its own placeholders by how many it made before (see test_inline)."""
    return re.sub(r"zwxh:\d+", "zwxh:N", html)


def test_the_direct_lists_give_what_python_markdown_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(14)
    for _ in range(400):
        text = document(rng)
        fast, parts = markdown_with_contents(text)
        reference, reference_parts = slow(monkeypatch, text)
        assert _placeholders(fast) == _placeholders(reference), text
        assert parts == reference_parts, text


def test_a_section_s_facts_are_lifted_and_made_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    """The template's fact lists are the ones made here (so the comparisons above mean something); their neighbours decide."""
    facts = "\n".join(f"- {item}" for item in ITEMS[:3])
    text = f"## Section\n\n{facts}\n\n*Earlier:* more.\n\n{M.endnotes}\n\n[^1]: One.\n[^2]: Two.\n"
    lifted_text, lifted = lists.lift(text)
    assert lifted == [("list", facts)] and facts not in lifted_text
    made: list[dict[int, str]] = []
    original = lists.fill
    monkeypatch.setattr(lists, "fill", lambda page, done: made.append(dict(done)) or original(page, done))
    html = markdown_to_html(text)
    assert list(made[0]) == [0]  # made directly, not given back to python-markdown
    assert '<li class="fact is-new is-disputed" id="f1234">' in html and '<ul class="refs-5">' in html
    assert re.findall(r'<sup id="([^"]+)"', html) == ["fnref:1", "fnref:2", "fnref2:1", "fnref2:2"]
    # A list python-markdown would join to the one before, or whose last item the next block continues, stays in place.
    for joined in (f"- a\n\n{facts}", f"1. a\n\n{facts}", f"    code\n\n{facts}", f"Text\n\n{facts}\n\n- b",
                   f"Text\n\n{facts}\n\n    more"):
        assert lists.lift(joined)[1] == [], joined
    assert lists.lift(f"Text\n\n{facts}\n\n  \n\nMore")[1] == []  # a blank line of spaces: python-markdown rewrites the text
    assert lists.lift(f"Text\n\n{facts}\n\n{lists.OPEN}0{lists.CLOSE}")[1] == []  # text that looks like a placeholder


def test_a_table_s_rows_are_lifted_and_its_head_stays() -> None:
    table = f"| {M.figures}When | What |\n|---|---|\n| May 2024 | {ITEMS[1]} |\n| 2024 | Ships **{M.status}DENIED** |"
    text, lifted = lists.lift(f"## Timeline\n\n{table}\n\n{M.endnotes}\n\n[^1]: One.\n[^2]: Two.\n")
    assert lifted == [("rows", table)] and f"|---|---|\n| {lists.OPEN}0{lists.CLOSE} |" in text
    html = markdown_to_html(f"## Timeline\n\n{table}\n\n{M.endnotes}\n\n[^1]: One.\n[^2]: Two.\n")
    assert '<th scope="col">When</th>' in html and '<strong class="status status-denied">DENIED</strong>' in html
    assert "<tr>\n<td>2024</td>\n<td>Ships" in html and lists.OPEN not in html
    for refused in ("| a | b |\n|:-:|---|\n| 1 | 2 |", "| a | b |\n|---|---|\n| 1 \\| 2 |", "| a | b |\n|---|---|\n| `1|2` |",
                    "| a |\n|---|\n| 1 |", "| a | b |\n|---|---|\n| 1 |", "| a | b |\n|---|---|"):
        assert lists.lift(refused)[1] == [], refused


def test_an_item_not_made_directly_is_given_back_in_place() -> None:
    """A lifted list with an item only python-markdown reads (an escape, a note with no endnote) is parsed where it stood."""
    text = "## Part\n\nBefore.\n\n- One.\n- Two a\\*b[^9].\n\nAfter.\n"
    assert lists.lift(text)[1] == [("list", "- One.\n- Two a\\*b[^9].")]
    html = markdown_to_html(text)
    assert "<p>Before.</p>\n<ul>\n<li>One.</li>\n<li>Two a*b[^9].</li>\n</ul>\n<p>After.</p>" in html


@pytest.mark.parametrize("case", [CASES[0], CASES[1], CASES[6], CASES[-1]], ids=lambda c: c.name)
def test_the_bundled_briefs_are_the_same_either_way(monkeypatch: pytest.MonkeyPatch, case: Case) -> None:
    fast = rendered(case).html
    with monkeypatch.context() as m:
        m.setattr(lists, "lift", lambda text: (text, []))
        m.setattr(lists.Blocks, "test", lambda *args: False)
        assert rendered(case).html == fast


def test_serialize_writes_what_python_markdown_writes() -> None:
    """Attributes in lexical order, text and attribute values escaped, void elements without an end tag."""
    import xml.etree.ElementTree as ET

    a = ET.Element("a", {"title": 'say "hi" & go', "href": "#x"})
    a.text, br = "1 < 2", ET.SubElement(a, "wbr")
    br.tail = "tail > head"
    assert lists.serialize(a) == '<a href="#x" title="say &quot;hi&quot; &amp; go">1 &lt; 2<wbr>tail &gt; head</a>'
