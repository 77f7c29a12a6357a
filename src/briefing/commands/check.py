"""`check`: load and validate the dossiers, print every problem and a summary, write nothing."""

from __future__ import annotations

from briefing.dossier.workspace import discover, load_all
from briefing.foundation.console import report
from briefing.foundation.errors import Problems
from briefing.foundation.options import Options


def run(options: Options, commands: tuple[str, ...] = ()) -> int:
    """Exit 0 when the dossiers are valid (warnings allowed unless --strict), 1 otherwise."""
    problems = Problems()
    dossiers = load_all(discover(options, problems, commands), problems, cache=not options.no_cache)
    report(problems)
    for d in dossiers:
        print(f"{d.id}: {len(d.facts)} facts, {len(d.sources)} sources, {len(d.judgments)} judgments")
    accepted = f", {problems.accepted} accepted" if problems.accepted else ""
    print(f"{len(problems.errors)} error(s), {len(problems.warnings)} warning(s){accepted}")
    return 1 if problems.failed(options.strict) else 0
