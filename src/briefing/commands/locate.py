"""`locate`: find words in a source's archive as the quote check does; print a ready `quote:` and `locator:`.

With no exact match it lists the closest passages, ranked, each with its
paragraph, so the analyst can copy the archive's own words. Exit 0 when the text
was found, 1 when it was not (like grep), 2 for an unknown source.
"""

from __future__ import annotations

import json
import sys

from briefing.dossier.passages import PassageIndex
from briefing.dossier.workspace import load_one
from briefing.foundation.console import emit
from briefing.foundation.errors import Problems, UsageError, suggest
from briefing.foundation.options import Options

LOCATE_CONTEXT = 14  # words each closest passage shows at least: a few words asked for need the words around them


def run(options: Options, commands: tuple[str, ...] = ()) -> int:
    problems = Problems()
    dossier = load_one(options, problems, commands)
    sid, text = str(options.get("source")), str(options.get("text"))
    if sid not in dossier.sources:
        raise UsageError(f"unknown source '{sid}' in dossier '{dossier.id}'{suggest(sid, dossier.sources)}")
    if sid not in dossier.archives:
        where = dossier.where[("sources", sid)]
        why = "has no archive (add `archive:` with a text copy, or add the page with `briefing add-source`)" \
            if dossier.sources[sid].archive is None else "has an archive that cannot be read (`briefing check` says why)"
        print(f"{where}: error: source '{sid}' {why}", file=sys.stderr)
        return 1
    if not text.strip():
        raise UsageError("TEXT is empty; give the words to find")
    index = PassageIndex(dossier.archives[sid])
    found = index.find(text)
    archive = dossier.sources[sid].archive
    if found:
        quote = index.as_written(text) or text
        lines = [f"quote: {json.dumps(quote, ensure_ascii=False)}", f"locator: paragraph {found[0].first}"]
        emit("\n".join(lines) + "\n", options.get("output"))  # type: ignore[arg-type]
        others = list(dict.fromkeys(f.label for f in found[1:]))
        if others:
            print(f"Also in {', '.join(others)} of {archive}.", file=sys.stderr)
        return 0
    near = index.closest(text, limit=int(options.get("limit") or 3), context=LOCATE_CONTEXT)  # type: ignore[call-overload]
    lines = [f"No exact match in {archive} ({len(index)} paragraphs). Closest passages:"]
    lines += [f"{n}. paragraph {p.paragraph} ({p.score:.0f}% alike): {json.dumps(p.text, ensure_ascii=False)}" for n, p in enumerate(near, 1)]
    emit("\n".join(lines) + "\n", options.get("output"))  # type: ignore[arg-type]
    return 1
