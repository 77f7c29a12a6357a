"""The site's search index: Pagefind over every brief and fact register, staged with the rest of the build.

Pagefind (the `pagefind` package, its binary from `pagefind-bin`) reads the
pages' HTML and writes a static index, a small WebAssembly search engine and
`pagefind.js` into `out/pagefind/`; the search box of the site's index pages
(`assets/search.js`) loads them, so search needs no server of its own and works
from any static host. Browsers that refuse scripts from `file://` pages
(Chromium) show a note instead. The binary runs locally and reaches no network.

Only the `<main data-pagefind-body>` of briefs and registers is indexed; the
index pages, the feed and the PDFs are not. Result addresses are written
relative to the site root (`north-korea-russia/2026-11-21.html`), so the site
can move to any folder. The index files are staged in the build's transaction:
they appear together with the pages they index, or not at all; an earlier
index's files that the new one does not name are removed after the commit.

A big site is indexed in parts (`PART_BYTES` of pages each, oldest pages
first), one Pagefind run after another: Pagefind holds about ten times the
pages' size while it writes an index, a gigabyte for the register pages of
100,000 facts, and a part needs only a tenth of that, so the site can be
indexed while its PDF is laid out. The first part is `pagefind/`, the others
`pagefind/part-N/` (their entry, metadata and chunks, using the first part's
search engine); `pagefind/parts.json` lists them and the search box merges
them at search time (Pagefind's `mergeIndex`). A part whose pages did not
change since the last build keeps its files instead of being indexed again:
a new day adds pages after the older ones, so only the last parts change.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from briefing.foundation.errors import BuildStepError
from briefing.foundation.layout import SEARCH_DIR
from briefing.publish.transaction import TEMP_MARK, Transaction

STEP = "indexing the site for search"
ENTRY = "pagefind-entry.json"
PARTS = "parts.json"  # the parts after the first, for the search box to merge (assets/search.js)
PART_BYTES = 12 << 20  # pages per part of the index: Pagefind takes about ten times this while it writes one
PART_FILES = ("index/", "fragment/", "filter/")  # besides the entry and metadata: what a part needs of its own
T = TypeVar("T")


def stage_index(out: Path, txn: Transaction, pages: dict[Path, Path]) -> None:
    """Index `pages` (each page's place in the site mapped to where its bytes are now) and stage the index."""
    folder = out / SEARCH_DIR
    earlier = _listed_parts(folder)
    files: dict[str, bytes | None] = {}  # by path in the index folder; None: kept as it is on disk
    listing = []
    for number, part in enumerate(split({path.relative_to(out).as_posix(): source for path, source in sorted(pages.items())})):
        prefix = f"part-{number}/" if number else ""
        key = part_key(part)
        kept = _kept_files(folder, prefix) if earlier.get(prefix) == key else None
        if kept is not None:
            files.update(dict.fromkeys(kept))
        else:
            files.update((prefix + rel, data) for rel, data in build_index(part).items() if not number or _part_file(rel))
        listing.append({"path": prefix, "key": key})
    files[PARTS] = json.dumps({"parts": listing}, indent=1).encode() + b"\n"
    # An entry file names the others: renamed into place last (the first part's the very last), so a build killed
    # while it commits leaves old entries (whose files go only after every rename) or new ones with all their files there.
    for rel, data in sorted(files.items(), key=lambda item: (_order(item[0]), item[0])):
        target = folder / rel
        if data is not None and (not target.is_file() or target.read_bytes() != data):
            txn.stage(target, data)
    # Fragments of earlier indexes are named by their hashes and no entry names them any more: they go
    # once the new index is in place, so that the folder does not grow with every build.
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.relative_to(folder).as_posix() not in files and not path.name.startswith(TEMP_MARK):
                txn.remove(path)


def split(pages: dict[str, Path], limit: int | None = None) -> list[dict[str, Path]]:
    """`pages` in parts of at most `limit` bytes (PART_BYTES; a bigger page alone), oldest first: by file name
    (the day it starts with), then dossier, so that a new day's pages come after the parts that did not change."""
    limit = PART_BYTES if limit is None else limit
    parts: list[dict[str, Path]] = [{}]
    size = 0
    for url in sorted(pages, key=lambda url: (url.rsplit("/", 1)[-1], url)):
        grows = pages[url].stat().st_size
        if parts[-1] and size + grows > limit:
            parts.append({})
            size = 0
        parts[-1][url] = pages[url]
        size += grows
    return parts


def part_key(part: dict[str, Path]) -> str:
    """What a part's index depends on: its pages' addresses and bytes, and the indexer's version."""
    from importlib.metadata import version

    digest = hashlib.sha256(version("pagefind").encode())
    for url, source in sorted(part.items()):
        digest.update(b"\0" + url.encode() + b"\0" + hashlib.sha256(source.read_bytes()).digest())
    return digest.hexdigest()


def _listed_parts(folder: Path) -> dict[str, str]:
    """The parts the index on disk lists, with their keys (nothing when there is none or it cannot be read)."""
    try:
        listing = json.loads((folder / PARTS).read_text(encoding="utf-8"))["parts"]
        return {str(part["path"]): str(part["key"]) for part in listing}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _kept_files(folder: Path, prefix: str) -> list[str] | None:
    """The files of the part at `prefix` on disk, when its entry and every metadata file it names are there."""
    root = folder / prefix
    try:
        entry = json.loads((root / ENTRY).read_text(encoding="utf-8"))
        if not all((root / f"pagefind.{language['hash']}.pf_meta").is_file() for language in entry["languages"].values()):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    found = (path.relative_to(folder).as_posix() for path in sorted(root.rglob("*")) if path.is_file() and not path.name.startswith(TEMP_MARK))
    return [rel for rel in found if prefix or (not rel.startswith("part-") and rel != PARTS)]


def _part_file(rel: str) -> bool:
    """What a part after the first keeps of Pagefind's output: not the search engine and scripts, the first part's serve."""
    return rel == ENTRY or rel.endswith(".pf_meta") or rel.startswith(PART_FILES)


def _order(rel: str) -> int:
    """Staging order: chunks, then the parts' entries, then the list of parts, then the first part's entry."""
    if rel == ENTRY:
        return 3
    if rel == PARTS:
        return 2
    return 1 if rel.endswith(ENTRY) else 0


def build_index(pages: dict[str, Path]) -> dict[str, bytes]:
    """Pagefind's files for `pages` (URL relative to the site root -> the file holding its HTML), by path inside the index folder.

    Each page is read only when it is handed to Pagefind: a big dossier's
    register pages add up to tens of megabytes, never all held at once.
    """
    for _attempt in range(ATTEMPTS):
        try:
            return _lowered(lambda: asyncio.run(_index(pages)))
        except Incomplete:
            continue
        except BuildStepError:
            raise
        except Exception as exc:  # the binary is missing, failed or answered nonsense: the build step failed
            raise BuildStepError(STEP, "", f"{type(exc).__name__}: {exc}") from None
    raise BuildStepError(STEP, "", f"Pagefind wrote an incomplete index {ATTEMPTS} times")


ATTEMPTS = 3
INDEXER_NICE = 10  # the index is made beside the PDF engine: Pagefind (many threads as it writes) takes what it leaves


def _lowered(function: Callable[[], T]) -> T:
    """`function()` run in a thread of its own at a lower priority, which the Pagefind process it starts
    inherits (on Linux a thread's priority is its own), so that the PDF laid out meanwhile keeps its core."""
    outcome: list[Any] = []

    def run() -> None:
        with contextlib.suppress(OSError, AttributeError):
            me = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, me, max(os.getpriority(os.PRIO_PROCESS, me), INDEXER_NICE))
        try:
            outcome.append((True, function()))
        except BaseException as exc:  # raised again in the calling thread
            outcome.append((False, exc))

    thread = threading.Thread(target=run, name="search-index", daemon=True)  # daemon: Ctrl-C does not wait for it
    thread.start()
    thread.join()
    done, value = outcome[0]
    if not done:
        raise value
    return value  # type: ignore[no-any-return]


class _Read(Exception):
    """The index's files, read: raised to leave Pagefind's block, whose normal exit would write them again."""

    def __init__(self, files: dict[str, bytes]) -> None:
        super().__init__(len(files))
        self.files = files


class Incomplete(Exception):
    """Pagefind's index on disk lacks its entry or metadata: made again (see `_written`)."""


async def _index(pages: dict[str, Path]) -> dict[str, bytes]:
    from pagefind.index import PagefindIndex
    from pagefind.service import get_executable

    if get_executable() is None:
        raise BuildStepError(STEP, "", "the Pagefind binary is not installed (pip install 'pagefind[bin]')")
    with tempfile.TemporaryDirectory(prefix="briefing-search-") as tmp:
        # Written on leaving the block, to the temporary folder: never to the working directory.
        config = {"force_language": "en", "write_playground": False, "keep_index_url": True, "output_path": tmp}
        try:
            async with PagefindIndex(config=config) as index:  # type: ignore[arg-type]
                for url, source in pages.items():
                    await index.add_html_file(content=source.read_text(encoding="utf-8", errors="replace"), url="/" + url)
                # Written and read while the service still runs: leaving the block ends it at once, which
                # could cut off files Pagefind was still writing (see `_written`), and would write them again.
                await index.write_files()
                raise _Read(await _written(Path(tmp)))
        except _Read as read:
            return read.files


async def _written(root: Path, patience: float = 1.0) -> dict[str, bytes]:
    """The files Pagefind wrote to `root`, once its entry file is whole.

    Pagefind can answer that it wrote the index before its last file is on
    disk; its Python client ended the service right then, and on a busy
    machine the entry was found empty now and then (the service now waits).
    The files are read again until the entry parses and names metadata that
    is there; after `patience` seconds the index is `Incomplete` (made again).
    """
    waited = 0.0
    while True:
        try:
            languages = json.loads((root / ENTRY).read_bytes())["languages"].values()
            if all((root / f"pagefind.{language['hash']}.pf_meta").stat().st_size for language in languages):
                return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}
        except (OSError, KeyError, ValueError, TypeError):
            pass
        if waited >= patience:
            raise Incomplete(str(root))
        await asyncio.sleep(0.05)
        waited += 0.05
