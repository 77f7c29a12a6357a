"""`python benchmarks/bench.py`: how fast and how big the real command line is, next to its floors.

A number on its own says little: "a build takes 2 s" is good or bad only next
to what the work underneath costs. So every measurement here is paired with a
floor that the program cannot beat, run on the same input on the same machine
in the same run:

- `check` against a bare libyaml load of the same files (the parse we cannot avoid),
- a full build against the bare `weasyprint` command on the same final HTML
  (the typesetting we cannot avoid), in time and in peak memory,
- a rebuild with nothing changed against the full build it repeats,
- several briefs with `--jobs 2` against building them one command at a time.

Every measurement runs the real command line as a child process, so interpreter
start-up and imports count as they do for a user; each is repeated (`--repeat`)
and the median is reported, with the child's own peak memory read from
`os.wait4` (exact per process: the child and the children it waited for).

Inputs are synthetic dossiers generated with a fixed seed (several fact files,
graded sources, figures with some disagreements, supersessions, judgments,
partial dates, an archive with quotes) plus a copy of the bundled demo dossier,
all written to a temporary folder. Results go to a Markdown file (default
docs/benchmark-results.md) and to standard output. See docs/benchmark.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # a checkout's package, first
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the benchmark's own modules

from cases import JOBS_MAX_DEFAULT, Case, Options, measure_case
from dossiers import generate_dossier
from measuring import BenchError, child_env, code_digest, snapshot_code
from reporting import checkout_commit, report
from shape_cases import measure_shapes

__all__ = ["generate_dossier", "main"]

DEFAULT_SIZES: tuple[str, ...] = ("demo", "30", "300", "3000", "10000")
QUICK_SIZES: tuple[str, ...] = ("demo", "30", "300")
DEFAULT_OUT = Path("docs/benchmark-results.md")

# --- command line -------------------------------------------------------------------------------------


def _sizes(text: str) -> list[str]:
    parts = [p.strip().lower() for p in text.split(",") if p.strip()]
    for p in parts:
        if p != "demo" and not (p.isdigit() and int(p) >= 1):
            raise argparse.ArgumentTypeError(f"'{p}' is not a size: use numbers of facts and 'demo', e.g. demo,30,300")
    return parts


def parse(argv: list[str] | None = None) -> Options:
    p = argparse.ArgumentParser(prog="python benchmarks/bench.py", description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--sizes", type=_sizes, help=f"comma-separated: numbers of facts and 'demo' (default: {','.join(DEFAULT_SIZES)})")
    p.add_argument("--repeat", type=int, help="runs per measurement; the median is reported (default: 3)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"Markdown file to write (default: {DEFAULT_OUT})")
    p.add_argument("--quick", action="store_true", help=f"sizes {','.join(QUICK_SIZES)} and one run each, unless given")
    p.add_argument("--no-pdf", action="store_true", help="skip everything that makes a PDF (fast; for tests)")
    p.add_argument("--jobs-max", type=int, default=JOBS_MAX_DEFAULT,
                   help=f"compare --jobs 2 only for dossiers up to this many facts (default: {JOBS_MAX_DEFAULT})")
    p.add_argument("--keep", type=Path, help="keep the generated dossiers and outputs in this folder")
    p.add_argument("--shapes", action=argparse.BooleanOptionalAction, default=None,
                   help="measure the held-out shapes too (default: only when neither --sizes nor --quick is given)")
    args = p.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        p.error("--repeat must be 1 or more")
    sizes = args.sizes or list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    repeat = args.repeat or (1 if args.quick else 3)
    shapes = args.shapes if args.shapes is not None else not (args.sizes or args.quick)
    return Options(sizes, repeat, args.out, not args.no_pdf, args.jobs_max, args.keep, shapes)


@contextlib.contextmanager
def _workdir(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
    else:
        with tempfile.TemporaryDirectory(prefix="briefing-bench-") as tmp:
            yield Path(tmp)


def _terminate(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt  # so that the running child is stopped and the temporary folder removed


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 when it wrote its report, 1 when a measured command failed, 130 when interrupted."""
    opts = parse(argv)

    def say(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    load_start = os.getloadavg()[0]
    cases: list[Case] = []
    previous = signal.signal(signal.SIGTERM, _terminate) if threading.current_thread() is threading.main_thread() else None
    try:
        with _workdir(opts.keep) as root:
            commit = checkout_commit()
            code = snapshot_code(root)
            digest = code_digest(code)
            env = {**child_env(code), "BRIEFING_CACHE_DIR": str(root / "cache")}  # the benchmark's own: a first round starts empty
            for label in opts.sizes:
                cases.append(measure_case(label, root, opts, env, say))
            shapes = measure_shapes(root, opts.repeat, env, say) if opts.shapes else []
    except BenchError as exc:
        print(f"bench: a measured command failed, no results written:\n{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted, no results written", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    text = report(cases, opts, started, time.perf_counter() - t0, (load_start, os.getloadavg()[0]), digest, shapes, commit)
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(text, encoding="utf-8")
    print(text)
    say(f"Written to {opts.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
