"""Archived copies of sources: read within the limits, and every quote found in its source's copy."""

from __future__ import annotations

import difflib
import heapq
import os
import re

from briefing.dossier.dossier import Dossier, Where
from briefing.foundation.errors import Problems
from briefing.foundation.limits import LIMITS


def check_archives(dossier: Dossier, problems: Problems) -> None:
    """Archive copies must sit inside the dossier, and every quote must occur in its source's copy."""
    root = dossier.folder.resolve()
    for sid, source in dossier.sources.items():
        if source.archive is None:
            continue
        where = dossier.where[("sources", sid)]
        shown = source.archive if len(source.archive) <= 80 else source.archive[:80] + "..."

        def bad(message: str, sid: str = sid, where: Where = where) -> None:
            where.problem(problems, ("archive",), f"source '{sid}': {message}")

        try:  # resolve() and stat() fail on links that loop and on names too long for the file system
            target = (dossier.folder / source.archive).resolve()
            if os.path.isabs(source.archive) or not target.is_relative_to(root):
                bad(f"archive '{shown}' points outside the dossier folder")
                continue
            if target.is_dir():
                bad(f"archive '{shown}' is a folder; name the text file in it")
                continue
            if not target.exists():
                bad(f"archive file '{shown}' does not exist")
                continue
            if not target.is_file():  # a named pipe would block the read forever, a device never end
                bad(f"archive '{shown}' is not a regular file; name a text file")
                continue
            if target.stat().st_size > LIMITS.max_archive_bytes:
                bad(f"archive is over the limit of {LIMITS.max_archive_bytes:,} bytes")
                continue
            dossier.archives[sid] = target.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            bad(f"archive '{shown}' is not a readable UTF-8 text file")
        except (OSError, RuntimeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "a link that loops"
            bad(f"archive '{shown}' cannot be read ({reason})")
    folded = {sid: fold(text) for sid, text in dossier.archives.items()}
    for fid, fact in dossier.facts.items():
        for i, cite in enumerate(fact.sources):
            if cite.quote is None or cite.source not in folded:
                continue
            quote = fold(cite.quote)
            if quote not in folded[cite.source]:
                near = closest_passage(dossier.archives[cite.source], cite.quote)
                dossier.where[("facts", fid)].problem(
                    problems, ("sources", i, "quote"),
                    f"fact '{fid}': quote not found in the archive of '{cite.source}'; closest passage: \"{near}\"",
                )


_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                       "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
                       "\u00ab": '"', "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-",
                       "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-", "\u00a0": " "})


def fold(text: str) -> str:
    """Text compared for quotes: white space folded, case folded, typographic quotes and dashes plain."""
    return " ".join(text.translate(_FOLD).casefold().split())


def closest_passage(haystack: str, needle: str) -> str:
    """The stretch of `haystack` most like `needle`, to show next to a quote that was not found.

    Words are compared folded and without punctuation, but shown as the archive
    writes them, so that the analyst can copy the passage back into the quote.
    Comparing the quote with every window of a long archive, character by
    character, costs seconds per missing quote per 100 KB; so windows are first
    ranked by how many of the quote's words they hold (linear), and only the best
    few are compared, word by word, on at most the quote's first words.
    """
    words = haystack.split()
    if not words:
        return ""
    folded = fold(haystack).split(" ")
    if len(folded) != len(words):  # fold() splits where str.split() does; stay correct if that ever changes
        folded = [fold(w) for w in words]
    tokens = [_NON_WORD.sub("", w) for w in folded]
    target = [_NON_WORD.sub("", w) for w in fold(needle).split(" ")][:_MAX_WORDS]
    size = len(target)
    wanted = {w[:5] for w in target} - {""}
    hits = [0]
    for token in tokens:  # prefix sums of "this archive word is also in the quote" (first letters: troop/troops)
        hits.append(hits[-1] + (token[:5] in wanted))
    starts = range(0, max(1, len(words) - size + 1))
    ranked = heapq.nlargest(_CANDIDATES, starts, key=lambda i: (hits[min(i + size, len(words))] - hits[i], -i))
    best, best_ratio = ranked[0], -1.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(target)
    for start in sorted(ranked):
        matcher.set_seq1(tokens[start : start + size])
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = start, ratio
    return " ".join(words[best : best + size])[:200]


_CANDIDATES = 16
_MAX_WORDS = 40  # the passage shown is cut at 200 characters anyway
_NON_WORD = re.compile(r"\W+")
