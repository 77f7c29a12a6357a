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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.dossier.workspace import discover, load_all
from briefing.foundation import collector
from briefing.foundation.collector import no_cyclic_gc
from briefing.foundation.console import Progress, problem_line, report, sayer
from briefing.foundation.errors import BuildStepError, Failure, Problem, Problems, UsageError
from briefing.foundation.layout import (
    CACHE_NAME,
    NUMBERS_NAME,
    REGISTER_PAGE,
    SEARCH_DIR,
    SITE_ENTRY,
    SITE_PAGES,
    brief_file,
    register_name,
)
from briefing.foundation.options import Options
from briefing.foundation.resources import assets_dir, templates_dir
from briefing.publish import cache
from briefing.publish.transaction import BRIEF_NAME, Transaction, clean_leftovers, locked, write_atomic
from briefing.render.formats import FORMATS, Page

# The chart worker starts before anyone knows whether a brief has a chart; at this
# priority its import takes only the CPU the build's own work leaves idle.
CHART_WORKER_NICE = 10

if TYPE_CHECKING:  # the models import pydantic: an up-to-date rebuild never needs them
    from briefing.dossier.dossier import Dossier


@dataclass
class Job:
    """One brief to make: a dossier as of a day, and what it is compared with."""

    name: str
    folder: Path
    as_of: dt.date
    since: dt.date | None
    key: str = ""
    dossier: Dossier | None = None  # dropped once the brief is rendered (see `write_briefs`)
    archives: list[Path] = field(default_factory=list)  # the archive copies its dossier read, for the record

    @property
    def label(self) -> str:
        return f"{self.name}/{self.as_of.isoformat()}"


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
        from briefing.dossier.workspace import load_all

        load_all(withheld, problems)
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
    if workers is not None and workers.formats is not None and _yaml_bytes(stale) > APART_BYTES:
        return _build_apart(stale, record, problems, options, say, workers)
    names = {j.name: j.folder for j in stale}
    before = len(problems.items)
    dossiers = load_all(names, problems)
    report(problems)
    if problems.failed(options.strict):
        return None
    _forget_positions(dossiers)
    by_name = {d.id: d for d in dossiers}
    lines = _warning_lines(names, problems.items[before:])
    for job in stale:
        job.dossier = by_name[job.name]
    if workers is not None and not any(_may_chart(d) for d in dossiers):
        workers.stop_charts()
    # The jobs hold them now, and let them go once rendered: no other name here may keep one.
    del dossiers, by_name
    return write_briefs(stale, options, say, record, lines, workers)


def _forget_positions(dossiers: list[Dossier]) -> None:
    """Positions matter only for messages, all given by now: free them. A function of its own, so that no
    loop variable of the caller keeps a dossier alive after the jobs let theirs go (one did: 550 MB at
    100,000 facts, held while the PDF was laid out)."""
    for dossier in dossiers:
        dossier.where.clear()


def _may_chart(dossier: Any) -> bool:
    """Whether some brief of `dossier` can have a chart: a metric that two of its facts report."""
    seen: set[str] = set()
    for fact in dossier.facts.values():
        for figure in fact.figures:
            if figure.metric in seen:
                return True
            seen.add(figure.metric)
    return False


@dataclass
class Rendered:
    """What rendering every brief leaves for the rest of the build: the briefs waiting for a worker's format
    (with their files so far and the futures of those formats), and the briefs already complete."""

    pending: list[tuple[Job, dict[Path, str], list[tuple[str, Any]]]] = field(default_factory=list)
    finished: list[tuple[Job, dict[Path, str]]] = field(default_factory=list)


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
                    files.update(_stage(txn, job, {FORMATS[name].extension: future.get()}))
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


def render_all(jobs: list[Job], options: Options, say: Any, txn: Transaction, workers: Any, release: bool = True) -> Rendered:
    """Render and stage every job's text files (and the fact numbers they show), its worker formats started;
    then let the dossiers go (`release`: not in a child process about to exit, where collecting them would
    only cost time). A template mistake in any brief fails them all, once every brief was tried."""
    out = options.out
    asset_dirs = (*([options.templates / "assets"] if options.templates else []), assets_dir())
    problems = Problems()
    rendered = Rendered()
    numberings = {name: _numbering(out / name) for name in dict.fromkeys(job.name for job in jobs)}
    compiled = None if options.no_cache else cache.compiled_templates()
    kept = None if options.no_cache or workers is None or not workers.may_chart else cache.kept_charts()
    for job in jobs:
        try:
            files, futures = _render_job(job, options, txn, asset_dirs, workers, say, numberings[job.name], (compiled, kept))
        except Problem as problem:  # a template mistake: reported with the others once every brief was tried
            problems.add(problem)
            continue
        if futures:
            rendered.pending.append((job, files, futures))
        else:
            rendered.finished.append((job, files))
    if workers is not None:
        workers.stop_charts()  # every chart is in its page by now
    if problems:
        raise Failure(problems)
    for job in jobs:  # every brief is rendered: its dossier is no longer needed while the PDFs are laid out
        job.dossier = None
    if release:
        collector.release()
    for name, numbering in numberings.items():  # committed with the briefs that show the numbers, or not at all
        if numbering.changed:
            txn.stage(out / name / NUMBERS_NAME, numbering.dump())
    return rendered


# Dossiers with more YAML than this are loaded and rendered in a child process when a worker lays out a
# format (the PDF): the memory they took is handed back when the child exits, before the PDF engine's and
# the search indexer's peaks, where memory freed in this process would mostly stay held (550 MB of 630 MB
# at 100,000 facts). Smaller builds gain nothing from it and skip the fork.
APART_BYTES = 16 << 20


def _yaml_bytes(jobs: list[Job]) -> int:
    """The YAML of the jobs' dossiers, in bytes: what loading them costs in memory, roughly."""
    folders = {job.folder for job in jobs}
    return sum(path.stat().st_size for folder in folders for path in folder.rglob("*.y*ml") if path.is_file())


def _build_apart(stale: list[Job], record: cache.Cache, problems: Problems, options: Options,
                 say: Any, workers: Any) -> list[Path] | None:
    """`_build_stale` with the dossiers loaded, validated and rendered in a child process (APART_BYTES).

    The child sends each page to lay out as soon as it exists, and this
    process hands it to a PDF worker; the child's staged files join this
    build's transaction. Its problems are reported by the child, as they would
    be here, and counted here.
    """
    from briefing.render.workers import in_child

    futures: dict[int, Any] = {}
    expected = len(stale) * sum(FORMATS[name].in_worker for name in options.formats)

    def submit(message: tuple[int, str, Page]) -> None:
        token, name, page = message
        futures[token] = workers.formats.submit(name, page)
        if len(futures) == expected:  # every brief's page, charts drawn in, exists: the chart worker's memory goes
            workers.stop_charts()

    try:
        outcome = in_child(_load_and_render, stale, options, problems, workers, receive=submit)
    finally:
        workers.stop_charts()  # the child drew every chart it wanted with this process's chart worker
    kind, found, lines, rendered, state = outcome
    problems.items[:] = found.items
    problems.accepted = found.accepted
    if kind == "invalid":
        return None
    if kind == "failure":  # a template mistake
        raise Failure(rendered)
    rendered.pending = [(job, files, [(name, futures[token]) for name, token in tokens]) for job, files, tokens in rendered.pending]

    def adopt(txn: Transaction) -> Rendered:
        txn.staged, txn.created, txn.removed, txn.folders = state
        return rendered

    return write_briefs([job for job, *_ in [*rendered.finished, *rendered.pending]], options, say, record, lines, workers, adopt)


class _Relay:
    """In the child of `_build_apart`: the worker pool's `submit`, sending the page to the parent instead."""

    def __init__(self, send: Any) -> None:
        self.send, self.tokens = send, 0

    def submit(self, name: str, page: Page) -> int:
        self.tokens += 1
        self.send((self.tokens, name, page))
        return self.tokens


class _ChildPools:
    """In the child of `_build_apart`: the PDF worker reached through the parent (`_Relay`), and the parent's
    chart worker used directly (its pipe works from here; only the parent, its parent, may end it)."""

    def __init__(self, send: Any, parent: Any) -> None:
        self.formats, self.parent = _Relay(send), parent
        self.may_chart = parent.may_chart

    def chart_worker(self) -> Any:
        return self.parent.chart_worker() if self.may_chart else None

    def stop_charts(self) -> None:
        self.may_chart = False  # the parent ends the worker once the child is done


def _load_and_render(send: Any, stale: list[Job], options: Options, problems: Problems, workers: Any) -> tuple[Any, ...]:
    """The child's work in `_build_apart`: load, validate, report, render and stage; what the parent needs back."""
    say = sayer(options.quiet)
    names = {j.name: j.folder for j in stale}
    before = len(problems.items)
    dossiers = load_all(names, problems)
    report(problems)
    if problems.failed(options.strict):
        return "invalid", problems, {}, None, None
    _forget_positions(dossiers)
    by_name = {d.id: d for d in dossiers}
    lines = _warning_lines(names, problems.items[before:])
    for job in stale:
        job.dossier = by_name[job.name]
    if not any(_may_chart(job.dossier) for job in stale):
        workers.may_chart = False
    del dossiers, by_name
    pools = _ChildPools(send, workers)
    txn = Transaction(options.out)
    try:
        rendered = render_all(stale, options, say, txn, pools, release=False)
    except Failure as failure:  # not picklable: its problems are
        txn.rollback()
        return "failure", problems, lines, failure.problems, None
    except BaseException:
        txn.rollback()
        raise
    return "ok", problems, lines, rendered, (txn.staged, txn.created, txn.removed, txn.folders)


def _warning_lines(names: dict[str, Path], found: list[Problem]) -> dict[str, list[str]]:
    """Each dossier's problems as printed, for the cache record to replay on an up-to-date build."""
    lines: dict[str, list[str]] = {name: [] for name in names}
    for problem in sorted(found, key=lambda p: p.sort_key()):
        for name, folder in names.items():
            if Path(problem.path).resolve().is_relative_to(folder.resolve()):
                lines[name].append(str(problem))
    return {n: list(dict.fromkeys(v)) for n, v in lines.items()}


def _numbering(folder: Path) -> Any:
    """The fact numbers earlier briefs in `folder` showed (brief.numbering); a damaged file stops the build."""
    from briefing.brief.numbering import Numbering, NumberingError

    path = folder / NUMBERS_NAME
    try:
        data = path.read_bytes() if path.is_file() else None
        return Numbering.load(data)
    except NumberingError as exc:
        raise BuildStepError("reading the fact numbers", str(path), str(exc)) from None


def _record(record: cache.Cache, job: Job, files: dict[Path, str], warnings: dict[str, list[str]], options: Options) -> None:
    """Record a rendered brief: its files, the archive copies its dossier read, and its warnings unless a cut withholds them."""
    record.record(job.label, job.key, files, warnings.get(job.name, []), (job.folder, job.archives),
                  withhold=options.max_marking is not None)


def _remove_old_pages(txn: Transaction, folder: Path, day: dt.date, pages: list[str]) -> None:
    """Month pages of the day's register that an earlier build wrote and this one does not (the reading window
    or the facts changed): removed with the commit, so that no page the register no longer links stays searchable."""
    if not folder.is_dir():
        return
    prefix = register_name(day).removesuffix(".html") + "-"
    for path in sorted(folder.iterdir()):
        if path.name.startswith(prefix) and REGISTER_PAGE.match(path.name) and path.name not in pages:
            txn.remove(path)


def _target(out: Path, job: Job, name: str) -> Path:
    return out / job.name / brief_file(job.as_of, FORMATS[name].extension)


def _stage(txn: Transaction, job: Job, result: dict[str, bytes]) -> dict[Path, str]:
    """Stage one brief's files (by file-name suffix) beside their targets; returns their digests by target path
    (what the record keeps: the bytes themselves need not stay in memory once staged)."""
    folder = txn.root / job.name
    files = {}
    for suffix, data in result.items():
        path = folder / f"{job.as_of.isoformat()}{suffix}"
        txn.stage(path, data)
        files[path] = cache.digest(data)
    return files


def _render_job(job: Job, options: Options, txn: Transaction, asset_dirs: tuple[Path, ...], workers: Any,
                say: Any, numbering: Any = None, caches: tuple[Path | None, Path | None] = (None, None),
                ) -> tuple[dict[Path, str], list[tuple[str, Any]]]:
    """Render and stage one brief's text files; returns them by path, and the futures of its worker formats.

    The PDF is started right after the brief's HTML, before the fact register:
    for a big dossier the register is the longest text to render, and it is
    rendered while the worker lays the PDF out instead of before.
    """
    from briefing.brief.register import register_plan
    from briefing.brief.select import select_brief
    from briefing.foundation.layout import head_name
    from briefing.render import templates
    from briefing.render.chart_store import Drawn

    assert job.dossier is not None
    job.archives = [job.dossier.folder / job.dossier.sources[sid].archive for sid in job.dossier.archives]  # type: ignore[operator]
    # The dossier's own templates are the most specific, then --templates, then the defaults.
    overrides = [*([job.dossier.templates] if job.dossier.templates else []), *([options.templates] if options.templates else [])]
    compiled, kept = caches  # compiled templates, charts kept from earlier runs
    env = templates.environment(overrides, compiled)
    with no_cyclic_gc():
        brief = select_brief(job.dossier, job.as_of, job.since, options.max_marking, numbering)
        requests = templates.chart_requests(brief) if workers is not None and workers.may_chart else []
        drawn = Drawn(requests, kept, workers.chart_worker) if requests else None  # drawn while the Markdown and HTML are written
        plan = register_plan(brief)  # which register page holds each fact: for the page's links and the pages
        rendered = templates.render_brief(brief, env, options.formats, drawn=drawn, plan=plan)
        page = Page(rendered.markdown, rendered.html, job.as_of, asset_dirs, options.pdf_variant)
        futures = []
        for name in options.formats:
            if FORMATS[name].in_worker and workers is not None and workers.formats is not None:
                say(f"Rendering the {FORMATS[name].label} of {job.label} ...")
                futures.append((name, workers.formats.submit(name, page)))
        texts: dict[str, bytes] = {}
        for name in options.formats:
            if not FORMATS[name].in_worker:
                texts[FORMATS[name].extension] = FORMATS[name].render(page)
        files = _stage(txn, job, texts)
        del texts
        if "html" in options.formats:  # each page written away as it is made: one page held at a time
            pages = []
            for name, data in templates.render_registers(brief, env, plan=plan):
                pages.append(name)
                target = txn.root / job.name / name
                if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
                    files[target] = cache.digest(data)  # an older month, unchanged: the page on disk stays as it is
                    continue
                files.update(_stage(txn, job, {name.removeprefix(job.as_of.isoformat()): data}))
            _remove_old_pages(txn, txn.root / job.name, job.as_of, pages)
    if "html" not in options.formats and rendered.html:  # no page to list the brief by: keep its head for the site
        head = txn.root / job.name / head_name(job.as_of)
        data = rendered.html.split("</head>", 1)[0].encode() + b"</head>\n"
        txn.stage(head, data)
        files[head] = cache.digest(data)
    return files, futures
