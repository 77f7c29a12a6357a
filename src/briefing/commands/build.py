"""`build`: validate everything, render everything, then write everything (or nothing).

Two phases. First the dossiers are loaded and validated and every brief is
rendered in memory (the PDFs in worker processes, started first so that the
PDF engine's import overlaps the rest). Only when all of that succeeded are the
files renamed into place together; otherwise the output folder stays as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from pathlib import Path
from typing import Any

from briefing.dossier.workspace import discover, load_all
from briefing.foundation.console import Progress, problem_line, report, sayer
from briefing.foundation.errors import BuildStepError, Problems, UsageError
from briefing.foundation.layout import CACHE_NAME, SEARCH_DIR, SITE_ENTRY, SITE_PAGES, brief_file
from briefing.foundation.options import Options
from briefing.foundation.resources import templates_dir
from briefing.publish import briefs, cache
from briefing.publish.briefs import Job, Rendered, render_all, stage_files
from briefing.publish.transaction import BRIEF_NAME, Transaction, clean_leftovers, locked, write_atomic
from briefing.render.formats import FORMATS

# The chart worker starts before anyone knows whether a brief has a chart; at this
# priority its import takes only the CPU the build's own work leaves idle.
CHART_WORKER_NICE = 10


def previous_brief(folder: Path, as_of: dt.date, also: list[dt.date] | tuple[dt.date, ...] | None = None) -> dt.date | None:
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


def run(options: Options, commands: tuple[str, ...] = ()) -> int:
    """Build the briefs `options` name; exit 0 done, 1 invalid facts or a failed step."""
    started = time.perf_counter()
    problems = Problems()
    folders = discover(options, problems, commands)
    days = list(options.days)
    if options.since is not None and options.since >= days[0]:
        raise UsageError(f"--since {options.since} must be before --as-of {days[0]}")
    out = options.out
    if out.is_symlink() and not out.exists():
        raise UsageError(f"output folder '{out}' is a link to '{os.readlink(out)}', which does not exist")
    if out.exists() and not out.is_dir():
        raise UsageError(f"output folder '{out}' is not a folder")
    say = sayer(options.quiet)
    with _output_errors(out), locked(out, options.quiet):
        clean_leftovers(out)
        jobs = [Job(name, folder, day, options.since or previous_brief(out / name, day, days))
                for name, folder in folders.items() for day in days]
        record = cache.Cache(out)
        # Nothing recorded (a first build, or --no-cache): every brief will be made, so the workers start now
        # and their engines load while the keys are computed, not after (a tenth of a small brief's time).
        workers = _workers(options, len(jobs)) if options.no_cache or not record.entries else None
        try:
            templates = template_dirs(options)
            for job in jobs:
                job.key = cache.brief_key(job.folder, templates, _cache_options(options, job))  # the folder holds its own templates
            stale = [j for j in jobs if options.no_cache or not record.fresh(j.label, j.key, j.folder)]
            if not stale and record.fresh(SITE_ENTRY, cache.site_key(options.site_url)):
                return _up_to_date(jobs, record, problems, options, started)
            if workers is None and stale:
                workers = _workers(options, len(stale))
            written = _build_stale(stale, record, problems, options, say, workers)
        finally:
            if workers is not None:
                workers.close()
    if written is None:
        return 1
    if not options.quiet:
        index = out / SEARCH_DIR
        for path in written:
            if not path.is_relative_to(index):
                print(path)
        if any(path.is_relative_to(index) for path in written):
            print(f"{index}{os.sep}")  # the search index, as one: its files are named by their hashes
        fresh = len(jobs) - len(stale)
        note = f" ({fresh} up to date)" if fresh else ""
        say(f"Built {len(stale)} brief(s){note} in {time.perf_counter() - started:.1f} s{_warned(len(problems.warnings))}.")
    return 0


@contextlib.contextmanager
def _output_errors(out: Path) -> Any:
    """The output folder cannot be written (read-only, a dangling link, a full disk): one line, exit 1."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or out
        raise BuildStepError("writing the output", str(where), exc.strerror or str(exc)) from exc


def _workers(options: Options, count: int) -> Any:
    """Worker processes (render.workers.Pools): for the formats laid out in workers (the PDF), and for the
    charts of an HTML page, started now so that their engines load while the dossiers do."""
    from briefing.render import workers

    formats = None
    if any(FORMATS[name].in_worker for name in options.formats):
        formats = workers.Workers(min(options.jobs, count))
    if not any(name in ("html", "pdf") for name in options.formats):
        return workers.Pools(formats)
    kept = None if options.no_cache else cache.kept_charts()
    if kept is not None and any(kept.glob("*.svg")):  # charts were drawn here before: most will be kept ones
        return workers.Pools(formats, lazy_charts=True)
    return workers.Pools(formats, workers.Workers(1, warm=workers.warm_charts, nice=CHART_WORKER_NICE, name="chart"))


def _warned(count: int) -> str:
    """The end of the closing line: how many warnings went before, so that a long list is not missed or mistaken for failure."""
    return f", with {count} warning{'s' if count != 1 else ''} above (--strict makes them errors)" if count else ""


def _cache_options(options: Options, job: Job) -> dict[str, Any]:
    return {"formats": list(options.formats), "as_of": job.as_of, "since": job.since, "max_marking": options.max_marking,
            "pdf_variant": options.pdf_variant, "facts": str(job.folder)}


def template_dirs(options: Options) -> list[Path]:
    """Template folders shared by every brief: --templates, then the defaults (a dossier's own come first per brief)."""
    return [*([options.templates] if options.templates else []), templates_dir()]


def _up_to_date(jobs: list[Job], record: cache.Cache, problems: Problems, options: Options, started: float) -> int:
    """Nothing changed: replay the recorded warnings and stop, without loading anything heavy."""
    withheld = {job.name: job.folder for job in jobs if record.withheld(job.label)}
    if withheld:  # their warnings were not stored past a releasable cut: found again, as `check` would
        load_all(withheld, problems, cache=not options.no_cache)
    report(problems)
    warnings = list(dict.fromkeys(line for job in jobs for line in record.warnings(job.label)))
    for line in warnings:
        problem_line(line)
    if options.strict and (warnings or problems):
        return 1
    count = len(warnings) + len(problems.warnings)
    sayer(options.quiet)(f"{len(jobs)} brief(s) up to date ({time.perf_counter() - started:.2f} s){_warned(count)}.")
    return 0


def _build_stale(stale: list[Job], record: cache.Cache, problems: Problems, options: Options,
                 say: Any, workers: Any) -> list[Path] | None:
    """Validate the dossiers of the stale briefs, render them, and commit everything; None when invalid."""
    if workers is not None and workers.formats is not None and briefs.yaml_bytes(stale) > briefs.APART_BYTES:
        return _build_apart(stale, record, problems, options, say, workers)
    loaded = briefs.load_jobs(stale, options, problems)
    if loaded is None:
        return None
    lines, charts = loaded
    if workers is not None and not charts:
        workers.stop_charts()
    return write_briefs(stale, options, say, record, lines, workers)


def write_briefs(jobs: list[Job], options: Options, say: Any, record: cache.Cache,
                 warnings: dict[str, list[str]], workers: Any = None, apart: Any = None) -> list[Path]:
    """Render every job, stage every file, then commit together (or roll back: nothing is replaced).

    Each brief's PDF is handed to a worker as soon as its HTML exists; the rest
    of its text files, the site pages and the staging happen while it is laid
    out, so the PDF engine's time overlaps everything else, the search index
    included (made in parts of bounded size: publish/search.py). `apart`, when
    given, renders in a child process instead (`_build_apart`) and hands its
    staged files to this transaction.
    """
    from briefing.publish import site

    out = options.out
    txn = Transaction(out)
    progress = Progress(len(jobs), say)
    try:
        rendered = render_all(jobs, options, say, txn, workers) if apart is None else apart(txn)
        for job, files in rendered.finished:
            _record(record, job, files, warnings, options)
            progress.step(job.label)
        # The site pages go first too: they only need to know which files are coming.
        coming = tuple(_target(out, job, name) for job, _, futures in rendered.pending for name, _ in futures)
        site.stage_site(out, txn, [p for p in [options.templates] if p is not None], options.site_url, coming)
        site_pages = [p for _, p in txn.staged if p.name in SITE_PAGES]
        for job, files, futures in rendered.pending:
            for name, future in futures:
                try:
                    files.update(stage_files(txn, job, {FORMATS[name].extension: future.get()}))
                except BuildStepError as exc:
                    raise BuildStepError(exc.step, f"the {FORMATS[name].label} of {job.label}", exc.message) from None
            _record(record, job, files, warnings, options)
            progress.step(job.label)
        written = txn.commit()
    except BaseException:
        txn.rollback()
        raise
    # The record goes last: killed before this, the next build just renders again.
    record.record_disk(SITE_ENTRY, cache.site_key(options.site_url), site_pages)
    write_atomic(out / CACHE_NAME, record.dump())
    return [p for p in written if not p.name.startswith(".")]


def _build_apart(stale: list[Job], record: cache.Cache, problems: Problems, options: Options,
                 say: Any, workers: Any) -> list[Path] | None:
    """`_build_stale` with the dossiers loaded, validated and rendered in a child process (publish/briefs.render_apart)."""
    done = briefs.render_apart(stale, options, problems, workers)
    if done is None:
        return None
    rendered, lines, state = done

    def adopt(txn: Transaction) -> Rendered:
        txn.staged, txn.created, txn.removed, txn.folders = state
        return rendered

    return write_briefs([job for job, *_ in [*rendered.finished, *rendered.pending]], options, say, record, lines, workers, adopt)


def _record(record: cache.Cache, job: Job, files: dict[Path, str], warnings: dict[str, list[str]], options: Options) -> None:
    """Record a rendered brief: its files, the archive copies its dossier read, and its warnings unless a cut withholds them."""
    record.record(job.label, job.key, files, warnings.get(job.name, []), (job.folder, job.archives),
                  withhold=options.max_marking is not None)


def _target(out: Path, job: Job, name: str) -> Path:
    return out / job.name / brief_file(job.as_of, FORMATS[name].extension)

