"""`add-source`: archive an article's main text and append its source entry to sources.yaml.

The only command that may touch the network, and only when given an http(s)
address: the page is fetched once, as the analyst asked. It never overwrites an
archive or a source: an id that is taken, or an archive file that exists, stops
it before anything is written.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from briefing.dossier.workspace import load_one
from briefing.foundation.errors import Problems, UsageError, display_path
from briefing.foundation.options import Options
from briefing.publish.transaction import write_atomic

FIELDS = ("title", "publisher", "author", "published", "url")


def run(options: Options, commands: tuple[str, ...] = ()) -> int:
    """Exit 0 when the source was added; 1 when the page gives no article or the register cannot take it."""
    from briefing.dossier.article import ArticleError, extract, read_location
    from briefing.dossier.register import RegisterError, append_source, check_appended, new_id, valid_id

    problems = Problems()
    dossier = load_one(options, problems, commands)
    location = str(options.get("location"))
    try:
        data, url = read_location(location)
        article = extract(data, location, url)
    except ArticleError as exc:
        print(f"briefing: error: {exc}", file=sys.stderr)
        return 1
    published = options.get("published") or article.published
    sid = str(options.get("source_id") or new_id(article.publisher, urlsplit(article.url or "").hostname, article.title or Path(location).stem,
                                                   published, [*dossier.sources, *_archived(dossier.folder)]))
    same = next((s.id for s in dossier.sources.values() if article.url and s.url == article.url), None)
    if same and not options.get("source_id"):
        print(f"{dossier.where[('sources', same)]}: error: source '{same}' has the same address {article.url}; "
              "give --id to add the page again", file=sys.stderr)
        return 1
    if not valid_id(sid):
        raise UsageError(f"--id '{sid}' is not a valid id: use lowercase letters, digits and hyphens")
    if sid in dossier.sources:
        print(f"{dossier.where[('sources', sid)]}: error: source '{sid}' already exists; give another --id", file=sys.stderr)
        return 1
    archive = dossier.folder / "archive" / f"{sid}.txt"
    if os.path.lexists(archive):
        print(f"briefing: error: {display_path(archive)} already exists; give another --id", file=sys.stderr)
        return 1
    values = {"id": sid, "title": article.title or Path(location).stem, "publisher": article.publisher, "author": article.author,
              "published": published, "url": article.url, "accessed": dt.date.today().isoformat(), "kind": options.get("kind") or "news",
              "reliability": options.get("reliability") or "F", "archive": f"archive/{sid}.txt"}
    register = dossier.folder / "sources.yaml"
    old = register.read_text(encoding="utf-8") if register.is_file() else None
    try:
        new = append_source(old, {k: v for k, v in values.items() if v})
        check_appended(old, new, register, sid)
    except RegisterError as exc:
        print(f"{display_path(register)}:1:1: error: cannot add source '{sid}': {exc}", file=sys.stderr)
        return 1
    archive.parent.mkdir(parents=True, exist_ok=True)
    with open(archive, "x", encoding="utf-8", newline="\n") as handle:  # never over an archive written meanwhile
        handle.write(article.text.rstrip("\n") + "\n")
    write_atomic(register, new.encode("utf-8"))
    _tell(sid, article, values, options, archive, register)
    return 0


def _archived(folder: Path) -> list[str]:
    """Ids whose archive file exists already: a new id must not land on one."""
    archive = folder / "archive"
    return [p.stem for p in archive.glob("*.txt")] if archive.is_dir() else []


def _tell(sid: str, article: object, values: dict[str, str | None], options: Options, archive: Path, register: Path) -> None:
    """What was written, what the page did not say, and what was inferred rather than read."""
    from briefing.dossier.article import Article

    assert isinstance(article, Article)
    out = sys.stdout
    print(f"Added source '{sid}' to {display_path(register)}", file=out)
    print(f"Archived {article.paragraphs} paragraph(s) to {display_path(archive)}", file=out)
    for key in FIELDS:
        if values.get(key):
            how = ""
            if key == "published" and not options.get("published") and article.published_how:
                how = f"  (inferred {article.published_how}, not stated by it: check it)"
            print(f"  {key + ':':11}{values[key]}{how}", file=out)
    missing = [k for k in FIELDS if not values.get(k)]
    if not options.get("published") and "published" in missing:
        missing[missing.index("published")] = "published (give it with --published when you know it)"
    if missing:
        print("Not found in the page, left out: " + ", ".join(missing), file=out)
    if not options.get("reliability"):
        print("Reliability: F (cannot be judged) until you grade the source: edit its `reliability:` in sources.yaml.", file=out)
