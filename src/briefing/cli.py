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

from briefing import __version__
from briefing.foundation.console import report, stdout_closed
from briefing.foundation.errors import BuildStepError, Failure, InternalError, UsageError, visible
from briefing.foundation.options import Options
from briefing.foundation.scales import TLP_LEVELS
from briefing.render.formats import NAMES as FORMATS

COMMANDS = ("build", "check", "schema", "serve")
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
        p.add_argument("--no-cache", action="store_true", help="rebuild every output even when nothing changed")
        p.add_argument("--quiet", "-q", action="store_true", help="print only problems")

    build = sub.add_parser("build", help="build briefs (the default command)")
    inputs(build)
    outputs(build)
    check = sub.add_parser("check", help="validate dossiers without writing anything")
    inputs(check)
    schema = sub.add_parser("schema", help="print the JSON Schema of fact files")
    schema.add_argument("--dossier", action="store_true", help="the schema of dossier.yaml instead")
    schema.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    serve = sub.add_parser("serve", help="preview the site locally, rebuilding on change")
    inputs(serve)
    outputs(serve)
    serve.add_argument("--port", type=_port, default=8000, help="port on 127.0.0.1 (default: 8000)")
    return top


def parse(argv: list[str]) -> Options:
    """The command line as Options (argparse's Namespace goes no further than this function)."""
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv = ["build", *argv]
    args = vars(parser().parse_args(argv))
    command = args.pop("command")
    fields = {"dossiers": tuple(args.pop("dossiers", ())), "as_of": tuple(args.pop("as_of", None) or ()),
              "formats": tuple(args.pop("format", FORMATS)), "schema": "dossier" if args.pop("dossier", False) else "facts"}
    known = {k: v for k, v in args.items() if k in Options.__dataclass_fields__}
    return Options(command=command, **known, **fields)


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
    from briefing.commands import build

    return build.run(options, COMMANDS)
