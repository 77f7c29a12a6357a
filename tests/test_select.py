"""The selection rules of FORMAT.md ("Time", "Markings", "Disagreements") on the fixture dossier.

tests/fixtures/facts/harbour is small and fictional, and built so that each rule
has a case: its comments say which. These tests check what a brief as of a day
holds, before any template sees it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from briefing.brief.select import Brief, FactView, select_brief, window_start
from briefing.dossier.dossier import Dossier
from briefing.dossier.rules import known_from
from briefing.dossier.validate import load_dossier
from briefing.foundation.errors import Problems

FIXTURE = Path(__file__).parent / "fixtures" / "facts" / "harbour"
D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def dossier() -> Dossier:
    problems = Problems()
    loaded = load_dossier(FIXTURE, problems)
    assert loaded is not None and not problems.errors, problems.errors
    return loaded


def ids(views: list[FactView]) -> set[str]:
    return {v.id for v in views}


def fact(brief: Brief, fact_id: str) -> FactView:
    return next(v for v in brief.facts if v.id == fact_id)


def without_window(dossier: Dossier) -> Dossier:
    return dataclasses.replace(dossier, spec=dossier.spec.model_copy(update={"reading_window": None}))


# --- time ---------------------------------------------------------------------------------


def test_known_from_is_the_earliest_source_day_and_a_month_counts_from_its_last_day(dossier: Dossier) -> None:
    facts, sources = dossier.facts, dossier.sources
    assert known_from(facts["harbour-mined"], sources) == D("2024-02-29")  # published: 2024-02
    assert known_from(facts["fuel-shortage"], sources) == D("2024-02-15")  # two sources, the earlier counts
    assert known_from(facts["ships-held-20-claim"], sources) == D("2024-03-05")  # no date: the accessed day


def test_a_brief_as_of_a_past_day_holds_nothing_learned_later(dossier: Dossier) -> None:
    brief = select_brief(dossier, D("2024-01-15"))
    assert ids(brief.facts) == {"harbour-mouth-closed", "ships-held-12"}
    assert [s.source.id for s in brief.sources] == ["coast-guard-2024-01-10"]
    assert brief.judgments == []  # 'escalation' is dated 2024-01-20
    assert [(r.metric_id, [f.value for _, f in r.current]) for r in brief.figures] == [("ships-held", [12])]
    assert brief.clashes == []


def test_a_citation_of_a_source_not_yet_published_is_left_out(dossier: Dossier) -> None:
    brief = select_brief(dossier, D("2024-02-20"))
    fuel = fact(brief, "fuel-shortage")
    assert [c.source.source.id for c in fuel.citations] == ["harbour-daily-2024-02-15"]
    assert "monthly-review-2024-02" not in {s.source.id for s in brief.sources}
    assert "harbour-mined" not in ids(brief.facts)  # its only source counts from 2024-02-29


def test_the_day_a_fact_becomes_known_it_is_in(dossier: Dossier) -> None:
    assert "harbour-mined" not in ids(select_brief(dossier, D("2024-02-28")).facts)
    assert "harbour-mined" in ids(select_brief(dossier, D("2024-02-29")).facts)


def test_supersession_chain(dossier: Dossier) -> None:
    early = select_brief(dossier, D("2024-02-20"))
    assert fact(early, "ships-held-12").status == "superseded"
    assert fact(early, "ships-held-30").status == "reported"  # its successor is not known yet
    late = select_brief(dossier, D("2024-03-31"))
    chain = [fact(late, i) for i in ("ships-held-12", "ships-held-30", "ships-held-45")]
    assert [v.status for v in chain] == ["superseded", "superseded", "reported"]
    assert chain[0].superseded_by is chain[1] and chain[1].superseded_by is chain[2]
    assert chain[2].supersedes == [chain[1]]
    row = next(r for r in late.figures if r.metric_id == "ships-held")
    assert {v.id for v, _ in row.earlier} == {"ships-held-30"}  # ships-held-12 is older than the reading window
    whole = select_brief(without_window(dossier), D("2024-03-31"))
    row = next(r for r in whole.figures if r.metric_id == "ships-held")
    assert {v.id for v, _ in row.earlier} == {"ships-held-12", "ships-held-30"}


def test_a_superseded_disputed_fact_stays_disputed_and_in_full(dossier: Dossier) -> None:
    brief = select_brief(dossier, D("2024-04-30"))
    mined = fact(brief, "harbour-mined")
    assert mined.status == "disputed"
    assert mined.superseded_by is not None and mined.superseded_by.id == "approaches-cleared"
    assert not mined.standing and mined.in_full  # known before the window, but no longer standing


def test_new_since_counts_facts_known_after_the_day_and_judgments_made_after_it(dossier: Dossier) -> None:
    brief = select_brief(dossier, D("2024-03-31"), since=D("2024-02-29"))
    assert ids(brief.new) == {"ships-held-20-claim", "crew-freed-claim", "talks-offered", "envoy-visit",
                              "ships-held-45", "crew-mistreated", "crew-mistreatment-denied"}
    assert "harbour-mined" not in ids(brief.new)  # known on the since day itself: not new
    assert {j.judgment.id for j in brief.new_judgments} == {"talks-will-start", "ships-kept-as-leverage"}
    assert ids(brief.newly_superseded) == {"ships-held-30"}
    assert select_brief(dossier, D("2024-03-31")).new == []


# --- judgments -------------------------------------------------------------------------------


def test_a_judgment_resting_only_on_a_later_fact_waits_for_it(dossier: Dossier) -> None:
    before = select_brief(dossier, D("2024-04-09"))
    assert "escalation" not in {j.judgment.id for j in before.judgments}
    after = select_brief(dossier, D("2024-04-10"))
    escalation = next(j for j in after.judgments if j.judgment.id == "escalation")
    assert [f.id for f in escalation.based_on] == ["sanctions-threat"]


def test_judgments_newest_first_resting_on_facts_of_the_brief(dossier: Dossier) -> None:
    brief = select_brief(dossier, D("2024-03-31"))
    assert [j.judgment.id for j in brief.judgments] == ["ships-kept-as-leverage", "talks-will-start", "blockade-continues"]
    assert [j.number for j in brief.judgments] == [1, 2, 3]
    numbers = [f.number for f in brief.judgments[2].based_on]
    assert numbers == sorted(numbers)


# --- disagreements -------------------------------------------------------------------------


def test_disagreeing_figures_are_both_current(dossier: Dossier) -> None:
    brief = select_brief(dossier, D("2024-03-31"))
    row = next(r for r in brief.figures if r.metric_id == "ships-held")
    assert row.disputed
    assert sorted(f.value for _, f in row.current) == [20, 45]
    clash = next(c for c in brief.clashes if c.kind == "figure")
    assert ids(clash.facts) == {"ships-held-20-claim", "ships-held-45"}


def test_denial_dispute_and_contradiction_are_gathered(dossier: Dossier) -> None:
    brief = select_brief(dossier, D("2024-03-31"))
    kinds = {(c.kind, tuple(f.id for f in c.facts)) for c in brief.clashes}
    assert ("denied", ("crew-mistreated",)) in kinds
    assert ("disputed", ("harbour-mined",)) in kinds
    assert ("contradiction", ("crew-detained-80", "crew-freed-claim")) in kinds


def test_a_status_counts_from_its_status_date(dossier: Dossier) -> None:
    """`harbour-mined` is known from 29 February and disputed from 25 March: earlier briefs show it as reported."""
    before = select_brief(dossier, D("2024-03-24"))
    assert fact(before, "harbour-mined").status == "reported"
    assert fact(before, "harbour-mined").status_since is None
    assert "harbour-mined" not in {f.id for c in before.clashes for f in c.facts}
    assert "harbour-mined" not in ids(before.flagged)
    on = select_brief(dossier, D("2024-03-25"))
    assert fact(on, "harbour-mined").status == "disputed"
    assert str(fact(on, "harbour-mined").status_since) == "2024-03-25"
    assert ("disputed", ("harbour-mined",)) in {(c.kind, tuple(f.id for f in c.facts)) for c in on.clashes}


def test_a_status_change_after_since_is_news_even_for_an_old_fact(dossier: Dossier) -> None:
    brief = select_brief(dossier, D("2024-03-31"), since=D("2024-02-29"))
    assert not fact(brief, "harbour-mined").new
    assert ids(brief.status_changes) == {"harbour-mined"}
    assert select_brief(dossier, D("2024-04-30"), since=D("2024-03-31")).status_changes == []  # old news by then
    assert select_brief(dossier, D("2024-03-31")).status_changes == []  # no previous brief, nothing to compare


def test_a_retracted_fact_is_shown_as_such_and_leaves_no_figure(dossier: Dossier) -> None:
    brief = select_brief(dossier, D("2024-04-30"))
    assert ids(brief.withdrawn) == {"crew-hunger-strike"}
    assert fact(brief, "crew-hunger-strike").status == "retracted"
    assert not fact(brief, "crew-hunger-strike").standing


def test_grade_takes_the_best_source(dossier: Dossier) -> None:
    brief = select_brief(dossier, D("2024-03-31"))
    assert fact(brief, "envoy-visit").grade == "B1"  # liaison B, maritime C
    assert fact(brief, "harbour-mouth-closed").grade == "A1"


def test_sources_are_numbered_in_order_of_first_citation(dossier: Dossier) -> None:
    """Sources the brief prints come first (reading order), then those only the fact register cites."""
    brief = select_brief(dossier, D("2024-04-30"))
    shown = {v.id for v in brief.facts if v.in_full} | {f.id for c in brief.clashes for f in c.facts} | \
            {v.id for row in brief.figures for v, _ in (*row.current, *row.earlier)}
    firsts: list[int] = []
    for view in sorted(brief.facts, key=lambda v: v.id not in shown):
        for c in view.citations:
            if c.source.number not in firsts:
                firsts.append(c.source.number)
    assert firsts == list(range(1, len(brief.all_sources) + 1))
    assert brief.sources == brief.all_sources[: len(brief.sources)]


# --- markings ----------------------------------------------------------------------------------


def test_the_brief_carries_the_most_restrictive_marking_it_includes(dossier: Dossier) -> None:
    assert select_brief(dossier, D("2024-02-20")).marking == "TLP:CLEAR"
    assert select_brief(dossier, D("2024-03-31")).marking == "TLP:AMBER"


def test_max_marking_leaves_out_items_above_it_and_judgments_resting_only_on_them(dossier: Dossier) -> None:
    brief = select_brief(dossier, D("2024-04-30"), max_marking="TLP:CLEAR")
    assert brief.marking == "TLP:CLEAR"
    assert "talks-offered" not in ids(brief.facts)
    assert "liaison-note-2024-03-01" not in {s.source.id for s in brief.sources}
    judgments = {j.judgment.id for j in brief.judgments}
    assert "talks-will-start" not in judgments  # rests only on the AMBER fact
    assert "ships-kept-as-leverage" not in judgments  # itself AMBER
    assert {"blockade-continues", "escalation"} <= judgments
    envoy = fact(brief, "envoy-visit")  # a CLEAR fact keeps only its CLEAR source
    assert [c.source.source.id for c in envoy.citations] == ["maritime-watch-2024-03-20"]
    assert envoy.known_from == D("2024-03-20")
    assert envoy.grade == "C1"


# --- reading window -------------------------------------------------------------------------------


def test_window_start_includes_the_as_of_day() -> None:
    assert window_start(D("2024-03-31"), 1) == D("2024-03-31")
    assert window_start(D("2024-03-31"), 45) == D("2024-02-16")


def test_facts_before_the_window_are_summarized_but_what_the_window_replaced_shows(dossier: Dossier) -> None:
    brief = select_brief(dossier, D("2024-03-31"))
    assert brief.window_start == D("2024-02-16")
    assert ids(brief.summarized) == {"harbour-mouth-closed", "fuel-shortage", "port-authority-statement", "crew-detained-80",
                                     "ships-held-12"}
    assert not fact(brief, "ships-held-12").in_full  # replaced before the window: an old change, in the register
    assert fact(brief, "ships-held-30").in_full  # old, but replaced inside the window: the change must show
    assert all(v.in_full for v in brief.timeline)
    assert {v.id for j in brief.judgments for v in j.based_on} >= {"harbour-mouth-closed"}  # judgments still shown
    assert any(v.id == "crew-detained-80" for r in brief.figures for v, _ in r.current)  # figures still shown


def test_without_a_window_every_fact_is_in_full(dossier: Dossier) -> None:
    brief = select_brief(without_window(dossier), D("2024-03-31"))
    assert brief.window_start is None
    assert brief.summarized == []
