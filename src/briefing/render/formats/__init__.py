"""The output formats: one row each, and every other place (CLI, file names, site links, nav, cache) reads this table.

Each format is one module of this package with the same function,
`render(page: Page) -> bytes`. Markdown is the content source, HTML is made
from it, and the PDF from the HTML; a format that runs `in_worker` is laid out
in a worker process while the build goes on.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Page:
    """One brief, ready for every format: its Markdown, its HTML page, and what the PDF engine needs."""

    markdown: str
    html: str
    as_of: dt.date
    asset_dirs: tuple[Path, ...] = ()
    pdf_variant: str | None = None


@dataclass(frozen=True)
class Format:
    """One output format: its name on the command line, file extension, label and media type for links."""

    name: str
    extension: str
    label: str
    media_type: str
    in_worker: bool = False
    libraries: tuple[str, ...] = field(default=())  # installed packages whose versions shape the bytes

    def render(self, page: Page) -> bytes:
        """The brief in this format (the module is imported only when a brief in this format is made)."""
        return importlib.import_module(f"{__name__}.{self.name}").render(page)  # type: ignore[no-any-return]


# In the order the command line lists them; `LINK_ORDER` is the order a reader sees links in.
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("md", ".md", "Markdown", "text/markdown", libraries=("jinja2",)),
    Format("html", ".html", "HTML", "text/html", libraries=("jinja2", "markdown", "matplotlib", "nh3")),
    Format("pdf", ".pdf", "PDF", "application/pdf", in_worker=True, libraries=("jinja2", "markdown", "matplotlib", "nh3", "weasyprint")),
)}
NAMES: tuple[str, ...] = tuple(FORMATS)
LINK_ORDER: tuple[str, ...] = ("html", "pdf", "md")


def libraries(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The libraries whose versions shape outputs in these formats, each once, sorted."""
    return tuple(sorted({lib for name in names for lib in FORMATS[name].libraries}))
