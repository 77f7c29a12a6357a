"""The rebuild cache's key: whatever shapes an output is in it, so a changed program never serves stale briefs."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.publish import cache

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = {"formats": ["md", "html"], "as_of": "2026-11-21"}


def key(**options: object) -> str:
    return cache.brief_key(ROOT / "facts" / "north-korea-russia", [ROOT / "templates"], {**OPTIONS, **options})


def test_the_key_is_stable_for_the_same_inputs() -> None:
    assert key() == key()


def test_a_change_to_the_program_code_changes_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkout keeps its version number between releases; its code is in the key all the same."""
    before, site_before = key(), cache.site_key(None)
    monkeypatch.setattr(cache, "code_hash", lambda: "other code")
    assert key() != before
    assert cache.site_key(None) != site_before


def test_the_versions_of_the_rendering_libraries_are_in_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    before, with_pdf = key(), key(formats=["md", "html", "pdf"])
    real = cache._versions
    monkeypatch.setattr(cache, "_versions", lambda names: {**real(names), "markdown": "0.0"})
    assert key() != before and key(formats=["md", "html", "pdf"]) != with_pdf
