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
