"""Shared fixtures: paths of the project, and the command line run in-process."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from briefing.cli import main  # noqa: E402

DEMO = ROOT / "facts"
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True, scope="session")
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compiled templates and kept charts go to a folder of the test run's own (each worker process has
    one), never to the user's: a test sees what its own code made, and leaves nothing behind."""
    os.environ["BRIEFING_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-testdata", action="store_true",
                     help="rewrite golden files from the current output (review the diff before committing)")


@pytest.fixture
def update_testdata(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-testdata"))


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `briefing ARGS` in-process from `cwd` (default: the current directory)."""

    def call(*args: str, cwd: Path | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return call


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A writable copy of the demo facts folder."""
    import shutil

    target = tmp_path / "facts"
    shutil.copytree(DEMO, target)
    return target


os.environ.setdefault("TZ", "UTC")

# Tests send Ctrl-C (SIGINT) to the programs they start. A test run started in the background by a
# non-interactive shell inherits SIGINT as ignored, and so would every program it starts, which then
# rightly ignores Ctrl-C too: give the run, and so its children, the ordinary disposition back.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
