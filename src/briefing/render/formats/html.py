"""HTML: the page made from the brief's Markdown, sanitized, inside the layout template."""

from __future__ import annotations

from briefing.render.formats import Page


def render(page: Page) -> bytes:
    """The brief's HTML page, UTF-8."""
    return page.html.encode()
