"""Random damage to the demo dossier: `check` answers with exit 0 or 1 and message lines, never a traceback or a hang.

150 examples (the default) take 1.9 s on the development machine, 4 s under load
(13-27 ms a `check`): well under the 30 s budget. A longer hunt, e.g.
BRIEFING_FUZZ_EXAMPLES=3000 (about 80 s), found nothing more.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.cli import main
from conftest import DEMO

EXAMPLES = int(os.environ.get("BRIEFING_FUZZ_EXAMPLES", "150"))  # raise it for a longer hunt
SECONDS_PER_CHECK = 10  # a hang, not a slow run: a check of the demo takes milliseconds
DOSSIER = "north-korea-russia"
FILES = sorted(p.name for p in (DEMO / DOSSIER).glob("*.yaml"))
LINE = re.compile(r"^[^:]+:\d+:\d+: (error|warning): .+$")
ODD = [
    "no", "yes", "~", "''", '""', "[]", "{}", "[[[[", "]]", "{a: [1, {b: 2}]}", "2024-13-45", "2024-02-30", "0000", "1e400",
    ".nan", "-.inf", "0x1F", "0o17", "1_000", "11,000", "&anchor x", "*alias", "!!python/object:os.system {}",
    "!!python/name:os.system", "!!bool maybe", "!!int ''", "!!float .", "!!null x", "!!timestamp x", "!!str",
    "!foo bar", "!e!x y", "!!binary aGk=", "!!set {a}", "<<: {a: 1}", "@x", "`x`", "%x",
    "'unclosed", '"unclosed', '"\\q"', '"\\U0001"', "- x", "? [a]", "a: b: c", "---", "...", "%YAML 1.1", "|", ">-",
    "2024-10/2023", "2024-10/", "/", "javascript:alert(1)", "file:///etc/passwd", "TLP:WHITE", "G", "7", "-1", "2.5",
    "null", "1" + "0" * 400, "\x07", "\x00", "\u2028", "\ufeff", "é" * 3, "x" * 5000, "#", "# comment", "\t", ": ", "-", "", " ",
]


def apply(lines: list[bytes], op: tuple) -> list[bytes]:  # type: ignore[type-arg]
    """One mutation of the file's lines; positions wrap around so that every drawn number is usable."""
    if not lines:
        return [b"x"]
    kind, a, b, extra = op
    i, j = a % len(lines), b % len(lines)
    out = list(lines)
    line = out[i]
    if kind == "delete":
        del out[i]
    elif kind == "duplicate":
        out.insert(i, line)
    elif kind == "swap":
        out[i], out[j] = out[j], out[i]
    elif kind == "indent":
        delta = b % 7 - 3
        out[i] = b" " * delta + line if delta > 0 else line[min(-delta, len(line) - len(line.lstrip(b" "))):]
    elif kind == "scalar":
        head, sep, _ = line.partition(b": ")
        if not sep:
            head, sep, _ = line.partition(b"- ")
        out[i] = head + (sep or b" ") + extra
    elif kind == "tab":
        pos = b % (len(line) + 1)
        out[i] = line[:pos] + b"\t" + line[pos:]
    elif kind == "bytes":
        pos = b % (len(line) + 1)
        out[i] = line[:pos] + extra + line[pos:]
    elif kind == "truncate":
        return [*lines[:i], line[: b % (len(line) + 1)]]
    return out


ops = st.tuples(
    st.sampled_from(["delete", "duplicate", "swap", "indent", "scalar", "tab", "bytes", "truncate"]),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
    st.one_of(st.sampled_from(ODD).map(str.encode), st.binary(min_size=1, max_size=6)),
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    facts = tmp_path_factory.mktemp("fuzz") / "facts"
    shutil.copytree(DEMO, facts)
    return facts


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def hang(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"check ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(FILES), mutations=st.lists(ops, min_size=1, max_size=5))
def test_damaged_dossier_gives_messages_not_tracebacks(workspace: Path, name: str, mutations: list[tuple]) -> None:  # type: ignore[type-arg]
    path = workspace / DOSSIER / name
    original = (DEMO / DOSSIER / name).read_bytes()
    lines = original.split(b"\n")
    for op in mutations:
        lines = apply(lines, op)
    path.write_bytes(b"\n".join(lines))
    out, err = io.StringIO(), io.StringIO()
    try:
        with time_limit(SECONDS_PER_CHECK), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["check", "--facts", str(workspace)])
    finally:
        path.write_bytes(original)
    assert code in (0, 1), err.getvalue()
    bad = [line for line in err.getvalue().splitlines() if not LINE.match(line)]
    assert bad == [], "every line on stderr is path:line:col: severity: message"


def test_the_undamaged_copy_passes(workspace: Path) -> None:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        assert main(["check", "--facts", str(workspace)]) == 0
    assert ": error: " not in err.getvalue()
