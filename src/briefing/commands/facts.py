"""`facts`: a table of a dossier's facts known on a day (id, number, date, grade, status, statement), filtered."""

from __future__ import annotations

import shutil
import sys

from briefing.dossier.workspace import load_one
from briefing.foundation.console import emit
from briefing.foundation.errors import Problems, UsageError, suggest
from briefing.foundation.options import Options

HEADER = ("ID", "NO.", "DATE", "GRADE", "STATUS", "STATEMENT")


def run(options: Options, commands: tuple[str, ...] = ()) -> int:
    from briefing.brief.select import select_brief

    problems = Problems()
    dossier = load_one(options, problems, commands)
    section, source = options.get("section"), options.get("source")
    if section and section not in {s.id for s in dossier.spec.sections}:
        raise UsageError(f"unknown section '{section}'{suggest(str(section), [s.id for s in dossier.spec.sections])}")
    if source and source not in dossier.sources:
        raise UsageError(f"unknown source '{source}'{suggest(str(source), dossier.sources)}")
    day = options.days[0]
    brief = select_brief(dossier, day)
    grep = str(options.get("grep") or "").casefold()
    status = options.get("status")
    rows = [(v.id, f"F{v.number}", str(v.fact.date or ""), v.grade, v.status, " ".join(v.fact.statement.split()))
            for v in sorted(brief.facts, key=lambda v: v.number)
            if (not section or v.fact.section == section) and (not status or v.status == status)
            and (not source or any(c.source == source for c in v.fact.sources))
            and (not grep or grep in v.id.casefold() or grep in v.fact.statement.casefold())]
    output = options.get("output")
    width = shutil.get_terminal_size().columns if output is None and sys.stdout.isatty() else 0
    emit(table(rows, width), output)  # type: ignore[arg-type]
    errors = len(problems.errors)
    note = f"; the dossier has {errors} error(s), `briefing check` lists them" if errors else ""
    print(f"{len(rows)} of {len(dossier.facts)} facts (as of {day}){note}", file=sys.stderr)
    return 0


def table(rows: list[tuple[str, ...]], width: int = 0) -> str:
    """Columns padded to their widest cell; with a terminal `width`, the statement is cut to fit."""
    if not rows:
        return ""
    sizes = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER) - 1)]
    lines = []
    for row in [HEADER, *rows]:
        head = "  ".join(cell.ljust(size) for cell, size in zip(row, sizes, strict=False))
        statement = row[-1]
        room = width - len(head) - 2
        if width and room > 10 and len(statement) > room:
            statement = statement[: room - 1] + "…"
        lines.append(f"{head}  {statement}".rstrip())
    return "\n".join(lines) + "\n"
