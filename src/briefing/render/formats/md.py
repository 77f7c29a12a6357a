"""Markdown: the brief's content source, written as the template rendered it."""

from __future__ import annotations

from briefing.render.formats import Page


def render(page: Page) -> bytes:
    """The brief's Markdown, UTF-8."""
    return page.markdown.encode()
