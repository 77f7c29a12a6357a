"""Checks of the analysis keys (FORMAT 1.1): revisions, horizons, resolutions, estimates; and the
warnings `due-for-review` and `weak-basis`.

References (that a named fact, judgment or metric exists) are checked with all
the others in `validate.check_references`; here are the rules of time and order
that only these keys have. Each problem points at the key that breaks the rule.
"""

from __future__ import annotations

import datetime as dt

from briefing.dossier import rules
from briefing.dossier.checks import warn_kind
from briefing.dossier.dossier import Dossier
from briefing.dossier.graph import find_cycles
from briefing.dossier.model import Judgment
from briefing.foundation.errors import Problems


def check_analysis(dossier: Dossier, problems: Problems, today: dt.date | None = None) -> None:
    """Every rule of the judgment keys, all problems reported; warnings as of `today` (default: the clock)."""
    day = today or dt.date.today()
    for jid, judgment in dossier.judgments.items():
        _check_revision(dossier, jid, judgment, problems)
        _check_horizon_and_resolution(dossier, jid, judgment, problems)
        _check_estimate(dossier, jid, judgment, problems)
    _check_revision_cycles(dossier, problems)
    _warn_due(dossier, problems, day)
    _warn_weak_basis(dossier, problems)


def _check_revision(dossier: Dossier, jid: str, judgment: Judgment, problems: Problems) -> None:
    old = dossier.judgments.get(judgment.revises or "")
    if old is None or old.id == jid:
        return
    if old.date.last >= judgment.date.first:
        dossier.where[("judgments", jid)].problem(
            problems, ("revises",), f"judgment '{jid}' (dated {judgment.date}) revises judgment '{old.id}' dated "
            f"{old.date}; a revision must be dated after the judgment it replaces")


def _check_revision_cycles(dossier: Dossier, problems: Problems) -> None:
    edges = {jid: [j.revises] if j.revises and j.revises != jid else [] for jid, j in dossier.judgments.items()}
    for cycle in find_cycles(edges):
        first = min(cycle)
        i = cycle.index(first)
        shown = cycle[i:] + cycle[:i]
        dossier.where[("judgments", first)].problem(
            problems, ("revises",), f"judgment '{first}': 'revises' forms a cycle: {' -> '.join([*shown, first])}")


def _check_horizon_and_resolution(dossier: Dossier, jid: str, judgment: Judgment, problems: Problems) -> None:
    where = dossier.where[("judgments", jid)]
    if judgment.horizon is not None and judgment.horizon.last < judgment.date.first:
        where.problem(problems, ("horizon",), f"judgment '{jid}': horizon {judgment.horizon} is before the judgment's "
                      f"date {judgment.date}; a forecast resolves after it is made")
    resolution = judgment.resolution
    if resolution is None:
        return
    if resolution.date.last < judgment.date.first:
        where.problem(problems, ("resolution", "date"), f"judgment '{jid}': resolution dated {resolution.date}, before "
                      f"the judgment itself ({judgment.date})")
    for i, fid in enumerate(resolution.based_on):
        fact = dossier.facts.get(fid)
        known = rules.known_from(fact, dossier.sources) if fact is not None else None
        if known is not None and known > resolution.date.last:
            where.problem(problems, ("resolution", "based_on", i), f"judgment '{jid}': the resolution dated "
                          f"{resolution.date} rests on fact '{fid}', known only from {known}; date the resolution "
                          "on or after that day")


def _check_estimate(dossier: Dossier, jid: str, judgment: Judgment, problems: Problems) -> None:
    estimate = judgment.estimate
    if estimate is None:
        return
    where = dossier.where[("judgments", jid)]
    label = f"judgment '{jid}': estimate"
    if (estimate.low is None) != (estimate.high is None):
        given, missing = ("low", "high") if estimate.high is None else ("high", "low")
        where.problem(problems, ("estimate", given), f"{label} gives '{given}' without '{missing}'; give both ends "
                      "of the range or neither")
        return
    if estimate.low is not None and estimate.high is not None:
        if estimate.low > estimate.high:
            where.problem(problems, ("estimate", "low"), f"{label}: low {estimate.low:g} is above high {estimate.high:g}")
        elif not estimate.low <= estimate.value <= estimate.high:
            where.problem(problems, ("estimate", "value"), f"{label}: value {estimate.value:g} is outside its range "
                          f"{estimate.low:g} to {estimate.high:g}")


def current_ids(dossier: Dossier) -> set[str]:
    """Judgments no later judgment revises: the ones whose horizon and basis still matter."""
    revised = {j.revises for j in dossier.judgments.values() if j.revises}
    return {jid for jid in dossier.judgments if jid not in revised}


def _warn_due(dossier: Dossier, problems: Problems, today: dt.date) -> None:
    for jid in sorted(current_ids(dossier)):
        judgment = dossier.judgments[jid]
        if judgment.horizon is not None and judgment.resolution is None and judgment.horizon.last < today:
            warn_kind(problems, dossier, "due-for-review", ("judgments", jid), [judgment], ("horizon",),
                      f"judgment '{jid}': horizon {judgment.horizon} has passed without a resolution; resolve it "
                      "(borne-out, not-borne-out or indeterminate) or revise it")


def _warn_weak_basis(dossier: Dossier, problems: Problems) -> None:
    """A current, unresolved judgment resting on a fact that a later fact replaced, or that is denied,
    disputed or retracted: the judgment may no longer hold."""
    replaced = {old: f.id for f in dossier.facts.values() for old in f.supersedes}
    for jid in sorted(current_ids(dossier)):
        judgment = dossier.judgments[jid]
        if judgment.resolution is not None:
            continue
        for i, basis in enumerate(judgment.based_on):
            fact = dossier.facts.get(basis.fact)
            if basis.role != "supports" or fact is None:
                continue
            why = f"superseded by fact '{replaced[fact.id]}'" if fact.id in replaced else \
                fact.status if fact.status in ("denied", "disputed", "retracted") else None
            if why:
                warn_kind(problems, dossier, "weak-basis", ("judgments", jid), [judgment], ("based_on", i),
                          f"judgment '{jid}' rests on fact '{fact.id}', now {why}; review the judgment "
                          "(briefs mark it \"basis changed since judged\")")
