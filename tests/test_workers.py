"""The PDF workers: results come back in any order, a dead worker is a build step, and stopping never waits forever."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from briefing.foundation.errors import BuildStepError
from briefing.render.workers import Workers

CHILD_ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}


def echo(name: str, markdown: str) -> bytes:
    """Stands in for a PDF engine: answers with what it was given (module-level: tasks travel by name)."""
    if markdown == "fail":
        raise BuildStepError("the PDF engine", "", "failed on purpose")
    return f"{name}:{markdown}".encode()


def no_engine() -> None:
    """Nothing to import before the first task."""


def test_more_tasks_than_workers_all_come_back_in_any_order() -> None:
    pool = Workers(2, warm=no_engine)
    try:
        pending = [pool.call(echo, "pdf", str(n)) for n in range(7)]
        assert [p.get() for p in reversed(pending)] == [f"pdf:{n}".encode() for n in reversed(range(7))]
    finally:
        pool.close()


def test_an_engine_failure_comes_back_as_its_build_step() -> None:
    pool = Workers(1, warm=no_engine)
    try:
        failing, fine = pool.call(echo, "pdf", "fail"), pool.call(echo, "pdf", "ok")
        with pytest.raises(BuildStepError, match="failed on purpose"):
            failing.get()
        assert fine.get() == b"pdf:ok"
    finally:
        pool.close()


def test_a_worker_that_dies_is_a_failed_step_not_a_hang() -> None:
    pool = Workers(1, warm=no_engine, name="chart")
    try:
        os.kill(pool.processes[0].pid, signal.SIGKILL)
        pool.processes[0].join()
        with pytest.raises(BuildStepError, match="ended unexpectedly") as failed:
            pool.call(echo, "pdf", "ok").get()
        assert failed.value.step == "a chart worker"
    finally:
        pool.close()


def test_stopping_after_idle_workers_were_killed_returns_at_once() -> None:
    """A SIGTERM to the process group kills idle workers first. `multiprocessing.Pool` then waited forever
    in its own shutdown for a lock the dead worker held; run in a child so that a hang fails, not blocks."""
    code = textwrap.dedent("""
        import os, signal, time
        from briefing.render.workers import Workers
        pool = Workers(2)
        time.sleep(0.5)  # both idle, each waiting for a task
        for process in pool.processes:
            os.kill(process.pid, signal.SIGKILL)
        time.sleep(0.2)
        pool.close()
        print("closed")
    """)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=CHILD_ENV)
    assert result.stdout.strip() == "closed", result.stderr
    assert time.monotonic() - started < 30


def test_workers_end_when_the_main_process_is_killed() -> None:
    """Killed outright (no `finally` runs), the main process leaves no worker waiting forever for a task."""
    code = textwrap.dedent("""
        import os, sys, time
        from briefing.render.workers import Workers
        pool = Workers(2)
        print(" ".join(str(p.pid) for p in pool.processes), flush=True)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=CHILD_ENV)
    try:
        pids = [int(pid) for pid in parent.stdout.readline().split()]  # type: ignore[union-attr]
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in pids), "a worker outlived the build"
    finally:
        parent.kill()


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for a parent that no longer exists to reap it."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_charts_drawn_in_their_worker_are_the_bytes_drawn_here() -> None:
    from briefing.render import charts, workers

    series = charts.Series("Troops", "soldiers", (charts.Point(dt.date(2024, 10, 15), 2000.0, "C3", superseded=True),
                                                  charts.Point(dt.date(2025, 7, 2), 11000.0, "F3")))
    pool = Workers(1, warm=workers.warm_charts, nice=5)
    try:
        assert pool.draw([(series, "chart-a"), (series, "chart-b")]).get() == [
            charts.chart_svg(series, "chart-a"), charts.chart_svg(series, "chart-b")]
    finally:
        pool.close()


STEP_BACK = ("import os; from briefing.render.workers import step_back; before = os.getpriority(os.PRIO_PROCESS, 0); "
             "step_back(); step_back(); print(before, os.getpriority(os.PRIO_PROCESS, 0))")


@pytest.mark.parametrize("start", [0, 12])
def test_the_main_process_steps_back_once_and_never_raises_its_priority(start: int) -> None:
    """Once every PDF is handed out the main process yields the cores to the PDF engine, once, never above where it was."""
    from briefing.render.workers import BEHIND

    done = subprocess.run(["nice", "-n", str(start), sys.executable, "-c", STEP_BACK], capture_output=True, text=True, check=True)
    before, after = map(int, done.stdout.split())
    assert after == max(before, BEHIND)


def test_a_build_steps_back_once_its_last_pdf_is_handed_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            run: Any) -> None:
    from briefing.render import workers

    calls: list[int] = []
    monkeypatch.setattr(workers, "step_back", lambda: calls.append(1))
    assert run("build", "--as-of", "2026-11-21", "--out", str(tmp_path / "text"), "--format", "md,html", "-q").code == 0
    assert calls == []  # no PDF: nothing to yield to
    assert run("build", "--as-of", "2026-11-21,2026-11-22", "--out", str(tmp_path / "all"), "-q").code == 0
    assert calls == [1]  # after the last of the two PDFs is handed out, not before
