"""Warnings: what a brief can live with but an analyst should look at, each of a kind `accept:` can name."""

from __future__ import annotations

from typing import Any

from briefing.dossier import rules
from briefing.dossier.dossier import Dossier
from briefing.dossier.reader import Path_
from briefing.foundation.errors import InternalError, Problems
from briefing.foundation.scales import WARNING_KINDS


def check_time(dossier: Dossier, problems: Problems) -> None:
    """Dates that contradict each other are almost always typos; say so."""
    for sid, source in dossier.sources.items():
        if source.published is not None and source.published.first > source.accessed.last:
            _warn(problems, dossier, "published-after-accessed", ("sources", sid), [source], ("published",),
                  f"source '{sid}': published {source.published} is after accessed {source.accessed}")
    for fid, fact in dossier.facts.items():
        if fact.status_date is None:
            continue
        if fact.status == "reported":
            dossier.where[("facts", fid)].problem(
                problems, ("status_date",), f"fact '{fid}': status_date {fact.status_date} says when the status changed, but the "
                "status is 'reported'; give the status it took then (confirmed, disputed, denied or retracted)")
            continue
        known = rules.known_from(fact, dossier.sources)
        if known is not None and fact.status_date.last < known:
            _warn(problems, dossier, "status-date-before-known", ("facts", fid), [fact], ("status_date",),
                  f"fact '{fid}': status_date {fact.status_date} is before the fact is known ({known}); "
                  f"briefs show it as {fact.status} from the day it is known")
    for jid, judgment in dossier.judgments.items():
        for i, fid in enumerate(judgment.facts):
            fact = dossier.facts.get(fid)
            if fact is None:
                continue
            known = rules.known_from(fact, dossier.sources)
            if known is not None and known > judgment.date.last:
                _warn(problems, dossier, "judgment-before-fact", ("judgments", jid), [judgment], ("based_on", i),
                      f"judgment '{jid}' is dated {judgment.date} but rests on fact '{fid}', known only from {known}; "
                      "briefs before that day will show the judgment without it")


def warn(dossier: Dossier, problems: Problems, complete: bool = True) -> None:
    """Warnings: things a brief can live with but an analyst should look at.

    With a file that could not be read (`complete` false), a source may be cited
    only from there: "never cited" would be wrong, so it is not said.
    """
    _own_templates(dossier, problems)
    cited = {c.source for f in dossier.facts.values() for c in f.sources}
    for sid, source in dossier.sources.items():
        head = ("sources", sid)
        if sid not in cited and complete:
            _warn(problems, dossier, "uncited", head, [source], ("id",), f"source '{sid}': never cited by a fact")
        if source.publisher is None:
            _warn(problems, dossier, "no-publisher", head, [source], ("id",),
                  f"source '{sid}': no publisher (shown as \"publisher not stated\")")
        if source.published is None:
            _warn(problems, dossier, "no-date", head, [source], ("id",),
                  f"source '{sid}': no publication date (its facts count from accessed {source.accessed})")
    for fid, fact in dossier.facts.items():
        cites = [dossier.sources[c.source] for c in fact.sources if c.source in dossier.sources]
        if len(cites) == 1 and cites[0].reliability in ("E", "F"):
            _warn(problems, dossier, "single-weak-source", ("facts", fid), [fact], ("sources",),
                  f"fact '{fid}': rests on one source, graded {cites[0].reliability}")
    for clash in rules.disagreements(dossier):
        if clash.kind == "figure":
            _warn_figures(problems, dossier, clash)
            continue
        if len({f.id for f in clash.facts}) < len(clash.facts):
            continue  # a fact contradicting itself is already an error
        _warn(problems, dossier, "disagreement", ("facts", clash.facts[-1].id), clash.facts, clash.sub, clash.warning)


def warn_kind(problems: Problems, dossier: Dossier, kind: str, head: tuple[str, str], items: list[Any], sub: Path_,
              message: str) -> None:
    """A warning of a listed kind, for the other check modules (see `_warn`)."""
    _warn(problems, dossier, kind, head, items, sub, message)


def _own_templates(dossier: Dossier, problems: Problems) -> None:
    """A dossier's own templates/ folder is code that every build of it runs: say so, once, until accepted."""
    folder = dossier.templates
    if folder is None:
        return
    if "own-templates" in dossier.spec.accept:
        problems.accepted += 1
        return
    problems.warning(folder, 1, 1, f"dossier '{dossier.id}' has its own templates: they are code, run by every build "
                     "with your rights (they can read any file you can); review them as code, see SECURITY.md [own-templates]")


def _warn_figures(problems: Problems, dossier: Dossier, clash: rules.Clash) -> None:
    """One warning per cluster of clashing figures, at its first fact, naming the others.

    A fact that accepts `disagreement` leaves the cluster; what remains is
    looked at again, so accepting one outlier does not hide a second one.
    """
    accepting = [f for f in clash.facts if "disagreement" in f.accept]
    if not accepting:
        _warn(problems, dossier, "disagreement", ("facts", clash.facts[0].id), [], clash.sub, clash.warning)
        return
    problems.accepted += 1
    rest = [f for f in clash.facts if "disagreement" not in f.accept]
    for left in rules.figure_clashes(dossier, rest):
        if left.metric == clash.metric:
            _warn(problems, dossier, "disagreement", ("facts", left.facts[0].id), [], left.sub, left.warning)


def _warn(problems: Problems, dossier: Dossier, kind: str, head: tuple[str, str], items: list[Any], sub: Path_,
          message: str) -> None:
    """A warning of `kind` on the item at `head`, unless the dossier or one of `items` accepts that kind.

    The kind is printed after the message: it is the name `accept:` takes once
    an analyst has looked at the warning and decided the dossier stands as it is.
    """
    if kind not in WARNING_KINDS:  # every kind has its line in scales.WARNING_KINDS, or `accept:` could not name it
        raise InternalError(f"warning kind '{kind}' is not in scales.WARNING_KINDS")
    if kind in dossier.spec.accept or any(kind in item.accept for item in items):
        problems.accepted += 1
        return
    dossier.where[head].problem(problems, sub, f"{message} [{kind}]", warning=True)
