"""How the fact register is split into pages: the reading window's facts on its main page, older ones by month.

A dossier that sets a reading window grows for years while its brief stays
short; a register listing every fact on one page would not (100,000 facts made
a page of 79 MB, the largest thing a build wrote). So with a window the main
page lists the judgments, the facts known in the window and the figure
disagreements, and each fact known before the window goes to the page of the
month it became known (`<day>.register-2024-03.html`), which the main page lists
with its count. A fact's month never changes as the brief's day moves on, so an
old month page holds the same facts from one brief to the next. Without a
window there is one page, as there always was.

Every fact link of the brief and of the register pages goes through `href`,
so a link always names the page that holds its target.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefing.foundation.layout import register_month_name, register_name

if TYPE_CHECKING:
    from briefing.brief.select import Brief
    from briefing.brief.views import FactView, SourceView
    from briefing.dossier.model import Section


@dataclass
class RegisterPage:
    """One page of the register: its file name, its facts by section, and the sources they cite."""

    name: str
    month: dt.date | None  # the first day of the month it lists; None for the main page
    sections: list[tuple[Section, list[FactView]]]
    sources: list[SourceView]
    count: int = 0  # its facts

    @property
    def year(self) -> int:
        assert self.month is not None
        return self.month.year


@dataclass
class RegisterPlan:
    """The register's pages, and which page holds each fact."""

    main: RegisterPage
    months: list[RegisterPage] = field(default_factory=list)  # newest first
    homes: dict[int, str] = field(default_factory=dict)  # fact number -> page, for the facts not on the main page

    @property
    def pages(self) -> list[RegisterPage]:
        return [self.main, *self.months]

    def page_of(self, anchor: str) -> str:
        """The page holding `anchor` (`f12`, `j3`, `disagreements`): a month page for an older fact, else the main page."""
        if anchor.startswith("f") and anchor[1:].isdigit():
            return self.homes.get(int(anchor[1:]), self.main.name)
        return self.main.name

    def href(self, anchor: str, here: str) -> str:
        """A link from page `here` to `anchor`: in-page when the anchor is on it, else through its page."""
        page = self.page_of(anchor)
        return f"#{anchor}" if page == here else f"{page}#{anchor}"

    def years(self) -> list[tuple[int, list[RegisterPage]]]:
        """The month pages by year, newest first: the main page's index of them."""
        grouped: dict[int, list[RegisterPage]] = {}
        for page in self.months:
            grouped.setdefault(page.year, []).append(page)
        return list(grouped.items())

    def neighbours(self, page: RegisterPage) -> tuple[RegisterPage | None, RegisterPage | None]:
        """The month pages before and after `page` (older, newer), for its navigation."""
        index = self.months.index(page)
        older = self.months[index + 1] if index + 1 < len(self.months) else None
        newer = self.months[index - 1] if index > 0 else None
        return older, newer


def register_plan(brief: Brief) -> RegisterPlan:
    """The pages of `brief`'s register: one without a reading window; with one, the window's page and a page per older month."""
    main_name = register_name(brief.as_of)
    if brief.window_start is None:
        return RegisterPlan(RegisterPage(main_name, None, brief.sections, brief.all_sources, len(brief.facts)))
    start = brief.window_start
    recent: list[FactView] = []
    older: dict[dt.date, list[FactView]] = {}
    for view in brief.facts:  # in the brief's order: by section, then as read
        if view.known_from >= start:
            recent.append(view)
        else:
            older.setdefault(view.known_from.replace(day=1), []).append(view)
    spec_sections = brief.dossier.spec.sections
    main = RegisterPage(main_name, None, _by_section(spec_sections, recent, keep_empty=True), _sources(recent), len(recent))
    plan = RegisterPlan(main)
    for month in sorted(older, reverse=True):
        views = older[month]
        name = register_month_name(brief.as_of, month)
        plan.months.append(RegisterPage(name, month, _by_section(spec_sections, views), _sources(views), len(views)))
        plan.homes.update((v.number, name) for v in views)
    return plan


def _by_section(sections: list[Section], views: list[FactView], keep_empty: bool = False) -> list[tuple[Section, list[FactView]]]:
    """`views` grouped by section in the dossier's order (empty sections only when `keep_empty`)."""
    grouped: dict[str, list[FactView]] = {s.id: [] for s in sections}
    for view in views:
        grouped.setdefault(view.section.id, []).append(view)
    return [(s, grouped[s.id]) for s in sections if keep_empty or grouped[s.id]]


def _sources(views: list[FactView]) -> list[SourceView]:
    """The sources `views` cite, by endnote number: a page lists what its own facts cite."""
    cited = {c.source.number: c.source for view in views for c in view.citations}
    return [cited[n] for n in sorted(cited)]
