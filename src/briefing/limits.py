"""Resource limits that keep hostile or mistaken input from costing minutes or gigabytes.

Each limit has a documented default and can be raised (or lowered) with an
environment variable of the same name in upper case, prefixed `BRIEFING_`, e.g.
`BRIEFING_MAX_FACTS=100000`. See docs/limits.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields


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
        limits = cls()
        for f in fields(cls):
            raw = os.environ.get("BRIEFING_" + f.name.upper())
            if raw and raw.strip().isdigit():
                setattr(limits, f.name, int(raw))
        return limits


LIMITS = Limits.from_environment()
