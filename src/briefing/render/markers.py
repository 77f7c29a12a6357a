"""The marks that tie the Markdown template to the HTML pass: named, invisible, and out of an analyst's reach.

The HTML pass must know which words the program wrote (a status, a grade, the
marking banner, the endnotes) and which an analyst typed. Matching the words
would let a fact that says `**CONFIRMED**` pass for a confirmed one, and would
break the page whenever a template's prose was reworded. So a template writes a
mark, one private-use character, right inside the emphasis it generates
(`**{{ mark.status }}CONFIRMED**`); the HTML pass acts only on elements that
start with a mark and removes it, and the Markdown file is written with every
mark removed. Analyst text can never carry one: every filter that puts analyst
text into Markdown replaces private-use characters (see `text.unmark`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BASE = 0xE000  # the start of Unicode's Private Use Area: no meaning of its own, never in a font's text


@dataclass(frozen=True)
class Marks:
    """The marks a template can write, by name (passed to every template as `mark`)."""

    item: str = chr(_BASE + 1)  # `**{mark.item}F12**` opening a list item: the item is fact or judgment 12
    status: str = chr(_BASE + 2)  # `**{mark.status}CONFIRMED**`: a status the program computed
    new: str = chr(_BASE + 3)  # `**{mark.new}NEW**`: new since the last brief
    grade: str = chr(_BASE + 4)  # `*{mark.grade}Grade B2*`: an Admiralty grade, the two characters after the last space
    banner: str = chr(_BASE + 5)  # `**{mark.banner}TLP:AMBER**` alone on a line: the brief's marking banner
    portion: str = chr(_BASE + 6)  # `**{mark.portion}TLP:AMBER**`: an item's own portion marking
    versus: str = chr(_BASE + 7)  # `*{mark.versus}versus*` between disagreeing values
    endnotes: str = chr(_BASE + 8)  # a paragraph starting with it is where the endnotes go
    cited_for: str = chr(_BASE + 9)  # in an endnote: the fact numbers after it become links to the facts
    flag: str = chr(_BASE + 10)  # `**{mark.flag}Basis changed since judged**`: a label the analysis rules computed
    outcome: str = chr(_BASE + 11)  # `**{mark.outcome}borne out**`: how a forecast turned out
    figures: str = chr(_BASE + 12)  # opening the key-figures table's first header cell: tiles and charts go above it


MARK = Marks()
ALL = "".join(vars(MARK).values())
_ANY = re.compile(f"[{re.escape(ALL)}]")
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def strip(text: str) -> str:
    """The Markdown as a reader gets it: every mark removed."""
    return _ANY.sub("", text)


def unmark(text: str) -> str:
    """Analyst text with any private-use character replaced, so that it can never pass for a mark."""
    return PRIVATE_USE.sub("\ufffd", text)
