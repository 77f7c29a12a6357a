"""A build's briefs rendered and staged: each brief's text files, its PDF handed to a worker, and a big
dossier's loading and rendering in a child process (commands/build commits what this stages).

`render_all` renders every brief of a build in this process; `render_apart`
does the same in a forked child for dossiers with more than APART_BYTES of
YAML, so that the memory their loading took is handed back when the child
exits (memory freed inside a long-lived process mostly stays held: the
allocator keeps every arena one surviving object pins), before the PDF
engine's peak and the search indexer's.
"""

from __future__ import annotations

import datetime as dt
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.dossier.workspace import load_all
from briefing.foundation import collector
from briefing.foundation.collector import no_cyclic_gc
from briefing.foundation.console import report, sayer
from briefing.foundation.errors import BuildStepError, Failure, Problem, Problems
from briefing.foundation.layout import NUMBERS_NAME, REGISTER_PAGE, register_name
from briefing.foundation.options import Options
from briefing.foundation.resources import assets_dir
from briefing.publish import cache
from briefing.publish.transaction import Transaction
from briefing.render.formats import FORMATS, Page

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
    dossier: Dossier | None = None  # dropped once the brief is rendered (see `render_all`)
    archives: list[Path] = field(default_factory=list)  # the archive copies its dossier read, for the record

    @property
    def label(self) -> str:
        return f"{self.name}/{self.as_of.isoformat()}"


def forget_positions(dossiers: list[Dossier]) -> None:
    """Positions matter only for messages, all given by now: free them. A function of its own, so that no
    loop variable of the caller keeps a dossier alive after the jobs let theirs go (one did: 550 MB at
    100,000 facts, held while the PDF was laid out)."""
    for dossier in dossiers:
        dossier.where.clear()


def may_chart(dossier: Any) -> bool:
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


def load_jobs(stale: list[Job], options: Options, problems: Problems) -> tuple[dict[str, list[str]], bool] | None:
    """Load and validate the jobs' dossiers, report their problems and give each job its dossier; None when invalid.

    Returns each dossier's warning lines (for the record) and whether some
    metric is reported twice (a chart may be drawn). The jobs are the only
    holders of the dossiers afterwards, so rendering them lets them go.
    """
    names = {j.name: j.folder for j in stale}
    before = len(problems.items)
    dossiers = load_all(names, problems, cache=not options.no_cache)
    report(problems)
    if problems.failed(options.strict):
        return None
    forget_positions(dossiers)
    by_name = {d.id: d for d in dossiers}
    for job in stale:
        job.dossier = by_name[job.name]
    return warning_lines(names, problems.items[before:]), any(may_chart(d) for d in dossiers)


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
            files, futures = _render_job(job, options, txn, asset_dirs, workers, say, numberings[job.name], (compiled, kept),
                                         last=job is jobs[-1])
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
# the search indexer's peaks, where memory freed in this process would mostly stay held (460 MB of 630 MB
# at 100,000 facts). Smaller builds gain nothing from it and skip the fork.
APART_BYTES = 16 << 20


def yaml_bytes(jobs: list[Job]) -> int:
    """The YAML of the jobs' dossiers, in bytes: what loading them costs in memory, roughly."""
    folders = {job.folder for job in jobs}
    return sum(path.stat().st_size for folder in folders for path in folder.rglob("*.y*ml") if path.is_file())


def render_apart(stale: list[Job], options: Options, problems: Problems, workers: Any) -> tuple[Rendered, dict[str, list[str]], Any] | None:
    """Load, validate and render `stale` in a child process (APART_BYTES); None when the dossiers are invalid.

    The child sends each page to lay out as soon as it exists, and this
    process hands it to a PDF worker; it returns what it rendered, each
    dossier's warning lines, and its transaction's state for this build's to
    adopt. Its problems are reported by the child, as they would be here, and
    counted in `problems`; a template mistake raises Failure here.
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
        kind, found, lines, rendered, state = in_child(_load_and_render, stale, options, problems, workers, receive=submit)
    finally:
        workers.stop_charts()  # the child drew every chart it wanted with this process's chart worker
    problems.items[:] = found.items
    problems.accepted = found.accepted
    if kind == "invalid":
        return None
    if kind == "failure":  # a template mistake
        raise Failure(rendered)
    rendered.pending = [(job, files, [(name, futures[token]) for name, token in tokens]) for job, files, tokens in rendered.pending]
    return rendered, lines, state


class _Relay:
    """In the child of `render_apart`: the worker pool's `submit`, sending the page to the parent instead."""

    def __init__(self, send: Any) -> None:
        self.send, self.tokens = send, 0

    def submit(self, name: str, page: Page) -> int:
        self.tokens += 1
        self.send((self.tokens, name, page))
        return self.tokens


class _ChildPools:
    """In the child of `render_apart`: the PDF worker reached through the parent (`_Relay`), and the parent's
    chart worker used directly (its pipe works from here; only the parent, its parent, may end it)."""

    def __init__(self, send: Any, parent: Any) -> None:
        self.formats, self.parent = _Relay(send), parent
        self.may_chart = parent.may_chart

    def chart_worker(self) -> Any:
        return self.parent.chart_worker() if self.may_chart else None

    def stop_charts(self) -> None:
        self.may_chart = False  # the parent ends the worker once the child is done


def _load_and_render(send: Any, stale: list[Job], options: Options, problems: Problems, workers: Any) -> tuple[Any, ...]:
    """The child's work in `render_apart`: load, validate, report, render and stage; what the parent needs back."""
    say = sayer(options.quiet)
    loaded = load_jobs(stale, options, problems)
    if loaded is None:
        return "invalid", problems, {}, None, None
    lines, charts = loaded
    if not charts:
        workers.may_chart = False
    pools = _ChildPools(send, workers)
    txn = Transaction(options.out)
    try:
        rendered = render_all(stale, options, say, txn, pools, release=False)
    except Failure as failure:  # not picklable: its problems are
        txn.rollback()
        return "failure", problems, lines, failure.problems, None
    except BaseException:  # Ctrl-C or SIGTERM too: the parent, which got it as well, stops this child with
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})  # a second one: not mid-cleanup
        txn.rollback()
        raise
    return "ok", problems, lines, rendered, (txn.staged, txn.created, txn.removed, txn.folders)


def warning_lines(names: dict[str, Path], found: list[Problem]) -> dict[str, list[str]]:
    """Each dossier's problems as printed, for the cache record to replay on an up-to-date build."""
    lines: dict[str, list[str]] = {name: [] for name in names}
    folders = {name: folder.resolve() for name, folder in names.items()}
    owners: dict[str, list[str]] = {}  # a file's dossiers, found once per file (thousands of warnings name a few files)
    for problem in sorted(found, key=lambda p: p.sort_key()):
        if problem.path not in owners:
            resolved = Path(problem.path).resolve()
            owners[problem.path] = [name for name, folder in folders.items() if resolved.is_relative_to(folder)]
        for name in owners[problem.path]:
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


def _remove_old_pages(txn: Transaction, folder: Path, day: dt.date, pages: list[str]) -> None:
    """Month pages of the day's register that an earlier build wrote and this one does not (the reading window
    or the facts changed): removed with the commit, so that no page the register no longer links stays searchable."""
    if not folder.is_dir():
        return
    prefix = register_name(day).removesuffix(".html") + "-"
    for path in sorted(folder.iterdir()):
        if path.name.startswith(prefix) and REGISTER_PAGE.match(path.name) and path.name not in pages:
            txn.remove(path)


def stage_files(txn: Transaction, job: Job, result: dict[str, bytes]) -> dict[Path, str]:
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
                last: bool = False) -> tuple[dict[Path, str], list[tuple[str, Any]]]:
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
        if futures and last:  # the rest is not on the PDF's path: it yields the cores to the PDF engine
            from briefing.render.workers import step_back

            step_back()
        texts: dict[str, bytes] = {}
        for name in options.formats:
            if not FORMATS[name].in_worker:
                texts[FORMATS[name].extension] = FORMATS[name].render(page)
        files = stage_files(txn, job, texts)
        del texts
        if "html" in options.formats:  # each page written away as it is made: one page held at a time
            pages = []
            for name, data in templates.render_registers(brief, env, plan=plan):
                pages.append(name)
                target = txn.root / job.name / name
                if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
                    files[target] = cache.digest(data)  # an older month, unchanged: the page on disk stays as it is
                    continue
                files.update(stage_files(txn, job, {name.removeprefix(job.as_of.isoformat()): data}))
            _remove_old_pages(txn, txn.root / job.name, job.as_of, pages)
    if "html" not in options.formats and rendered.html:  # no page to list the brief by: keep its head for the site
        head = txn.root / job.name / head_name(job.as_of)
        data = rendered.html.split("</head>", 1)[0].encode() + b"</head>\n"
        txn.stage(head, data)
        files[head] = cache.digest(data)
    return files, futures
