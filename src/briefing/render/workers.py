"""Worker processes for the slow work (the PDF's layout, the charts), started before the dossiers load.

A build starts them first, so the PDF engine's import (a large part of a small
brief's cost) overlaps validation and rendering instead of following it; with
--jobs N, N briefs are laid out at once. WeasyPrint is imported once per
worker, never in the main process. Workers leave signals to the main process:
Ctrl-C and SIGTERM reach the build, which ends them and removes what it staged.

The charts have a worker of their own, started at a lower priority on the
chance that a brief will have one: it imports the plotting library while the
dossiers load, and is stopped as soon as they show that no brief needs it.

Each worker has a pipe of its own, and the main process hands a task only to
an idle worker. No lock is shared: `multiprocessing.Pool` shares one between
all its workers, and a worker killed while holding it (every idle worker holds
it) made the pool's own shutdown wait forever after a SIGTERM to the process group.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from briefing.foundation.errors import BuildStepError
from briefing.render.formats import FORMATS, Page

if TYPE_CHECKING:
    from briefing.render.charts import Series

_STOPS = {signal.SIGINT, signal.SIGTERM}


def _start_worker(warm: Callable[[], None], nice: int) -> None:
    """In each worker: no Ctrl-C traceback of its own, die quietly when ended, and import the engine now.

    The worker was forked with both signals blocked (see `Workers`), so one that arrives before this
    runs waits until the worker's own handling is in place instead of meeting the main process's.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
    if nice:
        os.nice(nice)
    with contextlib.suppress(Exception):  # the same failure comes back, as a build step, from the first task
        warm()


def warm_pdf() -> None:
    from briefing.render.formats.pdf import warm_up

    warm_up()


def warm_charts() -> None:
    from briefing.render.charts import warm_up

    warm_up()


def render_in_worker(name: str, page: Page) -> bytes:
    """One format of one brief; an engine failure comes back as a BuildStepError (picklable, unlike some engines' own)."""
    try:
        return FORMATS[name].render(page)
    except Exception as exc:  # the engine failed on valid input: a build step, not the user's YAML
        raise BuildStepError(f"the {FORMATS[name].label} engine", "", f"{type(exc).__name__}: {exc}") from None


def draw_in_worker(requests: list[tuple[Series, str]]) -> list[str]:
    """One brief's charts, as inline SVG in the order asked; a plotting failure comes back as a BuildStepError."""
    from briefing.render.charts import chart_svg

    try:
        return [chart_svg(series, chart_id) for series, chart_id in requests]
    except Exception as exc:  # the plotting library failed on valid data: a build step, not the user's YAML
        raise BuildStepError("the chart engine", "", f"{type(exc).__name__}: {exc}") from None


BEHIND = 5  # the main process's priority once every PDF is handed out


def step_back() -> None:
    """Lower this process's priority once the last PDF is handed to a worker.

    What is left here (the fact register, the site pages, the search index,
    whose indexer inherits the priority) only has to be done by the time the
    PDFs are; on a machine with few cores it must not take the PDF engine's
    time. A priority cannot be raised again, so this happens once per process
    (`serve` keeps it, and forks its later workers at it). Where priorities
    cannot be set, nothing changes.
    """
    try:
        if os.getpriority(os.PRIO_PROCESS, 0) < BEHIND:
            os.setpriority(os.PRIO_PROCESS, 0, BEHIND)
    except (OSError, AttributeError):
        pass


def _serve(conn: Any, inherited: list[Any], warm: Callable[[], None], nice: int) -> None:
    """A worker's life: take a task, send back its result or its BuildStepError, until the main process hangs up."""
    for other in inherited:  # the main process's ends: held here, they would keep a pipe open after it died
        other.close()
    _start_worker(warm, nice)
    while True:
        try:
            task, function, args = conn.recv()
        except (EOFError, OSError):
            os._exit(0)  # the main process is gone or done: nothing to clean up, nothing to flush
        try:
            conn.send((task, True, function(*args)))
        except BuildStepError as exc:
            conn.send((task, False, exc))


class _Pending:
    """One submitted output; `.get()` waits for its bytes (or raises its BuildStepError)."""

    def __init__(self, workers: Workers, task: int) -> None:
        self.workers, self.task = workers, task

    def get(self) -> Any:
        return self.workers.wait(self.task)


class Workers:
    """Forked worker processes that lay out one brief's slow format each, one task at a time.

    `warm` runs first in each worker (the engine's import); `nice` lowers the
    workers' priority, for work started on the chance that it will be needed.
    """

    def __init__(self, count: int, warm: Callable[[], None] = warm_pdf, nice: int = 0, name: str = "PDF") -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.processes: list[Any] = []
        self.pipes: list[Any] = []
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)  # each worker starts with both blocked
        try:
            for _ in range(max(1, count)):
                mine, theirs = context.Pipe()
                process = context.Process(target=_serve, args=(theirs, [*self.pipes, mine], warm, nice), daemon=True)
                process.start()
                theirs.close()
                self.processes.append(process)
                self.pipes.append(mine)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        self.idle: deque[int] = deque(range(len(self.pipes)))
        self.busy: dict[int, int] = {}  # worker -> task
        self.queue: deque[tuple[int, Callable[..., Any], tuple[Any, ...]]] = deque()
        self.results: dict[int, tuple[bool, Any]] = {}
        self.tasks = 0
        self.name = name  # for messages: "a PDF worker ended unexpectedly"

    def submit(self, name: str, page: Page) -> _Pending:
        """Start one output as soon as a worker is free; `.get()` on the result gives its bytes."""
        return self.call(render_in_worker, name, page)

    def draw(self, requests: list[tuple[Series, str]]) -> _Pending:
        """Start drawing one brief's charts; `.get()` gives their SVG in the order asked."""
        return self.call(draw_in_worker, requests)

    def call(self, function: Callable[..., Any], *args: Any) -> _Pending:
        """Run `function(*args)` (a module-level function: it travels by name) as soon as a worker is free."""
        self.tasks += 1
        self.queue.append((self.tasks, function, args))
        self._collect(block=False)
        self._dispatch()
        return _Pending(self, self.tasks)

    def wait(self, task: int) -> Any:
        """The result of `task`, collecting other results (and handing out queued tasks) while waiting."""
        while task not in self.results:
            if not self.busy:
                raise RuntimeError(f"task {task} was never handed to a worker")
            self._collect(block=True)
            self._dispatch()
        done, value = self.results.pop(task)
        if not done:
            raise value
        return value

    def _dispatch(self) -> None:
        while self.idle and self.queue:
            worker = self.idle.popleft()
            task = self.queue.popleft()
            try:
                self.pipes[worker].send(task)  # an idle worker is reading: this does not wait for it
            except OSError:
                code = self.processes[worker].exitcode
                raise BuildStepError(f"a {self.name} worker", "", f"it ended unexpectedly (exit status {code})") from None
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
                raise BuildStepError(f"a {self.name} worker", "", f"it ended unexpectedly (exit status {code})") from None
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


def in_child(function: Callable[..., Any], *args: Any, receive: Callable[[Any], None]) -> Any:
    """`function(send, *args)` run in a forked child process, which exits when it returns; its return value.

    What the child `send`s on the way reaches `receive` here at once (a page to
    lay out, while the child goes on). All the memory the child took goes back
    to the system when it exits, which memory freed inside a long-lived process
    seldom does: the allocator keeps every arena that one surviving object pins.
    The child's exception is raised here (as a RuntimeError when it cannot be
    pickled); a child that dies is a BuildStepError. Ended early (an exception
    here, Ctrl-C, SIGTERM), this process gives the child a moment to stop on
    its own (a signal to the process group reached it too), then asks it to,
    so that it can remove what it staged.
    """
    import multiprocessing

    context = multiprocessing.get_context("fork")
    mine, theirs = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(theirs, mine, function, args))
    process.start()
    theirs.close()
    try:
        while True:
            try:
                kind, value = mine.recv()
            except (EOFError, OSError):
                process.join()
                raise BuildStepError("rendering", "", f"its process ended unexpectedly (exit status {process.exitcode})") from None
            if kind == "send":
                receive(value)
            elif kind == "done":
                return value
            else:
                raise value
    finally:
        process.join(2)  # done, it exits at once; a signal to the process group reached it too: it stops itself
        if process.is_alive():
            with contextlib.suppress(OSError):
                os.kill(process.pid, signal.SIGTERM)
            process.join(10)
            if process.is_alive():
                process.kill()
        process.join()
        mine.close()


def _child(conn: Any, other: Any, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """The forked side of `in_child`: run, send the result or the exception, and leave without cleanup."""
    import pickle

    other.close()
    code = 0
    try:
        conn.send(("done", function(lambda value: conn.send(("send", value)), *args)))
    except BaseException as exc:  # every failure goes to the parent, which raises it there
        code = 1
        with contextlib.suppress(OSError):
            try:
                conn.send(("error", pickle.loads(pickle.dumps(exc))))
            except Exception:
                conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


class InProcess:
    """The same interface as `Workers`, rendering in this process: for tests that watch the PDF engine."""

    class _Done:
        def __init__(self, value: Any) -> None:
            self.value = value

        def get(self) -> Any:
            return self.value

    def __init__(self, count: int = 1, **_how: Any) -> None:
        del count

    def submit(self, name: str, page: Page) -> Any:
        return self._Done(render_in_worker(name, page))

    def draw(self, requests: list[tuple[Series, str]]) -> Any:
        return self._Done(draw_in_worker(requests))

    def close(self) -> None:
        """Nothing runs apart from this process."""


class Pools:
    """A build's workers: the slow formats' and the charts'. Either may be absent (not wanted, or stopped).

    The chart worker is started with the others when charts will probably be
    drawn (a first build), or only once a brief asks for a chart that was not
    kept from an earlier run (`lazy_charts`): most days no chart changes, and
    then no plotting library is loaded at all.
    """

    def __init__(self, formats: Any = None, charts: Any = None, lazy_charts: bool = False) -> None:
        self.formats, self.charts = formats, charts
        self.may_chart = charts is not None or lazy_charts

    def chart_worker(self) -> Any:
        """The chart worker, started now if it was left for when a chart is needed; None once stopped."""
        if self.charts is None and self.may_chart:
            self.charts = Workers(1, warm=warm_charts, name="chart")
        return self.charts

    def stop_charts(self) -> None:
        """No brief will draw a chart: give the chart worker's CPU and memory back now."""
        self.may_chart = False
        if self.charts is not None:
            self.charts.close()
            self.charts = None

    def close(self) -> None:
        for pool in (self.formats, self.charts):
            if pool is not None:
                pool.close()
