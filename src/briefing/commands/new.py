"""`new`: a new dossier folder that `check`s clean at once, with the editor settings that check it while typing.

It writes dossier.yaml (title, a first section, marking, language),
sources.yaml, a facts file, judgments.yaml and archive/, each YAML file with a
modeline pointing at the JSON Schema; the schemas themselves go to
`<facts>/.schema/` (written by this version of the program), and
`.vscode/settings.json` beside the facts folder maps them to every file of the
facts tree, so new files are checked without a modeline.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from briefing.dossier.discover import find_dossiers
from briefing.foundation.errors import Problems, UsageError, display_path
from briefing.foundation.options import Options
from briefing.foundation.scales import ID_RE, RESERVED_NAMES
from briefing.publish.transaction import Transaction, write_atomic

SCHEMA_DIR = ".schema"
MODELINE = "# yaml-language-server: $schema=../" + SCHEMA_DIR + "/{name}.schema.json\n"


def run(options: Options, commands: tuple[str, ...] = ()) -> int:
    """Create the dossier; exit 0, or 2 (UsageError) for a bad id or a folder that exists."""
    name = options.dossiers[0]
    facts = options.facts if options.facts is not None else Path("facts")
    folder = facts / name
    _refuse(name, folder, facts, commands)
    title = str(options.get("title") or name.replace("-", " ").capitalize())
    files = {folder / "dossier.yaml": _dossier(title), folder / "sources.yaml": _sources(),
             folder / "facts.yaml": _facts(), folder / "judgments.yaml": _judgments(),
             folder / "archive" / "README.txt": _archive_readme()}
    files.update(_schemas(facts))
    txn = Transaction(facts)
    try:
        for path, text in files.items():
            txn.stage(path, text.encode("utf-8"))
        txn.commit()
    except BaseException:
        txn.rollback()
        raise
    settings = _editor_settings(facts)
    print(f"Created {folder}/: dossier.yaml, sources.yaml, facts.yaml, judgments.yaml, archive/")
    if settings:
        print(settings)
    print("Next: add an article with `briefing add-source " + name + " PAGE.html`, then `briefing check " + name + "`.")
    return 0


def _refuse(name: str, folder: Path, facts: Path, commands: tuple[str, ...]) -> None:
    if not ID_RE.match(name):
        from briefing.dossier.register import slug

        better = slug(name, 64)
        hint = f" (did you mean '{better}'?)" if better and ID_RE.match(better) else ""
        raise UsageError(f"'{name}' is not a valid dossier id: use lowercase letters, digits and hyphens{hint}")
    if name in RESERVED_NAMES:
        raise UsageError(f"'{name}' is reserved for the site's own files; pick another name")
    if name in commands:
        raise UsageError(f"'{name}' is the name of a command; `build {name}` would be ambiguous, pick another name")
    if folder.exists() or os.path.lexists(folder):
        known = find_dossiers(facts, Problems()) if facts.is_dir() else {}
        what = "a dossier" if name in known else "a folder"
        raise UsageError(f"{folder} already exists ({what}); pick another name, or remove it first")
    if facts.exists() and not facts.is_dir():
        raise UsageError(f"facts folder '{facts}' is not a folder")


def _dossier(title: str) -> str:
    return MODELINE.format(name="dossier") + f"""title: {json.dumps(title, ensure_ascii=False)}
# summary: >-
#   What the dossier covers, in a sentence or two (Markdown).
marking: TLP:CLEAR          # TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT or TLP:RED
language: en
sections:                   # in reading order; each fact names one
  - id: main
    title: Main developments
# metrics:                  # quantities facts report, for the key-figures table
#   troops:
#     label: Troops deployed
#     unit: soldiers
"""


def _sources() -> str:
    return MODELINE.format(name="facts") + """# The source register. `briefing add-source DOSSIER PAGE.html` appends an entry
# here and archives the article's text under archive/.
sources: []
"""


def _facts() -> str:
    return MODELINE.format(name="facts") + """# Facts: one narrow claim each, in your own words, with the sources that report it.
# `briefing locate DOSSIER SOURCE "words"` gives a ready quote and locator.
#
# facts:
#   - id: first-fact
#     section: main
#     statement: What happened, in one sentence.
#     date: 2025-01-31
#     credibility: 3
#     sources:
#       - source: some-source-2025-01-31
#         quote: the words of the article
#         locator: paragraph 2
facts: []
"""


def _judgments() -> str:
    return MODELINE.format(name="facts") + """# Judgments: what you conclude from the facts (ICD 203 likelihood and confidence).
#
# judgments:
#   - id: first-judgment
#     statement: What is likely to happen next.
#     likelihood: likely
#     confidence: moderate
#     date: 2025-02-01
#     based_on: [first-fact]
judgments: []
"""


def _archive_readme() -> str:
    return ("Text copies of the sources, one .txt file each, paragraphs separated by blank lines.\n"
            "`briefing add-source` writes them; `locator: paragraph N` counts their paragraphs from 1.\n")


def _schemas(facts: Path) -> dict[Path, str]:
    """The JSON Schemas of this version of the program, beside the dossiers (a hidden folder, never a dossier)."""
    from briefing.dossier.model import dossier_schema, fact_file_schema

    folder = facts / SCHEMA_DIR
    return {folder / "facts.schema.json": json.dumps(fact_file_schema(), indent=2, ensure_ascii=False) + "\n",
            folder / "dossier.schema.json": json.dumps(dossier_schema(), indent=2, ensure_ascii=False) + "\n"}


def _editor_settings(facts: Path) -> str:
    """Map the schemas to the facts tree in .vscode/settings.json beside the facts folder; a line saying what was done."""
    root = facts.resolve().parent
    base = os.path.relpath(facts.resolve(), root).replace(os.sep, "/")
    wanted = {f"{base}/{SCHEMA_DIR}/facts.schema.json": [f"{base}/*/**/*.yaml", f"{base}/*/**/*.yml"],
              f"{base}/{SCHEMA_DIR}/dossier.schema.json": [f"{base}/*/dossier.yaml"]}
    path = root / ".vscode" / "settings.json"
    settings: dict[str, object] = {}
    if path.exists():
        try:
            settings = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(settings, dict):
                raise ValueError
        except (ValueError, OSError):
            return f"Note: {path} could not be read as plain JSON; add this to it:\n" + json.dumps({"yaml.schemas": wanted}, indent=2)
    schemas = settings.get("yaml.schemas")
    schemas = dict(schemas) if isinstance(schemas, dict) else {}
    if all(schemas.get(k) == v for k, v in wanted.items()):
        return ""
    schemas.update(wanted)
    settings["yaml.schemas"] = schemas
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, (json.dumps(settings, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return f"Editor settings: {display_path(path)} maps the JSON Schema to every file under {facts}/ (VS Code with the YAML extension)."
