"""Worker processes for the formats that take long to lay out (the PDF), started before the dossiers load.

A build starts them first, so the PDF engine's import (a large part of a small
brief's cost) overlaps validation and rendering instead of following it; with
--jobs N, N briefs are laid out at once. WeasyPrint is imported once per
worker, never in the main process. Workers leave signals to the main process:
Ctrl-C and SIGTERM reach the build, which ends them and removes what it staged.

Each worker has a pipe of its own, and the main process hands a task only to
an idle worker. No lock is shared: `multiprocessing.Pool` shares one between
all its workers, and a worker killed while holding it (every idle worker holds
it) made the pool's own shutdown wait forever after a SIGTERM to the process group.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections import deque
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

    with contextlib.suppress(Exception):  # the same failure comes back, as a build step, from the first task
        warm_up()


def render_in_worker(name: str, page: Page) -> bytes:
    """One format of one brief; an engine failure comes back as a BuildStepError (picklable, unlike some engines' own)."""
    try:
        return FORMATS[name].render(page)
    except Exception as exc:  # the engine failed on valid input: a build step, not the user's YAML
        raise BuildStepError(f"the {FORMATS[name].label} engine", "", f"{type(exc).__name__}: {exc}") from None


def _serve(conn: Any, inherited: list[Any]) -> None:
    """A worker's life: take a task, send back its bytes or its BuildStepError, until the main process hangs up."""
    for other in inherited:  # the main process's ends: held here, they would keep a pipe open after it died
        other.close()
    _start_worker()
    while True:
        try:
            task, name, page = conn.recv()
        except (EOFError, OSError):
            os._exit(0)  # the main process is gone or done: nothing to clean up, nothing to flush
        try:
            conn.send((task, True, render_in_worker(name, page)))
        except BuildStepError as exc:
            conn.send((task, False, exc))


class _Pending:
    """One submitted output; `.get()` waits for its bytes (or raises its BuildStepError)."""

    def __init__(self, workers: Workers, task: int) -> None:
        self.workers, self.task = workers, task

    def get(self) -> bytes:
        return self.workers.wait(self.task)


class Workers:
    """Forked worker processes that lay out one brief's slow format each, one task at a time."""

    def __init__(self, count: int) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.processes: list[Any] = []
        self.pipes: list[Any] = []
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)  # each worker starts with both blocked
        try:
            for _ in range(max(1, count)):
                mine, theirs = context.Pipe()
                process = context.Process(target=_serve, args=(theirs, [*self.pipes, mine]), daemon=True)
                process.start()
                theirs.close()
                self.processes.append(process)
                self.pipes.append(mine)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        self.idle: deque[int] = deque(range(len(self.pipes)))
        self.busy: dict[int, int] = {}  # worker -> task
        self.queue: deque[tuple[int, str, Page]] = deque()
        self.results: dict[int, tuple[bool, Any]] = {}
        self.tasks = 0

    def submit(self, name: str, page: Page) -> _Pending:
        """Start one output as soon as a worker is free; `.get()` on the result gives its bytes."""
        self.tasks += 1
        self.queue.append((self.tasks, name, page))
        self._collect(block=False)
        self._dispatch()
        return _Pending(self, self.tasks)

    def wait(self, task: int) -> bytes:
        """The bytes of `task`, collecting other results (and handing out queued tasks) while waiting."""
        while task not in self.results:
            if not self.busy:
                raise RuntimeError(f"task {task} was never handed to a worker")
            self._collect(block=True)
            self._dispatch()
        done, value = self.results.pop(task)
        if not done:
            raise value
        return value  # type: ignore[no-any-return]

    def _dispatch(self) -> None:
        while self.idle and self.queue:
            worker = self.idle.popleft()
            task = self.queue.popleft()
            try:
                self.pipes[worker].send(task)  # an idle worker is reading: this does not wait for it
            except OSError:
                code = self.processes[worker].exitcode
                raise BuildStepError("a PDF worker", "", f"it ended unexpectedly (exit status {code})") from None
            self.busy[worker] = task[0]

    def _collect(self, block: bool) -> None:
        from multiprocessing.connection import wait

        by_pipe = {self.pipes[worker]: worker for worker in self.busy}
        for pipe in wait(list(by_pipe), timeout=None if block else 0):
            worker = by_pipe[pipe]  # type: ignore[index]
            try:
                task, done, value = pipe.recv()  # type: ignore[union-attr]
            except (EOFError, OSError):
                code = self.processes[worker].exitcode
                raise BuildStepError("a PDF worker", "", f"it ended unexpectedly (exit status {code})") from None
            self.results[task] = (done, value)
            del self.busy[worker]
            self.idle.append(worker)

    def close(self) -> None:
        """Stop the workers. Every result has been collected by then (or is no longer wanted), so
        they are ended at once instead of tearing a whole PDF engine down politely."""
        for process in self.processes:
            if process.is_alive():
                process.kill()
        for process in self.processes:
            process.join()
        for pipe in self.pipes:
            pipe.close()


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
