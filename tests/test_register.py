"""brief.register: the fact register follows the reading window, older facts on one page per month, every link resolving."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from briefing.brief.register import register_plan
from briefing.brief.select import select_brief
from briefing.foundation.layout import REGISTER_PAGE
from briefing.publish.site import searchable
from briefing.publish.transaction import Transaction
from briefing.render import templates
from test_golden import FIXTURE, _dossier

DAY = "2024-04-30"  # harbour's window is 45 days: from 17 March; facts known in January, February, March before it
MONTHS = [f"{DAY}.register-2024-01.html", f"{DAY}.register-2024-02.html", f"{DAY}.register-2024-03.html"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The harbour fixture built as of DAY (md, html), and the folder holding its pages."""
    from briefing.cli import main

    out = tmp_path_factory.mktemp("register") / "out"
    assert main(["build", "--facts", str(FIXTURE), "harbour", "--out", str(out), "--as-of", DAY, "--format", "md,html", "-q"]) == 0
    return out


def _ids(html: str) -> set[str]:
    return set(re.findall(r' id="([^"]+)"', html))


def test_with_a_window_the_register_is_split_by_the_month_facts_became_known(built: Path) -> None:
    folder = built / "harbour"
    pages = sorted(p.name for p in folder.iterdir() if REGISTER_PAGE.match(p.name))
    assert pages == sorted([f"{DAY}.register.html", *MONTHS])
    main = (folder / f"{DAY}.register.html").read_text()
    for name in MONTHS:  # the main page lists each month page with its count
        count = len(re.findall(r'<li class="fact[^"]*" id="f\d+"', (folder / name).read_text()))
        assert count > 0
        assert re.search(rf'<a href="{re.escape(name)}">\w+</a> \({count}\)', main), name
    every = [fid for name in [f"{DAY}.register.html", *MONTHS]
             for fid in re.findall(r'<li class="fact[^"]*" id="(f\d+)"', (folder / name).read_text())]
    brief = select_brief(_dossier(FIXTURE / "harbour"), dt.date.fromisoformat(DAY))
    assert sorted(every) == sorted(f"f{v.number}" for v in brief.facts)  # every fact, once
    start = brief.window_start
    assert start is not None
    recent = {f"f{v.number}" for v in brief.facts if v.known_from >= start}
    assert set(re.findall(r'<li class="fact[^"]*" id="(f\d+)"', main)) == recent
    march = (folder / MONTHS[2]).read_text()
    assert all(v.known_from.month == 3 for v in brief.facts if f'id="f{v.number}"' in march)


def test_every_fact_link_of_the_brief_and_the_register_names_a_page_and_an_anchor_that_exist(built: Path) -> None:
    folder = built / "harbour"
    ids = {p.name: _ids(p.read_text()) for p in folder.glob("*.html")}
    links = 0
    for name in ids:
        for target in re.findall(r'href="([^"#]*)#((?:f|j|src-)\d+)"', (folder / name).read_text()):
            page, anchor = target
            links += 1
            assert anchor in ids.get(page or name, set()), (name, page, anchor)
    to_months = sum((folder / f"{DAY}.html").read_text().count(f'href="{m}#f') for m in MONTHS)
    assert to_months > 0 and links > 50  # the brief links facts it only summarizes to their month pages


def test_the_site_lists_briefs_not_register_pages_and_search_covers_every_page(built: Path) -> None:
    for listing in (built / "index.html", built / "harbour" / "index.html", built / "feed.xml"):
        assert ".register" not in listing.read_text()
    indexed = {p.name for p in searchable(built, Transaction(built))}
    assert indexed == {f"{DAY}.html", f"{DAY}.register.html", *MONTHS}


def test_without_a_window_the_register_is_one_page_of_every_fact() -> None:
    dossier = _dossier(FIXTURE / "harbour")
    dossier = dataclasses.replace(dossier, spec=dossier.spec.model_copy(update={"reading_window": None}))
    brief = select_brief(dossier, dt.date.fromisoformat(DAY))
    plan = register_plan(brief)
    assert plan.months == [] and plan.homes == {}
    pages = list(templates.render_registers(brief, templates.environment()))
    assert [name for name, _ in pages] == [f"{DAY}.register.html"]
    html = pages[0][1].decode()
    assert len(re.findall(r'<li class="fact[^"]*" id="f\d+"', html)) == len(brief.facts)
    assert "register-" not in html and ' value="' not in html  # no month index, endnotes numbered by the list


def test_a_rebuild_writes_the_same_bytes_and_leaves_unchanged_month_pages_alone(built: Path, tmp_path: Path) -> None:
    from briefing.cli import main

    out = tmp_path / "out"
    shutil.copytree(built, out)
    folder = out / "harbour"
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir() if REGISTER_PAGE.match(p.name)}
    assert main(["build", "--facts", str(FIXTURE), "harbour", "--out", str(out), "--as-of", DAY, "--format", "md,html",
                 "--no-cache", "-q"]) == 0
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir() if REGISTER_PAGE.match(p.name)}
    assert after == before  # same bytes, and not even rewritten


def test_month_pages_a_new_build_no_longer_makes_are_removed_with_its_commit(built: Path, tmp_path: Path) -> None:
    from briefing.cli import main

    facts = tmp_path / "facts"
    shutil.copytree(FIXTURE / "harbour", facts / "harbour")
    spec = facts / "harbour" / "dossier.yaml"
    spec.write_text(spec.read_text().replace("reading_window: 45", "reading_window: 80"))
    out = tmp_path / "out"
    shutil.copytree(built, out)
    stale = out / "harbour" / f"{DAY}.register-1999-01.html"  # as if an earlier window had reached that far
    stale.write_text("<p>old</p>")
    assert main(["build", "--facts", str(facts), "harbour", "--out", str(out), "--as-of", DAY, "--format", "md,html", "-q"]) == 0
    pages = sorted(p.name for p in (out / "harbour").iterdir() if REGISTER_PAGE.match(p.name))
    assert pages == [f"{DAY}.register-2024-01.html", f"{DAY}.register.html"]  # the window now starts on 11 February


def test_the_site_is_indexed_for_search_while_its_pdf_is_laid_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index is made in parts of bounded size (publish/search.py), so it needs no wait for the PDF engine's memory."""
    from briefing.cli import main
    from briefing.publish import site

    calls: list[bool] = []
    index = site.stage_search

    def watched(out: Path, txn: Transaction) -> None:
        calls.append(any(path.suffix == ".pdf" for _, path in txn.staged))  # was the PDF laid out and staged by then?
        index(out, txn)

    monkeypatch.setattr(site, "stage_search", watched)
    out = tmp_path / "out"
    assert main(["build", "--facts", str(FIXTURE), "harbour", "--out", str(out), "--as-of", DAY, "--format", "md,html,pdf", "-q"]) == 0
    assert calls == [False]
    assert (out / "pagefind" / "pagefind-entry.json").is_file() and (out / "harbour" / f"{DAY}.pdf").is_file()


def test_lists_numbered_past_f999_get_the_wider_hanging_number() -> None:
    from briefing.brief.numbering import Numbering

    dossier = _dossier(FIXTURE / "harbour")
    brief = select_brief(dossier, dt.date.fromisoformat(DAY), numbering=Numbering(next=12_000))
    html = "".join(data.decode() for _, data in templates.render_registers(brief, templates.environment()))
    assert '<ul class="refs-6">\n<li class="fact' in html and "<ul>\n<li class=\"fact" not in html  # F12000: six characters
    small = select_brief(dossier, dt.date.fromisoformat(DAY))
    html = "".join(data.decode() for _, data in templates.render_registers(small, templates.environment()))
    assert "refs-" not in html
