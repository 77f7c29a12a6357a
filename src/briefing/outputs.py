"""Write briefs: plan every output in memory, then commit them all atomically.

A build stages each file as a hidden temp file beside its target and renames
them into place only when every brief rendered; a failure or an interrupt
leaves the output folder as it was. A lock file keeps two builds into the same
folder from interleaving.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.errors import Failure, Problem, Problems
from briefing.pdf import pdf_bytes
from briefing.resources import assets_dir

TEMP_MARK = ".briefing-tmp-"
LOCK_NAME = ".briefing.lock"
BRIEF_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.(md|html|pdf)$")


# --- atomic files -------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all (temp file in the same folder, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_MARK, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class Transaction:
    """Files staged now and renamed into place together by `commit`, or removed by `rollback`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staged: list[tuple[Path, Path]] = []

    def stage(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=TEMP_MARK, dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        self.staged.append((Path(tmp), path))

    def commit(self) -> list[Path]:
        done = []
        for tmp, path in self.staged:
            os.replace(tmp, path)
            done.append(path)
        self.staged = []
        return done

    def rollback(self) -> None:
        for tmp, _ in self.staged:
            with contextlib.suppress(OSError):
                tmp.unlink()
        self.staged = []


def clean_leftovers(root: Path) -> None:
    """Remove temp files an earlier, killed build left behind (they never replaced anything)."""
    if not root.is_dir():
        return
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if name.startswith(TEMP_MARK):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))


@contextlib.contextmanager
def locked(root: Path, quiet: bool = False) -> Iterator[None]:
    """Hold the output folder's lock; a second build waits for the first instead of interleaving."""
    import fcntl

    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_NAME, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not quiet:
                print(f"Waiting for another build writing to {root} ...", file=sys.stderr)
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# --- the build ------------------------------------------------------------------------------


@dataclass
class Job:
    """One brief to make: a dossier as of a day."""

    dossier: Any
    as_of: dt.date
    since: dt.date | None


def previous_brief(folder: Path, as_of: dt.date) -> dt.date | None:
    """The day of the newest brief in `folder` older than `as_of` (the default --since)."""
    days = []
    if folder.is_dir():
        for name in os.listdir(folder):
            match = BRIEF_NAME.match(name)
            if match:
                with contextlib.suppress(ValueError):
                    day = dt.date.fromisoformat(match.group(1))
                    if day < as_of:
                        days.append(day)
    return max(days) if days else None


def build(args: argparse.Namespace) -> int:
    """`build`: validate everything, render everything, then write everything."""
    from briefing.cli import load_all, report

    started = time.perf_counter()
    problems, dossiers = load_all(args)
    report(problems)
    if problems.failed(args.strict):
        return 1
    as_of = args.as_of or dt.date.today()
    if args.since is not None and args.since >= as_of:
        from briefing.errors import UsageError

        raise UsageError(f"--since {args.since} must be before --as-of {as_of}")
    out: Path = args.out
    if out.exists() and not out.is_dir():
        from briefing.errors import UsageError

        raise UsageError(f"output folder '{out}' is a file")
    say = (lambda *_: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr))
    with locked(out, args.quiet):
        clean_leftovers(out)
        jobs = [Job(d, as_of, args.since or previous_brief(out / d.id, as_of)) for d in dossiers]
        written = write_briefs(jobs, args, out, say)
    elapsed = time.perf_counter() - started
    if not args.quiet:
        for path in written:
            print(path)
        print(f"Built {len(jobs)} brief(s) as of {as_of} in {elapsed:.1f} s.", file=sys.stderr)
    return 0


def write_briefs(jobs: list[Job], args: argparse.Namespace, out: Path, say: Any) -> list[Path]:
    """Render every job, stage every file, then commit; nothing is replaced unless all succeeded."""
    from briefing import render, site
    from briefing.select import select_brief

    extra = [p for p in [getattr(args, "templates", None)] if p is not None]
    txn = Transaction(out)
    problems = Problems()
    written: list[Path] = []
    try:
        for job in jobs:
            overrides = [*extra, *([job.dossier.templates] if job.dossier.templates else [])]
            env = render.environment(overrides)
            brief = select_brief(job.dossier, job.as_of, job.since, args.max_marking)
            try:
                rendered = render.render_brief(brief, env, args.format)
            except Problem as problem:
                problems.add(problem)
                continue
            target = out / job.dossier.id / job.as_of.isoformat()
            if "md" in args.format:
                txn.stage(target.with_suffix(".md"), rendered.markdown.encode())
            if "html" in args.format:
                txn.stage(target.with_suffix(".html"), rendered.html.encode())
            if "pdf" in args.format:
                say(f"Rendering PDF of {job.dossier.id} as of {job.as_of} ...")
                asset_dirs = [*(p / "assets" for p in overrides), assets_dir()]
                pdf = pdf_bytes(rendered.html, job.as_of, asset_dirs, args.pdf_variant)
                txn.stage(target.with_suffix(".pdf"), pdf)
        if problems:
            raise Failure(problems)
        site.stage_site(out, txn, extra)
        written = txn.commit()
    except BaseException:
        txn.rollback()
        raise
    return written
