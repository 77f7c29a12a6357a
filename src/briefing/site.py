"""The published site: index of dossiers, one archive page per dossier, an Atom feed.

Pages are rebuilt from the briefs in the output folder (plus those this build
is about to write), so older briefs stay listed. What a listing shows of each
brief is read back from the `<meta>` tags of its HTML, the one place that
already holds it; all links are relative, so the folder works from any server,
from a subfolder, or straight from disk.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path

from briefing import render
from briefing.outputs import BRIEF_NAME, Transaction
from briefing.resources import assets_dir

_META = re.compile(r'<meta name="([^"]+)" content="([^"]*)">')
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


@dataclass
class Entry:
    """One published brief as the site lists it."""

    dossier: str
    day: dt.date
    title: str
    marking: str
    bottom_line: str
    changes: str
    formats: list[str]

    @property
    def href(self) -> str:
        return f"{self.dossier}/{self.day.isoformat()}.html"


def read_entry(dossier: str, day: dt.date, page: str, formats: list[str]) -> Entry:
    meta = {name: html.unescape(value) for name, value in _META.findall(page)}
    return Entry(
        dossier=dossier,
        day=day,
        title=meta.get("brief:title", dossier),
        marking=meta.get("tlp", "TLP:CLEAR"),
        bottom_line=meta.get("brief:bottom-line", ""),
        changes=meta.get("brief:changes", ""),
        formats=formats,
    )


def collect(out: Path, txn: Transaction) -> dict[str, list[Entry]]:
    """Every brief with an HTML page, from the folder and from this build, newest first."""
    pages: dict[Path, Path] = {}
    for dossier in sorted(p for p in out.iterdir() if p.is_dir() and p.name != "assets") if out.is_dir() else []:
        for path in dossier.iterdir():
            if BRIEF_NAME.match(path.name):
                pages[path] = path
    for tmp, path in txn.staged:
        if BRIEF_NAME.match(path.name):
            pages[path] = tmp
    by_dossier: dict[str, list[Entry]] = {}
    for path, source in sorted(pages.items()):
        match = BRIEF_NAME.match(path.name)
        if match is None or match.group(2) != "html":
            continue
        day = dt.date.fromisoformat(match.group(1))
        formats = [ext for ext in ("html", "pdf", "md") if path.with_suffix("." + ext) in pages]
        entry = read_entry(path.parent.name, day, source.read_text(encoding="utf-8"), formats)
        by_dossier.setdefault(entry.dossier, []).append(entry)
    for entries in by_dossier.values():
        entries.sort(key=lambda e: e.day, reverse=True)
    return dict(sorted(by_dossier.items()))


def stage_site(out: Path, txn: Transaction, overrides: list[Path]) -> None:
    """Stage the assets, index pages and feed for every brief in `out`."""
    _stage_assets(out, txn, [*(p / "assets" for p in overrides), assets_dir()])
    dossiers = collect(out, txn)
    env = render.environment(overrides)
    newest = sorted((entries[0] for entries in dossiers.values()), key=lambda e: (e.day, e.dossier), reverse=True)
    txn.stage(out / "index.html", render.render_template(env, "site-index.html.j2", dossiers=newest, root="").encode())
    for dossier, entries in dossiers.items():
        page = render.render_template(env, "dossier-index.html.j2", entries=entries, dossier=dossier, root="../")
        txn.stage(out / dossier / "index.html", page.encode())
    everything = sorted((e for entries in dossiers.values() for e in entries), key=lambda e: (e.day, e.dossier), reverse=True)
    updated = everything[0].day if everything else dt.date(1970, 1, 1)
    feed = render.render_template(env, "feed.xml.j2", entries=everything, updated=updated)
    txn.stage(out / "feed.xml", feed.encode())


def _stage_assets(out: Path, txn: Transaction, folders: list[Path]) -> None:
    """Copy stylesheets and fonts into the site, the first folder winning, unchanged files untouched."""
    chosen: dict[Path, Path] = {}
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    chosen.setdefault(path.relative_to(folder), path)
    for rel, path in sorted(chosen.items()):
        target = out / "assets" / rel
        data = path.read_bytes()
        if not target.is_file() or target.read_bytes() != data:
            txn.stage(target, data)
