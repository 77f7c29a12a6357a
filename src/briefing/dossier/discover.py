"""Find the dossiers of a facts folder and the YAML files of a dossier: cheap, no parsing."""

from __future__ import annotations

import os
from pathlib import Path

from briefing.foundation.errors import Problems
from briefing.foundation.scales import ID_RE as _ID
from briefing.foundation.scales import RESERVED_NAMES, SKIPPED_DIRS, WINDOWS_NAMES

DOSSIER_FILE = "dossier.yaml"
YAML_SUFFIXES = (".yaml", ".yml")



def find_dossiers(facts_dir: Path, problems: Problems) -> dict[str, Path]:
    """Dossier folders under `facts_dir` by id; warns about YAML folders without dossier.yaml."""
    found: dict[str, Path] = {}
    if not facts_dir.is_dir():
        return found
    root = facts_dir.resolve()
    for folder in sorted(p for p in facts_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not folder.resolve().is_relative_to(root):
            problems.error(folder, 1, 1, f"dossier folder '{folder.name}' is a link to a place outside {facts_dir}; move the dossier in instead")
            continue
        if (folder / DOSSIER_FILE).is_file():
            if not _ID.match(folder.name):
                problems.error(folder / DOSSIER_FILE, 1, 1, f"dossier folder name '{folder.name}' is not a valid id: use lowercase letters, digits and hyphens")
                continue
            if folder.name in WINDOWS_NAMES:
                problems.error(folder / DOSSIER_FILE, 1, 1, f"dossier folder name '{folder.name}' is a device name on Windows, "
                               "where the published folder could not be made; rename the folder")
                continue
            if folder.name in RESERVED_NAMES:
                problems.error(folder / DOSSIER_FILE, 1, 1, f"dossier folder name '{folder.name}' is reserved for the site's own files; rename the folder")
                continue
            found[folder.name] = folder
        else:
            stray = next(iter(sorted(yaml_files(folder))), None)
            if stray is not None:
                problems.warning(stray, 1, 1, f"folder '{folder.name}' holds YAML but no {DOSSIER_FILE}; it is ignored")
    return found


def yaml_files(folder: Path) -> list[Path]:
    """Every YAML file below `folder`, in a stable order, skipping hidden, archive and template folders."""
    out: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (Path(root) == folder and d in SKIPPED_DIRS))
        out.extend(Path(root) / f for f in sorted(files) if f.endswith(YAML_SUFFIXES) and not f.startswith("."))
    return out
