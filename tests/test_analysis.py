"""The analysis layer (format 1.1): judgments' life (revision, horizon, resolution), the track record,
key figures (estimate, merged values, supersession per metric), highlights, the timeline, reading
order and stable fact numbers. tests/fixtures/facts/strait is built so that each rule shows on one day.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing.brief.judgments import JudgmentView
from briefing.brief.numbering import Numbering, NumberingError
from briefing.brief.record import TrackRecord
from briefing.brief.select import Brief, FactView, select_brief
from briefing.dossier.analysis_checks import check_analysis
from briefing.dossier.dossier import Dossier
from briefing.dossier.model import Fact, Judgment
from briefing.dossier.validate import load_dossier
from briefing.foundation.errors import Problems
from briefing.foundation.layout import NUMBERS_NAME
from briefing.foundation.scales import LIKELIHOOD, WARNING_KINDS, likelihood_midpoint
from conftest import Result

FIXTURE = Path(__file__).parent / "fixtures" / "facts" / "strait"
D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def dossier() -> Dossier:
    problems = Problems()
    loaded = load_dossier(FIXTURE, problems)
    assert loaded is not None and not problems.errors
    return loaded


def fact(brief: Brief, fid: str) -> FactView:
    return next(v for v in brief.facts if v.id == fid)


def judgment(brief: Brief, jid: str) -> JudgmentView:
    return next(j for j in brief.judgments if j.judgment.id == jid)


# --- judgments ---------------------------------------------------------------------------------


def test_bottom_line_is_by_rank_then_newest(dossier: Dossier) -> None:
    brief = select_brief(dossier, D("2024-01-15"))
    ids = [j.judgment.id for j in brief.bottom_line]
    assert ids[:2] == ["more-on-board", "cause-storm"]  # rank 1, rank 2
    assert ids[2] == "inquiry-by-march"  # the newest unranked (15 January) before those of 14 January


def test_a_revision_replaces_the_revised_judgment_from_its_day(dossier: Dossier) -> None:
    before = select_brief(dossier, D("2024-02-11"))
    assert judgment(before, "cause-storm").current
    after = select_brief(dossier, D("2024-02-20"), since=D("2024-02-05"))
    old, new = judgment(after, "cause-storm"), judgment(after, "cause-engine-and-storm")
    assert old.state == "revised" and old not in after.bottom_line and new in after.bottom_line
    assert new.revises is old and old.revised_by is new
    assert after.revisions == [new] and new not in after.new_judgments
    assert [v.id for v in new.between] == ["engine-fault"]  # known after the old judgment's day


def test_horizon_passed_without_resolution_is_due_then_resolved(dossier: Dossier) -> None:
    due = select_brief(dossier, D("2024-02-05"), since=D("2024-01-15"))
    assert {j.judgment.id for j in due.due} == {"ferries-resume", "port-reopens-january", "toll-stays-three"}
    assert not any(j in due.bottom_line for j in due.due)
    assert due.due_since == due.due
    settled = select_brief(dossier, D("2024-02-20"), since=D("2024-02-05"))
    assert {j.judgment.id for j in settled.record.resolved} == {"ferries-resume", "port-reopens-january", "toll-stays-three",
                                                               "inquiry-by-march"}
    assert settled.resolved_since == settled.record.resolved and not settled.due


def test_roles_and_changed_basis(dossier: Dossier) -> None:
    brief = select_brief(dossier, D("2024-02-20"))
    view = judgment(brief, "traffic-recovers")
    assert [v.id for v in view.changed_basis] == ["port-reopen-expected"]  # disputed from 10 February
    earlier = select_brief(dossier, D("2024-02-05"))
    assert judgment(earlier, "traffic-recovers").changed_basis == []
    revised = judgment(brief, "cause-engine-and-storm")
    assert [v.id for v in revised.context] == ["storm-warning"] and "storm-warning" not in {v.id for v in revised.supports}


def test_withheld_support_is_counted_in_a_releasable_cut(dossier: Dossier) -> None:
    cut = select_brief(dossier, D("2024-02-20"), max_marking="TLP:CLEAR")
    view = judgment(cut, "cause-engine-and-storm")
    assert (view.withheld, view.supporting_total) == (1, 2)
    whole = select_brief(dossier, D("2024-02-20"))
    assert judgment(whole, "cause-engine-and-storm").withheld == 0


# --- track record ------------------------------------------------------------------------------


def test_midpoints_of_the_icd_203_ranges() -> None:
    assert likelihood_midpoint("likely") == 0.675
    assert likelihood_midpoint("almost-no-chance") == 0.03
    assert all(0 < likelihood_midpoint(name) < 1 for name in LIKELIHOOD)


def test_brier_score_over_decided_forecasts_only(dossier: Dossier) -> None:
    record = select_brief(dossier, D("2024-02-20")).record
    assert len(record.resolved) == 4 and len(record.decided) == 3  # one is indeterminate
    expected = ((0.675 - 1) ** 2 + (0.675 - 0) ** 2 + (0.875 - 1) ** 2) / 3
    assert record.brier == pytest.approx(expected)
    assert record.summary() == {"resolved": 4, "decided": 3, "borne_out": 2, "brier": round(expected, 3)}
    assert record.calibration == []  # fewer than ten


def _resolved(likelihood: str, outcome: str) -> JudgmentView:
    raw = {"id": "j", "statement": "S", "likelihood": likelihood, "confidence": "low", "date": "2024-01-01",
           "based_on": ["f"], "resolution": {"outcome": outcome, "date": "2024-02-01", "based_on": ["f"]}}
    return JudgmentView(Judgment.model_validate(raw), 1, [], state="resolved")


def test_calibration_table_from_ten_decided_forecasts() -> None:
    views = [_resolved("likely", "borne-out")] * 6 + [_resolved("likely", "not-borne-out")] * 2 + \
        [_resolved("unlikely", "not-borne-out")] * 2 + [_resolved("unlikely", "indeterminate")]
    table = TrackRecord(views).calibration
    assert [(c.likelihood, c.decided, c.borne_out) for c in table] == [("unlikely", 2, 0), ("likely", 8, 6)]
    assert table[1].observed == 0.75 and table[1].stated == "55-80%"
    assert TrackRecord(views[:9]).calibration == []


def test_no_brier_score_before_a_forecast_is_decided() -> None:
    assert TrackRecord([_resolved("likely", "indeterminate")]).brier is None


# --- key figures ---------------------------------------------------------------------------------


def test_supersession_is_per_metric(dossier: Dossier) -> None:
    brief = select_brief(dossier, D("2024-01-15"))
    rows = {r.metric_id: r for r in brief.figures}
    assert [v.value for v in rows["people-on-board"].values] == [23]  # twenty-rescued reports no such figure
    assert fact(brief, "ferry-capsized").status == "superseded"  # the fact as a whole still is
    assert [v.value for v in rows["rescued"].values] == [20]
    assert [(e.view.id, e.reason, e.by.id if e.by else None) for e in rows["rescued"].earlier_values] == \
        [("ferry-capsized", "superseded", "twenty-rescued")]


def test_agreeing_values_merge_and_only_disagreeing_ones_are_set_against_each_other(dossier: Dossier) -> None:
    merged = {r.metric_id: r for r in select_brief(dossier, D("2024-02-05")).figures}["deaths"]
    assert len(merged.values) == 1 and [v.id for v in merged.values[0].views] == ["deaths-three-wire", "deaths-three-local"]
    assert not merged.disputed
    split = {r.metric_id: r for r in select_brief(dossier, D("2024-02-20")).figures}["deaths"]
    assert [v.value for v in split.values] == [3, 2] and split.disputed


def test_the_desk_estimate_sits_on_its_metric(dossier: Dossier) -> None:
    row = {r.metric_id: r for r in select_brief(dossier, D("2024-01-15")).figures}["people-on-board"]
    assert row.estimate is not None
    assert (row.estimate.value, row.estimate.low, row.estimate.high) == (25, 23, 28)
    assert row.estimate.judgment.judgment.id == "more-on-board" and row.estimate.likelihood == "likely"


# --- highlights, timeline, reading order ---------------------------------------------------------


def test_highlights_are_the_newest_entry_dated_when_older_than_since(dossier: Dossier) -> None:
    assert select_brief(dossier, D("2024-01-07")).highlights is None
    first = select_brief(dossier, D("2024-02-05"), since=D("2024-01-15"))
    assert first.highlights is not None and str(first.highlights.date) == "2024-01-08" and first.highlights.dated
    fresh = select_brief(dossier, D("2024-02-20"), since=D("2024-02-05"))
    assert fresh.highlights is not None and str(fresh.highlights.date) == "2024-02-10" and not fresh.highlights.dated


def test_the_timeline_holds_the_flagged_key_events_in_order(dossier: Dossier) -> None:
    brief = select_brief(dossier, D("2024-02-20"))
    assert [v.id for v in brief.timeline] == ["storm-warning", "ferry-capsized", "port-closed", "port-reopened", "inquiry-opened"]


def test_a_month_comes_after_a_day_inside_it(dossier: Dossier) -> None:
    brief = select_brief(dossier, D("2024-02-20"))
    order = [v.id for v in brief.facts if v.section.id == "incident"]
    assert order.index("deaths-three-local") > order.index("deaths-two-ministry")  # 2024-01 after 2024-01-12
    assert order.index("ferry-capsized") < order.index("engine-fault")  # same day: file order


# --- stable numbers ------------------------------------------------------------------------------


def test_numbers_follow_known_order_then_file_order_and_are_never_reused() -> None:
    numbering = Numbering()
    assert numbering.assign(["b", "a"]) == {"b": 1, "a": 2}
    assert numbering.assign(["c", "a"]) == {"c": 3, "a": 2}
    again = Numbering.load(numbering.dump())
    assert again.assign(["d"]) == {"d": 4} and again.numbers["b"] == 1


@pytest.mark.parametrize("data", [b"{", b'{"facts": {"a": 1}, "next": 1}', b'{"facts": {"a": 1, "b": 1}, "next": 3}', b"[]"])
def test_a_damaged_numbering_file_is_refused(data: bytes) -> None:
    with pytest.raises(NumberingError):
        Numbering.load(data)


def test_a_backfilled_fact_gets_the_next_number(dossier: Dossier) -> None:
    saved = Numbering.load((Path(__file__).parent / "fixtures" / "numbers" / "strait.json").read_bytes())
    brief = select_brief(dossier, D("2024-03-10"), numbering=saved)
    assert fact(brief, "storm-warning").number == 11  # known first, added last
    assert fact(brief, "ferry-capsized").number == 1 and fact(brief, "twenty-rescued").number == 3
    fresh = select_brief(dossier, D("2024-03-10"))
    assert fact(fresh, "storm-warning").number == 3  # in a fresh folder: after the two facts of 6 January


def test_build_keeps_numbers_beside_the_briefs(run: Callable[..., Result], tmp_path: Path) -> None:
    facts = tmp_path / "facts"
    shutil.copytree(FIXTURE, facts / "strait")
    backfill = (facts / "strait" / "incident.yaml").read_text(encoding="utf-8")
    head, _, _ = backfill.partition("  - id: storm-warning")
    (facts / "strait" / "incident.yaml").write_text(head, encoding="utf-8")
    judgments = facts / "strait" / "judgments.yaml"
    judgments.write_text(judgments.read_text(encoding="utf-8").replace("      - {fact: storm-warning, role: context}\n", ""),
                         encoding="utf-8")
    out = tmp_path / "out"
    assert run("build", "--facts", facts, "--out", out, "--as-of", "2024-02-20", "--format", "md", "-q").code == 0
    first = json.loads((out / "strait" / NUMBERS_NAME).read_text(encoding="utf-8"))
    (facts / "strait" / "incident.yaml").write_text(backfill, encoding="utf-8")
    assert run("build", "--facts", facts, "--out", out, "--as-of", "2024-03-10", "--format", "md", "-q").code == 0
    second = json.loads((out / "strait" / NUMBERS_NAME).read_text(encoding="utf-8"))
    assert {k: v for k, v in second["facts"].items() if k in first["facts"]} == first["facts"]
    assert second["facts"]["storm-warning"] == first["next"]
    assert f"**F{first['next']}** 5 January 2024" in (out / "strait" / "2024-03-10.md").read_text(encoding="utf-8")


def test_build_stops_on_a_damaged_numbering_file(run: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "strait").mkdir(parents=True)
    (out / "strait" / NUMBERS_NAME).write_text("not json", encoding="utf-8")
    result = run("build", "--facts", FIXTURE.parent, "--out", out, "--as-of", "2024-02-20", "--format", "md", "-q", "strait")
    assert result.code == 1 and NUMBERS_NAME in result.err and not (out / "strait" / "2024-02-20.md").exists()


# --- check ---------------------------------------------------------------------------------------


def test_new_warning_kinds_are_listed() -> None:
    assert {"due-for-review", "weak-basis"} <= set(WARNING_KINDS)


def test_due_for_review_is_judged_as_of_the_day_given(dossier: Dossier) -> None:
    early, late = Problems(), Problems()
    check_analysis(dossier, early, today=D("2024-02-15"))
    check_analysis(dossier, late, today=D("2024-03-10"))
    due = [p for p in late.warnings if "[due-for-review]" in p.message]
    assert not [p for p in early.warnings if "[due-for-review]" in p.message]
    assert due == [] and late.accepted >= 1  # salvage-by-spring accepts it; the others are resolved


def test_judgment_properties() -> None:
    raw = {"id": "j", "statement": "S", "likelihood": "likely", "confidence": "low", "date": "2024-01-01",
           "based_on": ["a", {"fact": "b", "role": "contradicts"}, {"fact": "c", "role": "context"}]}
    j = Judgment.model_validate(raw)
    assert j.facts == ["a", "b", "c"] and j.supporting == ["a"]
    assert Fact.model_validate({"id": "f", "section": "s", "statement": "S", "sources": [{"source": "x"}],
                                "supersedes": "a"}).supersedes == ["a"]
