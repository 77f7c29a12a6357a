"""The published site: index of dossiers, one archive page per dossier, an Atom feed.

Pages are rebuilt from the briefs in the output folder (plus those this build
is about to write), so older briefs stay listed. What a listing shows of each
brief is read back from the `<meta>` tags of its HTML, the one place that
already holds it; all links are relative and name a file (never a folder), so
the site works from any server, from a subfolder, or straight from disk.
See docs/publishing.md.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from briefing.foundation.errors import UsageError
from briefing.foundation.layout import ASSETS, REGISTER_PAGE, brief_file, head_name
from briefing.foundation.resources import assets_dir
from briefing.foundation.scales import ID_RE, RESERVED_NAMES, TLP_LEVELS, tlp_class
from briefing.publish import search
from briefing.publish.transaction import BRIEF_NAME, Transaction
from briefing.render import templates as render
from briefing.render.formats import FORMATS, LINK_ORDER

SITE_URL_ENV = "BRIEFING_SITE_URL"
"""Where the site will live (https://host/path/); only the feed uses it, to make its links absolute."""
FEED_SIZE_ENV = "BRIEFING_FEED_SIZE"
FEED_SIZE = 50
"""The feed lists the newest 50 briefs unless $BRIEFING_FEED_SIZE says otherwise."""



@dataclass(frozen=True)
class Entry:
    """One published brief as the site lists it."""

    dossier: str
    day: dt.date
    title: str
    marking: str
    bottom_line: str
    changes: str
    authors: str
    lang: str
    formats: tuple[str, ...]
    record: TrackRecordNumbers | None = None  # the desk's track record as of this brief, when it has one

    @property
    def href(self) -> str:
        """The brief's page relative to the site root, its permalink; its PDF or Markdown when no page was built."""
        return self.file(self.main_format)

    @property
    def main_format(self) -> str:
        """The format a listing links the brief's title to: the HTML page when there is one."""
        return next((name for name in LINK_ORDER if name in self.formats), "html")

    @property
    def media_type(self) -> str:
        return FORMATS[self.main_format].media_type

    @property
    def local_href(self) -> str:
        """`href` from the dossier's own folder."""
        return self.href.split("/", 1)[1]

    def file(self, name: str) -> str:
        """One format of the brief (by its name in render.formats) relative to the site root."""
        return f"{self.dossier}/{brief_file(self.day, FORMATS[name].extension)}"

    @property
    def links(self) -> list[tuple[str, str, str]]:
        """(label, file name, media type) of each other format of the brief, in the order readers see them."""
        return [(FORMATS[name].label, brief_file(self.day, FORMATS[name].extension), FORMATS[name].media_type)
                for name in self.formats if name != self.main_format]

    @property
    def tlp_class(self) -> str:
        """The CSS class of the marking label, as the brief itself uses it."""
        return tlp_class(self.marking)


@dataclass(frozen=True)
class TrackRecordNumbers:
    """The track record a brief states in its head (`brief:record-*` metas): counts and the Brier score."""

    resolved: int
    decided: int
    borne_out: int
    brier: float | None


def _record(meta: dict[str, str]) -> TrackRecordNumbers | None:
    """The record from a page's metas; None when the page has none or a value is not a number."""
    try:
        resolved = int(meta.get("brief:record-resolved", "0") or 0)
        decided = int(meta.get("brief:record-decided", "0") or 0)
        borne_out = int(meta.get("brief:record-borne-out", "0") or 0)
        brier_text = meta.get("brief:record-brier", "").strip()
        brier = float(brier_text) if brier_text else None
    except ValueError:
        return None
    if resolved <= 0 or not 0 <= borne_out <= decided <= resolved or (brier is not None and not 0 <= brier <= 1):
        return None
    return TrackRecordNumbers(resolved, decided, borne_out, brier)


def highest_marking(entries: list[Entry]) -> str:
    """The most restrictive marking among `entries`: what a page listing them must carry.

    A marking the site does not recognise counts as the most restrictive, so a
    page never looks less sensitive than something on it.
    """
    rank = {level: i for i, level in enumerate(TLP_LEVELS)}
    if not entries:
        return TLP_LEVELS[0]
    return max((e.marking for e in entries), key=lambda m: rank.get(m, len(TLP_LEVELS)))


# --- reading published briefs --------------------------------------------------------------


class _Head(HTMLParser):
    """The `lang` and named `<meta>` tags of a page's head, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Keep the first of each name: a page's own head comes before anything it quotes."""
        values = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.lang = values.get("lang", "")
        elif tag == "meta" and values.get("name"):
            self.meta.setdefault(values["name"], values.get("content", ""))


def read_entry(dossier: str, day: dt.date, page: str, formats: tuple[str, ...]) -> Entry:
    """What the site shows of one brief, from its page's head (a missing field gets a neutral default)."""
    head = _Head()
    head.feed(page.split("</head>", 1)[0])
    meta = head.meta
    return Entry(
        dossier=dossier,
        day=day,
        title=" ".join(meta.get("brief:title", dossier).split()),
        marking=meta.get("tlp", "").strip() or "marking not stated",
        bottom_line=" ".join(meta.get("brief:bottom-line", "").split()),
        changes=" ".join(meta.get("brief:changes", "").split()),
        authors=meta.get("author", "").strip(),
        lang=head.lang.strip(),
        formats=formats,
        record=_record(meta),
    )


def _dossier_folders(out: Path) -> list[Path]:
    """The dossiers' folders in the output folder (named like dossiers; not `assets/` or the search index)."""
    if not out.is_dir():
        return []
    return [f for f in sorted(out.iterdir()) if f.is_dir() and ID_RE.match(f.name) and f.name not in RESERVED_NAMES]


def _published(out: Path) -> dict[Path, Path]:
    """Brief files already in the output folder, each mapped to itself."""
    return {path: path for folder in _dossier_folders(out) for path in folder.iterdir() if BRIEF_NAME.match(path.name)}


def _heads(out: Path, txn: Transaction) -> dict[Path, Path]:
    """The kept heads of briefs built without their page (layout.head_name), on disk or staged."""
    heads = {path: path for folder in _dossier_folders(out) for path in folder.glob(".*.head.html")}
    heads.update((path, tmp) for tmp, path in txn.staged if path.name.endswith(".head.html") and path.parent.parent == out)
    return heads


def _head(path: Path, chunk: int = 32_768, limit: int = 1 << 20) -> str:
    """The start of a page up to its `</head>`: all a listing needs, without reading long briefs whole."""
    data = b""
    with path.open("rb") as fh:
        while b"</head>" not in data and len(data) < limit:
            more = fh.read(chunk)
            if not more:
                break
            data += more
    return data.decode("utf-8", errors="replace")


def collect(out: Path, txn: Transaction, coming: tuple[Path, ...] = ()) -> dict[str, list[Entry]]:
    """Every brief with an HTML page, from the folder and from this build, by dossier, newest first.

    `coming` names files this build will still stage (PDFs being laid out), so
    the pages can be written while they render.
    """
    files = _published(out)
    files.update((path, tmp) for tmp, path in txn.staged if BRIEF_NAME.match(path.name) and path.parent.parent == out)
    files.update((path, path) for path in coming if path not in files)
    heads = _heads(out, txn)
    by_dossier: dict[str, list[Entry]] = {}
    days = sorted({(path.parent, match.group(1)) for path in files if (match := BRIEF_NAME.match(path.name))})
    for folder, text in days:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            continue
        if folder.name in RESERVED_NAMES:
            continue
        page = folder / brief_file(day, ".html")
        source = files.get(page) or heads.get(folder / head_name(day))  # no page (--format pdf): its kept head
        if source is None:
            continue
        formats = tuple(name for name in LINK_ORDER if folder / brief_file(day, FORMATS[name].extension) in files)
        by_dossier.setdefault(folder.name, []).append(read_entry(folder.name, day, _head(source), formats))
    for entries in by_dossier.values():
        entries.sort(key=lambda e: e.day, reverse=True)
    return dict(sorted(by_dossier.items()))


# --- writing the site ----------------------------------------------------------------------


def site_url(value: str | None = None) -> str | None:
    """The site's absolute address ending in `/`, from `value` or $BRIEFING_SITE_URL; None when unset.

    Only the feed needs it: feed readers should resolve relative links against
    the feed's own address, but some do not, or lose it when they copy an
    entry elsewhere; absolute links work wherever the feed is read.
    """
    url = (value if value is not None else os.environ.get(SITE_URL_ENV, "")).strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"{SITE_URL_ENV}='{url}' is not an absolute http(s) address like https://example.org/briefs/")
    return url if url.endswith("/") else url + "/"


def stage_site(out: Path, txn: Transaction, overrides: list[Path], base_url: str | None = None,
               coming: tuple[Path, ...] = ()) -> None:
    """Stage the assets, index pages and feed for every brief in `out`, in this build, and `coming`; and the search index."""
    _stage_assets(out, txn, [*(p / ASSETS for p in overrides), assets_dir()])
    dossiers = collect(out, txn, coming)
    env = _environment(overrides)
    newest = sorted((entries[0] for entries in dossiers.values()), key=lambda e: (-e.day.toordinal(), e.title, e.dossier))
    counts = {dossier: len(entries) for dossier, entries in dossiers.items()}
    page = render.render_template(env, "site-index.html.j2", dossiers=newest, counts=counts, root="",
                                  marking=highest_marking(newest))
    txn.stage(out / "index.html", page.encode())
    for dossier, entries in dossiers.items():
        page = render.render_template(env, "dossier-index.html.j2", entries=entries, dossier=dossier, root="../",
                                      marking=highest_marking(entries))
        txn.stage(out / dossier / "index.html", page.encode())
    txn.stage(out / "feed.xml", feed(env, dossiers, site_url(base_url), feed_size()).encode())
    stage_search(out, txn)


def stage_search(out: Path, txn: Transaction) -> None:
    """Stage the search index of every page `searchable` finds now."""
    search.stage_index(out, txn, searchable(out, txn))


def searchable(out: Path, txn: Transaction) -> dict[Path, Path]:
    """Every brief page and fact register page (month pages too) of every dossier, on disk or staged by this build: what search covers.

    Maps each page's place in the site to the file holding its bytes now (a
    staged page's temporary file, or the page itself).
    """
    gone = set(txn.removed)
    pages = {path: path for folder in _dossier_folders(out) for path in folder.iterdir() if _searchable_name(path.name) and path not in gone}
    pages.update((path, tmp) for tmp, path in txn.staged
                 if _searchable_name(path.name) and path.parent.parent == out and path.parent.name not in RESERVED_NAMES)
    return pages


def _searchable_name(name: str) -> bool:
    """A brief's page, or any page of its register."""
    brief = BRIEF_NAME.match(name)
    return bool(REGISTER_PAGE.match(name)) or (brief is not None and brief.group(2) == "html")


def feed_size(value: str | None = None) -> int:
    """How many entries the feed keeps (the newest): $BRIEFING_FEED_SIZE, else FEED_SIZE."""
    text = (value if value is not None else os.environ.get(FEED_SIZE_ENV, "")).strip()
    if not text:
        return FEED_SIZE
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"{FEED_SIZE_ENV}='{text}' is not a number of feed entries (1 or more)")
    return int(text)


def feed(env: jinja2.Environment, dossiers: dict[str, list[Entry]], base: str | None, size: int = 0) -> str:
    """The Atom feed of the newest `size` briefs (all when 0), newest first.

    Entry ids are URNs of dossier and day, so they never change when the site
    moves; `updated` is the brief's day at midnight UTC, so rebuilding the same
    brief gives the same feed byte for byte and readers see no false updates.
    A feed reader keeps what it has seen, so older entries dropping off the
    end lose nobody anything, and the feed stays small however long the
    archive grows.
    """
    everything = sorted((e for entries in dossiers.values() for e in entries), key=lambda e: (-e.day.toordinal(), e.dossier))
    updated = everything[0].day if everything else dt.date(1970, 1, 1)
    shown = everything[:size] if size else everything
    return render.render_template(env, "feed.xml.j2", entries=shown, updated=updated, base=base or "")


def _environment(overrides: list[Path]) -> jinja2.Environment:
    """The templates' environment with autoescaping on: listings show text read back from pages."""
    env = render.environment(overrides)
    env.autoescape = True
    return env


def _stage_assets(out: Path, txn: Transaction, folders: list[Path]) -> None:
    """Copy stylesheets and fonts into the site, the first folder winning, unchanged files untouched."""
    chosen: dict[Path, Path] = {}
    for folder in folders:
        if folder.is_dir():
            root = folder.resolve()
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.resolve().is_relative_to(root):  # a link out of the folder is not published
                    chosen.setdefault(path.relative_to(folder), path)
    for rel, path in sorted(chosen.items()):
        target = out / ASSETS / rel
        data = path.read_bytes()
        if not target.is_file() or target.read_bytes() != data:
            txn.stage(target, data)
