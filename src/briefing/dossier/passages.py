"""The passage index of one archive: its paragraphs, where a quote occurs, and the passages closest to one.

A paragraph is a block of lines between blank lines, counted from 1: the unit
`locator: paragraph N` counts (FORMAT-1.1). Quotes are compared folded (white
space, case, typographic quotes and dashes, see `fold`), the way the quote check
has always compared them. One index is built per archive and answers every quote
of it; the fuzzy ranking (rapidfuzz) is imported only when a quote is not found.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections import Counter
from dataclasses import dataclass

_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                       "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
                       "\u00ab": '"', "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-",
                       "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-", "\u00a0": " "})
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")
_NON_WORD = re.compile(r"\W+")
_PUNCTUATION = re.compile(r"[^\w ]+")  # on folded text, whose only white space is single spaces
_CANDIDATES = 24  # stretches scored closely per quote
_MAX_WORDS = 40  # a passage is cut at 200 characters anyway
_MAX_SHOWN = 200  # characters of a closest passage shown


def fold(text: str) -> str:
    """Text compared for quotes: white space folded, case folded, typographic quotes and dashes plain."""
    return " ".join(text.translate(_FOLD).casefold().split())


def split_paragraphs(text: str) -> list[str]:
    """The archive's paragraphs, in order: blocks separated by blank lines, blank blocks not counted."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [block for block in _BLANK_LINE.split(text) if block.strip()]


@dataclass(frozen=True)
class Found:
    """Where a quote occurs: the paragraphs it starts and ends in (1-based, equal for most quotes)."""

    first: int
    last: int

    @property
    def label(self) -> str:
        return f"paragraph {self.first}" if self.first == self.last else f"paragraphs {self.first}-{self.last}"


@dataclass(frozen=True)
class Passage:
    """A stretch of the archive like a quote, as the archive writes it (so it can be pasted back), and how alike (0-100)."""

    paragraph: int
    text: str
    score: float


class PassageIndex:
    """One archive, split into paragraphs and folded once, for any number of quotes."""

    def __init__(self, text: str) -> None:
        self.paragraphs = split_paragraphs(text)
        self._words = [p.split() for p in self.paragraphs]
        self._folded = [fold(p) for p in self.paragraphs]
        self.folded = " ".join(self._folded)  # equals fold(text): folding splits on the same white space
        self._starts: list[int] = []
        at = 0
        for folded in self._folded:
            self._starts.append(at)
            at += len(folded) + 1
        self._tokens: tuple[list[str], list[int]] | None = None
        self._word_starts: list[int] = []
        self._prefixes: list[str] = []

    def __len__(self) -> int:
        return len(self.paragraphs)

    def contains(self, quote: str) -> bool:
        """True when the quote occurs, folded, anywhere in the archive (across paragraphs too)."""
        folded = fold(quote)
        return bool(folded) and folded in self.folded

    def find(self, quote: str) -> list[Found]:
        """Every place the quote occurs, in order of the archive."""
        needle = fold(quote)
        found: list[Found] = []
        if not needle:
            return found
        at = self.folded.find(needle)
        while at >= 0:
            first = bisect.bisect_right(self._starts, at) - 1
            last = bisect.bisect_right(self._starts, at + len(needle) - 1) - 1
            found.append(Found(first + 1, last + 1))
            at = self.folded.find(needle, at + 1)
        return found

    def as_written(self, quote: str) -> str | None:
        """The words of the archive around the first place the quote occurs, as written (whole words); None if absent."""
        needle = fold(quote)
        at = self.folded.find(needle) if needle else -1
        if at < 0:
            return None
        para = bisect.bisect_right(self._starts, at) - 1
        offset, folded = at - self._starts[para], self._folded[para]
        if offset + len(needle) > len(folded):  # across paragraphs: the folded words are all there is to show
            return quote.strip()
        words = self.paragraphs[para].split()
        if len(words) != folded.count(" ") + 1:
            return quote.strip()
        first = folded.count(" ", 0, offset)
        last = folded.count(" ", 0, offset + len(needle) - 1)
        shown = " ".join(words[first : last + 1])
        if needle[0].isalnum():  # punctuation around the words asked for is not part of the quote
            shown = shown[next((i for i, c in enumerate(shown) if c.isalnum()), 0):]
        if needle[-1].isalnum():
            shown = shown[: max((i + 1 for i, c in enumerate(shown) if c.isalnum()), default=len(shown))]
        return shown

    def closest(self, quote: str, limit: int = 3, context: int = 0) -> list[Passage]:
        """The passages most like `quote`, best first, at most one per paragraph.

        Comparing the quote with every stretch of a 2 MB archive costs seconds,
        so stretches are first ranked by how many of the quote's words they hold
        (one linear pass over running sums), and only the best few are scored
        with rapidfuzz on folded, punctuation-free words. With `context`, each
        passage shows at least that many words, the matching ones in the middle
        (a few words asked for are only useful with the words around them).
        """
        from rapidfuzz import fuzz

        target = [_plain(w) for w in fold(quote).split(" ") if w][:_MAX_WORDS]
        tokens, owner = self._token_list()
        if not target or not tokens:
            return []
        size = len(target)
        wanted = {w[:5] for w in target} - {""}
        # Running count of "this archive word is also in the quote" (first letters: troop/troops), at C speed.
        hits = [0, *itertools.accumulate(map(wanted.__contains__, self._prefixes))]
        count = len(tokens)
        window = list(map(operator.sub, hits[min(size, count):], hits)) or [0]
        ranked = _best(window, _CANDIDATES)
        wanted_text = " ".join(target)
        scored: list[tuple[float, int, int]] = []
        for start in ranked:
            end = min(start + size, count)
            while end > start + 1 and owner[end - 1] != owner[start]:  # a passage stays inside its paragraph
                end -= 1
            scored.append((fuzz.ratio(wanted_text, " ".join(tokens[start:end])), start, end))
        passages: list[Passage] = []
        seen: set[int] = set()
        for score, start, end in sorted(scored, key=lambda s: (-s[0], s[1])):
            para = owner[start]
            if para in seen:
                continue
            seen.add(para)
            first, last = _widen(start - self._word_starts[para], end - self._word_starts[para], len(self._words[para]), context)
            shown = " ".join(self._words[para][first:last])
            passages.append(Passage(para + 1, shown[:_MAX_SHOWN], round(score, 1)))
            if len(passages) == limit:
                break
        return passages

    def _token_list(self) -> tuple[list[str], list[int]]:
        """Every word of the archive folded and without punctuation, and the paragraph it is in (built on first use)."""
        if self._tokens is None:
            tokens: list[str] = []
            owner: list[int] = []
            self._word_starts = []
            for para, words in enumerate(self._words):
                self._word_starts.append(len(tokens))
                plain = _PUNCTUATION.sub("", self._folded[para]).split(" ")
                if len(plain) != len(words):  # one token per written word, whatever folding does
                    plain = [_plain(fold(w)) for w in words]
                tokens.extend(plain)
                owner.extend([para] * len(words))
            self._tokens = (tokens, owner)
            self._prefixes = [t[:5] for t in tokens]
        return self._tokens


def _best(values: list[int], count: int) -> list[int]:
    """The positions of the `count` largest values, earliest first among equals (linear: values are small counts)."""
    tally = Counter(values)
    floor, kept = 0, 0
    for value in sorted(tally, reverse=True):
        kept += tally[value]
        floor = value
        if kept >= count:
            break
    above = [i for i, v in enumerate(values) if v > floor]
    at_floor = itertools.islice((i for i, v in enumerate(values) if v == floor), count - len(above))
    return sorted([*above, *at_floor], key=lambda i: (-values[i], i))[:count]


def _widen(first: int, last: int, length: int, context: int) -> tuple[int, int]:
    """A stretch of a paragraph's words grown to at least `context` words, the stretch in the middle."""
    missing = context - (last - first)
    if missing <= 0:
        return first, last
    first = max(0, first - missing // 2)
    return first, min(length, max(last, first + context))


def _plain(word: str) -> str:
    """A folded word without its punctuation (it may end up empty: a dash alone)."""
    return _NON_WORD.sub("", word)


def paragraph_number(locator: str | None) -> int | None:
    """N for a locator `paragraph N` (any case, `para.`/`¶` too); None for any other locator."""
    if not locator:
        return None
    match = re.fullmatch(r"\s*(?:paragraph|para\.?|¶)\s*(\d{1,6})\s*", locator, re.IGNORECASE)
    return int(match.group(1)) if match else None
