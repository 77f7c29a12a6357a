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
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from briefing.foundation.errors import BuildStepError
from briefing.foundation.layout import SEARCH_DIR
from briefing.publish.transaction import TEMP_MARK, Transaction

STEP = "indexing the site for search"
ENTRY = "pagefind-entry.json"


def stage_index(out: Path, txn: Transaction, pages: dict[Path, Path]) -> None:
    """Index `pages` (each page's place in the site mapped to where its bytes are now) and stage the index."""
    files = build_index({path.relative_to(out).as_posix(): source for path, source in sorted(pages.items())})
    # The entry file names the others: renamed into place last, so a build killed while it commits
    # leaves the old entry (whose files go only after every rename) or the new one with all its files there.
    for rel, data in sorted(files.items(), key=lambda item: (item[0] == ENTRY, item[0])):
        target = out / SEARCH_DIR / rel
        if not target.is_file() or target.read_bytes() != data:
            txn.stage(target, data)
    # Fragments of earlier indexes are named by their hashes and no entry names them any more: they go
    # once the new index is in place, so that the folder does not grow with every build.
    folder = out / SEARCH_DIR
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.relative_to(folder).as_posix() not in files and not path.name.startswith(TEMP_MARK):
                txn.remove(path)


def build_index(pages: dict[str, Path]) -> dict[str, bytes]:
    """Pagefind's files for `pages` (URL relative to the site root -> the file holding its HTML), by path inside the index folder.

    Each page is read only when it is handed to Pagefind: a big dossier's
    register pages add up to tens of megabytes, never all held at once.
    """
    try:
        return asyncio.run(_index(pages))
    except BuildStepError:
        raise
    except Exception as exc:  # the binary is missing, failed or answered nonsense: the build step failed
        raise BuildStepError(STEP, "", f"{type(exc).__name__}: {exc}") from None


async def _index(pages: dict[str, Path]) -> dict[str, bytes]:
    from pagefind.index import PagefindIndex
    from pagefind.service import get_executable

    if get_executable() is None:
        raise BuildStepError(STEP, "", "the Pagefind binary is not installed (pip install 'pagefind[bin]')")
    with tempfile.TemporaryDirectory(prefix="briefing-search-") as tmp:
        # Written on leaving the block, to the temporary folder: never to the working directory.
        config = {"force_language": "en", "write_playground": False, "keep_index_url": True, "output_path": tmp}
        async with PagefindIndex(config=config) as index:  # type: ignore[arg-type]
            for url, source in pages.items():
                await index.add_html_file(content=source.read_text(encoding="utf-8", errors="replace"), url="/" + url)
        root = Path(tmp)
        return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}
