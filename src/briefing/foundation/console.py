"""What the program prints for a person: problems, progress lines, and a quiet end when the reader leaves.

Problems go to standard error one per line, sorted, in the `path:line:col:
severity: message` form editors can open. A reader that closes the pipe early
(`briefing schema | head`) ends the output quietly instead of with a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from briefing.foundation.errors import Problems


def report(problems: Problems) -> None:
    """Every problem collected so far, sorted by file and position, each once."""
    for problem in problems.sorted():
        print(problem, file=sys.stderr)


def sayer(quiet: bool) -> Callable[[str], None]:
    """A function that prints a progress line to standard error, or nothing with --quiet."""
    if quiet:
        return lambda _msg: None
    return lambda msg: print(msg, file=sys.stderr, flush=True)


def stdout_closed() -> None:
    """Standard output's reader went away (`| head`): point stdout at /dev/null so the exit flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def emit(text: str, target: os.PathLike[str] | str | None = None) -> None:
    """A command's result: to standard output, or written whole to `target` (a temp file renamed into place)."""
    if target is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = os.fspath(target)
    folder = os.path.dirname(path) or "."
    temp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(temp, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise
