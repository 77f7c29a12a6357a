"""Skip briefs whose inputs have not changed since they were last written.

A brief's key hashes everything that shapes it: the program version and its
own source code, the versions of the libraries that write its formats, every
file of its dossier and of the templates, the options, the as-of and since
days, the limits, and the current directory (which shapes the paths in
warnings). When the key matches the record and every recorded output is still
on disk with the same content, the brief is up to date; its warnings are
replayed from the record so a rebuild says what a build said.

This module must stay light: a rebuild with nothing changed imports neither
pydantic nor Jinja nor WeasyPrint.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from briefing import __version__
from briefing.foundation.layout import CACHE_NAME
from briefing.foundation.limits import LIMITS
from briefing.render.formats import libraries

FORMAT_VERSION = 1


def _hash_tree(digest: Any, folder: Path) -> None:
    """Feed every non-hidden file below `folder` (name and bytes) into `digest`, in a stable order."""
    if not folder.is_dir():
        digest.update(b"<none>")
        return
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())


def brief_key(dossier_folder: Path, template_dirs: list[Path], options: dict[str, Any]) -> str:
    """The key of one brief: changes whenever anything that shapes its outputs changes."""
    digest = hashlib.sha256()
    settings = {"version": __version__, "code": code_hash(), "cache": FORMAT_VERSION, "cwd": os.getcwd(),
                "limits": dataclasses.asdict(LIMITS), "environment": environment(),
                "libraries": _versions(libraries(options.get("formats", ()))), **options}
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    _hash_tree(digest, dossier_folder)
    for folder in template_dirs:
        _hash_tree(digest, folder)
    return digest.hexdigest()


def environment() -> dict[str, str]:
    """The BRIEFING_* variables: limits and site settings shape outputs too."""
    return {k: v for k, v in sorted(os.environ.items()) if k.startswith("BRIEFING_")}


def site_key(site_url: str | None) -> str:
    """The key of the site pages beyond the briefs they list."""
    return hashlib.sha256(json.dumps([__version__, code_hash(), environment(), site_url]).encode()).hexdigest()


@functools.cache
def code_hash() -> str:
    """A hash of the program's own modules.

    A checkout that changes the code keeps its version number until a release;
    without this, a build after `git pull` would keep briefs the new code
    renders differently. Reading the package's few files costs about 2 ms.
    """
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).as_posix()
        digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _versions(names: tuple[str, ...]) -> dict[str, str]:
    """Installed versions of the libraries that shape the outputs (Markdown, sanitizer, templates, PDF)."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found


def file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class Cache:
    """The record of what the last builds wrote into one output folder."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.path = out / CACHE_NAME
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.entries: dict[str, Any] = data["entries"] if data.get("format") == FORMAT_VERSION else {}
        except (OSError, ValueError, KeyError, TypeError):
            self.entries = {}

    def fresh(self, name: str, key: str) -> bool:
        """True when `name` was built with `key` and all its files are still as written."""
        entry = self.entries.get(name)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return False
        return all(file_hash(self.out / rel) == digest for rel, digest in entry.get("files", {}).items())

    def warnings(self, name: str) -> list[str]:
        return list(self.entries.get(name, {}).get("warnings", []))

    def record(self, name: str, key: str, files: dict[Path, bytes], warnings: list[str]) -> None:
        self.entries[name] = {
            "key": key,
            "files": {str(path.relative_to(self.out)): hashlib.sha256(data).hexdigest() for path, data in sorted(files.items())},
            "warnings": warnings,
        }

    def record_disk(self, name: str, key: str, paths: list[Path]) -> None:
        """Record files as they are on disk now (the site pages, after a commit)."""
        self.entries[name] = {"key": key, "files": {str(p.relative_to(self.out)): file_hash(p) for p in sorted(paths)},
                              "warnings": []}

    def dump(self) -> bytes:
        return json.dumps({"format": FORMAT_VERSION, "entries": self.entries}, indent=1, sort_keys=True).encode()
