"""The brief's lists and table rows made outside python-markdown: what the template wrote in one-line items, made into HTML directly.

A brief of 6,000 sections is 6,000 short lists of facts and a timeline of
6,000 rows, and python-markdown spent most of its time on them: each item
goes through every block processor, then several passes over the whole tree,
then the serializer. A list whose items are each one line of the template's
inline forms (see render.inline), or a table's plain rows, needs none of that. Before the conversion such a list is
lifted out of the Markdown and a placeholder paragraph stands in its place
(`lift`); once the endnotes are known (their numbers), `Lists` makes each
lifted list into the elements python-markdown would have made, labels them
with the same function as the rest of the page, and writes them as HTML;
after the conversion `fill` puts that HTML where the placeholder is. The page
is then sanitized whole, as before. `Blocks` makes the placeholders and the
plain heading lines between them ahead of python-markdown's dozen block
processors.

A list is lifted only where python-markdown reads it as a list on its own:
after a block that is not a list (which it would continue) and before one
that neither continues its last item nor is a list. A lifted list with any
item the direct conversion does not handle is given back to python-markdown's
block parser, which makes it as it would have in place. A table keeps its
head in the text (the page's pass reads it); one placeholder row stands for
its body. The tests compare pages made both ways.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions.footnotes import FootnoteExtension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from briefing.render.inline import FastInline

OPEN, CLOSE = "\ue0f0", "\ue0f1"  # around a placeholder's number: private use, unlike any mark (render.markers)
_PLACEHOLDER = re.compile(f"(?:<p>|<tr>\\n<td>){OPEN}(\\d+){CLOSE}(?:</p>|</td>(?:\\n<td></td>)*\\n</tr>)")
_LIST_START = re.compile(r" {0,3}(?:[*+-]|\d+\.)[ ]")  # a block python-markdown reads as a list item
_ITEM_LINE = re.compile(r"- (?=\*\*[^*\s]|[^\W\d_])[^|\n]*(?<! )")  # `- ` then `**X` or a letter, one line, no `|`
_UNSAFE = re.compile(r"\t|\r|\n[ ]+\n|(?:^|\n) {0,3}<")  # text python-markdown's preprocessors change: nothing is lifted
_NUMBER = "data-lifted"  # which placeholder a list made here fills, while they are labelled together
_VOID = frozenset({"br", "hr", "wbr", "img"})
_HEADING = re.compile(r"(#{1,6}) +([^#\\\n]*[^#\\\s])")  # one line, no `#` or `\` in the words: python-markdown's reading is plain
_HOLDER = re.compile(f"{OPEN}\\d+{CLOSE}")
_RULE = re.compile(r"\|(?: *-+ *\|)+")  # a table's rule with no alignment (python-markdown would add a style nh3 removes)
_ROW = re.compile(r"\|[^\\`\n]*\|")  # no escaped `|`, no code span holding one: the cells are what `split("|")` gives


def lift(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The Markdown with each list and table body that can be converted directly replaced by a placeholder, and those
    pieces: ("list", the list's block) or ("rows", the table's whole block).

    Blocks are split as python-markdown splits them (at blank lines). A list
    is lifted when every line is one item (`- ` then the item's text); when
    the block before it is not a list and not indented (python-markdown would
    add the list to it); and when the block after it is neither a list (which
    would join this one) nor indented (which would join its last item). A
    table keeps its head and stands where it is; its rows are lifted when each
    is a plain row (no escape or code) of as many cells as the head.
    """
    if OPEN in text or _UNSAFE.search(text):  # a template's own private-use text is never taken for a placeholder
        return text, []
    blocks = text.split("\n\n")
    lifted: list[tuple[str, str]] = []
    for index, block in enumerate(blocks):
        holder = f"{OPEN}{len(lifted)}{CLOSE}"
        if block.startswith("|"):
            lines = block.split("\n")
            if _plain_table(lines):
                blocks[index] = f"{lines[0]}\n{lines[1]}\n| {holder} |"
                lifted.append(("rows", block))
            continue
        if not block.startswith("- ") or index == 0:
            continue
        before, after = blocks[index - 1], blocks[index + 1] if index + 1 < len(blocks) else ""
        if (not before or before[0].isspace() or _LIST_START.match(before)
                or after[:1].isspace() or _LIST_START.match(after)):
            continue
        if not all(_ITEM_LINE.fullmatch(line) for line in block.split("\n")):
            continue
        blocks[index] = holder
        lifted.append(("list", block))
    return ("\n\n".join(blocks), lifted) if lifted else (text, [])


def _plain_table(lines: list[str]) -> bool:
    """A table python-markdown reads (a head of two or more cells, a rule without alignment) whose every row is
    plain: borders on both ends, no escape or code span, as many cells as the head."""
    if len(lines) < 3 or not _RULE.fullmatch(lines[1]):
        return False
    columns = lines[1].count("|") - 1
    return columns > 1 and all(_ROW.fullmatch(line) and line.count("|") == columns + 1 for line in (lines[0], *lines[2:]))


class Blocks(BlockProcessor):
    """Before python-markdown's own (priority 110): a block that is one plain heading line, or a lifted list's placeholder.

    Every block is tried against a dozen processors in turn; a brief of
    thousands of sections is mostly these two kinds, made here as the
    heading and paragraph processors make them.
    """

    def test(self, parent: ET.Element, block: str) -> bool:
        return (block[:1] == "#" and _HEADING.fullmatch(block) is not None) or (
            block[:1] == OPEN and _HOLDER.fullmatch(block) is not None and not self.parser.state.isstate("list"))

    def run(self, parent: ET.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        heading = _HEADING.fullmatch(block)
        if heading:
            ET.SubElement(parent, f"h{len(heading.group(1))}").text = heading.group(2).strip()
        else:
            ET.SubElement(parent, "p").text = block


def fill(page: str, made: dict[int, str]) -> str:
    """The converted page with each placeholder's paragraph replaced by its list's HTML."""
    if not made:
        return page
    return _PLACEHOLDER.sub(lambda m: made.get(int(m.group(1)), m.group()), page)


class Lists(Treeprocessor):
    """Where the endnotes are known and before the inline passes (priority 22): the lifted lists and rows made.

    Each piece converted directly is kept as HTML in `made` (its placeholder
    stays in the tree, marked done); any other is parsed by python-markdown in
    the placeholder's place (a table whole) and goes through the page's passes
    like the rest. `label` is what the page's own pass does to every element:
    the generated labels' classes and ids (render.markdown).
    """

    def __init__(self, md: markdown.Markdown, footnotes: FootnoteExtension, lifted: list[tuple[str, str]],
                 label: Callable[[ET.Element], None]) -> None:
        super().__init__(md)
        self.footnotes = footnotes
        self.lifted = lifted
        self.label = label
        self.made: dict[int, str] = {}

    def run(self, root: ET.Element) -> None:
        if not self.lifted:
            return
        direct = bool(self.footnotes.getConfig("USE_DEFINITION_ORDER"))  # else numbered by first reference: python-markdown
        numbers = {note: index + 1 for index, note in enumerate(self.footnotes.footnotes)}
        inline = FastInline(self.md, self.footnotes)
        places = [(parent, index, child, cell) for parent in root.iter() for index, child in enumerate(parent)
                  if (cell := _placeholder(child)) is not None]
        made = ET.Element("div")  # every piece made here, labelled in one pass
        for parent, index, child, cell in reversed(places):  # from the end: an index stays right when a piece is put back
            number = int(cell.text[1:-1])  # type: ignore[index]
            kind, block = self.lifted[number]
            piece = (_list if kind == "list" else _rows)(block, inline, numbers) if direct else None
            if piece is not None:
                piece.set(_NUMBER, str(number))
                made.append(piece)
                cell.text = AtomicString(cell.text)  # type: ignore[arg-type]
                continue
            holder = ET.Element("div")
            self.md.parser.parseBlocks(holder, [block])
            parent.remove(child)
            for offset, el in enumerate(holder):
                parent.insert(index + offset, el)
        self.label(made)
        for piece in made:
            number = int(piece.attrib.pop(_NUMBER))
            self.made[number] = serialize(piece) if piece.tag == "ul" else "\n".join(serialize(tr) for tr in piece)


def _placeholder(el: ET.Element) -> ET.Element | None:
    """The element holding a placeholder's number: a paragraph of its own, or a table's first body cell."""
    if el.tag == "p":
        cell = el
    elif el.tag == "table" and len(el) > 1 and len(el[1]) and len(el[1][0]):
        cell = el[1][0][0]
    else:
        return None
    return cell if cell.text and cell.text[0] == OPEN and _HOLDER.fullmatch(cell.text) and not len(cell) else None


def _list(block: str, inline: FastInline, numbers: dict[str, int]) -> ET.Element | None:
    """The list as python-markdown's block and inline passes make it (a tight list), or None."""
    ul = ET.Element("ul")
    ul.text = "\n"
    for line in block.split("\n"):
        parts = inline._convert(line[2:], numbers)
        if parts is None:
            return None
        li = ET.SubElement(ul, "li")
        li.text, li.tail = parts[0], "\n"
        li.extend(parts[1])
    return ul


def _rows(block: str, inline: FastInline, numbers: dict[str, int]) -> ET.Element | None:
    """A table's body rows as python-markdown's table and inline passes make them (in a holder element), or None."""
    rows = ET.Element("rows")
    for line in block.split("\n")[2:]:
        tr = ET.SubElement(rows, "tr")
        tr.text = "\n"
        for text in line[1:-1].split("|"):
            parts = inline._convert(text.strip(" "), numbers)
            if parts is None:
                return None
            td = ET.SubElement(tr, "td")
            td.text, td.tail = parts[0], "\n"
            td.extend(parts[1])
    return rows


def serialize(el: ET.Element) -> str:
    """An element as python-markdown writes it (attributes sorted), text and attributes escaped; the page is sanitized after."""
    out: list[str] = []
    _write(el, out.append)
    return "".join(out)


def _write(el: ET.Element, out: Callable[[str], None]) -> None:
    tag = el.tag
    if el.attrib:
        out(f"<{tag}" + "".join([f' {name}="{_escape(value, True)}"' for name, value in sorted(el.items())]) + ">")
    else:
        out(f"<{tag}>")
    if el.text:
        out(_escape(el.text))
    for child in el:
        _write(child, out)
        if child.tail:
            out(_escape(child.tail))
    if tag not in _VOID:
        out(f"</{tag}>")


def _escape(text: str, quote: bool = False) -> str:
    if "&" in text or "<" in text or ">" in text or (quote and '"' in text):
        return html.escape(text, quote)
    return text
