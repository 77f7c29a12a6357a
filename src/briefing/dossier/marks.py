"""Where an item's values and keys were written, packed small enough to keep for every item of a big dossier."""

from __future__ import annotations

from array import array
from typing import Any

Path_ = tuple[str | int, ...]
Pos = tuple[int, int]

# Positions are packed into one integer each: which path below its item, whether it is the key or the
# value, then line and column. A path is numbered once for the whole run ('sources', 0, 'quote') and
# shared by every item that has it, so a position costs 8 bytes in an array instead of a dict entry,
# a path tuple and a position tuple (about 150 bytes): a third less memory for a big dossier.
BITS = 25  # lines and columns up to 33 million, far beyond any file the limits admit
MASK = (1 << BITS) - 1
INDEXED_FROM = 64  # positions in one item above which its look-ups go through an index
_NUMBERS: dict[Path_, int] = {}
_PREFIXES: tuple[dict[Path_, int], dict[Path_, int]] = ({}, {})  # value, key: the path's number shifted into place


def number_path(tail: Path_, key: bool) -> int:
    """The high bits of a packed position for `tail` (never 0, so `table.get(tail) or number_path(...)` works)."""
    number = _NUMBERS.setdefault(tail, len(_NUMBERS) + 1)
    _PREFIXES[key][tail] = prefix = ((number << 1) | key) << (2 * BITS)
    return prefix


VALUE_PREFIXES, KEY_PREFIXES = _PREFIXES


def numbering() -> tuple[tuple[Path_, int, int], ...]:
    """This run's path numbers as (path, number, 1 value / 2 key / 3 both): what packed positions mean.

    Kept with positions stored between runs (`dossier.parsed`), so that the next
    run can read them whatever it numbered first (`adopt`).
    """
    return tuple((tail, number, (tail in VALUE_PREFIXES) | (tail in KEY_PREFIXES) << 1) for tail, number in _NUMBERS.items())


def adopt(table: tuple[tuple[Path_, int, int], ...]) -> dict[int, int]:
    """Number the paths of another run's `numbering()` in this run; the numbers that differ, old to new.

    Replayed in the stored order, a run that reads every file from the cache
    numbers its paths exactly as the run that stored them: nothing to renumber.
    """
    moved = {}
    for tail, number, kinds in table:
        for key in (False, True):
            if kinds >> key & 1 and tail not in _PREFIXES[key]:
                number_path(tail, key)
        if _NUMBERS[tail] != number:
            moved[number] = _NUMBERS[tail]
    return moved


def _pack(packed: list[int]) -> Any:
    try:
        return array("Q", packed)
    except OverflowError:  # a pathological item with thousands of paths: plain integers, same lookups
        return tuple(packed)


class Marks:
    """Where one item's values and keys are (a fact, a source, a section...), relative to the item.

    Kept after the file's data is gone, so that checks across items (unknown
    references, warnings) can still point at the exact line and column.
    """

    __slots__ = ("index", "packed")

    def __init__(self, packed: list[int]) -> None:
        self.index: dict[int, int] | None = None
        self.packed: Any = _pack(packed)

    def renumber(self, moved: dict[int, int]) -> None:
        """Rewrite the path numbers of positions stored by another run (`adopt` gave `moved`)."""
        shift, low = 2 * BITS, (1 << 2 * BITS) - 1
        self.index = None
        self.packed = _pack([(moved.get(v >> shift + 1, v >> shift + 1) << 1 | (v >> shift) & 1) << shift | v & low for v in self.packed])

    def find(self, tail: Path_, key: bool = False) -> Pos | None:
        """The exact position of the value (or key) at `tail` below the item, if recorded.

        A small item is scanned; a big one (a judgment resting on thousands of
        facts, each of them misspelt) gets an index on its first look-up, so
        that reporting every one of its values stays linear.
        """
        prefix = _PREFIXES[key].get(tail)
        if prefix is None:
            return None
        wanted = prefix >> (2 * BITS)
        if len(self.packed) > INDEXED_FROM:
            if self.index is None:
                self.index = {}
                for value in self.packed:
                    self.index.setdefault(value >> (2 * BITS), value)  # the first, as the scan finds it
            found = self.index.get(wanted)
            return None if found is None else ((found >> BITS) & MASK, found & MASK)
        for value in self.packed:
            if value >> (2 * BITS) == wanted:
                return (value >> BITS) & MASK, value & MASK
        return None

    def where(self, tail: Path_, key: bool = False) -> Pos:
        """Position of the value at `tail` (or of its key), else of the nearest parent, else of the item."""
        if key and (pos := self.find(tail, True)) is not None:
            return pos
        while tail:
            if (pos := self.find(tail)) is not None:
                return pos
            tail = tail[:-1]
        return self.find(()) or (1, 1)
