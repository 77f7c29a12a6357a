"""Running the measured commands as child processes: time, CPU and peak memory of each, and the floors' commands."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import briefing

PACKAGE = Path(briefing.__file__).resolve().parent
PACKAGE_ROOT = PACKAGE.parent  # the folder holding the package: src/ of a checkout, or site-packages

# --- running children and measuring them -------------------------------------------------------


class BenchError(RuntimeError):
    """A measured command failed: the benchmark stops rather than report a number for a broken run."""


@dataclass
class Sample:
    """One run of one command: wall time, and the peak resident memory of the process tree it waited for."""

    seconds: float
    max_rss_kb: int
    cpu: float = 0.0  # user + system seconds of the process and the children it waited for
    tree_kb: int = 0  # peak of the whole process tree's memory at once (PSS, sampled every 0.1 s)


@dataclass
class Measure:
    """The repeated runs of one measurement at one size."""

    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def rss_mb(self) -> float:
        return statistics.median(s.max_rss_kb for s in self.samples) / 1024

    @property
    def tree_mb(self) -> float:
        return statistics.median(s.tree_kb for s in self.samples) / 1024


def snapshot_code(root: Path) -> Path:
    """Copy the package (and a checkout's templates) into `root`; returns the folder to put on PYTHONPATH.

    The benchmark runs for many minutes, often in a checkout others are editing.
    Every command measures this copy, so one run measures one version of the
    code (an edited template would otherwise also invalidate the rebuild cache
    halfway through). Bytecode is compiled up front so no run pays for it.
    """
    import compileall

    code = root / "code"
    shutil.rmtree(code, ignore_errors=True)  # a kept folder from an earlier run
    shutil.copytree(PACKAGE, code / "src" / PACKAGE.name, ignore=shutil.ignore_patterns("__pycache__"))
    if not (PACKAGE / "_data").is_dir():  # a checkout: resources.py finds templates/ and facts/ two levels up
        for name in ("templates", "facts"):
            if (PACKAGE_ROOT.parent / name).is_dir():
                shutil.copytree(PACKAGE_ROOT.parent / name, code / name)
    compileall.compile_dir(code / "src", quiet=1)
    return code / "src"


def code_digest(folder: Path) -> str:
    """A short hash of the measured code and templates, so that two results files can be compared."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(p for p in folder.parent.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(folder.parent)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def child_env(code: Path = PACKAGE_ROOT) -> dict[str, str]:
    """The environment of every measured command: the measured code first on the path, the scripts folder, UTC."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(code), *filter(None, [env.get("PYTHONPATH")])])
    env["PATH"] = os.pathsep.join([sysconfig.get_path("scripts"), env.get("PATH", "")])
    env.setdefault("TZ", "UTC")
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


# Started by the benchmark, this small interpreter starts the measured command and reports on it.
# Why not wait4 on the command directly: on Linux a child's peak RSS starts at its parent's RSS
# (the old memory map is accounted at exec), so every command started straight from the
# benchmark would report at least the benchmark's own size. Started from this launcher, a
# command's peak has the launcher's ~10 MB as its floor, below any Python process measured.
# A thread samples the memory of the whole process tree meanwhile (PSS, so pages that forked
# workers share are counted once), because wait4 reports the largest single process only.
LAUNCHER = """\
import os, sys, threading, time
page = os.sysconf("SC_PAGE_SIZE")
def tree(pid):
    pids = [pid]
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                for child in fh.read().split():
                    pids += tree(int(child))
    except (OSError, ValueError):
        pass
    return pids
def memory(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * page
    except (OSError, ValueError, IndexError):
        return 0
peak, done = [0], threading.Event()
def sample(pid):
    while not done.wait(0.1):
        peak[0] = max(peak[0], sum(memory(p) for p in tree(pid)))
null = os.open(os.devnull, os.O_RDWR)
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ,
                      file_actions=[(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1)])
sampler = threading.Thread(target=sample, args=(pid,), daemon=True)
sampler.start()
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - start
done.set()
sampler.join()
print(os.waitstatus_to_exitcode(status), wall, ru.ru_maxrss, ru.ru_utime + ru.ru_stime, peak[0] // 1024)
"""


def run_child(cmd: Sequence[str | Path], cwd: Path, env: dict[str, str], expect: int = 0) -> Sample:
    """Run `cmd` to completion and measure it; raises BenchError with its stderr when it fails.

    The launcher's `os.wait4` on the command gives the rusage of exactly that
    process and the descendants it waited for (Linux reports the larger of
    their peaks, so workers count one at a time, not summed), which
    `getrusage(RUSAGE_CHILDREN)` here would mix with every earlier command.
    The tree's total is sampled every 0.1 s; a command too short to sample
    reports its largest process instead (a tree holds at least that).
    """
    with tempfile.TemporaryFile() as err:
        # Its own process group, so that an interrupted benchmark can stop the command and its workers.
        proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", LAUNCHER, *(str(c) for c in cmd)], cwd=cwd, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, start_new_session=True)
        try:
            out, _ = proc.communicate()
        except BaseException:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
            raise
        fields = out.decode().split()
        if proc.returncode != 0 or len(fields) != 5 or fields[0] != str(expect):
            err.seek(0)
            tail = err.read().decode(errors="replace")[-2000:]
            code = fields[0] if len(fields) == 5 else f"launcher {proc.returncode}"
            raise BenchError(f"exit {code}: {' '.join(map(str, cmd))}\n{tail}")
    max_rss = int(fields[2])
    return Sample(float(fields[1]), max_rss, float(fields[3]), max(int(fields[4]), max_rss))


def briefing_cmd(*args: str | Path) -> list[str | Path]:
    """The real command line, as `python -m briefing` (what `build.py` and the `briefing` script run)."""
    return [sys.executable, "-m", "briefing", *args]


LOAD_FLOOR = (
    "import pathlib, sys, yaml\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*')):\n"
    "    if p.suffix in ('.yaml', '.yml') and p.is_file():\n"
    "        yaml.load(p.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader)\n"
)


# The fair floor of a PDF build: WeasyPrint on the same HTML, its libraries found the way the build finds
# them (one reading of ldconfig's cache instead of ctypes' search that links test programs with gcc).
FAIR_FLOOR = (
    "import sys\n"
    "from briefing.render.formats.pdf import _import_weasyprint\n"
    "_import_weasyprint().HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])\n"
)

# The same, tagged as the build tags its PDFs (WeasyPrint's own tagging, without the build's table-header
# scopes): next to the fair floor, what an accessible PDF costs the engine.
FAIR_FLOOR_TAGGED = FAIR_FLOOR.replace("write_pdf(sys.argv[2])", "write_pdf(sys.argv[2], pdf_tags=True)")


def weasyprint_cmd() -> str | None:
    """The console script of the installed weasyprint package (not a shim in front of it), else the one on PATH."""
    script = Path(sysconfig.get_path("scripts")) / "weasyprint"
    return str(script) if script.is_file() else shutil.which("weasyprint")
