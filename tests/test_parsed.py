"""The cache of parsed files (dossier.parsed): a file read back from it is the file read afresh, or is read afresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefing.dossier import marks
from briefing.dossier.dossier import Dossier
from briefing.dossier.parsed import ParsedFiles
from briefing.dossier.validate import load_dossier
from briefing.foundation.errors import Problems
from briefing.foundation.limits import LIMITS
from conftest import DEMO

BROKEN = """\
facts:
  - id: good-fact
    section: nowhere
    statement: A fact whose section is unknown.
    sources:
      - source: missing-source
  - id: bad-fact
    statment: A misspelt key.
    sources: []
  - id: good-fact
    section: x
    statement: The same id again.
    sources:
      - source: s
"""


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    """A copy of the demo dossier with one broken file added: errors at known places."""
    folder = tmp_path / "facts" / next(p.name for p in DEMO.iterdir() if (p / "dossier.yaml").is_file())
    shutil.copytree(DEMO / folder.name, folder)
    (folder / "zz-broken.yaml").write_text(BROKEN, encoding="utf-8")
    return folder


def load(folder: Path, files: ParsedFiles) -> tuple[Dossier | None, list[str]]:
    problems = Problems()
    return load_dossier(folder, problems, files), [str(p) for p in problems.sorted()]


def positions(dossier: Dossier | None) -> dict[tuple[str, str], list[str]]:
    """Where every item and a few of its values stand, as messages would say it."""
    assert dossier is not None
    return {key: [str(where), *(str(where.marks.where(sub)) for sub in (("statement",), ("sources", 0, "source"), ("id",)))]
            for key, where in dossier.where.items()}


def test_a_file_read_back_is_the_file_read_afresh(dossier: Path, tmp_path: Path) -> None:
    fresh, fresh_problems = load(dossier, ParsedFiles(None))
    files = ParsedFiles(tmp_path / "cache")
    (tmp_path / "cache").mkdir()
    _, first_problems = load(dossier, files)
    assert files.hits == 0
    again = ParsedFiles(tmp_path / "cache")
    kept, kept_problems = load(dossier, again)
    assert again.hits == len(list(dossier.glob("*.yaml"))) - 1  # every fact file, not dossier.yaml
    assert fresh_problems == first_problems == kept_problems
    assert any("unknown source 'missing-source'" in line for line in kept_problems)
    assert any("id is used twice" in line for line in kept_problems)
    assert fresh is not None and kept is not None
    assert kept.facts == fresh.facts and kept.sources == fresh.sources and kept.judgments == fresh.judgments
    assert [h for h, _ in kept.highlights] == [h for h, _ in fresh.highlights]
    assert positions(kept) == positions(fresh)


def test_positions_stored_by_a_run_that_numbered_paths_otherwise_are_renumbered(dossier: Path, tmp_path: Path,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Path numbers are given in the order a run meets paths: the next run may meet them in another order."""
    cache = tmp_path / "cache"
    cache.mkdir()
    fresh, fresh_problems = load(dossier, ParsedFiles(cache))
    expected = positions(fresh)
    monkeypatch.setattr(marks, "_NUMBERS", {})  # a new run that met other paths first
    monkeypatch.setattr(marks, "_PREFIXES", ({}, {}))
    monkeypatch.setattr(marks, "VALUE_PREFIXES", marks._PREFIXES[0])
    monkeypatch.setattr(marks, "KEY_PREFIXES", marks._PREFIXES[1])
    import briefing.dossier.reader as reader

    monkeypatch.setattr(reader, "VALUE_PREFIXES", marks._PREFIXES[0])
    monkeypatch.setattr(reader, "KEY_PREFIXES", marks._PREFIXES[1])
    for i in range(7):
        marks.number_path(("unrelated", i), bool(i % 2))
    files = ParsedFiles(cache)
    kept, kept_problems = load(dossier, files)
    assert files.hits > 0
    assert kept_problems == fresh_problems
    assert positions(kept) == expected


def test_a_changed_file_is_read_again(dossier: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    load(dossier, ParsedFiles(cache))
    broken = dossier / "zz-broken.yaml"
    broken.write_text(BROKEN.replace("missing-source", "another-missing-source"), encoding="utf-8")
    files = ParsedFiles(cache)
    _, problems = load(dossier, files)
    assert any("unknown source 'another-missing-source'" in line for line in problems)
    assert not any("'missing-source'" in line for line in problems)


def test_other_limits_do_not_read_entries_made_under_others(dossier: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    load(dossier, ParsedFiles(cache))
    monkeypatch.setattr(LIMITS, "max_text_chars", 20)
    files = ParsedFiles(cache)
    _, problems = load(dossier, files)
    assert files.hits == 0
    assert any("over the limit of 20" in line for line in problems)


def test_an_entry_that_cannot_be_read_back_is_made_again(dossier: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    _, before = load(dossier, ParsedFiles(cache))
    entries = sorted(cache.iterdir())
    assert entries and not any(p.name.endswith(".tmp") for p in entries)
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])  # a write cut short
    files = ParsedFiles(cache)
    _, after = load(dossier, files)
    assert files.hits == 0 and after == before
    again = ParsedFiles(cache)
    load(dossier, again)
    assert again.hits == len(entries)


def test_no_cache_neither_reads_nor_writes(dossier: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "user-cache"))
    assert ParsedFiles.in_user_cache(False).folder is None
    load(dossier, ParsedFiles.in_user_cache(False))
    assert not (tmp_path / "user-cache").exists()
    files = ParsedFiles.in_user_cache(True)
    assert files.folder is not None and files.folder.parent == tmp_path / "user-cache" / "briefing"


def test_entries_unused_for_a_month_are_removed_once_a_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import time

    from briefing.dossier import parsed

    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "user-cache"))
    folder = ParsedFiles.in_user_cache().folder
    assert folder is not None
    old, recent = folder / "old.pickle", folder / "recent.pickle"
    for path in (old, recent):
        path.write_bytes(b"x")
    month_ago = time.time() - (parsed.UNUSED_DAYS + 1) * 86400
    os.utime(old, (month_ago, month_ago))
    ParsedFiles.in_user_cache()  # swept at the first run of the day already: nothing looked at
    assert old.exists()
    os.utime(folder / ".swept", (month_ago, month_ago))
    ParsedFiles.in_user_cache()
    assert not old.exists() and recent.exists()
