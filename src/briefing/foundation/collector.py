"""Python's cycle collector, handled in one place: paused while big trees of small objects are built."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cycle collector while building large trees of small objects.

    Loading and rendering create hundreds of thousands of objects and almost no
    garbage cycles; the collector would otherwise spend about half of `check`'s
    time walking them (see docs/benchmark.md). Reference counting still frees memory.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # what was built stays for the command's life: the collector need not walk it again (serve unfreezes)
        if enabled:
            gc.enable()


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Pause the collector for a block without freezing what it built (the PDF engine's work is garbage after)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def thaw() -> None:
    """Hand frozen objects back to the collector (serve, after each rebuild, so memory does not only grow)."""
    gc.unfreeze()
    gc.collect()


def release() -> None:
    """Free what the build no longer needs (its dossiers, once every brief is rendered) and hand the memory back.

    The dossiers and briefs were frozen, and their views refer to each other
    in cycles, so they are thawed and collected; glibc then returns the freed
    heap to the system (`malloc_trim`), so that a big dossier's memory is not
    still held while the PDF worker and the search indexer need theirs.
    """
    thaw()
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
