"""The names of everything a build writes, in one place: briefs, registers, the site's pages, hidden files.

Both the pages (which link to each other) and the writer (which puts them in
place) read these names, so a link and the file it points to cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import re

TEMP_MARK = ".briefing-tmp-"  # staged files; a killed build's are removed by the next
LOCK_NAME = ".briefing.lock"
CACHE_NAME = ".briefing-cache.json"
NUMBERS_NAME = ".fact-numbers.json"  # in each dossier's output folder: the fact numbers its briefs showed (brief.numbering)
ASSETS = "assets"  # the site's stylesheet and fonts; never a dossier's name (scales.RESERVED_NAMES)
SEARCH_DIR = "pagefind"  # the site's search index (publish/search.py); never a dossier's name either
SITE_ENTRY = "_site"  # the cache record of the site pages
SITE_PAGES = ("index.html", "feed.xml")


def brief_file(day: dt.date, extension: str) -> str:
    """`2024-10-20.pdf`: a brief's file in its dossier's folder (extension with its dot)."""
    return f"{day.isoformat()}{extension}"


def register_name(day: dt.date) -> str:
    """The register's file name beside the brief (not a dated brief name, so the site does not list it)."""
    return f"{day.isoformat()}.register.html"


def register_month_name(day: dt.date, month: dt.date) -> str:
    """`2024-10-20.register-2024-03.html`: the register page of the facts first known in `month`, before the
    reading window of the brief as of `day` (brief.register)."""
    return f"{day.isoformat()}.register-{month.year:04d}-{month.month:02d}.html"


# Every page of a register: the main page and its month pages, as register_name and register_month_name write them.
REGISTER_PAGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.register(?:-\d{4}-\d{2})?\.html\Z")


def head_name(day: dt.date) -> str:
    """`.2024-10-20.head.html`: the head of a brief's page, kept when no HTML page is built (`--format pdf`),
    so that the site can still list that brief with its title, marking and bottom line."""
    return f".{day.isoformat()}.head.html"
