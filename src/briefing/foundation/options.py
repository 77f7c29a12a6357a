"""The run's settings: one typed, frozen object the command line builds once and every command reads.

Commands never see argparse's Namespace: a setting a command needs is a named,
typed field here, so a typo is an attribute error at once rather than a
`getattr(args, ..., default)` that silently reads the default. A command that
needs other settings (serve's quiet rebuilds) makes a copy with `replace`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Options:
    """Everything a command may read from the command line, with the defaults of ../CLI.md."""

    command: str = "build"
    dossiers: tuple[str, ...] = ()
    facts: Path | None = None
    strict: bool = False
    out: Path = Path("briefings")
    as_of: tuple[dt.date, ...] = ()
    since: dt.date | None = None
    formats: tuple[str, ...] = ("md", "html", "pdf")
    jobs: int = 1
    max_marking: str | None = None
    pdf_variant: str | None = None
    templates: Path | None = None
    site_url: str | None = None
    no_cache: bool = False
    quiet: bool = False
    debug: bool = False
    port: int = 8000
    schema: str = "facts"
    extra: tuple[tuple[str, object], ...] = ()  # the options of commands that have their own (new, export, ...)

    def replace(self, **changes: object) -> Options:
        """A copy with some settings changed (the object itself never changes)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def get(self, name: str, default: object = None) -> object:
        """A command's own option, by name (see `extra`)."""
        return dict(self.extra).get(name, default)

    @property
    def days(self) -> tuple[dt.date, ...]:
        """The briefs' days: --as-of, else today."""
        return self.as_of or (dt.date.today(),)
