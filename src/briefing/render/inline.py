"""Faster equivalents of python-markdown's slowest passes on a brief: the template's inline forms, heading ids, unescaping.

python-markdown tries its sixteen inline patterns on every text of the page,
one after the other, which costs about a millisecond a fact: a brief of 6,000
facts spent most of its HTML time there. Nearly every text of a brief is made
of the few forms the template writes around plain analyst words: `**strong**`,
`*emphasis*`, footnote references `[^3]`, links `[F12](#f12)` and addresses `<https://...>`. This pass
converts such a text into the same elements python-markdown makes and marks
them done (AtomicString), so the inline pass skips them; a text with anything
else (a backslash, an underscore, raw HTML, an image, a line break...) is left
to python-markdown whole. The tests compare both ways on the bundled dossiers
and on random text.

Footnote references converted here are numbered in the order they are met,
which is not python-markdown's (it walks the tree breadth first); the HTML pass
gives every reference its final id in page order afterwards (`number_citations`).

The headings' ids and the page's parts (`Headings`) are what python-markdown's
`toc` extension gives, which serializes every heading to read its text (a
second of a brief with 6,000 sections) and builds a table of contents the page
template draws itself. The last two (`Unescape`, `BlockTags`) only skip work
that cannot change anything.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable

import markdown
from markdown.extensions import toc
from markdown.extensions.footnotes import FN_BACKLINK_TEXT, NBSP_PLACEHOLDER, FootnoteExtension
from markdown.treeprocessors import Treeprocessor, UnescapeTreeprocessor
from markdown.util import STX, AtomicString

from briefing.render.markers import ALL

# Characters that are never Markdown or HTML syntax in running text (no `_`, `*`, `[`, `]`, `\`, `<`, `&`, backtick,
# `!`, line breaks), and the template's marks. `\w` would admit `_`: texts holding one are refused first.
_CHAR = rf"[\w .,;:'\"?()%/+=$@\-–—‘’“”…°·→{ALL}]"
_TOKEN = re.compile(
    rf"(?P<plain>{_CHAR}+)"
    rf"|\*\*(?P<strong>(?!\s){_CHAR}+?(?<!\s))\*\*(?!\*)"
    rf"|\*(?P<em>(?!\s){_CHAR}+?(?<!\s))\*(?!\*)"
    r"|\[\^(?P<note>[\w-]+)\]"
    rf"|\[(?P<label>(?!\^){_CHAR}+)\]\((?P<href>[\w#.:/-]+)\)"
    # An autolink (an endnote's address): nothing in it that one of python-markdown's earlier patterns would take
    # first (code, an escape, a link or an image), and no `&` (its serializer leaves one that starts an entity).
    r"|<(?P<auto>[A-Za-z][A-Za-z0-9+.-]*://[^<>\[\]`\\&]*)>"
)


class FastInline(Treeprocessor):
    """Before python-markdown's inline pass (priority 20): the texts made only of the template's own forms."""

    def __init__(self, md: markdown.Markdown, footnotes: FootnoteExtension) -> None:
        super().__init__(md)
        self.footnotes = footnotes

    def run(self, root: ET.Element) -> None:
        if not self.footnotes.getConfig("USE_DEFINITION_ORDER"):  # numbers by first reference: python-markdown's job
            return
        numbers = {note: index + 1 for index, note in enumerate(self.footnotes.footnotes)}
        for el in list(root.iter()):
            text = el.text
            if not text or isinstance(text, AtomicString) or el.tag in ("code", "pre"):
                continue
            if text == FN_BACKLINK_TEXT:  # an endnote's back link: python-markdown's footnotes write its arrow after
                el.text = AtomicString(text)
                continue
            parts = self._convert(text, numbers)
            if parts is None:
                continue
            head, children = parts
            el.text = AtomicString(head)
            el[0:0] = children  # before the element's own children (an endnote's back link), as python-markdown puts them

    def _convert(self, text: str, numbers: dict[str, int]) -> tuple[str, list[ET.Element]] | None:
        """The text before the first element and the elements (their tails set), or None when python-markdown must do it.

        A line break (two spaces before a new line: a judgment's second line) is a `<br>` between lines that are
        each made only of the forms above (python-markdown reads the break first, then each side); the
        placeholder python-markdown's footnotes leave at the end of an endnote's text is kept as the text's end.
        """
        if "_" in text:
            return None
        end = NBSP_PLACEHOLDER if text.endswith(NBSP_PLACEHOLDER) else ""
        head, children = "", []
        for index, line in enumerate(text[:len(text) - len(end)].split("  \n")):
            if index:
                children.append(ET.Element("br"))
            parts = self._line(line, numbers)
            if parts is None:
                return None
            if children:
                children[-1].tail = AtomicString(parts[0])
            else:
                head = parts[0]
            children += parts[1]
        if end and children:
            children[-1].tail = AtomicString((children[-1].tail or "") + end)
        elif end:
            head += end
        return head, children

    def _line(self, text: str, numbers: dict[str, int]) -> tuple[str, list[ET.Element]] | None:
        """One line's text before its first element and its elements (their tails set), or None."""
        head = ""
        children: list[ET.Element] = []
        at = 0
        while at < len(text):
            m = _TOKEN.match(text, at)
            if m is None:
                return None
            at = m.end()
            if m.lastgroup == "plain":
                if children:
                    children[-1].tail = AtomicString(m.group("plain"))
                else:
                    head = m.group("plain")
                continue
            el = self._element(m, numbers)
            if el is None:
                return None
            children.append(el)
        return head, children

    def _element(self, m: re.Match[str], numbers: dict[str, int]) -> ET.Element | None:
        kind = m.lastgroup
        if kind in ("strong", "em"):
            el = ET.Element(kind)
            el.text = AtomicString(m.group(kind))
            return el
        if kind == "note":
            note = m.group("note")
            if note not in numbers:
                return None
            sup = ET.Element("sup")
            link = ET.SubElement(sup, "a")
            sup.set("id", self.footnotes.makeFootnoteRefId(note, found=True))
            link.set("href", "#" + self.footnotes.makeFootnoteId(note))
            link.set("class", "footnote-ref")
            link.text = AtomicString(self.footnotes.getConfig("SUPERSCRIPT_TEXT").format(numbers[note]))
            return sup
        if kind == "auto":
            link = ET.Element("a", {"href": m.group("auto")})
            link.text = AtomicString(m.group("auto"))
            return link
        link = ET.Element("a", {"href": m.group("href")})
        link.text = AtomicString(m.group("label"))
        return link


def emphasis_html(line: str) -> str | None:
    """One line of inline Markdown made only of plain words, `*emphasis*` and `**strong**`, as HTML; else None.

    For the fact register's statements: the plain ones skip Markdown already,
    and nearly all the others only emphasize a word.
    """
    if "_" in line:
        return None
    out: list[str] = []
    at = 0
    while at < len(line):
        m = _TOKEN.match(line, at)
        if m is None or m.lastgroup not in ("plain", "strong", "em"):
            return None
        kind, text = m.lastgroup, m.group(m.lastgroup)
        out.append(text if kind == "plain" else f"<{kind}>{text}</{kind}>")
        at = m.end()
    return "".join(out)


_CITATION = re.compile(r'<sup id="fnref\d*:([^"]*)">')


def number_citations(page: str) -> str:
    """Each footnote reference's id in page order: the first citation of note 3 is `fnref:3`, the next `fnref2:3`...

    The endnote's back link goes to `fnref:3`: the citation a reader meets first. Done on the page's HTML, once
    the lists made outside the tree are in it (render.lists); analyst text cannot write a tag there (its `<` is escaped).
    """
    seen: Counter[str] = Counter()

    def one(m: re.Match[str]) -> str:
        note = m.group(1)
        seen[note] += 1
        return f'<sup id="fnref:{note}">' if seen[note] == 1 else f'<sup id="fnref{seen[note]}:{note}">'

    return _CITATION.sub(one, page)


_HEADING = re.compile(r"h[1-6]")


class Headings(Treeprocessor):
    """Where the `toc` extension ran (priority 5): an id on each heading, and the page's parts in `parts`.

    A heading whose text this module converted (plain words, nothing inside)
    is its own name; any other is read as the extension reads it.
    """

    def __init__(self, md: markdown.Markdown, slugify: Callable[[str, str], str]) -> None:
        super().__init__(md)
        self.slugify = slugify
        self.parts: list[tuple[str, str]] = []  # (id, name as HTML) of each `##` heading, in page order

    def run(self, root: ET.Element) -> None:
        used = {el.attrib["id"] for el in root.iter() if "id" in el.attrib}
        counters: dict[str, int] = {}
        self.parts = []
        for el in root.iter():
            if not isinstance(el.tag, str) or not _HEADING.fullmatch(el.tag):
                continue
            if isinstance(el.text, AtomicString) and not len(el):
                name = " ".join(el.text.split())
            else:
                name = toc.strip_tags(toc.render_inner_html(toc.remove_fnrefs(el), self.md))
            if "id" not in el.attrib:
                el.attrib["id"] = toc.unique(self.slugify(html.unescape(name), "-"), used, counters)
            if el.tag == "h2":
                self.parts.append((toc.unescape(el.attrib["id"]), name))


class Unescape(UnescapeTreeprocessor):
    """python-markdown's last pass (backslash escapes back to characters), with no regex run on text that has none."""

    def unescape(self, text: str) -> str:
        return super().unescape(text) if STX in text else text


class BlockTags(list[str]):
    """python-markdown's list of block-level tags, looked up in a set: it asks for every element, several times."""

    def __init__(self, tags: list[str]) -> None:
        super().__init__(tags)
        self.known = frozenset(tags)

    def __contains__(self, tag: object) -> bool:
        return tag in self.known
