"""Resource limits that keep hostile or mistaken input from costing minutes or gigabytes.

Each limit has a documented default and can be raised (or lowered) with an
environment variable of the same name in upper case, prefixed `BRIEFING_`, e.g.
`BRIEFING_MAX_FACTS=100000`. See docs/limits.md.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields

_WHOLE = re.compile(r"[0-9]+")  # ASCII digits only: str.isdigit() takes '²' and '٣', which int() refuses or reads as a number


def _whole(raw: str) -> int | None:
    """The whole number a setting holds, or None when it holds anything else."""
    text = raw.strip()
    return int(text) if _WHOLE.fullmatch(text) else None


@dataclass
class Limits:
    """Upper bounds checked while loading and validating, before any rendering."""

    # A YAML file is parsed whole before its values are counted: at 2 MiB the worst
    # case (a flow list of one-letter items) costs a few seconds and ~300 MB.
    max_file_bytes: int = 2 * 1024 * 1024
    max_nodes: int = 500_000
    max_files: int = 5_000
    max_facts: int = 50_000
    max_text_chars: int = 4_000
    max_archive_bytes: int = 2 * 1024 * 1024

    @classmethod
    def from_environment(cls) -> Limits:
        """The defaults, with every limit set by a whole number in its variable (see `invalid_settings`)."""
        limits = cls()
        for f in fields(cls):
            value = _whole(os.environ.get("BRIEFING_" + f.name.upper()) or "")
            if value is not None:
                setattr(limits, f.name, value)
        return limits


def invalid_settings() -> list[str]:
    """What is wrong with the limits set in the environment, one sentence each.

    A limit the program cannot read must stop it: going on with the default
    would make `BRIEFING_MAX_FACTS=100k` look accepted and then refuse the
    dossier it was meant to admit.
    """
    wrong = []
    for f in fields(Limits):
        name = "BRIEFING_" + f.name.upper()
        raw = os.environ.get(name)
        if raw is not None and raw.strip() and _whole(raw) is None:  # empty counts as unset
            wrong.append(f"{name}={raw!r} is not a whole number (0 or more); set it to one, or unset it for the default")
    return wrong


LIMITS = Limits.from_environment()
