"""Stable fact numbers: F12 stays the same fact in every later brief of a dossier in one output folder.

Readers cite facts by number in e-mail ("see F12"). Numbers are therefore kept
beside the briefs (`.fact-numbers.json` in the dossier's output folder, see
foundation.layout.NUMBERS_NAME) and only ever extended: a fact shown once keeps
its number; a new fact, even one that became known earlier than others (a
backfilled fact), gets the next unused number; a deleted fact's number is never
given to another. In a fresh folder numbers follow the order in which facts
became known, then their order in the files.

This module only computes; `commands.build` reads the file and stages the new
one in the same transaction as the briefs, so the two can never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

FORMAT_VERSION = 1


class NumberingError(ValueError):
    """The numbering file cannot be read: numbers must not silently start over."""


@dataclass
class Numbering:
    """The numbers given so far, by fact id, and the next unused one."""

    numbers: dict[str, int] = field(default_factory=dict)
    next: int = 1
    changed: bool = False

    @classmethod
    def load(cls, data: bytes | None) -> Numbering:
        """From the file's bytes (None: a fresh folder)."""
        if data is None:
            return cls()
        try:
            raw = json.loads(data)
            numbers = {str(k): int(v) for k, v in raw["facts"].items()}
            following = int(raw["next"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise NumberingError(f"not a fact numbering file ({exc}); restore it, or delete it to number facts afresh") from None
        if any(n < 1 for n in numbers.values()) or len(set(numbers.values())) < len(numbers) or \
                following <= max(numbers.values(), default=0):
            raise NumberingError("its numbers are not unique and positive; restore it, or delete it to number facts afresh")
        return cls(numbers, following)

    def assign(self, ids: Iterable[str]) -> dict[str, int]:
        """Numbers for `ids` (given in the order new ones are to be numbered: known, then file order)."""
        out: dict[str, int] = {}
        for fid in ids:
            if fid not in self.numbers:
                self.numbers[fid] = self.next
                self.next += 1
                self.changed = True
            out[fid] = self.numbers[fid]
        return out

    def dump(self) -> bytes:
        """The file's bytes: sorted, so that the same numbers always give the same file."""
        data = {"format": FORMAT_VERSION, "next": self.next, "facts": dict(sorted(self.numbers.items()))}
        return (json.dumps(data, indent=1, sort_keys=False) + "\n").encode()
