"""briefing.validate: a dossier's files put together, and every check that crosses items."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing.dossier.archives import closest_passage, fold
from briefing.dossier.discover import find_dossiers
from briefing.dossier.dossier import Dossier
from briefing.dossier.passages import PassageIndex
from briefing.dossier.validate import load_dossier
from briefing.foundation.errors import Problems
from briefing.foundation.limits import LIMITS
from conftest import DEMO

SPEC = """\
title: Test dossier
sections:
  - id: troops
    title: Troops
metrics:
  nk-troops:
    label: North Korean troops in Russia
"""
SOURCES = """\
sources:
  - id: times
    title: An article
    publisher: The Times
    published: 2024-10-16
    accessed: 2024-11-01
    reliability: B
"""


def fact(fid: str, *extra: str, source: str = "times", section: str = "troops") -> str:
    """One fact item of a `facts:` list; `extra` lines are added to it as they are (4-space indented)."""
    lines = [f"  - id: {fid}", f"    section: {section}", f"    statement: Fact {fid}.", *(f"    {e}" for e in extra),
             "    sources:", f"      - source: {source}"]
    return "\n".join(lines) + "\n"


Check = Callable[..., tuple[Dossier | None, list[str]]]


@pytest.fixture
def check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Check:
    """Write files into facts/d/ (dossier.yaml and sources.yaml by default) and load the dossier."""
    monkeypatch.chdir(tmp_path)

    def call(files: dict[str, str | bytes], spec: str | None = SPEC, sources: str | None = SOURCES) -> tuple[Dossier | None, list[str]]:
        folder = Path("facts/d")
        defaults = {"dossier.yaml": spec, "sources.yaml": sources}
        for name, content in {**defaults, **files}.items():
            if content is None:
                continue
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        problems = Problems()
        dossier = load_dossier(folder, problems)
        return dossier, [str(p) for p in problems.sorted()]

    return call


def test_demo_dossier_has_no_errors() -> None:
    problems = Problems()
    dossier = load_dossier(DEMO / "north-korea-russia", problems)
    assert dossier is not None
    assert problems.errors == []
    assert dossier.facts and dossier.sources and dossier.judgments


def test_valid_dossier(check: Check) -> None:
    dossier, lines = check({"facts.yaml": "facts:\n" + fact("a")})
    assert lines == []
    assert dossier is not None
    assert list(dossier.facts) == ["a"] and list(dossier.sources) == ["times"]
    assert str(dossier.where[("facts", "a")]) == "facts/d/facts.yaml:2:9"


# --- references ----------------------------------------------------------------------------------


def test_unknown_references_suggest_the_nearest_id(check: Check) -> None:
    _, lines = check({"facts.yaml": "facts:\n" + fact("a", "figures:", "  - metric: nk-troop", "    value: 3", section="troop", source="time")
                      + fact("b", "supersedes: aa", "contradicts: [a, c]")
                      + "judgments:\n  - id: j\n    statement: S.\n    likelihood: likely\n    confidence: low\n    date: 2024-11\n    based_on: [a, bb]\n"})
    assert lines == [
        "facts/d/facts.yaml:3:14: error: fact 'a': unknown section 'troop' (did you mean 'troops'?)",
        "facts/d/facts.yaml:6:17: error: fact 'a': unknown metric 'nk-troop' (did you mean 'nk-troops'?)",
        "facts/d/facts.yaml:9:17: error: fact 'a': unknown source 'time' (did you mean 'times'?)",
        "facts/d/facts.yaml:13:17: error: fact 'b': unknown fact 'aa' (did you mean 'a'?)",
        "facts/d/facts.yaml:14:19: warning: fact 'b' contradicts fact 'a': the brief shows both side by side [disagreement]",
        "facts/d/facts.yaml:14:22: error: fact 'b': unknown fact 'c'",
        "facts/d/facts.yaml:23:19: error: judgment 'j': unknown fact 'bb' (did you mean 'b'?)",
    ]


def test_broken_items_are_not_also_unknown(check: Check) -> None:
    _, lines = check({"facts.yaml": "facts:\n" + fact("a", "credibility: 9") + fact("b", "supersedes: a", source="broken"),
                      "more.yaml": "sources:\n  - id: broken\n    title: No accessed date\n"})
    assert lines == [
        "facts/d/facts.yaml:5:18: error: fact 'a': credibility: 9 is out of range: expected 1 to 6",
        "facts/d/more.yaml:2:5: error: source 'broken': missing required key 'accessed'",
        "facts/d/sources.yaml:2:9: warning: source 'times': never cited by a fact [uncited]",
    ]


def test_duplicate_ids_across_files(check: Check) -> None:
    _, lines = check({"a.yaml": "facts:\n" + fact("x"), "sub/b.yml": "facts:\n" + fact("x"), "c.yaml": SOURCES})
    assert lines == [
        "facts/d/sources.yaml:2:9: error: source 'times': id is used twice (first at facts/d/c.yaml:2:9)",
        "facts/d/sub/b.yml:2:9: error: fact 'x': id is used twice (first at facts/d/a.yaml:2:9)",
    ]


def test_duplicate_ids_are_reported_when_the_first_item_is_broken(check: Check) -> None:
    """Fixing the first item must not reveal a duplicate only then: both problems come in the same run."""
    _, lines = check({"a.yaml": "facts:\n" + fact("x", "credibility: 9") + fact("x")})
    assert lines == [
        "facts/d/a.yaml:5:18: error: fact 'x': credibility: 9 is out of range: expected 1 to 6",
        "facts/d/a.yaml:8:9: error: fact 'x': id is used twice (first at facts/d/a.yaml:2:9)",
    ]


def test_status_date_needs_a_status_and_should_not_precede_the_fact(check: Check) -> None:
    _, lines = check({"facts.yaml": "facts:\n" + fact("a", "status_date: 2024-05") + fact("b", "status: denied\n    status_date: 2023")})
    assert lines == [
        "facts/d/facts.yaml:5:18: error: fact 'a': status_date 2024-05 says when the status changed, but the status is 'reported'; "
        "give the status it took then (confirmed, disputed, denied or retracted)",
        "facts/d/facts.yaml:11:13: warning: fact 'b' is denied: the brief shows it among disagreements and denials [disagreement]",
        "facts/d/facts.yaml:12:18: warning: fact 'b': status_date 2023 is before the fact is known (2024-10-16); "
        "briefs show it as denied from the day it is known [status-date-before-known]",
    ]


def test_supersedes_cycles(check: Check) -> None:
    _, lines = check({"facts.yaml": "facts:\n" + fact("c", "supersedes: a") + fact("a", "supersedes: b") + fact("b", "supersedes: c")
                      + fact("self", "supersedes: self") + fact("chain", "supersedes: a")})
    assert lines == [
        "facts/d/facts.yaml:11:17: error: fact 'a': 'supersedes' forms a cycle: a -> b -> c -> a",
        "facts/d/facts.yaml:23:17: error: fact 'self': a fact cannot supersede itself",
    ]


def test_contradicting_itself_is_an_error_not_a_disagreement(check: Check) -> None:
    _, lines = check({"facts.yaml": "facts:\n" + fact("a", "contradicts: a")})
    assert lines == ["facts/d/facts.yaml:5:18: error: fact 'a': a fact cannot contradict itself"]


# --- dossier.yaml ----------------------------------------------------------------------------------


def test_duplicate_sections(check: Check) -> None:
    _, lines = check({"facts.yaml": "facts:\n" + fact("a")}, spec=SPEC.replace("metrics:", "  - id: troops\n    title: Again\nmetrics:"))
    assert lines == ["facts/d/dossier.yaml:5:9: error: section 'troops' is listed twice (first as section 1)"]


def test_bad_metric_id_points_at_the_key_and_unknown_keys_below_it_get_suggestions(check: Check) -> None:
    dossier, lines = check({}, spec=SPEC + "  Bad_Id:\n    label: x\n    units: y\n", sources=None)
    assert dossier is None
    assert lines == [
        "facts/d/dossier.yaml:8:3: error: metrics: 'Bad_Id' is not a valid id: use 1-64 lowercase letters, digits and hyphens, "
        "starting with a letter or digit (did you mean 'bad-id'?)",
        "facts/d/dossier.yaml:10:5: error: unknown key 'units' (did you mean 'unit'?)",
    ]


def test_a_broken_dossier_yaml_does_not_hide_the_facts_problems(check: Check) -> None:
    dossier, lines = check({"facts.yaml": "facts:\n" + fact("a", "credibility: 0") + fact("b", section="nowhere", source="nowhere")},
                           spec="title: [x]\nsections:\n  - id: troops\n    title: T\n", sources=None)
    assert dossier is None
    assert lines == [
        "facts/d/dossier.yaml:1:8: error: title: expected text, got a list",
        "facts/d/facts.yaml:5:18: error: fact 'a': credibility: 0 is out of range: expected 1 to 6",
        "facts/d/facts.yaml:12:17: error: fact 'b': unknown source 'nowhere'",
    ]


@pytest.mark.parametrize(("spec", "line"), [
    ("", "facts/d/dossier.yaml:1:1: error: dossier.yaml is empty; it needs at least 'title:' and 'sections:'"),
    ("- a\n", "facts/d/dossier.yaml:1:1: error: dossier.yaml must be a mapping of keys (title:, sections:, ...), got a list"),
    ("title: T\nsections: [\n", "facts/d/dossier.yaml:3:1: error: a value is missing here: a '[' or '{' above is not closed, or a ',' has nothing after it"),
])
def test_unusable_dossier_yaml(check: Check, spec: str, line: str) -> None:
    dossier, lines = check({}, spec=spec, sources=None)
    assert dossier is None
    assert lines == [line]


def test_a_typo_does_not_also_report_the_key_as_missing(check: Check) -> None:
    _, lines = check({"facts.yaml": "facts:\n" + fact("a").replace("statement:", "statment:") + fact("b")})
    assert lines == ["facts/d/facts.yaml:4:5: error: fact 'a': unknown key 'statment' (did you mean 'statement'?)"]


def test_limits_on_files_and_facts(check: Check, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LIMITS, "max_facts", 1)
    dossier, lines = check({"facts.yaml": "facts:\n" + fact("a") + fact("b")})
    assert dossier is None
    assert lines == ["facts/d/dossier.yaml:1:1: error: dossier has 2 facts, over the limit of 1 (BRIEFING_MAX_FACTS)"]


# --- archives and quotes ---------------------------------------------------------------------------------


def archived(path: str) -> str:
    return SOURCES + f"    archive: {path}\n"


ARCHIVE = "Seoul said \u201cNorth Korea has sent about 11,000\u00a0troops\u201d \u2014 more   may\nfollow.\n"


def test_quotes_match_after_folding_case_space_quotes_and_dashes(check: Check) -> None:
    quotes = ['"north korea HAS sent about 11,000 troops" - more may follow.', "Seoul said", "may follow"]
    cites = "".join(f"      - source: times\n        quote: '{q.replace(chr(39), chr(39) * 2)}'\n" for q in quotes)
    dossier, lines = check({"archive/times.txt": ARCHIVE, "facts.yaml": "facts:\n" + fact("a") + cites}, sources=archived("archive/times.txt"))
    assert lines == []
    assert dossier is not None and dossier.archives == {"times": ARCHIVE}


def test_quote_not_in_archive_shows_the_closest_passage_as_written(check: Check) -> None:
    _, lines = check({"archive/times.txt": ARCHIVE, "facts.yaml": "facts:\n" + fact("a", source="times").replace(
        "- source: times", "- source: times\n        quote: North Korea has sent about 12,000 troops")}, sources=archived("archive/times.txt"))
    assert lines == [
        "facts/d/facts.yaml:7:16: error: fact 'a': quote not found in the archive of 'times'; "
        "closest passage (paragraph 1): \"\u201cNorth Korea has sent about 11,000 troops\u201d\""
    ]


def test_fold() -> None:
    assert fold("\u201cA\u201d \u2014 \u2018b\u2019\u00a0\n C\u2013D") == "\"a\" - 'b' c-d"


def test_closest_passage_in_a_large_archive_is_fast() -> None:
    """One index per archive: a 2 MB archive in one paragraph (the worst case) answers quotes in well under a second each."""
    words = ("troops", "shells", "treaty", "drones", "report", "border", "winter", "supply")
    archive = " ".join(words[(i * 7 + i // 3) % len(words)] for i in range(300_000))  # 2 MB, the default limit
    start = time.perf_counter()
    index = PassageIndex(archive)
    for quote in ("a sentence the archive does not hold", " ".join(words * 80), "troops supply winter"):
        assert index.closest(quote)
    assert index.closest("troops supply winter")[0].text == "troops supply winter"
    assert time.perf_counter() - start < 4.0  # about 1.5 s on a loaded two-core machine


def test_closest_passage() -> None:
    assert closest_passage("The quick brown fox jumps over the lazy dog", "brown fax jumps") == "brown fox jumps"
    assert closest_passage("", "anything") == ""
    assert closest_passage("One", "one two three") == "One"
    assert closest_passage("He said \u201cNorth Korea sent 11,000\u00a0troops\u201d.", "north korea sent 12,000 troops") == (
        "\u201cNorth Korea sent 11,000 troops\u201d."
    )


@pytest.mark.parametrize(("path", "message"), [
    ("../outside.txt", "source 'times': archive '../outside.txt' points outside the dossier folder"),
    ("/etc/hostname", "source 'times': archive '/etc/hostname' points outside the dossier folder"),
    ("archive/link.txt", "source 'times': archive 'archive/link.txt' points outside the dossier folder"),
    ("archive/missing.txt", "source 'times': archive file 'archive/missing.txt' does not exist"),
    ("archive", "source 'times': archive 'archive' is a folder; name the text file in it"),
    ("archive/binary.txt", "source 'times': archive 'archive/binary.txt' is not a readable UTF-8 text file"),
    ("archive/loop.txt", "source 'times': archive 'archive/loop.txt' cannot be read (a link that loops)"),
    ("x" * 300, f"source 'times': archive '{'x' * 80}...' cannot be read (File name too long)"),
])
def test_archive_problems(check: Check, path: str, message: str) -> None:
    Path("facts").mkdir()
    Path("facts/outside.txt").write_text("secret\n")
    Path("facts/d/archive").mkdir(parents=True)
    os.symlink("../../outside.txt", "facts/d/archive/link.txt")
    os.symlink("loop.txt", "facts/d/archive/loop.txt")
    _, lines = check({"archive/binary.txt": b"\xff\xfe\x00", "facts.yaml": "facts:\n" + fact("a")}, sources=archived(path))
    assert lines == [f"facts/d/sources.yaml:8:14: error: {message}"]


def test_archive_over_the_limit(check: Check, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LIMITS, "max_archive_bytes", 10)
    _, lines = check({"archive/a.txt": "x" * 11, "facts.yaml": "facts:\n" + fact("a")}, sources=archived("archive/a.txt"))
    assert lines == ["facts/d/sources.yaml:8:14: error: source 'times': archive is over the limit of 10 bytes"]


def test_dossier_yaml_linked_from_outside_is_refused(check: Check) -> None:
    Path("elsewhere.yaml").write_text(SPEC)
    Path("facts/d").mkdir(parents=True)
    os.symlink("../../elsewhere.yaml", "facts/d/dossier.yaml")
    dossier, lines = check({"facts.yaml": "facts:\n" + fact("a")}, spec=None)
    assert dossier is None
    assert lines == ["facts/d/dossier.yaml:1:1: error: file is a link to a place outside the dossier folder; copy it in instead"]


def test_yaml_file_linked_from_outside_is_refused(check: Check) -> None:
    Path("elsewhere.yaml").write_text("facts: []\n")
    Path("facts/d").mkdir(parents=True)
    os.symlink("../../elsewhere.yaml", "facts/d/linked.yaml")
    _, lines = check({"facts.yaml": "facts:\n" + fact("a")})
    assert lines == ["facts/d/linked.yaml:1:1: error: file is a link to a place outside the dossier folder; copy it in instead"]


# --- warnings ---------------------------------------------------------------------------------------------


def test_source_warnings(check: Check) -> None:
    sources = SOURCES + "  - id: bare\n    title: T\n    accessed: 2024-11-01\n    reliability: B\n"
    _, lines = check({"facts.yaml": "facts:\n" + fact("a")}, sources=sources)
    assert lines == [
        "facts/d/sources.yaml:8:9: warning: source 'bare': never cited by a fact [uncited]",
        "facts/d/sources.yaml:8:9: warning: source 'bare': no publication date (its facts count from accessed 2024-11-01) [no-date]",
        "facts/d/sources.yaml:8:9: warning: source 'bare': no publisher (shown as \"publisher not stated\") [no-publisher]",
    ]


@pytest.mark.parametrize(("grades", "warned"), [("E", True), ("F", True), ("D", False), ("EF", False), ("BF", False)])
def test_fact_resting_on_one_weak_source(check: Check, grades: str, warned: bool) -> None:
    sources = "sources:\n" + "".join(
        f"  - id: s{i}\n    title: T\n    publisher: P\n    published: 2024\n    accessed: 2024-11-01\n    reliability: {g}\n"
        for i, g in enumerate(grades))
    cites = "".join(f"      - source: s{i}\n" for i in range(1, len(grades)))
    _, lines = check({"facts.yaml": "facts:\n" + fact("a", source="s0") + cites}, sources=sources)
    assert lines == ([f"facts/d/facts.yaml:6:7: warning: fact 'a': rests on one source, graded {grades} [single-weak-source]"] if warned else [])


def test_folder_with_yaml_but_no_dossier_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("facts/notes").mkdir(parents=True)
    Path("facts/notes/b.yaml").write_text("facts: []\n")
    Path("facts/notes/a.yml").write_text("facts: []\n")
    problems = Problems()
    assert find_dossiers(Path("facts"), problems) == {}
    assert [str(p) for p in problems.items] == ["facts/notes/a.yml:1:1: warning: folder 'notes' holds YAML but no dossier.yaml; it is ignored"]


def figure_fact(fid: str, date: str, value: int, qualifier: str = "exact") -> str:
    return fact(fid, f"date: {date}", "figures:", "  - metric: nk-troops", f"    value: {value}", f"    qualifier: {qualifier}")


@pytest.mark.parametrize(("a", "b", "warned"), [
    (("2024-10", 11000, "about"), ("2024-10-20", 12500, "exact"), True),
    (("2024-10", 11000, "about"), ("2024-10-20", 12000, "exact"), False),  # within 10 %
    (("2024-10", 11000, "at-least"), ("2024-10-20", 15000, "exact"), False),
    (("2024-10", 11000, "at-most"), ("2024-10-20", 15000, "exact"), True),
    (("2024-10", 11000, "exact"), ("2024-11", 15000, "exact"), False),  # no overlap in time
    (("2024-10/2024-12", 11000, "exact"), ("2024-11", 15000, "exact"), True),
])
def test_figures_that_disagree(check: Check, a: tuple[str, int, str], b: tuple[str, int, str], warned: bool) -> None:
    _, lines = check({"facts.yaml": "facts:\n" + figure_fact("a", *a) + figure_fact("b", *b)})
    when = a[0].replace("/", " to ")  # `a`'s dates hold `b`'s in every case that warns
    expected = (f"facts/d/facts.yaml:8:16: warning: fact 'a' and 1 other report 2 values for metric 'nk-troops' over overlapping dates "
                f"({when}): {a[2]} {a[1]} (fact 'a'); {b[2]} {b[1]} (fact 'b'); the brief shows them side by side [disagreement]")
    assert lines == ([expected] if warned else [])


def test_reports_that_agree_are_one_side_of_one_disagreement(check: Check) -> None:
    """Three reports of one month: two agree (about 11,000 and 11,500), the third does not; one warning, at the first."""
    facts = figure_fact("a", "2024-10", 11000, "about") + figure_fact("b", "2024-10-20", 11500) + figure_fact("c", "2024-10-21", 20000)
    _, lines = check({"facts.yaml": "facts:\n" + facts})
    assert lines == ["facts/d/facts.yaml:8:16: warning: fact 'a' and 2 others report 2 values for metric 'nk-troops' over overlapping "
                     "dates (2024-10): about 11000, exact 11500 (facts 'a', 'b'); exact 20000 (fact 'c'); the brief shows them side by "
                     "side [disagreement]"]


@pytest.mark.parametrize(("accepting", "warned"), [("c", False), ("a", True)])
def test_a_fact_accepting_a_disagreement_leaves_its_cluster(check: Check, accepting: str, warned: bool) -> None:
    """The outlier accepting it ends the disagreement; one of the agreeing side accepting it does not."""
    values = {"a": ("2024-10", 11000, "about"), "b": ("2024-10-20", 11500, "exact"), "c": ("2024-10-20", 20000, "exact")}
    facts = "".join(figure_fact(fid, *v).replace("    sources:", "    accept: [disagreement]\n    sources:") if fid == accepting
                    else figure_fact(fid, *v) for fid, v in values.items())
    _, lines = check({"facts.yaml": "facts:\n" + facts})
    assert len(lines) == (1 if warned else 0), lines
    if warned:
        assert "fact 'b' and 1 other report 2 values" in lines[0]


def test_a_metric_with_one_value_per_month_does_not_disagree(check: Check) -> None:
    facts = "".join(figure_fact(f"m{month}", f"2024-{month:02d}", 1000 * month) for month in range(1, 13))
    _, lines = check({"facts.yaml": "facts:\n" + facts})
    assert lines == []


def test_superseded_figures_do_not_disagree(check: Check) -> None:
    _, lines = check({"facts.yaml": "facts:\n" + figure_fact("a", "2024-10", 3000) + figure_fact("b", "2024-10", 11000).replace(
        "    sources:", "    supersedes: a\n    sources:")})
    assert lines == []


@pytest.mark.parametrize("status", ["denied", "disputed"])
def test_denied_and_disputed_facts(check: Check, status: str) -> None:
    _, lines = check({"facts.yaml": "facts:\n" + fact("a", f"status: {status}")})
    assert lines == [f"facts/d/facts.yaml:5:13: warning: fact 'a' is {status}: the brief shows it among disagreements and denials [disagreement]"]


def test_time_warnings(check: Check) -> None:
    sources = SOURCES + "  - id: late\n    title: T\n    publisher: P\n    published: 2025-01\n    accessed: 2024-11-01\n    reliability: B\n"
    judgment = "judgments:\n  - id: j\n    statement: S.\n    likelihood: likely\n    confidence: low\n    date: 2024-12-01\n    based_on: [a, b]\n"
    _, lines = check({"facts.yaml": "facts:\n" + fact("a") + fact("b", source="late") + judgment}, sources=sources)
    assert lines == [
        "facts/d/facts.yaml:18:19: warning: judgment 'j' is dated 2024-12-01 but rests on fact 'b', known only from 2025-01-31; "
        "briefs before that day will show the judgment without it [judgment-before-fact]",
        "facts/d/sources.yaml:11:16: warning: source 'late': published 2025-01 is after accessed 2024-11-01 [published-after-accessed]",
    ]


def test_accepted_warnings_are_counted_not_shown(check: Check) -> None:
    """`accept:` on the item, or in dossier.yaml for every item, silences a warning of that kind once looked at."""
    sources = SOURCES + "  - id: bare\n    title: T\n    accessed: 2024-11-01\n    reliability: E\n    accept: [no-date]\n"
    facts = "facts:\n" + fact("a", "accept: single-weak-source", source="bare") + fact("b", "status: denied") \
        + fact("c", "status: disputed\n    accept: [disagreement]")
    dossier, lines = check({"facts.yaml": facts}, sources=sources)
    assert lines == [
        "facts/d/facts.yaml:11:13: warning: fact 'b' is denied: the brief shows it among disagreements and denials [disagreement]",
        "facts/d/sources.yaml:8:9: warning: source 'bare': no publisher (shown as \"publisher not stated\") [no-publisher]",
    ]
    assert dossier is not None


def test_accept_in_dossier_yaml_covers_every_item(check: Check) -> None:
    spec = SPEC + "accept: [disagreement, no-publisher]\n"
    sources = SOURCES + "  - id: bare\n    title: T\n    published: 2024-10\n    accessed: 2024-11-01\n"
    _, lines = check({"facts.yaml": "facts:\n" + fact("a") + fact("b", "status: denied", source="bare")}, sources=sources, spec=spec)
    assert lines == ["facts/d/facts.yaml:12:7: warning: fact 'b': rests on one source, graded F [single-weak-source]"]


def test_a_disagreement_is_accepted_on_either_fact(check: Check) -> None:
    facts = "facts:\n" + fact("a", "accept: disagreement") + fact("b", "contradicts: a")
    _, lines = check({"facts.yaml": facts})
    assert lines == []


def test_accept_names_known_kinds_only(check: Check) -> None:
    _, lines = check({"facts.yaml": "facts:\n" + fact("a", "accept: [single-source]")})
    assert lines == [
        "facts/d/facts.yaml:5:14: error: fact 'a': accept: 'single-source' is not one of single-weak-source, disagreement, uncited, "
        "no-publisher, no-date, published-after-accessed, judgment-before-fact, status-date-before-known, due-for-review, "
        "weak-basis, own-templates (did you mean 'single-weak-source'?)",
        "facts/d/sources.yaml:2:9: warning: source 'times': never cited by a fact [uncited]",
    ]


def test_empty_fact_file_is_a_warning(check: Check) -> None:
    _, lines = check({"facts.yaml": "facts:\n" + fact("a"), "empty.yaml": ""})
    assert lines == ["facts/d/empty.yaml:1:1: warning: file is empty; a fact file holds 'sources:', 'facts:' or 'judgments:' lists"]
