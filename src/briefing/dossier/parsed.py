"""One fact file read and its items validated, kept between runs under a hash of the file's bytes.

Parsing YAML and validating each item is most of a load (about four of the five
seconds a 10,000-fact dossier takes) and depends only on the file's bytes, its
path, the current folder (which shapes the paths in messages), the limits and
the program: `dossier.items` says why. So the result is kept in the user's
cache folder, as Pelican keeps parsed articles, and read back when the file's
bytes are the same; reading it back takes a tenth of the time. Checks across
items run on every load, so a change in one file is always checked against all
the others. A stale entry (other bytes, other limits) is replaced; one that
cannot be read back (a write cut short, another Python) is ignored and made again;
one unused for 30 days is removed (looked for at most once a day).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pydantic_core

from briefing.dossier.items import FileItems, parse_items
from briefing.dossier.marks import adopt, numbering
from briefing.dossier.reader import decode, load_text, read_raw
from briefing.foundation.errors import Problem, Problems
from briefing.foundation.limits import LIMITS
from briefing.foundation.user_cache import code_folder

UNUSED_DAYS = 30
_DAY = 86400
_SWEPT = ".swept"  # touched when unused entries were last looked for
_ID_LINE = re.compile(r"""^[ \t]*(?:-[ \t]+)?id[ \t]*:[ \t]*["']?([^\s"'#,\]}]+)""", re.MULTILINE)


@dataclass
class ParsedFile:
    """What one fact file holds, as far as it could be read, and the problems found in it alone."""

    problems: list[Problem] = field(default_factory=list)
    items: FileItems | None = None  # None: the file could not be read as YAML
    ids_written: set[str] = field(default_factory=set)  # then, the ids it seems to define, so that references to them are not called unknown


def _parse(raw: bytes, path: Path, local: Problems) -> ParsedFile:
    """Parse and validate a file's bytes; `local` holds what reading them already found."""
    text = decode(raw, path, local)
    doc = None if text is None else load_text(text, path, local)
    if doc is None:
        return ParsedFile(local.items, None, set(_ID_LINE.findall(raw.decode("utf-8", errors="replace"))))
    items = parse_items(doc, local)
    return ParsedFile(local.items, items)


class ParsedFiles:
    """Fact files read through the cache folder; `folder` None reads every file afresh (`--no-cache`)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.context = f"{LIMITS!r}\0{pydantic_core.__version__}\0{os.getcwd()}".encode()
        self.hits = 0

    @classmethod
    def in_user_cache(cls, enabled: bool = True) -> ParsedFiles:
        files = cls(code_folder("parsed") if enabled else None)
        if files.folder is not None:
            _remove_unused(files.folder)
        return files

    def read(self, path: Path) -> ParsedFile:
        """One fact file as parsed and validated: read back from the cache folder when its bytes were seen before."""
        local = Problems()
        raw = read_raw(path, local)
        if raw is None:  # not a regular file, over the size limit, unreadable: nothing to read ids from either
            return ParsedFile(local.items)
        if self.folder is None:
            return _parse(raw, path, local)
        entry = self.folder / (hashlib.sha256(self.context + b"\0" + os.fsencode(path)).hexdigest()[:32] + ".pickle")
        digest = hashlib.sha256(raw).digest()
        kept = self._kept(entry, digest)
        if kept is not None:
            self.hits += 1
            return kept
        parsed = _parse(raw, path, local)
        self._keep(entry, digest, parsed)
        return parsed

    def _kept(self, entry: Path, digest: bytes) -> ParsedFile | None:
        """The entry for these bytes, its positions numbered as this run numbers them; None when there is none."""
        try:
            context, kept_digest, table, parsed = pickle.loads(entry.read_bytes())
        except Exception:  # none yet, a write cut short, another Python, a planted file: made again
            return None
        if context != self.context or kept_digest != digest or not isinstance(parsed, ParsedFile):
            return None
        with contextlib.suppress(OSError):
            os.utime(entry)  # used today: not removed as unused
        moved = adopt(table)
        if moved and parsed.items is not None:
            for item in parsed.items.entries:
                item.where.marks.renumber(moved)
            for _, where in parsed.items.highlights:
                where.marks.renumber(moved)
        return parsed

    def _keep(self, entry: Path, digest: bytes, parsed: ParsedFile) -> None:
        """Store `parsed` under `entry`, whole or not at all (written aside, then renamed)."""
        data = pickle.dumps((self.context, digest, numbering(), parsed), protocol=pickle.HIGHEST_PROTOCOL)
        temp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        try:
            temp.write_bytes(data)
            os.replace(temp, entry)
        except OSError:  # a full or read-only disk costs the next run time, nothing else
            temp.unlink(missing_ok=True)


def _remove_unused(folder: Path) -> None:
    """Remove entries unused for UNUSED_DAYS (files of folders since deleted or renamed), at most once a day."""
    now = time.time()
    marker = folder / _SWEPT
    with contextlib.suppress(OSError):
        if marker.is_file() and marker.stat().st_mtime > now - _DAY:
            return
        marker.touch()
        for path in folder.glob("*.pickle"):
            if path.stat().st_mtime < now - UNUSED_DAYS * _DAY:
                path.unlink()
