"""The brief's lists converted outside python-markdown: each list of one-line items the template wrote, made into HTML directly.

A brief of 6,000 sections is 6,000 short lists of facts, and python-markdown
spends most of its time on them: each item goes through every block
processor, then several passes over the whole tree, then the serializer. A
list whose items are each one line of the template's inline forms (see
render.inline) needs none of that. Before the conversion such a list is
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
block parser, which makes it as it would have in place. The tests compare
pages made both ways.
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
_PLACEHOLDER = re.compile(f"<p>{OPEN}(\\d+){CLOSE}</p>")
_LIST_START = re.compile(r" {0,3}(?:[*+-]|\d+\.)[ ]")  # a block python-markdown reads as a list item
_ITEM_LINE = re.compile(r"- (?=\*\*[^*\s]|[^\W\d_])[^|\n]*(?<! )")  # `- ` then `**X` or a letter, one line, no `|`
_UNSAFE = re.compile(r"\t|\r|\n[ ]+\n|(?:^|\n) {0,3}<")  # text python-markdown's preprocessors change: nothing is lifted
_NUMBER = "data-lifted"  # which placeholder a list made here fills, while they are labelled together
_VOID = frozenset({"br", "hr", "wbr", "img"})
_HEADING = re.compile(r"(#{1,6}) +([^#\\\n]*[^#\\\s])")  # one line, no `#` or `\` in the words: python-markdown's reading is plain
_HOLDER = re.compile(f"{OPEN}\\d+{CLOSE}")


def lift(text: str) -> tuple[str, list[str]]:
    """The Markdown with each list that can be converted directly replaced by a placeholder, and those lists.

    Blocks are split as python-markdown splits them (at blank lines). A list
    is lifted when every line is one item (`- ` then the item's text); when
    the block before it is not a list and not indented (python-markdown would
    add the list to it); and when the block after it is neither a list (which
    would join this one) nor indented (which would join its last item).
    """
    if _UNSAFE.search(text):
        return text, []
    blocks = text.split("\n\n")
    lifted: list[str] = []
    for index, block in enumerate(blocks):
        if not block.startswith("- ") or index == 0:
            continue
        before, after = blocks[index - 1], blocks[index + 1] if index + 1 < len(blocks) else ""
        if (not before or before[0].isspace() or _LIST_START.match(before)
                or after[:1].isspace() or _LIST_START.match(after)):
            continue
        if not all(_ITEM_LINE.fullmatch(line) for line in block.split("\n")):
            continue
        blocks[index] = f"{OPEN}{len(lifted)}{CLOSE}"
        lifted.append(block)
    return ("\n\n".join(blocks), lifted) if lifted else (text, [])


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
    return _PLACEHOLDER.sub(lambda m: made[int(m.group(1))], page)


class Lists(Treeprocessor):
    """Where the endnotes are known and before the inline passes (priority 22): the lifted lists made.

    Each list converted directly is kept as HTML in `made` (its placeholder
    paragraph stays in the tree, marked done); any other is parsed by
    python-markdown in the placeholder's place and goes through the page's
    passes like the rest. `label` is what the page's own pass does to every
    list: the generated labels' classes and ids (render.markdown).
    """

    def __init__(self, md: markdown.Markdown, footnotes: FootnoteExtension, lifted: list[str],
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
        places = [(parent, index, child) for parent in root.iter() for index, child in enumerate(parent)
                  if child.tag == "p" and child.text and child.text[0] == OPEN and not len(child)]
        made = ET.Element("div")  # every list made here, labelled in one pass
        for parent, index, p in reversed(places):  # from the end: an index stays right when a list is put back
            number = int(p.text[1:-1])  # type: ignore[index]
            ul = self._convert(self.lifted[number], inline, numbers) if direct else None
            if ul is not None:
                ul.set(_NUMBER, str(number))
                made.append(ul)
                p.text = AtomicString(p.text)  # type: ignore[arg-type]
                continue
            holder = ET.Element("div")
            self.md.parser.parseBlocks(holder, [self.lifted[number]])
            parent.remove(p)
            for offset, el in enumerate(holder):
                parent.insert(index + offset, el)
        self.label(made)
        for ul in made:
            self.made[int(ul.attrib.pop(_NUMBER))] = serialize(ul)

    @staticmethod
    def _convert(block: str, inline: FastInline, numbers: dict[str, int]) -> ET.Element | None:
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
