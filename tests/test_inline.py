"""The template's inline forms converted directly (render.inline): the same HTML as python-markdown's inline pass, cited in page order."""

from __future__ import annotations

import html as html_lib
import random
import re

import markdown
import pytest
from markdown.extensions.footnotes import FootnoteExtension

from briefing.render import inline as render_inline
from briefing.render.markdown import _slug, markdown_to_html, markdown_with_contents
from briefing.render.markers import MARK as M
from test_golden import CASES, Case, rendered

PIECES = ["Troops", "crossed", "the", "border", "at", "3:00", "(twice)", "“yes”", "40 %", "—", "·", "2,000!", "x_y", "a*b",
          "**strong**", "*em*", "** spaced**", "*em *", "***both***", "**a*b**", "*a**b*", "[^1]", "[^2]", "[^9]", "[^x]",
          "[F1](#f1)", "[J2](#j2)", "[F3](2024-01-01.register.html#f3)", "![F1](#f1)", "[link]", "[a](http://x.org)",
          "\\*", "<b>", "&amp;", "&", "`code`", "<https://a.org>", "  ", f"**{M.item}F7**", f"*{M.grade}Grade B2*",
          f"**{M.status}CONFIRMED**", "é", "$5", "a=b", "1/2", "!", "'s", "<https://a.org/b?c=1&d=2>", "<http://x.org/a*b*>",
          "<https://x.org/`a`>", "<javascript://x>", "<https://a b>", "<FTP://f.org/x>", "<https://a.org/[x](#f1)>",
          "<mailto:a@b.org>", "<https://a.org/\\x>", "<https://a.org/&amp;>", "  \n", "   \n",
          "*x  \ny*"]


def document(rng: random.Random) -> str:
    """A random brief-like page: a heading, a paragraph, a list, a table and two endnotes, each line of random pieces."""
    def line() -> str:
        return " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 8))).replace("   ", " ")
    items = "\n".join(f"- {line()}" for _ in range(3))
    return (f"## {line()}\n\n{line()}\n\n{items}\n\n| Head | Value |\n|---|---|\n| {line()} | {line()} |\n\n"
            f"{M.endnotes}\n\n[^1]: {line()}\n[^2]: Second note.\n")


def slow(monkeypatch: pytest.MonkeyPatch, text: str) -> str:
    """The page as python-markdown's own inline pass makes it."""
    with monkeypatch.context() as m:
        m.setattr(render_inline.FastInline, "_convert", lambda *args: None)
        return markdown_to_html(text)


def test_the_direct_conversion_gives_what_python_markdown_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(14)
    for _ in range(300):
        text = document(rng)
        assert _placeholders(markdown_to_html(text)) == _placeholders(slow(monkeypatch, text)), text


def _placeholders(html: str) -> str:
    """python-markdown leaves its own placeholder in the page for some nestings (`**a*b** x_y`), numbered by how
    many it made before: the number differs when fewer texts went through its pass, the page otherwise not."""
    return re.sub(r"zwxh:\d+", "zwxh:N", html)


def test_the_template_s_forms_are_converted_directly() -> None:
    """A fact line as the template writes it never reaches python-markdown's inline pass (so the comparison above means something)."""
    fast = render_inline.FastInline(markdown.Markdown(), FootnoteExtension())
    line = (f"**{M.item}F12** **{M.new}NEW** 3 May 2024 · The convoy turned back (twice). *(according to “the ministry”)* "
            f"**{M.status}DISPUTED** (updates [F7](#f7)) *{M.grade}Grade B2*[^1][^3] <https://a.org/b?c=1;d=2>")
    converted = fast._convert(line, {"1": 1, "3": 2})
    assert converted is not None
    head, children = converted
    assert head == ""
    assert [c.tag for c in children] == ["strong", "strong", "em", "strong", "a", "em", "sup", "sup", "a"]
    assert children[-2][0].text == "2" and children[-2][0].get("href") == "#fn:3"
    assert children[-1].get("href") == children[-1].text == "https://a.org/b?c=1;d=2"
    judgment = fast._convert(f"**{M.item}J2** Likely.  \n  Likelihood: **likely**", {})
    assert judgment is not None and [c.tag for c in judgment[1]] == ["strong", "br", "strong"]
    assert judgment[1][1].tail == "  Likelihood: "
    for refused in ("a_b", "a\\*b", "x <b>", "x [^9]", "![F1](#f1)", "a \nb", "*a  \nb*", "* a*", "**a*b**"):
        assert fast._convert(refused, {"1": 1}) is None, refused


@pytest.mark.parametrize("case", [CASES[0], CASES[6], CASES[-1]], ids=lambda c: c.name)
def test_the_bundled_briefs_are_the_same_either_way(monkeypatch: pytest.MonkeyPatch, case: Case) -> None:
    fast = rendered(case).html
    with monkeypatch.context() as m:
        m.setattr(render_inline.FastInline, "_convert", lambda *args: None)
        assert rendered(case).html == fast


def test_citations_are_numbered_in_page_order() -> None:
    """The endnote's back link goes to the citation a reader meets first, even in a table above a list."""
    text = (f"| Figure | Value |\n|---|---|\n| Ships | 12[^1] |\n\n- **{M.item}F1** One.[^1]\n- **{M.item}F2** Two.[^1]\n\n"
            f"{M.endnotes}\n\n[^1]: Wire.\n")
    html = markdown_to_html(text)
    ids = re.findall(r'<sup id="([^"]+)"', html)
    assert ids == ["fnref:1", "fnref2:1", "fnref3:1"]
    assert html.index('id="fnref:1"') < html.index('id="f1"')
    assert html.count('class="footnote-backref"') == 1 and 'href="#fnref:1"' in html


def test_headings_get_the_ids_and_names_the_toc_extension_gives() -> None:
    """Plain headings are read directly, any other as python-markdown's `toc` extension reads it: same ids, same parts."""
    headings = ["Section one", "Section one", "Troops & tanks", "Troops *and* tanks", "A [link](#f1) here", "Cited[^1]",
                "Fish \\*and\\* chips", "Café — “quoted”", "x_y_z", "<b>bold</b>", "Section one"]
    text = "".join(f"## {h}\n\nText.\n\n### Sub {h}\n\n" for h in headings) + f"{M.endnotes}\n\n[^1]: Note.\n"
    html, parts = markdown_with_contents(text)
    reference = markdown.Markdown(extensions=["footnotes", "tables", "toc"], extension_configs={"toc": {"slugify": _slug}})
    reference.convert(text)
    tokens = [t for top in reference.toc_tokens for t in (top, *top["children"])]  # type: ignore[attr-defined]
    expected = [(t["id"], html_lib.unescape(t["name"])) for t in tokens if t["level"] == 2]
    assert parts == expected
    assert [i for i, _ in parts][:3] == ["section-one", "section-one_1", "troops-tanks"]
    assert re.findall(r'<h3 id="([^"]+)"', html) == [t["id"] for t in tokens if t["level"] == 3]


def test_the_cheaper_passes_change_nothing() -> None:
    """Unescaping skips text without an escape; block-level tags are looked up in a set: same answers as python-markdown's own."""
    from markdown.treeprocessors import UnescapeTreeprocessor
    from markdown.util import STX

    md = markdown.Markdown()
    own, ours = UnescapeTreeprocessor(md), render_inline.Unescape(md)
    for text in ("plain", f"a {STX}42\x03 b", f"{STX}92\x03{STX}42\x03", ""):
        assert ours.unescape(text) == own.unescape(text)
    assert markdown_to_html("## A \\*starred\\* title\n\nSo \\_it\\_ \\[is\\].\n").count("*starred*") == 1
    tags = render_inline.BlockTags(md.block_level_elements)
    assert all(tag in tags for tag in md.block_level_elements) and "span" not in tags and "em" not in tags
