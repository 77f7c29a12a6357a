"""Where the project's own files are: templates, assets and the demo dossier.

From a checkout they are the top-level `templates/` and `facts/` folders; an
installed wheel carries copies inside the package (`briefing/_data/`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


@cache
def _data(name: str) -> Path:
    bundled = _PACKAGE / "_data" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent.parent / name


def templates_dir() -> Path:
    """The default templates (Jinja files and the `assets/` folder)."""
    return _data("templates")


def assets_dir() -> Path:
    """CSS and fonts copied into every published site."""
    return templates_dir() / "assets"


def demo_facts_dir() -> Path:
    """The demo dossiers, used when the current directory has no `facts/` folder."""
    return _data("facts")
