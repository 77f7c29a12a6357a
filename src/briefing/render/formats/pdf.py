"""PDF: WeasyPrint on the brief's HTML with its print stylesheet, reproducible, fetching nothing.

WeasyPrint is imported here, inside the functions, and nowhere else: `check`
and Markdown or HTML builds never pay for it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import os
import platform
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from briefing.foundation import collector
from briefing.render.formats import Page

ASSET_BASE = "file:///briefing-assets/"


def render(page: Page) -> bytes:
    """The brief's PDF, laid out from its HTML page."""
    return pdf_bytes(page.html, page.as_of, list(page.asset_dirs), page.pdf_variant)


def warm_up() -> None:
    """Import WeasyPrint now: run first in a PDF worker, while the main process still validates."""
    _import_weasyprint()


def _import_weasyprint() -> Any:
    """WeasyPrint, imported with a quick search for its system libraries (a tenth of a small brief's time).

    WeasyPrint asks cffi for each of its C libraries under several names, most
    of them other platforms' spellings. For every name that is not a file,
    ctypes' `find_library` runs `ldconfig -p`, then links a test program with
    gcc and with ld: 16 test programs and 22 ldconfig runs, about 0.2 s here.
    While WeasyPrint loads, names are looked up in one reading of ldconfig's
    cache instead; should that not do, the import is tried again with the full
    search, so a library that only gcc can find still loads.
    """
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    import ctypes.util

    full = ctypes.util.find_library
    if sys.platform == "linux" and _ldconfig_cache():
        ctypes.util.find_library = _find_in_ldconfig_cache
    try:
        import weasyprint
    except OSError:
        ctypes.util.find_library = full
        import weasyprint
    finally:
        ctypes.util.find_library = full
    return weasyprint


@functools.cache
def _ldconfig_cache() -> list[tuple[str, str]]:
    """(soname, flags) of every library ldconfig knows, e.g. ('libpango-1.0.so.0', 'libc6,x86-64')."""
    try:
        listing = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, check=False, timeout=10,
                                 env={"LC_ALL": "C", "LANG": "C"}).stdout.decode(errors="replace")
    except (OSError, subprocess.SubprocessError):
        return []
    return re.findall(r"^\s+(\S+)\s+\(([^)]*)\)", listing, re.M)


def _find_in_ldconfig_cache(name: str) -> str | None:
    """`ctypes.util.find_library` answered from ldconfig's cache alone (what ctypes tries first)."""
    abi = "libc6,x86-64" if platform.machine() == "x86_64" and sys.maxsize > 2**32 else "libc6"
    wanted = re.compile(rf"lib{re.escape(name)}\.")
    return next((soname for soname, flags in _ldconfig_cache() if wanted.match(soname) and flags.startswith(abi)), None)


def pdf_bytes(html: str, as_of: dt.date, asset_dirs: list[Path], variant: str | None = None, tagged: bool = True) -> bytes:
    """The PDF of a brief's HTML, tagged (unless `tagged` is False: for measuring), reproducible for the same input and day.

    The page is given a virtual base address whose `../assets/` resolves only to
    files in `asset_dirs` (overrides first, then the defaults). Anything else a
    page asks for is refused, so a fact file can never make the PDF engine read
    a local file or reach the network.
    """
    weasyprint = _import_weasyprint()  # heavy: imported only when a PDF is wanted

    fetcher = restricted_fetcher(asset_dirs)
    document = weasyprint.HTML(string=html, base_url=ASSET_BASE + "brief/", url_fetcher=fetcher)
    # The file identifier would otherwise be random, the creation dates come
    # from the page's dcterms metadata (the as-of day), and nothing else in
    # WeasyPrint's output depends on the clock.
    identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
    # Tagged by default (a structure tree screen readers and reflow follow, see docs/publishing.md);
    # a variant may add more (PDF/UA's title display and identification) but never takes tags away.
    options: dict[str, Any] = {"pdf_identifier": identifier, "pdf_tags": tagged}
    if variant:
        options["pdf_variant"] = variant
    # Layout makes hundreds of thousands of short-lived objects; pausing the cycle collector
    # during it saves about a tenth of the time for a few percent more peak memory.
    with source_date(as_of), collector.paused():
        return document.write_pdf(finisher=scope_table_headers if tagged else None, **options)


def scope_table_headers(document: Any, pdf: Any) -> None:
    """Give every tagged table header cell its /Scope, which WeasyPrint leaves out (PDF/UA asks for it).

    A header in the table's head row labels its column; any other header cell
    (the first of a body row) labels its row, as `<th scope="row">` does in HTML.
    """
    import pydyf

    del document
    objects = pdf.objects
    for obj in objects:
        if not isinstance(obj, pydyf.Dictionary) or obj.get("S") != "/TH":
            continue
        row = _parent(objects, obj)
        group = _parent(objects, row) if row is not None else None
        scope = "/Column" if group is not None and group.get("S") == "/THead" else "/Row"
        attributes = obj.get("A")
        if not isinstance(attributes, pydyf.Dictionary):
            attributes = obj["A"] = pydyf.Dictionary({"O": "/Table"})
        attributes["Scope"] = scope


def _parent(objects: list[Any], element: Any) -> Any:
    """The structure element a tagged element's /P names (WeasyPrint writes it as `N 0 R`)."""
    reference = element.get("P")
    if not isinstance(reference, (str, bytes)):
        return None
    number = int(str(reference.decode() if isinstance(reference, bytes) else reference).split()[0])
    return objects[number] if 0 <= number < len(objects) else None


@contextlib.contextmanager
def source_date(day: dt.date) -> Iterator[None]:
    """Pin SOURCE_DATE_EPOCH to `day` while fonts are subset, then put it back.

    WeasyPrint subsets fonts with HarfBuzz (libharfbuzz-subset0, deterministic)
    when it is installed, else with fontTools, which stamps the font's `head`
    table with the current time unless SOURCE_DATE_EPOCH is set. Both paths
    then give byte-identical PDFs for the same HTML and day; they do not give
    the same bytes as each other (different subsetters), so a PDF built on a
    machine without libharfbuzz-subset0 differs from one built with it.
    """
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp()))
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def restricted_fetcher(asset_dirs: list[Path]) -> Any:
    """A WeasyPrint URL fetcher that serves the project's assets and refuses everything else."""
    import mimetypes

    import weasyprint

    roots = [p.resolve() for p in asset_dirs]

    class Fetcher(weasyprint.urls.URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file",))
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            prefix = ASSET_BASE + "assets/"
            if url.startswith(prefix):
                name = url[len(prefix):].split("?")[0].split("#")[0]
                for root in roots:
                    path = (root / name).resolve()
                    if path.is_relative_to(root) and path.is_file():
                        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                        return weasyprint.urls.URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
            self.refused.append(url)
            raise ValueError(f"refused to load {url[:100]}: briefs load only their own assets")

    return Fetcher()


