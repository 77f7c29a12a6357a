"""The dossiers a command works on: the facts folder, the dossiers named in it, loaded and validated."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.dossier.discover import find_dossiers
from briefing.foundation.collector import no_cyclic_gc
from briefing.foundation.errors import Failure, Problems, UsageError, suggest
from briefing.foundation.options import Options

if TYPE_CHECKING:  # the models import pydantic: finding dossiers must not
    from briefing.dossier.dossier import Dossier


def facts_folder(options: Options) -> Path:
    """--facts, else facts/ here, else the bundled demo so that a first run shows a real brief."""
    if options.facts is not None:
        if not options.facts.is_dir():
            what = "is not a folder" if options.facts.exists() else "does not exist"
            raise UsageError(f"facts folder '{options.facts}' {what}")
        return options.facts
    here = Path("facts")
    if here.is_dir():
        return here
    from briefing.foundation.resources import demo_facts_dir

    if not options.quiet:
        print("No facts/ folder here: using the bundled demo dossier.", file=sys.stderr)
    return demo_facts_dir()


def discover(options: Options, problems: Problems, commands: tuple[str, ...] = ()) -> dict[str, Path]:
    """The dossier folders named on the command line (all by default), by id; cheap, no parsing.

    `commands` are the program's command names: a dossier name that looks like
    one (`build.py init`) is answered with the nearest real command too.
    """
    facts_dir = facts_folder(options)
    found = find_dossiers(facts_dir, problems)
    names = list(dict.fromkeys(options.dossiers)) or sorted(found)
    for name in names:
        if name not in found:
            raise UsageError(f"unknown dossier '{name}' in {facts_dir}{_hint(name, found, commands)}")
    if not names:
        if problems.errors:  # there are dossier folders, but none is usable (a folder name that is not an id): bad facts
            raise Failure(problems)
        raise UsageError(f"no dossiers in {facts_dir} (a dossier is a folder holding dossier.yaml)")
    return {name: found[name] for name in names}


# Words a new user types for a command, and the command that does it.
_COMMAND_WORDS = {"init": "new", "create": "new", "start": "new", "add": "add-source", "import": "add-source", "fetch": "add-source",
                  "list": "facts", "ls": "facts", "find": "locate", "search": "locate", "grep": "locate", "get": "show",
                  "validate": "check", "lint": "check", "preview": "serve", "publish": "build", "render": "build"}


def _hint(name: str, found: dict[str, Path], commands: tuple[str, ...]) -> str:
    """A did-you-mean for an unknown dossier; when the name looks like a command, the real commands."""
    hint = suggest(name, [*found, *commands])
    if hint or not commands or not name.isalpha():
        return hint
    meant = _COMMAND_WORDS.get(name.lower())
    closest = f" (did you mean '{meant}'?)" if meant in commands else ""
    return f"; '{name}' is not a command either{closest}: the commands are {', '.join(commands)}"


def load_all(folders: dict[str, Path], problems: Problems, *, cache: bool = True) -> list[Dossier]:
    """Load and validate the dossiers in `folders`; every problem goes into `problems`.

    Fact files whose bytes did not change since an earlier run are read from the
    user's cache folder (`dossier.parsed`), unless `cache` is false (`--no-cache`).
    """
    from briefing.dossier.parsed import ParsedFiles
    from briefing.dossier.validate import load_dossier

    parsed = ParsedFiles.in_user_cache(cache)
    with no_cyclic_gc():
        return [d for d in (load_dossier(folder, problems, parsed) for folder in folders.values()) if d is not None]


def load_one(options: Options, problems: Problems, commands: tuple[str, ...] = ()) -> Dossier:
    """The one dossier a curation command works on: the one named, else the only one in the facts folder.

    Its problems go into `problems`; when its dossier.yaml is unusable the run stops with them
    (`Failure`: the user sees why, at its line, as `check` would say it).
    """
    names = options.dossiers[:1]
    if not names:
        found = find_dossiers(facts_folder(options), Problems())
        if len(found) != 1:
            listed = ", ".join(sorted(found)) or "none"
            raise UsageError(f"name the dossier (dossiers in {facts_folder(options)}: {listed})")
        names = tuple(found)
    folders = discover(options.replace(dossiers=names), problems, commands)
    dossiers = load_all(folders, problems)
    if not dossiers:
        raise Failure(problems)
    return dossiers[0]
