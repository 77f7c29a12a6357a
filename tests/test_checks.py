"""Warnings: each of a kind that `accept:` can name; a kind missing from the list is the program's bug."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.dossier import checks
from briefing.dossier.validate import load_dossier
from briefing.foundation.errors import InternalError, Problems

DEMO = Path(__file__).resolve().parent.parent / "facts" / "north-korea-russia"


def test_a_warning_of_an_unlisted_kind_is_an_internal_error() -> None:
    dossier = load_dossier(DEMO, Problems())
    assert dossier is not None
    source = next(iter(dossier.sources.values()))
    with pytest.raises(InternalError, match=r"'made-up-kind' is not in scales\.WARNING_KINDS"):
        checks._warn(Problems(), dossier, "made-up-kind", ("sources", source.id), [source], ("id",), "message")


def test_a_listed_kind_warns_at_the_item() -> None:
    dossier = load_dossier(DEMO, Problems())
    assert dossier is not None
    source = next(iter(dossier.sources.values()))
    problems = Problems()
    checks._warn(problems, dossier, "uncited", ("sources", source.id), [source], ("id",), "a message")
    assert [p.message for p in problems.warnings] == ["a message [uncited]"]
