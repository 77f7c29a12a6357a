"""The assembled dossier every later stage reads, and where each of its items was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from briefing.dossier.marks import Marks, Path_
from briefing.dossier.model import DossierFile, Fact, Highlight, Judgment, Source
from briefing.foundation.errors import Problem, Problems, display_path


@dataclass(frozen=True)
class Where:
    """Where an item was written: its file and the positions of its values, which outlive the file's data."""

    path: Path
    marks: Marks

    def problem(self, problems: Problems, sub: Path_, message: str, *, warning: bool = False, key: bool = False) -> None:
        line, col = self.marks.where(sub, key)
        problems.add(Problem(self.path, line, col, message, "warning" if warning else "error"))

    def __str__(self) -> str:
        """`path:line:col` of the item's id (else of the item), the form editors and terminals can open."""
        line, col = self.marks.where(("id",))
        return f"{display_path(self.path)}:{line}:{col}"


@dataclass
class Dossier:
    """A whole dossier, valid as far as its items are: what every later stage reads."""

    id: str
    folder: Path
    spec: DossierFile
    files: list[Path]
    sources: dict[str, Source] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    judgments: dict[str, Judgment] = field(default_factory=dict)
    where: dict[tuple[str, str], Where] = field(default_factory=dict)
    archives: dict[str, str] = field(default_factory=dict)
    highlights: list[tuple[Highlight, Where]] = field(default_factory=list)  # in file order

    @property
    def templates(self) -> Path | None:
        folder = self.folder / "templates"
        return folder if folder.is_dir() else None
