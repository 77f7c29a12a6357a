"""New entries of a dossier's source register: their id, their YAML, and appending them to sources.yaml as text.

The register is a file the analyst edits and comments; a YAML round trip would
lose the comments and the order, so an entry is added as text at the end of the
`sources:` list, and the result is read back to make sure it holds exactly one
more source, the new one.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from briefing.foundation.errors import Problems
from briefing.foundation.scales import ID_RE

MODELINE = "# yaml-language-server: $schema=../../schema/facts.schema.json"
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:(.*)$")
_ITEM = re.compile(r"^(\s*)- ")
_ORDER = ("id", "title", "publisher", "author", "published", "accessed", "url", "kind", "reliability", "archive")


def slug(text: str, limit: int = 40) -> str:
    """Lowercase ascii words joined by hyphens, cut at a word boundary: a readable start of an id."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain)
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > limit and out:
            break
        out = f"{out}-{word}" if out else word
    return out[:limit]


def new_id(publisher: str | None, host: str | None, title: str | None, day: str | None, taken: Iterable[str]) -> str:
    """An id from the publisher (else the site, else the title) and the publication day, unique among `taken`."""
    head = slug(publisher or "") or slug((host or "").removeprefix("www.").split(".")[0]) or slug(title or "", 30) or "source"
    base = f"{head}-{day}" if day else head
    base = base[:60].strip("-")
    taken = set(taken)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def entry_text(values: dict[str, str], indent: str = "  ") -> str:
    """One source as YAML lines, keys in the format's order; text values quoted (JSON strings are YAML)."""
    lines = []
    for number, key in enumerate(k for k in _ORDER if values.get(k)):
        value = values[key]
        plain = key in ("id", "published", "accessed", "kind", "reliability") or (key == "archive" and re.fullmatch(r"[\w./-]+", value))
        shown = value if plain else json.dumps(value, ensure_ascii=False)
        lines.append(f"{indent}{'- ' if number == 0 else '  '}{key}: {shown}")
    return "\n".join(lines) + "\n"


class RegisterError(Exception):
    """sources.yaml cannot take a new entry as text (an unusual layout): the user adds it by hand."""


def append_source(text: str | None, values: dict[str, str]) -> str:
    """`text` (sources.yaml, or None for a new file) with the source added at the end of its `sources:` list."""
    if text is None or not text.strip():
        head = text if text and text.endswith("\n") else (text or "")
        return f"{head or MODELINE + chr(10)}sources:\n{entry_text(values)}"
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if (m := _TOP_KEY.match(line)) and m.group(1) == "sources"), None)
    if start is None:  # no sources list yet: a new one at the end
        return _ended(text) + "\nsources:\n" + entry_text(values)
    rest = _TOP_KEY.match(lines[start]).group(2).split("#")[0].strip()  # type: ignore[union-attr]
    if rest == "[]":
        lines[start] = "sources:\n"
        rest = ""
    if rest:
        raise RegisterError("its 'sources:' list is written on one line; add the entry by hand")
    end = next((i for i in range(start + 1, len(lines)) if _TOP_KEY.match(lines[i])), len(lines))
    last = end
    while last > start + 1 and (not lines[last - 1].strip() or lines[last - 1].lstrip().startswith("#")) and end < len(lines):
        last -= 1  # comments and blank lines right before the next key belong to it
    indent = next((m.group(1) for line in lines[start + 1 : end] if (m := _ITEM.match(line))), "  ")
    block = entry_text(values, indent)
    before = "".join(lines[:last])
    separate = "\n" if any(_ITEM.match(line) for line in lines[start + 1 : last]) else ""
    return _ended(before) + separate + block + "".join(lines[last:])


def _ended(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def check_appended(old: str | None, new: str, path: Path, sid: str) -> None:
    """Read the new text back: it must hold the old sources and the new one last, or nothing is written."""
    from briefing.dossier.reader import load_text

    def ids(text: str | None) -> list[str] | None:
        if text is None:
            return []
        doc = load_text(text, path, Problems())
        if doc is None:
            return None
        data = doc.data or {}
        items = data.get("sources") if isinstance(data, dict) else None
        return [i.get("id") for i in items or [] if isinstance(i, dict)]

    before, after = ids(old), ids(new)
    if before is None:
        raise RegisterError("it does not read as YAML now; fix it first (`check` says where)")
    if after != [*before, sid]:
        raise RegisterError("the new entry could not be added as text without changing its meaning; add it by hand")


def valid_id(value: str) -> bool:
    return bool(ID_RE.match(value))
