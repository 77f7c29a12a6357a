"""The command line (../CLI.md): parse, run a command, map outcomes to exit codes.

Exit 0: done. Exit 1: the facts are invalid (or warned, with --strict), or a
build step failed. Exit 2: the command line itself is wrong. Problems go to
standard error as `path:line:col: severity: message`, never as a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from briefing import __version__
from briefing.errors import Failure, Problems, UsageError, suggest
from briefing.scales import TLP_LEVELS

COMMANDS = ("build", "check", "schema", "serve")
FORMATS = ("md", "html", "pdf")
PDF_VARIANTS = ("pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4b", "pdf/ua-1", "pdf/ua-2", "pdf/a-1a", "pdf/a-2a", "pdf/a-3a")


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so every usage error is exit 2 with one clear line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _date(text: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; use YYYY-MM-DD") from None


def _days(text: str) -> list[dt.date]:
    """One day, or several separated by commas (one brief each)."""
    return sorted({_date(part.strip()) for part in text.split(",") if part.strip()}) or [_date(text)]


def _formats(text: str) -> tuple[str, ...]:
    parts = tuple(p.strip() for p in text.split(",") if p.strip())
    bad = [p for p in parts if p not in FORMATS]
    if bad or not parts:
        raise argparse.ArgumentTypeError(f"unknown format '{bad[0] if bad else text}'; choose from md, html, pdf")
    return tuple(f for f in FORMATS if f in parts)


def _marking(text: str) -> str:
    value = text.upper()
    if value not in TLP_LEVELS:
        raise argparse.ArgumentTypeError(f"'{text}' is not a TLP marking; choose from {', '.join(TLP_LEVELS)}")
    return value


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of jobs (1 or more)")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number")
    return int(text)


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="briefing", description="Build dated, cited situation briefs from YAML fact files.")
    top.add_argument("--version", action="version", version=f"briefing {__version__}")
    sub = top.add_subparsers(dest="command", parser_class=_Parser)

    def inputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("dossiers", nargs="*", metavar="DOSSIER", help="dossier ids (default: all)")
        p.add_argument("--facts", type=Path, help="folder of dossiers (default: facts/)")
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")

    def outputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("--out", type=Path, default=Path("briefings"), help="output folder (default: briefings/)")
        p.add_argument("--as-of", type=_days, help="the brief's day, YYYY-MM-DD, or several separated by commas (default: today)")
        p.add_argument("--since", type=_date, help="show what is new since this day (default: the previous brief)")
        p.add_argument("--format", type=_formats, default=FORMATS, help="comma-separated: md,html,pdf (default: all)")
        p.add_argument("--jobs", type=_jobs, default=1, help="lay out up to N PDFs at once in worker processes")
        p.add_argument("--max-marking", type=_marking, help="leave out everything marked above this TLP level")
        p.add_argument("--pdf-variant", choices=PDF_VARIANTS, help="a PDF/A or PDF/UA variant, passed to WeasyPrint")
        p.add_argument("--templates", type=Path, help="folder of templates overriding the defaults")
        p.add_argument("--site-url", help="the site's public address, for absolute links in the feed (or $BRIEFING_SITE_URL)")
        p.add_argument("--no-cache", action="store_true", help="rebuild every output even when nothing changed")
        p.add_argument("--quiet", "-q", action="store_true", help="print only problems")

    build = sub.add_parser("build", help="build briefs (the default command)")
    inputs(build)
    outputs(build)
    check = sub.add_parser("check", help="validate dossiers without writing anything")
    inputs(check)
    schema = sub.add_parser("schema", help="print the JSON Schema of fact files")
    schema.add_argument("--dossier", action="store_true", help="the schema of dossier.yaml instead")
    serve = sub.add_parser("serve", help="preview the site locally, rebuilding on change")
    inputs(serve)
    outputs(serve)
    serve.add_argument("--port", type=_port, default=8000, help="port on 127.0.0.1 (default: 8000)")
    return top


def parse(argv: list[str]) -> argparse.Namespace:
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv = ["build", *argv]
    return parser().parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (0 done, 1 bad facts or failed step, 2 bad command line)."""
    args_list = sys.argv[1:] if argv is None else argv
    try:
        try:
            args = parse(args_list)
        except SystemExit as exc:  # --help and --version print and stop: an exit code to return, not to raise
            return exc.code if isinstance(exc.code, int) else 0
        return run(args)
    except UsageError as exc:
        print(f"briefing: error: {exc}", file=sys.stderr)
        print(f"Try '{_program()} --help'.", file=sys.stderr)
        return 2
    except Failure as exc:
        report(exc.problems)
        return 1
    except KeyboardInterrupt:
        print("briefing: interrupted; nothing half-written was left behind", file=sys.stderr)
        return 130


def _program() -> str:
    """How the user called us, for hints: `python build.py` or `briefing`."""
    return "python build.py" if sys.argv and sys.argv[0].endswith("build.py") else "briefing"


def run(args: argparse.Namespace) -> int:
    from briefing.limits import invalid_settings

    if args.command != "schema" and (wrong := invalid_settings()):
        raise UsageError("; ".join(wrong))
    if args.command == "schema":
        from briefing.model import dossier_schema, fact_file_schema

        schema = dossier_schema() if args.dossier else fact_file_schema()
        print(json.dumps(schema, indent=2, ensure_ascii=False))
        return 0
    if args.command == "check":
        problems, dossiers = load_all(args)
        report(problems)
        _summary(dossiers, problems)
        return 1 if problems.failed(args.strict) else 0
    if args.command == "serve":
        from briefing.serve import serve

        return serve(args)
    from briefing.outputs import build

    return build(args)


def discover(args: argparse.Namespace, problems: Problems) -> dict[str, Path]:
    """The dossier folders named on the command line (all by default), by id; cheap, no parsing."""
    from briefing.load import find_dossiers

    facts_dir = facts_folder(args)
    found = find_dossiers(facts_dir, problems)
    names = list(dict.fromkeys(args.dossiers)) or sorted(found)
    for name in names:
        if name not in found:
            hint = suggest(name, [*found, *COMMANDS])
            raise UsageError(f"unknown dossier '{name}' in {facts_dir}{hint}")
    if not names:
        if problems.errors:  # there are dossier folders, but none is usable (a folder name that is not an id): bad facts
            raise Failure(problems)
        raise UsageError(f"no dossiers in {facts_dir} (a dossier is a folder holding dossier.yaml)")
    return {name: found[name] for name in names}


def load_all(args: argparse.Namespace, folders: dict[str, Path] | None = None,
             problems: Problems | None = None) -> tuple[Problems, list[Any]]:
    """Load and validate the dossiers named on the command line (all by default)."""
    from briefing.validate import load_dossier

    problems = Problems() if problems is None else problems
    folders = discover(args, problems) if folders is None else folders
    with no_cyclic_gc():
        dossiers = [d for d in (load_dossier(folder, problems) for folder in folders.values()) if d is not None]
    return problems, dossiers


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cycle collector while building large trees of small objects.

    Loading and rendering create hundreds of thousands of objects and almost no
    garbage cycles; the collector would otherwise spend about half of `check`'s
    time walking them (see docs/benchmark.md). Reference counting still frees memory.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # what was built stays for the command's life: the collector need not walk it again (serve unfreezes)
        if enabled:
            gc.enable()


def facts_folder(args: argparse.Namespace) -> Path:
    """--facts, else facts/ here, else the bundled demo so that a first run shows a real brief."""
    if args.facts is not None:
        if not args.facts.is_dir():
            what = "is not a folder" if args.facts.exists() else "does not exist"
            raise UsageError(f"facts folder '{args.facts}' {what}")
        return args.facts
    here = Path("facts")
    if here.is_dir():
        return here
    from briefing.resources import demo_facts_dir

    if not getattr(args, "quiet", False):
        print("No facts/ folder here: using the bundled demo dossier.", file=sys.stderr)
    return demo_facts_dir()


def report(problems: Problems) -> None:
    for problem in problems.sorted():
        print(problem, file=sys.stderr)


def _summary(dossiers: list[Any], problems: Problems) -> None:
    for d in dossiers:
        print(f"{d.id}: {len(d.facts)} facts, {len(d.sources)} sources, {len(d.judgments)} judgments")
    accepted = f", {problems.accepted} accepted" if problems.accepted else ""
    print(f"{len(problems.errors)} error(s), {len(problems.warnings)} warning(s){accepted}")
