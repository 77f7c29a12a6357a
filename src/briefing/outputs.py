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

from briefing.errors import Failure, Problem, Problems, UsageError
from briefing.pdf import Workers
from briefing.resources import assets_dir

TEMP_MARK = ".briefing-tmp-"
LOCK_NAME = ".briefing.lock"
SITE_ENTRY = "_site"
SITE_PAGES = ("index.html", "feed.xml")
BRIEF_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.(md|html|pdf)$")


# --- atomic files -------------------------------------------------------------------------


def _temp_beside(path: Path, data: bytes) -> Path:
    """`data` in a hidden, fsynced temp file in `path`'s folder, ready to be renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_MARK, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all (temp file in the same folder, fsync, rename)."""
    os.replace(_temp_beside(path, data), path)


class Transaction:
    """Files staged now and renamed into place together by `commit`, or removed by `rollback`.

    Each rename is atomic, so a reader (or a kill) sees every file either old
    or new, never truncated; the renames all happen after the last brief has
    rendered, so a failure while rendering replaces nothing.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staged: list[tuple[Path, Path]] = []
        self.created: list[Path] = []  # folders this transaction made, removed again by rollback

    def stage(self, path: Path, data: bytes) -> None:
        missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
        tmp = _temp_beside(path, data)
        self.created.extend(missing)  # deepest first
        self.staged.append((tmp, path))

    def commit(self) -> list[Path]:
        done = []
        for tmp, path in self.staged:
            os.replace(tmp, path)
            done.append(path)
        for folder in dict.fromkeys(p.parent for p in done):  # make the renames survive a power cut
            with contextlib.suppress(OSError):
                fd = os.open(folder, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        self.staged = []
        self.created = []
        return done

    def rollback(self) -> None:
        for tmp, _ in self.staged:
            with contextlib.suppress(OSError):
                tmp.unlink()
        for folder in self.created:  # a failed build leaves no new empty folders behind
            with contextlib.suppress(OSError):
                folder.rmdir()
        self.staged = []
        self.created = []


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
    """Hold the output folder's lock; a second build waits for the first instead of interleaving.

    A build that made the folder and wrote nothing into it (it failed) removes
    the folder again, lock file included, so a failed build leaves no trace. A
    waiting build therefore checks, once it holds the lock, that its lock file
    is still the one in the folder, and starts over if not.
    """
    import fcntl

    created = not root.exists()
    lock = root / LOCK_NAME
    waited = False
    while True:
        root.mkdir(parents=True, exist_ok=True)
        fh = open(lock, "a+")  # noqa: SIM115 - held open until the end of the build
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not quiet and not waited:
                print(f"Waiting for another build writing to {root} ...", file=sys.stderr)
            waited = True
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            current = os.path.samestat(os.fstat(fh.fileno()), os.stat(lock))
        except FileNotFoundError:
            current = False
        if current:
            break
        fh.close()
    try:
        yield
    finally:
        try:
            if created and [p.name for p in root.iterdir()] == [LOCK_NAME]:
                lock.unlink()
                root.rmdir()
        except OSError:
            pass
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()


# --- the build ------------------------------------------------------------------------------


@dataclass
class Job:
    """One brief to make: a dossier as of a day, and what it is compared with."""

    name: str
    folder: Path
    as_of: dt.date
    since: dt.date | None
    key: str = ""
    dossier: Any = None

    @property
    def label(self) -> str:
        return f"{self.name}/{self.as_of.isoformat()}"


def previous_brief(folder: Path, as_of: dt.date, also: list[dt.date] | None = None) -> dt.date | None:
    """The newest day before `as_of` with a brief in `folder` (or among `also`): the default --since."""
    days = [d for d in (also or []) if d < as_of]
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
    """`build`: validate everything, render everything, then write everything (or nothing)."""
    from briefing import cache
    from briefing.cli import discover, report

    started = time.perf_counter()
    problems = Problems()
    folders = discover(args, problems)
    days = args.as_of or [dt.date.today()]
    if args.since is not None and args.since >= days[0]:
        raise UsageError(f"--since {args.since} must be before --as-of {days[0]}")
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise UsageError(f"output folder '{out}' is not a folder")
    say = _say(args.quiet)
    with locked(out, args.quiet):
        clean_leftovers(out)
        jobs = [Job(name, folder, day, args.since or previous_brief(out / name, day, days))
                for name, folder in folders.items() for day in days]
        record = cache.Cache(out)
        templates = template_dirs(args)
        for job in jobs:
            job.key = cache.brief_key(job.folder, templates, _options(args, job))  # the folder holds its own templates
        stale = [j for j in jobs if args.no_cache or not record.fresh(j.label, j.key)]
        if not stale and record.fresh(SITE_ENTRY, cache.site_key(args.site_url)):
            return _up_to_date(jobs, record, problems, args, report, started)
        workers = Workers(min(args.jobs, len(stale))) if stale and "pdf" in args.format else None
        try:
            written = _build_stale(stale, record, problems, args, out, say, workers)
        finally:
            if workers is not None:
                workers.close()
    if written is None:
        return 1
    if not args.quiet:
        for path in written:
            print(path)
        fresh = len(jobs) - len(stale)
        note = f" ({fresh} up to date)" if fresh else ""
        say(f"Built {len(stale)} brief(s){note} in {time.perf_counter() - started:.1f} s{_warned(len(problems.warnings))}.")
    return 0


def _warned(count: int) -> str:
    """The end of the closing line: how many warnings went before, so that a long list is not missed or mistaken for failure."""
    return f", with {count} warning{'s' if count != 1 else ''} above (--strict makes them errors)" if count else ""


def _say(quiet: bool) -> Any:
    return (lambda _msg: None) if quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))


def _options(args: argparse.Namespace, job: Job) -> dict[str, Any]:
    return {"formats": list(args.format), "as_of": job.as_of, "since": job.since, "max_marking": args.max_marking,
            "pdf_variant": args.pdf_variant, "facts": str(job.folder)}


def template_dirs(args: argparse.Namespace) -> list[Path]:
    """Template folders shared by every brief: --templates, then the defaults (a dossier's own come first per brief)."""
    from briefing.resources import templates_dir

    return [*([args.templates] if args.templates else []), templates_dir()]


def _up_to_date(jobs: list[Job], record: Any, problems: Problems, args: argparse.Namespace, report: Any, started: float) -> int:
    """Nothing changed: replay the recorded warnings and stop, without loading anything heavy."""
    report(problems)
    warnings = list(dict.fromkeys(line for job in jobs for line in record.warnings(job.label)))
    for line in warnings:
        print(line, file=sys.stderr)
    if args.strict and (warnings or problems):
        return 1
    _say(args.quiet)(f"{len(jobs)} brief(s) up to date ({time.perf_counter() - started:.2f} s){_warned(len(warnings))}.")
    return 0


def _build_stale(stale: list[Job], record: Any, problems: Problems, args: argparse.Namespace,
                 out: Path, say: Any, workers: Any) -> list[Path] | None:
    """Validate the dossiers of the stale briefs, render them, and commit everything; None when invalid."""
    from briefing.cli import load_all, report

    names = {j.name: j.folder for j in stale}
    before = len(problems.items)
    _, dossiers = load_all(args, names, problems)
    report(problems)
    if problems.failed(args.strict):
        return None
    for dossier in dossiers:  # positions matter only for messages, all given by now: free them
        dossier.where.clear()
    by_name = {d.id: d for d in dossiers}
    lines: dict[str, list[str]] = {name: [] for name in names}
    for problem in sorted(problems.items[before:], key=lambda p: p.sort_key()):
        for name, folder in names.items():
            if Path(problem.path).resolve().is_relative_to(folder.resolve()):
                lines[name].append(str(problem))
    for job in stale:
        job.dossier = by_name[job.name]
    return write_briefs(stale, args, out, say, record, {n: list(dict.fromkeys(v)) for n, v in lines.items()}, workers)


def write_briefs(jobs: list[Job], args: argparse.Namespace, out: Path, say: Any, record: Any,
                 warnings: dict[str, list[str]], workers: Any = None) -> list[Path]:
    """Render every job, stage every file, then commit together (or roll back: nothing is replaced).

    Each brief's PDF is handed to a worker as soon as its HTML exists; the rest
    of its text files, the site pages and the staging happen while it is laid
    out, so the PDF engine's time overlaps everything else.
    """
    from briefing import site

    txn = Transaction(out)
    asset_dirs = [*([args.templates / "assets"] if args.templates else []), assets_dir()]

    def start_pdf(job: Job, html: str) -> Any:
        if workers is None:  # no PDF wanted
            return None
        say(f"Rendering the PDF of {job.label} ...")
        return workers.submit(html, job.as_of, asset_dirs, args.pdf_variant)

    try:
        problems = Problems()
        pending: list[tuple[Job, dict[Path, bytes], Any]] = []
        for job in jobs:
            try:
                files, future = _render_job(job, args, txn, start_pdf)
            except Problem as problem:  # a template mistake: reported with the others once every brief was tried
                problems.add(problem)
                continue
            if future is None:
                record.record(job.label, job.key, files, warnings.get(job.name, []))
            else:
                pending.append((job, files, future))
        if problems:
            raise Failure(problems)
        # The site pages go first too: they only need to know which PDFs are coming.
        coming = tuple(out / job.name / f"{job.as_of.isoformat()}.pdf" for job, _, _ in pending)
        site.stage_site(out, txn, [p for p in [args.templates] if p is not None], args.site_url, coming)
        site_pages = [p for _, p in txn.staged if p.name in SITE_PAGES]
        for job, files, future in pending:
            try:
                files.update(_stage(txn, job, {"pdf": future.get()}))
            except Exception as exc:  # a layout failure is a failed build step, reported like bad input
                problems.add(Problem(job.folder / "dossier.yaml", 1, 1, f"the PDF of {job.label} could not be rendered: {exc}"))
                continue
            record.record(job.label, job.key, files, warnings.get(job.name, []))
        if problems:
            raise Failure(problems)
        written = txn.commit()
    except BaseException:
        txn.rollback()
        raise
    # The record goes last: killed before this, the next build just renders again.
    from briefing.cache import CACHE_NAME, site_key

    record.record_disk(SITE_ENTRY, site_key(args.site_url), site_pages)
    write_atomic(out / CACHE_NAME, record.dump())
    return [p for p in written if not p.name.startswith(".")]


def _stage(txn: Transaction, job: Job, result: dict[str, bytes]) -> dict[Path, bytes]:
    """Stage one brief's files (by extension) beside their targets; returns them by target path."""
    target = txn.root / job.name / job.as_of.isoformat()
    files = {target.with_suffix("." + ext): data for ext, data in result.items()}
    for path, data in files.items():
        txn.stage(path, data)
    return files


def _render_job(job: Job, args: argparse.Namespace, txn: Transaction, start_pdf: Any) -> tuple[dict[Path, bytes], Any]:
    """Render and stage one brief's text files; returns them by path, and its PDF's future (or None).

    The PDF is started right after the brief's HTML, before the fact register:
    for a big dossier the register is the longest text to render, and it is
    rendered while the worker lays the PDF out instead of before.
    """
    from briefing import render
    from briefing.cli import no_cyclic_gc
    from briefing.select import select_brief

    # The dossier's own templates are the most specific, then --templates, then the defaults.
    overrides = [*([job.dossier.templates] if job.dossier.templates else []), *([args.templates] if args.templates else [])]
    env = render.environment(overrides)
    with no_cyclic_gc():
        brief = select_brief(job.dossier, job.as_of, job.since, args.max_marking)
        rendered = render.render_brief(brief, env, args.format)
        future = start_pdf(job, rendered.html)
        texts: dict[str, bytes] = {}
        if "md" in args.format:
            texts["md"] = rendered.markdown.encode()
        if "html" in args.format:
            texts["html"] = rendered.html.encode()
            texts["register.html"] = render.render_register(brief, env)
    return _stage(txn, job, texts), future
