"""Worker processes for the formats that take long to lay out (the PDF), started before the dossiers load.

A build starts them first, so the PDF engine's import (a large part of a small
brief's cost) overlaps validation and rendering instead of following it; with
--jobs N, N briefs are laid out at once. WeasyPrint is imported once per
worker, never in the main process. Workers leave signals to the main process:
Ctrl-C and SIGTERM reach the build, which ends them and removes what it staged.
"""

from __future__ import annotations

import signal
from typing import Any

from briefing.foundation.errors import BuildStepError
from briefing.render.formats import FORMATS, Page

_STOPS = {signal.SIGINT, signal.SIGTERM}


def _start_worker() -> None:
    """In each worker: no Ctrl-C traceback of its own, die quietly when ended, and import the engine now.

    The worker was forked with both signals blocked (see `Workers`), so one that arrives before this
    runs waits until the worker's own handling is in place instead of meeting the main process's.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
    from briefing.render.formats.pdf import warm_up

    warm_up()


def render_in_worker(name: str, page: Page) -> bytes:
    """One format of one brief; an engine failure comes back as a BuildStepError (picklable, unlike some engines' own)."""
    try:
        return FORMATS[name].render(page)
    except Exception as exc:  # the engine failed on valid input: a build step, not the user's YAML
        raise BuildStepError(f"the {FORMATS[name].label} engine", "", f"{type(exc).__name__}: {exc}") from None


class Workers:
    """A pool of forked worker processes that lay out one brief's slow format each."""

    def __init__(self, count: int) -> None:
        import multiprocessing

        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)  # the workers (and the pool's threads) start with it
        try:
            self.pool = multiprocessing.get_context("fork").Pool(count, initializer=_start_worker)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def submit(self, name: str, page: Page) -> Any:
        """Start one output; `.get()` on the result gives its bytes (or raises BuildStepError)."""
        return self.pool.apply_async(render_in_worker, (name, page))

    def close(self) -> None:
        """Stop the workers. Every result has been collected by then (or is no longer wanted), so
        they are ended at once instead of tearing a whole PDF engine down politely."""
        self.pool.terminate()
        self.pool.join()


class InProcess:
    """The same interface as `Workers`, rendering in this process: for tests that watch the PDF engine."""

    class _Done:
        def __init__(self, value: bytes) -> None:
            self.value = value

        def get(self) -> bytes:
            return self.value

    def __init__(self, count: int = 1) -> None:
        del count

    def submit(self, name: str, page: Page) -> Any:
        return self._Done(render_in_worker(name, page))

    def close(self) -> None:
        """Nothing runs apart from this process."""
