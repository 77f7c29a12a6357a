"""Archived copies of sources: read within the limits, every quote found in its source's copy, locators checked."""

from __future__ import annotations

import os

from briefing.dossier.dossier import Dossier, Where
from briefing.dossier.passages import PassageIndex, fold, paragraph_number
from briefing.foundation.errors import Problems
from briefing.foundation.limits import LIMITS

__all__ = ["check_archives", "check_quotes", "closest_passage", "fold"]


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
    check_quotes(dossier, problems)


def check_quotes(dossier: Dossier, problems: Problems) -> None:
    """Every quote must occur in its source's archive, and a `paragraph N` locator must point where it does.

    One passage index per archive answers all of its quotes: the archive is
    split and folded once, not once per quote.
    """
    indexes: dict[str, PassageIndex] = {}
    for fid, fact in dossier.facts.items():
        for i, cite in enumerate(fact.sources):
            if cite.quote is None or cite.source not in dossier.archives:
                continue
            index = indexes.get(cite.source)
            if index is None:
                index = indexes[cite.source] = PassageIndex(dossier.archives[cite.source])
            where = dossier.where[("facts", fid)]
            found = index.find(cite.quote)
            if not found:
                near = index.closest(cite.quote, limit=1)
                shown = f"closest passage (paragraph {near[0].paragraph}): \"{near[0].text}\"" if near else "the archive is empty"
                where.problem(problems, ("sources", i, "quote"),
                              f"fact '{fid}': quote not found in the archive of '{cite.source}'; {shown}")
                continue
            wanted = paragraph_number(cite.locator)
            if wanted is not None and not any(f.first <= wanted <= f.last for f in found):
                places = " and ".join(dict.fromkeys(f.label for f in found))
                where.problem(problems, ("sources", i, "locator"),
                              f"fact '{fid}': the quote is not in paragraph {wanted} of the archive of '{cite.source}' "
                              f"but in {places} (locator: paragraph {found[0].first})")


def closest_passage(haystack: str, needle: str) -> str:
    """The stretch of `haystack` most like `needle`, as the archive writes it ("" for an empty archive)."""
    near = PassageIndex(haystack).closest(needle, limit=1)
    return near[0].text if near else ""
