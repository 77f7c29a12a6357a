"""What the program prints for a person: problems, progress lines, and a quiet end when the reader leaves.

Problems go to standard error one per line, sorted, in the `path:line:col:
severity: message` form editors can open. A reader that closes the pipe early
(`briefing schema | head`) ends the output quietly instead of with a traceback.

Colour only where a person watches: the words `error` and `warning` of a
problem line are red and yellow when standard error is a terminal that shows
colour, never when it is a pipe or a file (the lines stay exactly what editors
and scripts parse), and never when NO_COLOR is set (https://no-color.org).
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from typing import TextIO

from briefing.foundation.errors import Problems

RED, YELLOW, BOLD, RESET = "\033[31m", "\033[33m", "\033[1m", "\033[0m"
_SEVERITY = re.compile(r"^(.*?:\d+:\d+: )(error|warning)(:)")


def colour_wanted(stream: TextIO | None = None) -> bool:
    """Whether `stream` (standard error) is a terminal that shows colour and the reader has not said NO_COLOR."""
    stream = stream if stream is not None else sys.stderr
    if os.environ.get("NO_COLOR", ""):
        return False
    if os.environ.get("TERM", "") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def paint(line: str, colour: bool) -> str:
    """A problem line with its severity word coloured (red error, yellow warning) when `colour`."""
    if not colour:
        return line
    return _SEVERITY.sub(lambda m: f"{m.group(1)}{BOLD}{RED if m.group(2) == 'error' else YELLOW}{m.group(2)}{RESET}{m.group(3)}", line, count=1)


def problem_line(line: str) -> None:
    """One problem (or a recorded warning) on standard error, its severity coloured where a person watches."""
    print(paint(line, colour_wanted()), file=sys.stderr)


def report(problems: Problems) -> None:
    """Every problem collected so far, sorted by file and position, each once."""
    colour = colour_wanted()
    for problem in problems.sorted():
        print(paint(str(problem), colour), file=sys.stderr)


class Progress:
    """One line per finished brief, `[3/12] dossier/day (1.4 s)`, on builds of several briefs.

    A build of one brief says what it does in its closing line; a long build
    shows that it moves. The lines are plain text, the same in a pipe as on a
    terminal, and none with --quiet (a `say` that prints nothing).
    """

    def __init__(self, total: int, say: Callable[[str], None]) -> None:
        self.total, self.say, self.done = total, say, 0
        self.started = time.perf_counter()

    def step(self, label: str) -> None:
        self.done += 1
        if self.total > 1:
            self.say(f"[{self.done}/{self.total}] {label} ({time.perf_counter() - self.started:.1f} s)")


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
