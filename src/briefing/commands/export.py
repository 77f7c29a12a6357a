"""`export`: the dossier as of a day as JSON (everything), CSV (one row per fact) or CSL-JSON (the sources).

Validated as a build validates (errors stop it; --strict makes warnings
errors), and cut by --max-marking exactly as a build is: the shaping is
brief/export.py, on the brief's own selection.
"""

from __future__ import annotations

import json

from briefing.dossier.workspace import load_one
from briefing.foundation.console import emit, report
from briefing.foundation.errors import Failure, Problems
from briefing.foundation.options import Options

BOM = "\ufeff"  # spreadsheets (Excel) read a CSV as UTF-8 only when it starts with one


def run(options: Options, commands: tuple[str, ...] = ()) -> int:
    from briefing.brief.export import csl_items, csv_text, export_data

    problems = Problems()
    dossier = load_one(options, problems, commands)
    if problems.failed(options.strict):
        raise Failure(problems)
    report(problems)  # warnings, as a build prints them
    data = export_data(dossier, options.days[0], options.max_marking)
    kind = options.get("to")
    if kind == "csv":
        text = BOM + csv_text(data)
    elif kind == "csl-json":
        text = json.dumps(csl_items(data), indent=2, ensure_ascii=False) + "\n"
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    emit(text, options.get("output"))  # type: ignore[arg-type]
    return 0
