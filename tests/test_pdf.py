"""The PDF of a brief: marking on every page, page numbers, bookmarks, links, metadata, variants, reproducibility.

Each render takes a second or two, so the tests share renders of one fixture
brief (TLP:AMBER, four pages) and keep to the few variations that matter.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.foundation.resources import assets_dir
from briefing.render.formats.pdf import pdf_bytes
from test_golden import FIXTURE, Case, rendered

CASE = Case(FIXTURE, "harbour", "2024-03-31", since="2024-02-29")
AS_OF = dt.date(2024, 3, 31)


def make_pdf(variant: str | None = None) -> bytes:
    return pdf_bytes(rendered(CASE).html, AS_OF, [assets_dir()], variant)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return make_pdf()


@pytest.fixture(scope="module")
def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def test_marking_and_page_x_of_y_on_every_page(reader: PdfReader) -> None:
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert text.count("TLP:AMBER") >= 2, f"page {number}: marking not in both header and footer"
        assert f"Page {number} of {pages}" in text


def test_bookmarks_follow_the_headings(reader: PdfReader) -> None:
    titles: list[str] = []

    def walk(items: list) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    assert titles[0] == "The blockade of the port of Vessa"
    for heading in ("Bottom line", "New since 29 February 2024", "Key figures", "Shipping", "Disagreements and denials",
                    "Figures that disagree", "Timeline", "Sources", "Method"):
        assert heading in titles


def test_citations_are_clickable_links_of_real_height_to_the_endnotes(reader: PdfReader) -> None:
    """`sup { line-height: 0 }` would give zero-height link areas: nothing to click."""
    names = set(reader.named_destinations)
    citations = []
    for page in reader.pages:
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            target = annot.get("/Dest") or annot.get("/A", {}).get("/D")
            if isinstance(target, str) and target.startswith("fn:"):
                x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
                citations.append((target, abs(y1 - y0), abs(x1 - x0)))
    assert len(citations) >= 20
    assert all(height >= 5 and width > 1 for _, height, width in citations), citations[:5]
    assert {t for t, _, _ in citations} <= names
    assert {n for n in names if n.startswith("fn:")} == {t for t, _, _ in citations}  # every endnote is reachable


def test_metadata(reader: PdfReader) -> None:
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "The blockade of the port of Vessa: situation brief as of 31 March 2024"
    assert meta.author == "Test desk, Second analyst"
    assert "TLP:AMBER" in (meta.subject or "") and "TLP:AMBER" in str(meta.get("/Keywords"))
    assert meta.get("/CreationDate") == meta.get("/ModDate") == "D:20240331000000Z"
    assert reader.trailer["/Root"]["/Lang"] == "en"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm (poppler-utils)")
def test_the_marking_is_drawn_in_its_tlp_colour_on_black(pdf: bytes, tmp_path: Path) -> None:
    """Look at the rendered first page: amber (#ffc000) text on black in the header corner."""
    from PIL import Image

    (tmp_path / "brief.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", tmp_path / "brief.pdf", tmp_path / "page"], check=True)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    width, height = image.size
    for box in ((width // 2, 0, width, height // 10), (0, height * 9 // 10, width // 2, height)):  # header right, footer left
        colours = {colour for _, colour in image.crop(box).getcolors(maxcolors=1 << 16) or []}
        assert (0, 0, 0) in colours
        assert any(r > 220 and 150 < g < 215 and b < 60 for r, g, b in colours), "no amber text in the marking"


def test_same_html_and_day_give_byte_identical_pdfs(pdf: bytes) -> None:
    assert make_pdf() == pdf


def test_font_subsetting_without_harfbuzz_is_reproducible_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libharfbuzz-subset0 WeasyPrint subsets with fontTools, which stamps the time unless SOURCE_DATE_EPOCH.

    A small page keeps this quick (fontTools is slow); each render takes over a
    second, so the two fall in different seconds of the clock.
    """
    import weasyprint.pdf.fonts

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")  # pdf.py pins its own while rendering, then puts this one back
    page = ('<html lang="en"><head><title>t</title><link rel="stylesheet" href="../assets/brief.css"></head>'
            "<body><p>Regular <strong>bold</strong> <em>italic</em></p></body></html>")
    first = pdf_bytes(page, AS_OF, [assets_dir()])
    assert pdf_bytes(page, AS_OF, [assets_dir()]) == first
    assert os.environ["SOURCE_DATE_EPOCH"] == "1"


def _xmp(reader: PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


def test_pdf_ua_1_variant_is_tagged() -> None:
    reader = PdfReader(io.BytesIO(make_pdf("pdf/ua-1")))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert 'pdfuaid:part="1"' in _xmp(reader)


def test_pdf_a_3b_variant_declares_itself_with_an_output_intent() -> None:
    reader = PdfReader(io.BytesIO(make_pdf("pdf/a-3b")))
    xmp = _xmp(reader)
    assert re.search(r'pdfaid:part="3"\s+pdfaid:conformance="B"', xmp)
    assert "<xmp:CreateDate>2024-03-31T00:00:00Z</xmp:CreateDate>" in xmp  # equivalent to the Info dictionary's date
    assert "/OutputIntents" in reader.trailer["/Root"]


LIBRARIES = """
import sys, ctypes.util
sys.path.insert(0, {src!r})
full = ctypes.util.find_library
{setup}
from briefing.render.formats.pdf import _import_weasyprint
_import_weasyprint()
import weasyprint.text.ffi as ffi
print(ctypes.util.find_library is full, *(getattr(ffi, name) is not None for name in
      ("gobject", "pango", "harfbuzz", "harfbuzz_subset", "fontconfig", "pangoft2")))
"""


def _libraries_loaded(setup: str = "") -> str:
    """In a fresh interpreter: whether find_library was put back, and which of WeasyPrint's libraries loaded."""
    code = LIBRARIES.format(src=str(Path(__file__).resolve().parents[1] / "src"), setup=setup)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    return result.stdout.split()


def test_weasyprint_loads_the_same_libraries_with_the_quick_library_search() -> None:
    plain = subprocess.run([sys.executable, "-c", "import weasyprint.text.ffi as f; print(f.harfbuzz_subset is not None)"],
                           capture_output=True, text=True, timeout=60, check=True).stdout.split()
    loaded = _libraries_loaded()
    assert loaded == ["True"] * 4 + plain + ["True"] * 2


def test_quick_library_search_answers_as_ctypes_does() -> None:
    import ctypes.util

    from briefing.render.formats.pdf import _find_in_ldconfig_cache

    for name in ("pango-1.0", "gobject-2.0", "fontconfig", "libpango-1.0-0", "no-such-library-here"):
        assert _find_in_ldconfig_cache(name) == ctypes.util.find_library(name), name


def test_weasyprint_still_loads_when_the_quick_search_finds_nothing() -> None:
    """A library only the full search finds (the quick one answers nothing): the import is retried with it."""
    loaded = _libraries_loaded("import briefing.render.formats.pdf as p; p._find_in_ldconfig_cache = lambda name: None")
    assert loaded[:3] == ["True"] * 3
