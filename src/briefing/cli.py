"""The command line (../CLI.md): parse into Options once, run a command, map outcomes to exit codes.

Exit 0: done. Exit 1: the facts are invalid (or warned, with --strict), or a
build step failed. Exit 2: the command line itself is wrong. Problems go to
standard error as `path:line:col: severity: message`, never as a traceback; a
failed engine is one line naming it, a bug one line saying so (the traceback
with --debug). SIGTERM ends a run like Ctrl-C: whatever was staged is removed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import signal
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from briefing import __version__
from briefing.foundation.console import report, stdout_closed
from briefing.foundation.errors import BuildStepError, Failure, InternalError, UsageError, visible
from briefing.foundation.options import Options
from briefing.foundation.scales import RELIABILITY, SOURCE_KINDS, STATUSES, TLP_LEVELS
from briefing.render.formats import NAMES as FORMATS

COMMANDS = ("build", "check", "schema", "serve", "new", "add-source", "locate", "facts", "show", "export")
EXPORTS = ("json", "csv", "csl-json")
CURATION = {"new": "new", "add-source": "add_source", "locate": "locate", "facts": "facts", "show": "show", "export": "export"}
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
        raise argparse.ArgumentTypeError(f"unknown format '{bad[0] if bad else text}'; choose from {', '.join(FORMATS)}")
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
        p.add_argument("--debug", action="store_true", help="show the traceback of an internal error or a failed build step")

    def outputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("--out", type=Path, default=Path("briefings"), help="output folder (default: briefings/)")
        p.add_argument("--as-of", type=_days, help="the brief's day, YYYY-MM-DD, or several separated by commas (default: today)")
        p.add_argument("--since", type=_date, help="show what is new since this day (default: the previous brief)")
        p.add_argument("--format", type=_formats, default=FORMATS, help=f"comma-separated: {','.join(FORMATS)} (default: all)")
        p.add_argument("--jobs", type=_jobs, default=1, help="lay out up to N PDFs at once in worker processes")
        p.add_argument("--max-marking", type=_marking, help="leave out everything marked above this TLP level")
        p.add_argument("--pdf-variant", choices=PDF_VARIANTS, help="a PDF/A or PDF/UA variant, passed to WeasyPrint")
        p.add_argument("--templates", type=Path, help="folder of templates overriding the defaults")
        p.add_argument("--site-url", help="the site's public address, for absolute links in the feed (or $BRIEFING_SITE_URL)")
        p.add_argument("--no-cache", action="store_true", help="rebuild every output, read every file afresh, draw every chart")
        p.add_argument("--quiet", "-q", action="store_true", help="print only problems")

    build = sub.add_parser("build", help="build briefs (the default command)")
    inputs(build)
    outputs(build)
    check = sub.add_parser("check", help="validate dossiers without writing anything")
    inputs(check)
    check.add_argument("--no-cache", action="store_true", help="read every fact file afresh, not from the cache of parsed files")
    schema = sub.add_parser("schema", help="print the JSON Schema of fact files")
    schema.add_argument("--dossier", action="store_true", help="the schema of dossier.yaml instead")
    schema.add_argument("--export", action="store_true", help="the schema of `export --to json` instead")
    schema.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    serve = sub.add_parser("serve", help="preview the site locally, rebuilding on change")
    inputs(serve)
    outputs(serve)
    serve.add_argument("--port", type=_port, default=8000, help="port on 127.0.0.1 (default: 8000)")
    _curation(sub)
    return top


def _curation(sub: Any) -> None:
    """The commands that help turn articles into facts: new, add-source, locate, facts, show, export."""

    def common(p: argparse.ArgumentParser, output: bool = True) -> None:
        p.add_argument("--facts", type=Path, help="folder of dossiers (default: facts/)")
        if output:
            p.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
        p.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    new = sub.add_parser("new", help="start a new dossier that checks clean at once",
                         description="Create facts/DOSSIER/ with dossier.yaml, sources.yaml, a facts file, judgments.yaml, "
                                     "archive/ and editor settings that map the JSON Schema to every file.")
    new.add_argument("dossiers", nargs=1, metavar="DOSSIER", help="the new dossier's id (lowercase letters, digits, hyphens)")
    new.add_argument("--title", help="the dossier's title (default: from its id)")
    common(new, output=False)
    add = sub.add_parser("add-source", help="archive an article's text and add it to sources.yaml",
                         description="Read a saved news page (HTML), a plain-text file or an http(s) address (fetched once), "
                                     "write its main text to archive/<id>.txt and append a source entry to sources.yaml.")
    add.add_argument("dossiers", nargs=1, metavar="DOSSIER", help="the dossier to add the source to")
    add.add_argument("location", metavar="FILE-OR-URL", help="a saved page, a .txt file, or an http(s) address")
    add.add_argument("--id", dest="source_id", help="the source's id (default: from its publisher and date)")
    add.add_argument("--reliability", type=_reliability, help="Admiralty source reliability A-F (default: F)")
    add.add_argument("--published", type=_partial_date, help="the publication date, when the page does not say it (YYYY, YYYY-MM or YYYY-MM-DD)")
    add.add_argument("--kind", choices=SOURCE_KINDS, help="news, official, report, social or other (default: news)")
    common(add, output=False)
    locate = sub.add_parser("locate", help="find a quote in a source's archive: a ready quote and locator",
                            description="Find TEXT in the source's archive as the quote check does (white space, case, "
                                        "typographic quotes and dashes folded); print a ready 'quote:' and 'locator:', "
                                        "or the closest passages.")
    locate.add_argument("dossiers", nargs=1, metavar="DOSSIER")
    locate.add_argument("source", metavar="SOURCE", help="the source's id")
    locate.add_argument("text", metavar="TEXT", help="the words to find")
    locate.add_argument("--limit", type=_jobs, default=3, help="how many closest passages to show (default: 3)")
    common(locate)
    facts = sub.add_parser("facts", help="list a dossier's facts as a table",
                           description="A table of the dossier's facts known on a day: id, number, date, grade, status, statement.")
    facts.add_argument("dossiers", nargs="?", metavar="DOSSIER", help="the dossier (default: the only one)")
    facts.add_argument("--as-of", type=_days, help="the day (default: today)")
    facts.add_argument("--section", help="only this section")
    facts.add_argument("--status", choices=(*STATUSES, "superseded"), help="only facts with this status on the day")
    facts.add_argument("--source", help="only facts citing this source")
    facts.add_argument("--grep", help="only facts whose id or statement holds this text (case ignored)")
    common(facts)
    show = sub.add_parser("show", help="one fact, source or judgment, with everything that refers to it")
    show.add_argument("ids", nargs="+", metavar="[DOSSIER] ID", help="the id (the dossier may come first)")
    show.add_argument("--as-of", type=_days, help="the day for numbers, grades and statuses (default: today)")
    common(show)
    export = sub.add_parser("export", help="the dossier as JSON, CSV or CSL-JSON",
                            description="Export the dossier as of a day: json (everything), csv (one row per fact), "
                                        "csl-json (the sources, for Zotero and pandoc). --max-marking cuts it as a build would.")
    export.add_argument("dossiers", nargs="?", metavar="DOSSIER", help="the dossier (default: the only one)")
    export.add_argument("--to", required=True, choices=EXPORTS, help="json, csv or csl-json")
    export.add_argument("--as-of", type=_days, help="the day (default: today)")
    export.add_argument("--max-marking", type=_marking, help="leave out everything marked above this TLP level")
    export.add_argument("--strict", action="store_true", help="treat warnings as errors")
    common(export)


def _reliability(text: str) -> str:
    if text.upper() not in RELIABILITY:
        raise argparse.ArgumentTypeError(f"'{text}' is not a reliability; choose from {', '.join(RELIABILITY)}")
    return text.upper()


def _partial_date(text: str) -> str:
    import re

    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    try:
        dt.date.fromisoformat((text + "-01-01")[:10])
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD") from None
    return text


def parse(argv: list[str]) -> Options:
    """The command line as Options (argparse's Namespace goes no further than this function)."""
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv = ["build", *argv]
    args = vars(parser().parse_args(argv))
    command = args.pop("command")
    dossiers = args.pop("dossiers", ())
    dossiers = (dossiers,) if isinstance(dossiers, str) else tuple(dossiers or ())
    schema = "dossier" if args.pop("dossier", False) else "export" if args.pop("export", False) else "facts"
    fields = {"dossiers": dossiers, "as_of": tuple(args.pop("as_of", None) or ()), "formats": tuple(args.pop("format", FORMATS)), "schema": schema}
    known = {k: v for k, v in args.items() if k in Options.__dataclass_fields__}
    extra = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in args.items() if k not in known))
    return Options(command=command, **known, **fields, extra=extra)


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (0 done, 1 bad facts or failed step, 2 bad command line)."""
    args_list = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args_list
    try:
        with _terminate_as_interrupt():
            try:
                options = parse(args_list)
            except SystemExit as exc:  # --help and --version print and stop: an exit code to return, not to raise
                return exc.code if isinstance(exc.code, int) else 0
            return run(options)
    except UsageError as exc:
        print(f"briefing: error: {visible(str(exc))}", file=sys.stderr)
        print(f"Try '{_program()} --help'.", file=sys.stderr)
        return 2
    except Failure as exc:
        report(exc.problems)
        return 1
    except BuildStepError as exc:
        if debug:
            traceback.print_exc()
        print(f"briefing: error: {visible(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("briefing: interrupted; nothing half-written was left behind", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of standard output left (`| head`): end quietly
        stdout_closed()
        return 0
    except (InternalError, Exception) as exc:  # a bug in the program, never blamed on the input
        if debug:
            traceback.print_exc()
        print(f"briefing: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("This is a bug in briefing, not in your facts; run again with --debug for the traceback.", file=sys.stderr)
        return 70


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is so that every `finally` runs (staged files are removed)."""


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    def stop(_signum: int, _frame: object) -> None:
        raise _Terminated

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (an embedding program): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _program() -> str:
    """How the user called us, for hints: `python build.py` or `briefing`."""
    return "python build.py" if sys.argv and sys.argv[0].endswith("build.py") else "briefing"


def run(options: Options) -> int:
    """Dispatch to the command's module (imported only when it runs: `check` never loads the renderers)."""
    from briefing.foundation.limits import invalid_settings

    if options.command != "schema" and (wrong := invalid_settings()):
        raise UsageError("; ".join(wrong))
    if options.command == "schema":
        from briefing.commands import schema

        return schema.run(options)
    if options.command == "check":
        from briefing.commands import check

        return check.run(options, COMMANDS)
    if options.command == "serve":
        from briefing.commands import serve

        return serve.run(options)
    if options.command in CURATION:
        import importlib

        return importlib.import_module(f"briefing.commands.{CURATION[options.command]}").run(options, COMMANDS)
    from briefing.commands import build

    return build.run(options, COMMANDS)
