"""The brief's Markdown made into HTML: python-markdown, a pass that adds structure where the template
marked it (render.markers), and nh3 removing anything a fact file smuggled in.
"""

from __future__ import annotations

import html as html_lib
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from briefing.foundation.layout import REGISTER_PAGE
from briefing.foundation.scales import CREDIBILITY, RELIABILITY, tlp_class
from briefing.render import lists
from briefing.render.inline import BlockTags, FastInline, Headings, Unescape, emphasis_html, number_citations
from briefing.render.lists import Blocks, Lists
from briefing.render.markers import MARK, strip
from briefing.render.text import md_inline

_ITEM = re.compile(r"[FJ]\d+")
_FACT_NUMBER = re.compile(r"\bF(\d+)\b")
_SAFE_LINK = ("http://", "https://", "mailto:", "#")
FIGURES_PLACE = "key-figures-visual"
"""The id of the empty element the key figures' tiles and charts replace, after sanitizing (render.templates)."""


class _Anchors(Treeprocessor):
    """Ids, classes and structure the HTML needs but the Markdown should not show.

    The Markdown stays plain text that reads well on its own; this pass gives
    the HTML what a browser and a PDF reader need: ids on fact and judgment
    items (so `[F12](#f12)` links land), classes for status words, grades and
    the marking banner, one back link per endnote instead of one per citation,
    and `<header>`/`<section>` landmarks around the parts of the brief.
    """

    def run(self, root: ET.Element) -> None:
        label(root)
        _compact_endnotes(root)
        _wrap_parts(root)


def label(root: ET.Element) -> None:
    """The generated labels' ids and classes, and the places a shown address may break: in the page, and in
    each list made outside it (render.lists). The citations are numbered on the finished page (number_citations)."""
    marked = _read_marks(root)
    _label_items(root, marked)
    _widen_long_numbers(root)
    _label_words(root, marked)
    _break_addresses(root)


_KINDS = {getattr(MARK, name): name for name in ("item", "status", "new", "grade", "banner", "portion", "versus", "flag", "outcome")}


def _read_marks(root: ET.Element) -> dict[ET.Element, str]:
    """The emphasis the template marked (render.markers), by element, with the mark taken out of the text.

    Only these elements get the classes and ids of generated labels: the same
    words typed by an analyst carry no mark and stay plain emphasis.
    """
    marked: dict[ET.Element, str] = {}
    for el in root.iter():
        if el.tag in ("strong", "em") and el.text and el.text[0] in _KINDS:
            marked[el] = _KINDS[el.text[0]]
            el.text = el.text[1:]
    return marked


def _label_items(root: ET.Element, marked: dict[ET.Element, str]) -> None:
    """A marked `**F12**` opening a list item gives it the id `f12`; its marked status words become classes on the item."""
    for li in root.iter("li"):
        first = li[0] if len(li) else None
        if first is None or marked.get(first) != "item" or (li.text or "").strip() or not _ITEM.fullmatch(first.text or ""):
            continue
        li.set("id", (first.text or "").lower())
        first.set("class", "ref")
        classes = ["fact" if first.text.startswith("F") else "judgment"]  # type: ignore[union-attr]
        classes += [f"is-{(el.text or '').lower()}" for el in li if marked.get(el) in ("status", "new")]
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


def _label_words(root: ET.Element, marked: dict[ET.Element, str]) -> None:
    """Classes for the marked status words, grades and markings (a banner is a paragraph of its own)."""
    for p in root.iter("p"):
        only = p[0] if len(p) == 1 else None
        if (only is not None and marked.get(only) == "banner"
                and not (p.text or "").strip() and not (only.tail or "").strip()):
            p.set("class", "marking")
            only.set("class", "tlp " + tlp_class(only.text or ""))
    for el, kind in marked.items():
        text = el.text or ""
        if kind == "status":
            el.set("class", f"status status-{text.lower()}")
        elif kind == "new":
            el.set("class", "badge-new")
        elif kind == "portion" or (kind == "banner" and not el.get("class")):
            el.set("class", "tlp portion " + tlp_class(text))
        elif kind == "versus":
            el.set("class", "versus")
        elif kind == "flag":
            el.set("class", "flag")
        elif kind == "outcome":
            el.set("class", "outcome outcome-" + _slug(text, "-"))
        elif kind == "grade":
            grade = text.rsplit(" ", 1)[-1]
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


_ADDRESS_BREAK = re.compile(r"(?<=[^/:]/)(?!/)|(?=[?&#])")


def _break_addresses(root: ET.Element) -> None:
    """A link that shows its own address may break after a slash (not in `//`) or before `?`, `&`, `#`.

    A `<wbr>` marks each place, so a long URL in an endnote wraps where a
    reader expects (`https://host/path/` then `rest`) rather than wherever the
    line happens to end; the address itself, its link and the Markdown stay as
    they are.
    """
    for a in root.iter("a"):
        text = a.text or ""
        if len(a) or not text.startswith(("http://", "https://")) or text != a.get("href"):
            continue
        pieces = [piece for piece in _ADDRESS_BREAK.split(text) if piece]
        a.text = pieces[0]
        for piece in pieces[1:]:
            ET.SubElement(a, "wbr").tail = piece


def _link_cited_facts(p: ET.Element) -> None:
    """Turn the fact numbers after the template's `cited_for` mark in an endnote paragraph into links to the facts."""
    segments: list[tuple[ET.Element | None, str]] = [(None, p.text or "")] + [(el, el.tail or "") for el in p]
    for owner, text in reversed(segments):  # the template's own words come last, after any source title
        at = text.rfind(MARK.cited_for)
        if at < 0:
            continue
        head, rest = text[:at], text[at + 1:]
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
            first = next(child.iter("th"), None)
            if first is not None and (first.text or "").startswith(MARK.figures):
                first.text = (first.text or "")[1:]
                ET.SubElement(container, "div", {"class": "key-figures-visual", "id": FIGURES_PLACE})
            for th in child.iter("th"):  # the head row's cells label their columns (PDF tags and screen readers)
                th.set("scope", "col")
            columns = len(next(child.iter("tr"), []))
            child.set("class", f"table-{container.get('aria-labelledby') or 'head'} cols-{columns}")
            wrap = ET.SubElement(container, "div", {"class": "table-wrap", "tabindex": "0", "role": "region",
                                                    "aria-label": f"Table: {heading}" if heading else "Table"})
            wrap.append(child)
            continue
        container.append(child)


class _AnchorsExtension(Extension):
    def __init__(self, footnotes: FootnoteExtension, lifted: list[str]) -> None:
        super().__init__()
        self.footnotes = footnotes
        self.lifted = lifted

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - python-markdown's name
        # After the footnotes (50), inline (20), prettify (10) and toc (5) passes, before unescaping (0).
        md.treeprocessors.register(_Anchors(md), "brief_anchors", 4)
        # The template's own inline forms, after the endnotes are gathered (50) and before the inline pass (20).
        md.treeprocessors.register(FastInline(md, self.footnotes), "brief_fast_inline", 21)
        self.lists = Lists(md, self.footnotes, self.lifted, label)  # the lists lifted out of the text, just before
        md.treeprocessors.register(self.lists, "brief_lists", 22)
        md.parser.blockprocessors.register(Blocks(md.parser), "brief_blocks", 110)  # the commonest blocks, before any other
        self.headings = Headings(md, _slug)  # where the toc extension would run
        md.treeprocessors.register(self.headings, "brief_headings", 5)
        md.treeprocessors.register(Unescape(md), "unescape", 0)  # in place of python-markdown's own


ALLOWED_TAGS = {"a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3",
                "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "section", "small", "span", "strong", "sub", "sup",
                "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "wbr"}
ALLOWED_ATTRIBUTES = {"*": {"id", "class", "title"}, "a": {"href"}, "td": {"align"}, "th": {"align", "scope"},
                      "ol": {"start"}, "section": {"aria-labelledby"}, "div": {"tabindex", "role", "aria-label"}}


_REGISTER_ANCHOR = re.compile(r"(#[fj]\d+)?")


def _link_filter(element: str, attribute: str, value: str) -> str | None:
    """Only web and mail links, in-page anchors and the brief's own fact register survive in content."""
    if element == "a" and attribute == "href":
        page, hash_, anchor = value.partition("#")
        register = REGISTER_PAGE.match(page) and _REGISTER_ANCHOR.fullmatch(hash_ + anchor)
        return value if value.lower().startswith(_SAFE_LINK) or register else None
    return value


Elsewhere = str | Callable[[str], str] | None
"""Where links to facts missing from a page go: the register's page, or a function giving the page of each anchor."""


def retarget(html: str, elsewhere: Elsewhere) -> str:
    """Point links to facts that are not on this page (summarized ones) at the fact register page that holds them."""
    if not elsewhere:
        return html
    page = (lambda _anchor: elsewhere) if isinstance(elsewhere, str) else elsewhere
    ids = set(re.findall(r' id="([^"]+)"', html))
    return re.sub(r'href="#([fj]\d+)"',
                  lambda m: m.group(0) if m.group(1) in ids else f'href="{page(m.group(1))}#{m.group(1)}"', html)


def markdown_to_html(text: str, elsewhere: Elsewhere = None) -> str:
    """The brief's Markdown as an HTML fragment, sanitized (see SECURITY.md).

    Fact links without a target on the page go to `elsewhere` (the fact register).
    """
    return markdown_with_contents(text, elsewhere)[0]


def markdown_with_contents(text: str, elsewhere: Elsewhere = None) -> tuple[str, list[tuple[str, str]]]:
    """`markdown_to_html`, and the page's parts for a table of contents: (id, heading text) of each `##` heading."""
    footnotes = _Footnotes(PLACE_MARKER=MARK.endnotes, BACKLINK_TEXT="\u21a9\ufe0e",
                           BACKLINK_TITLE="Back to citation %d in the text", SUPERSCRIPT_TEXT="{}")
    text, lifted = lists.lift(text)
    anchors = _AnchorsExtension(footnotes, lifted)
    md = markdown.Markdown(extensions=[footnotes, "tables", anchors], output_format="html")
    md.block_level_elements = BlockTags(md.block_level_elements)
    page = number_citations(lists.fill(md.convert(text), anchors.lists.made))
    html = sanitize(retarget(strip(page), elsewhere))
    return html, [(part, html_lib.unescape(strip(name))) for part, name in anchors.headings.parts]


class _Footnotes(FootnoteExtension):
    """Python-Markdown's footnotes, with the ids of repeated citations found in constant time.

    The k-th citation of one source gets the id `fnref{k}:N`; the library
    finds it by trying `fnref:N`, `fnref2:N`... from the first each time, which
    for a source cited thousands of times is quadratic. Here each walk starts
    from the id the previous citation of that note got (already taken, so the
    library's own walk goes on from it): the same ids, in one step each.
    """

    def reset(self) -> None:
        super().reset()
        self.last_refs: dict[str, str] = {}

    def unique_ref(self, reference: str, found: bool = False) -> str:
        if not found:
            return reference
        start = self.last_refs.get(reference, reference)
        result = super().unique_ref(start, found)
        if start != reference:  # the library counted the walk's start; count the note itself, as it would
            self.found_refs[reference] = self.found_refs.get(reference, 0) + 1
            self.found_refs[start] -= 1
            if not self.found_refs[start]:
                del self.found_refs[start]
        self.last_refs[reference] = result
        return result


def sanitize(html: str) -> str:
    """The allowlist every piece of content HTML passes (SECURITY.md): our tags, web links, no scripts."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, attribute_filter=_link_filter,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer", strip_comments=True)


def _slug(value: str, separator: str) -> str:
    return re.sub(r"[^a-z0-9]+", separator, value.lower()).strip(separator) or "section"


_INLINE = markdown.Markdown(output_format="html")


# Text made only of these (letters, digits, spaces and punctuation that is never Markdown or HTML syntax
# anywhere in a line, once a line-start escape is undone) converts to itself; no Markdown pass is needed.
_PLAIN = re.compile(r"[\w .,;:'\"?!()%/+=$@\-–—‘’“”…°]*")  # one character class: linear, no backtracking


def inline_html(text: Any) -> Markup:
    """One analyst statement as sanitized inline HTML: the same inline Markdown rules as in the brief.

    Most statements are plain sentences, and most others only emphasize a
    word; those skip the Markdown and HTML passes (a register of 100,000 facts
    spent most of its time there) and give the same bytes, which the tests
    check on random text.
    """
    line = " ".join(str(text).split())
    if "_" not in line and _PLAIN.fullmatch(line):
        return Markup(line)
    markdown_line = md_inline(text)
    emphasized = emphasis_html(markdown_line)  # a word in *emphasis*: most of the others
    if emphasized is not None:
        return Markup(emphasized)
    html = _INLINE.reset().convert(markdown_line).removeprefix("<p>").removesuffix("</p>")
    return Markup(sanitize(html))
