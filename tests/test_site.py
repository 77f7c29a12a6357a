"""The published site: index pages, the Atom feed, and links that work from anywhere.

A module-wide site is the demo dossier built on two days; tests that change
the folder make their own.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from briefing.cli import main
from briefing.publish import site
from briefing.publish.transaction import Transaction

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "facts"
DOSSIER = "north-korea-russia"
OLD, NEW = "2024-12-01", "2026-11-21"
ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class Page(HTMLParser):
    """What the tests look at in an HTML page: links, loaded resources, ids, headings, text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.loads: list[str] = []
        self.ids: set[str] = set()
        self.headings: list[tuple[int, str]] = []
        self.scripts = 0
        self.lang = ""
        self.text = ""
        self._heading: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "link" and "href" in a:
            (self.loads if a.get("rel") in ("stylesheet", "icon") else self.links).append(a["href"])
        elif tag in ("img", "script", "iframe", "source", "video", "audio") and "src" in a:
            self.loads.append(a["src"])
        if tag == "script":
            self.scripts += 1
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((int(tag[1]), " ".join("".join(self._heading).split())))
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._heading is not None:
            self._heading.append(data)


def read(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def build(out: Path, day: str, *extra: str, facts: Path = DEMO, formats: str = "md,html,pdf") -> None:
    code = main(["build", *extra, "--facts", str(facts), "--out", str(out), "--as-of", day, "--format", formats, "--quiet"])
    assert code == 0


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo dossier built as of two days, every format, into one folder."""
    out = tmp_path_factory.mktemp("site") / "briefings"
    build(out, OLD)
    build(out, NEW)
    return out


def feed_entries(out: Path) -> list[ET.Element]:
    root = ET.parse(out / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


# --- what the pages list ----------------------------------------------------------------------


def test_index_shows_each_dossier_with_its_newest_brief(built: Path) -> None:
    page = read(built / "index.html")
    briefs = [h for h in page.links if h.endswith(".html") and h != "index.html" and not h.endswith("/index.html")]
    assert briefs == [f"{DOSSIER}/{NEW}.html"]
    assert f"{DOSSIER}/{NEW}.pdf" in page.links and f"{DOSSIER}/{NEW}.md" in page.links
    assert f"{DOSSIER}/index.html" in page.links
    for text in ("TLP:CLEAR", "21 November 2026", "Bottom line:", "since 1 December 2024"):
        assert text in page.text


def test_dossier_page_lists_every_brief_newest_first_with_what_changed(built: Path) -> None:
    page = read(built / DOSSIER / "index.html")
    assert [h for h in page.links if BRIEF_HTML.match(h)] == [f"{NEW}.html", f"{OLD}.html"]
    assert [t for level, t in page.headings if level == 2] == ["Track record", "Brief as of 21 November 2026 newest", "Brief as of 1 December 2024"]
    assert "Brier score 0.106" in page.text  # the demo's one resolved forecast, from the newest brief's metas
    assert page.text.count("What changed:") == 2 and "since 1 December 2024" in page.text
    for day in (NEW, OLD):
        assert f"{day}.pdf" in page.links and f"{day}.md" in page.links


BRIEF_HTML = re.compile(r"^\d{4}-\d{2}-\d{2}\.html$")


# --- the feed -----------------------------------------------------------------------------------


def test_feed_is_atom_newest_first_with_stable_ids(built: Path, tmp_path: Path) -> None:
    root = ET.parse(built / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = feed_entries(built)
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert ids == [f"urn:briefing:{DOSSIER}:{NEW}", f"urn:briefing:{DOSSIER}:{OLD}"]
    updated = [e.findtext(f"{ATOM}updated") or "" for e in entries]
    assert all(RFC3339.match(u) for u in [*updated, root.findtext(f"{ATOM}updated") or ""])
    assert updated == sorted(updated, reverse=True) and root.findtext(f"{ATOM}updated") == updated[0]
    links = {link.get("type"): link.get("href") for link in entries[0].findall(f"{ATOM}link")}
    assert links == {"text/html": f"{DOSSIER}/{NEW}.html", "application/pdf": f"{DOSSIER}/{NEW}.pdf",
                     "text/markdown": f"{DOSSIER}/{NEW}.md"}

    again = tmp_path / "again"
    shutil.copytree(built, again)
    build(again, NEW)
    assert (again / "feed.xml").read_bytes() == (built / "feed.xml").read_bytes(), "rebuilding changed the feed"


def test_feed_links_become_absolute_with_a_site_address(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(site.SITE_URL_ENV, "https://example.org/briefs")
    build(tmp_path, NEW, formats="html")
    root = ET.parse(tmp_path / "feed.xml").getroot()
    assert root.get("{http://www.w3.org/XML/1998/namespace}base") == "https://example.org/briefs/"
    hrefs = [link.get("href") for link in root.iter(f"{ATOM}link")]
    assert hrefs and all((h or "").startswith("https://example.org/briefs/") for h in hrefs), hrefs
    monkeypatch.setenv(site.SITE_URL_ENV, "example.org")
    assert main(["build", "--facts", str(DEMO), "--out", str(tmp_path), "--as-of", NEW, "--format", "html", "-q", "--no-cache"]) == 2


def test_feed_keeps_the_newest_entries_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert site.feed_size() == site.FEED_SIZE == 50
    monkeypatch.setenv(site.FEED_SIZE_ENV, "1")
    build(tmp_path, OLD, formats="html")
    build(tmp_path, NEW, formats="html")
    assert [e.findtext(f"{ATOM}id") for e in feed_entries(tmp_path)] == [f"urn:briefing:{DOSSIER}:{NEW}"]
    briefs = [h for h in read(tmp_path / DOSSIER / "index.html").headings if h[1].startswith("Brief as of")]
    assert len(briefs) == 2  # the archive still lists both
    monkeypatch.setenv(site.FEED_SIZE_ENV, "none")
    assert main(["build", "--facts", str(DEMO), "--out", str(tmp_path), "--as-of", NEW, "--format", "html", "-q", "--no-cache"]) == 2


def test_feed_ids_do_not_change_with_the_site_address(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(tmp_path / "here", NEW, formats="html")
    monkeypatch.setenv(site.SITE_URL_ENV, "https://example.org/briefs/")
    build(tmp_path / "there", NEW, formats="html")
    ids = [[e.findtext(f"{ATOM}id") for e in feed_entries(tmp_path / where)] for where in ("here", "there")]
    assert ids[0] == ids[1] == [f"urn:briefing:{DOSSIER}:{NEW}"]


def test_a_pdf_only_build_still_lists_its_briefs(tmp_path: Path) -> None:
    build(tmp_path, NEW, formats="pdf")
    page = read(tmp_path / "index.html")
    assert "No briefs yet" not in page.text and "TLP:CLEAR" in page.text and "Bottom line:" in page.text
    assert f"{DOSSIER}/{NEW}.pdf" in page.links
    assert f"{NEW}.pdf" in read(tmp_path / DOSSIER / "index.html").links
    links = {link.get("type"): link.get("href") for link in feed_entries(tmp_path)[0].findall(f"{ATOM}link")}
    assert links == {"application/pdf": f"{DOSSIER}/{NEW}.pdf"}


def test_search_index_covers_every_brief_and_register(built: Path) -> None:
    entry = json.loads((built / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] == 4  # two briefs, two registers
    assert (built / "pagefind" / "pagefind.js").is_file()
    assert not list(built.glob(".briefing-tmp-*")) and not list((built / "pagefind").rglob(".briefing-tmp-*"))


def test_an_index_rebuilt_leaves_no_files_of_the_earlier_one(tmp_path: Path) -> None:
    """Pagefind names its fragments by their hashes: without pruning, every build added files forever."""
    days = ("2024-12-01", "2026-11-21")
    for day in days:  # one day, then the other beside it: the second index replaces the first
        assert main(["build", "--facts", str(DEMO), "--out", str(tmp_path / "grown"), "--as-of", day, "-q", "--format", "html"]) == 0
    assert main(["build", "--facts", str(DEMO), "--out", str(tmp_path / "fresh"), "--as-of", ",".join(days), "-q",
                 "--format", "html"]) == 0

    def index(out: Path) -> set[str]:
        return {p.relative_to(out).as_posix() for p in (out / "pagefind").rglob("*") if p.is_file()}

    assert index(tmp_path / "grown") == index(tmp_path / "fresh")


def test_a_big_sites_index_comes_in_parts_that_the_search_box_merges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind holds about ten times the pages it indexes: a big site is indexed in parts of bounded size."""
    from briefing.publish import search

    monkeypatch.setattr(search, "PART_BYTES", 30_000)
    build(tmp_path, OLD, formats="html")
    build(tmp_path, NEW, formats="html")
    folder = tmp_path / "pagefind"
    listing = json.loads((folder / search.PARTS).read_text(encoding="utf-8"))["parts"]
    assert [part["path"] for part in listing] == ["", *(f"part-{n}/" for n in range(1, len(listing)))] and len(listing) > 2
    assert sorted(p.name for p in folder.glob("part-*")) == sorted(part["path"].rstrip("/") for part in listing[1:])
    counted = 0
    for part in listing:
        entry = json.loads((folder / part["path"] / search.ENTRY).read_text(encoding="utf-8"))
        counted += entry["languages"]["en"]["page_count"]
        if part["path"]:  # the search engine and scripts only once, in the first part
            assert not list((folder / part["path"]).glob("*.js")) and not list((folder / part["path"]).glob("wasm.*"))
    assert counted == 4  # two briefs, two registers: each in one part
    assert "mergeIndex" in (tmp_path / "assets" / "search.js").read_text(encoding="utf-8")


def test_a_part_whose_pages_did_not_change_is_not_indexed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new day's pages come after the older ones: the parts holding only older pages keep their files."""
    from briefing.publish import search

    monkeypatch.setattr(search, "PART_BYTES", 30_000)
    indexed: list[list[str]] = []
    index = search.build_index
    monkeypatch.setattr(search, "build_index", lambda pages: indexed.append(sorted(pages)) or index(pages))
    build(tmp_path / "grown", OLD, formats="html")
    first = {p: p.stat().st_mtime_ns for p in (tmp_path / "grown" / "pagefind").rglob("*") if p.is_file()}
    indexed.clear()
    build(tmp_path / "grown", NEW, formats="html")
    assert indexed and not any(url.endswith(f"/{OLD}.html") for pages in indexed for url in pages)  # the old brief's part was kept
    kept = {p: t for p, t in first.items() if p.is_file() and p.stat().st_mtime_ns == t}
    assert any("fragment" in p.parts for p in kept)
    build(tmp_path / "fresh", f"{OLD},{NEW}", formats="html")  # the same pages made at once: the same index

    def files(out: Path) -> dict[str, bytes]:
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "pagefind").rglob("*") if p.is_file()}

    assert files(tmp_path / "grown") == files(tmp_path / "fresh")


def test_pages_are_split_oldest_first_within_the_bound(tmp_path: Path) -> None:
    from briefing.publish import search

    pages = {}
    for name, size in (("b/2026-01-02.html", 40), ("a/2026-01-01.html", 50), ("a/2026-01-02.register.html", 200), ("b/2026-01-01.html", 30)):
        path = tmp_path / name.replace("/", "-")
        path.write_bytes(b"x" * size)
        pages[name] = path
    parts = search.split(pages, limit=100)
    assert [list(part) for part in parts] == [["a/2026-01-01.html", "b/2026-01-01.html"], ["b/2026-01-02.html"], ["a/2026-01-02.register.html"]]


# --- links work from any server, a subfolder, or disk ---------------------------------------------


def site_pages(out: Path) -> list[Path]:
    return sorted(out.glob("*.html")) + sorted(out.glob("*/*.html"))


def test_every_link_is_relative_and_resolves(built: Path) -> None:
    for path in site_pages(built):
        page = read(path)
        for href in page.links + page.loads:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https", "mailto") and path.parent != built and href in page.links:
                continue  # a brief's citations link to their sources; nothing is loaded from them
            if parts.scheme == "data":
                continue  # inline, e.g. the empty icon that spares a request for /favicon.ico
            assert not parts.scheme and not parts.netloc and not href.startswith("/"), f"{path.name}: {href} is not relative"
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.is_file(), f"{path.relative_to(built)}: {href} leads nowhere (folders do not open from disk)"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in read(target).ids, f"{path.relative_to(built)}: no #{parts.fragment} in {target.name}"
    for entry in feed_entries(built):
        for link in entry.findall(f"{ATOM}link"):
            assert (built / (link.get("href") or "")).is_file()


def test_pages_need_only_the_search_script_and_load_nothing_from_the_network(built: Path) -> None:
    """Everything reads without scripts; the index pages load one, the search box's own, from the site."""
    for path in site_pages(built):
        page = read(path)
        scripts = [src for src in page.loads if src.endswith(".js")]
        assert page.scripts == len(scripts) <= 1, f"{path.name} has an inline or extra script"
        assert all(src.endswith("assets/search.js") for src in scripts), scripts
        assert all(not urlsplit(src).netloc for src in page.loads), f"{path.name} loads {page.loads}"
    text = (built / "assets" / "search.js").read_text(encoding="utf-8")
    assert "http" not in text.replace("http.server", ""), "the search script names an address"
    for css in (built / "assets").glob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "@import" not in text and not re.search(r"url\(\s*['\"]?(https?:)?//", text), css.name


def test_site_pages_have_language_one_h1_and_ordered_headings(built: Path) -> None:
    for path in (built / "index.html", built / DOSSIER / "index.html"):
        page = read(path)
        assert page.lang == "en"
        levels = [level for level, _ in page.headings]
        assert levels.count(1) == 1 and levels[0] == 1, f"{path}: {page.headings}"
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), f"{path}: heading levels skip: {levels}"
        assert "#main" in page.links and "main" in page.ids


# --- pages are rebuilt from the folder ------------------------------------------------------------


def test_briefs_from_other_days_and_other_builds_stay_listed(tmp_path: Path, demo_copy: Path) -> None:
    out = tmp_path / "out"
    build(out, OLD, formats="html")
    # a brief of another day made by an earlier version, and one from another facts folder
    page = (out / DOSSIER / f"{OLD}.html").read_text(encoding="utf-8")
    (out / DOSSIER / "2023-05-01.html").write_text(page, encoding="utf-8")
    build(out, NEW, facts=demo_copy, formats="html,md")
    listed = [h for h in read(out / DOSSIER / "index.html").links if BRIEF_HTML.match(h)]
    assert listed == [f"{NEW}.html", f"{OLD}.html", "2023-05-01.html"]
    assert [e.findtext(f"{ATOM}id", "").rsplit(":", 1)[1] for e in feed_entries(out)] == [NEW, OLD, "2023-05-01"]


def test_other_dossiers_in_the_folder_stay_listed(tmp_path: Path, demo_copy: Path) -> None:
    out = tmp_path / "out"
    build(out, OLD, facts=demo_copy, formats="html")
    other = demo_copy / "another-dossier"
    shutil.copytree(demo_copy / DOSSIER, other)
    text = (other / "dossier.yaml").read_text(encoding="utf-8")
    (other / "dossier.yaml").write_text(re.sub(r"(?m)^title: .*$", "title: Another dossier", text), encoding="utf-8")
    build(out, NEW, "another-dossier", facts=demo_copy, formats="html")
    index = read(out / "index.html")
    assert [h for h in index.links if h.endswith(".html") and "/20" in h] == [f"another-dossier/{NEW}.html", f"{DOSSIER}/{OLD}.html"]
    assert [t for level, t in index.headings if level == 2] == ["Another dossier", "North Korea's military support for Russia"]


def fake_brief(title: str, marking: str | None, bottom_line: str = "") -> str:
    """A brief page as an older or customised template might have written it."""
    tlp = f'<meta content="{marking}" name="tlp">' if marking else ""
    return (f'<!DOCTYPE html><html lang="fr"><head><meta name="brief:title" content="{title}">{tlp}'
            f'<meta name="brief:bottom-line" content="{bottom_line}"></head><body><h1>x</h1></body></html>')


def stage(out: Path) -> None:
    txn = Transaction(out)
    site.stage_site(out, txn, [])
    txn.commit()


def test_text_read_back_from_pages_is_escaped(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    title = "Ties &amp; &quot;tensions&quot; &lt;script&gt;alert(1)&lt;/script&gt;"
    (tmp_path / "d" / f"{NEW}.html").write_text(fake_brief(title, "TLP:GREEN", "A &lt;b&gt;bold&lt;/b&gt; claim"), encoding="utf-8")
    stage(tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in index and "&lt;script&gt;" in index and "&lt;b&gt;bold" in index
    entry = feed_entries(tmp_path)[0]
    assert entry.findtext(f"{ATOM}title", "").startswith('Ties & "tensions" <script>')
    assert read(tmp_path / "d" / "index.html").text.count("TLP:GREEN") >= 2
    assert 'lang="fr"' in index, "a listing in another language is marked as such"


def test_a_page_without_marking_is_not_shown_as_clear(tmp_path: Path) -> None:
    for dossier, marking in (("a", "TLP:AMBER"), ("b", None)):
        (tmp_path / dossier).mkdir()
        (tmp_path / dossier / f"{NEW}.html").write_text(fake_brief(dossier.upper(), marking), encoding="utf-8")
    stage(tmp_path)
    index = read(tmp_path / "index.html")
    assert "marking not stated" in index.text
    assert '<meta name="tlp" content="marking not stated">' in (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<meta name="tlp" content="TLP:AMBER">' in (tmp_path / "a" / "index.html").read_text(encoding="utf-8")


def test_hidden_reserved_and_stray_folders_are_not_dossiers(tmp_path: Path) -> None:
    for folder in (".git", "assets", "Not_A_Dossier", "d"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{NEW}.html").write_text(fake_brief(folder, "TLP:CLEAR"), encoding="utf-8")
    (tmp_path / "d" / "2024-02-30.html").write_text(fake_brief("bad day", "TLP:CLEAR"), encoding="utf-8")
    stage(tmp_path)
    assert [e.findtext(f"{ATOM}id") for e in feed_entries(tmp_path)] == [f"urn:briefing:d:{NEW}"]


def test_an_empty_folder_gets_an_empty_but_valid_site(tmp_path: Path) -> None:
    stage(tmp_path)
    assert "No briefs yet" in read(tmp_path / "index.html").text
    assert feed_entries(tmp_path) == []
    assert (tmp_path / "assets" / "site.css").is_file()


def test_highest_marking_orders_by_tlp() -> None:
    def entry(marking: str) -> site.Entry:
        return site.Entry("d", dt.date(2024, 1, 1), "t", marking, "", "", "", "en", ("html",))

    pick: Callable[..., str] = lambda *m: site.highest_marking([entry(x) for x in m])  # noqa: E731
    assert pick("TLP:CLEAR", "TLP:AMBER+STRICT", "TLP:GREEN") == "TLP:AMBER+STRICT"
    assert pick("TLP:RED", "nonsense") == "nonsense"
    assert site.highest_marking([]) == "TLP:CLEAR"


def test_the_archive_says_when_only_judgments_changed(tmp_path: Path) -> None:
    """A brief with no new fact but a revised and a resolved judgment does not read as "nothing changed"."""
    from briefing.cli import main
    from conftest import DEMO

    assert main(["build", "--facts", str(DEMO), "--out", str(tmp_path), "--as-of", "2025-06-01,2026-11-21", "--format", "html", "-q"]) == 0
    page = (tmp_path / "north-korea-russia" / "index.html").read_text(encoding="utf-8")
    assert "0 new facts, 6 judgments made, revised or resolved since 1 June 2025" in page


def test_an_index_entry_read_before_pagefind_finished_it_is_read_again(tmp_path: Path) -> None:
    """Pagefind can answer before its entry file is on disk whole: the index is read once it is, or the step fails."""
    import asyncio

    from briefing.publish import search

    (tmp_path / search.ENTRY).write_bytes(b"")
    (tmp_path / "pagefind.en_1.pf_meta").write_bytes(b"meta")

    async def finish_later() -> dict[str, bytes]:
        async def finish() -> None:
            await asyncio.sleep(0.2)
            (tmp_path / search.ENTRY).write_text('{"languages": {"en": {"hash": "en_1"}}}', encoding="utf-8")

        task = asyncio.create_task(finish())
        files = await search._written(tmp_path)
        await task
        return files

    assert json.loads(asyncio.run(finish_later())[search.ENTRY])["languages"]["en"]["hash"] == "en_1"
    (tmp_path / search.ENTRY).write_bytes(b"")
    with pytest.raises(search.Incomplete):
        asyncio.run(search._written(tmp_path, patience=0.1))


def test_an_index_pagefind_leaves_incomplete_is_made_again_then_fails_the_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.foundation.errors import BuildStepError
    from briefing.publish import search

    page = tmp_path / "2026-01-01.html"
    page.write_text("<html><body><main data-pagefind-body><p>harbour blockade</p></main></body></html>", encoding="utf-8")
    written, tries = search._written, []

    async def flaky(root: Path, patience: float = 1.0) -> dict[str, bytes]:
        tries.append(root)
        if len(tries) == 1:
            raise search.Incomplete(str(root))
        return await written(root, patience)

    monkeypatch.setattr(search, "_written", flaky)
    assert search.ENTRY in search.build_index({"d/2026-01-01.html": page}) and len(tries) == 2

    async def broken(root: Path, patience: float = 1.0) -> dict[str, bytes]:
        raise search.Incomplete(str(root))

    monkeypatch.setattr(search, "_written", broken)
    with pytest.raises(BuildStepError, match="incomplete index 3 times"):
        search.build_index({"d/2026-01-01.html": page})


def test_the_indexer_runs_at_a_lower_priority_than_the_build(tmp_path: Path) -> None:
    """Pagefind (many threads as it writes) is made beside the PDF engine: it takes only the CPU left over."""
    import os
    import threading

    from briefing.publish import search

    def nice() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = nice()
    assert search._lowered(nice) == max(before, search.INDEXER_NICE)
    assert nice() == before  # the build's own thread keeps its priority
    with pytest.raises(ZeroDivisionError):
        search._lowered(lambda: 1 // 0)
