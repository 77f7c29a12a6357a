"""Skip briefs whose inputs have not changed since they were last written.

A brief's key hashes everything that shapes it: the program version and its
own source code, the versions of the libraries that write its formats, the
YAML files of its dossier and every template file, the options, the as-of and
since days, the limits, and the current directory (which shapes the paths in
warnings). The archive copies the build read are recorded under hashed names
and compared too. When the key matches the record and every recorded output is
still on disk with the same content, the brief is up to date; its warnings are
replayed from the record so a rebuild says what a build said (after a build
with a releasable cut they are not stored, and are found again).

Only regular files are read, without blocking, within their limits: a file
planted in a dossier folder (a named pipe, a link to /dev/zero) must not hang
or exhaust a build.

This module must stay light: a rebuild with nothing changed imports neither
pydantic nor Jinja nor WeasyPrint.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from briefing import __version__
from briefing.foundation.layout import CACHE_NAME
from briefing.foundation.limits import LIMITS
from briefing.foundation.user_cache import code_folder, code_hash
from briefing.render.formats import libraries

FORMAT_VERSION = 1


_CHUNK = 1 << 16


def digest_file(path: Path, limit: int | None = None) -> bytes:
    """The SHA-256 of a regular file's bytes, read in chunks; or a marker saying why it was not read.

    Only regular files are opened: a named pipe would block the build forever
    (holding the lock), a link to /dev/zero would never end, a dangling link
    would fail. Such a file, or one over `limit`, is keyed by that fact alone;
    loading the dossier then reports it as one error line (or ignores it, when
    the build does not read it).
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return b"<not a regular file>"
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except (OSError, ValueError) as exc:
        return f"<unreadable: {getattr(exc, 'errno', None)}>".encode()
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())  # what was opened, not what the name pointed to a moment before
        if not stat.S_ISREG(info.st_mode):
            return b"<not a regular file>"
        if limit is not None and info.st_size > limit:
            return f"<over the limit: {info.st_size}>".encode()
        digest = hashlib.sha256()
        read = 0
        while chunk := file.read(_CHUNK):
            read += len(chunk)
            if limit is not None and read > limit:  # grew while being read
                return f"<over the limit: {read}+>".encode()
            digest.update(chunk)
        return digest.digest()


def _hash_files(digest: Any, folder: Path, paths: list[Path], limit: int | None) -> None:
    """Feed each file's name (relative to `folder`) and content digest into `digest`."""
    for path in paths:
        digest.update(str(path.relative_to(folder)).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(digest_file(path, limit))


def _tree(folder: Path) -> list[Path]:
    """Every non-hidden file below a template folder, in a stable order (templates and their assets)."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(root) / name for name in sorted(files) if not name.startswith("."))
    return found


def _hash_templates(digest: Any, folder: Path) -> None:
    if not folder.is_dir():
        digest.update(b"<none>")
        return
    _hash_files(digest, folder, _tree(folder), None)


def brief_key(dossier_folder: Path, template_dirs: list[Path], options: dict[str, Any]) -> str:
    """The key of one brief: changes whenever anything that shapes its outputs changes.

    It reads what the build reads and nothing else: the dossier's YAML files
    (the same list `discover.yaml_files` gives the loader, each within the file
    size limit), its own templates folder and the other template folders. The
    archive copies its sources name are checked against the record instead
    (`Cache.fresh`): which ones they are is known only after loading.
    """
    from briefing.dossier.discover import yaml_files

    digest = hashlib.sha256()
    settings = {"version": __version__, "code": code_hash(), "cache": FORMAT_VERSION, "cwd": os.getcwd(),
                "limits": dataclasses.asdict(LIMITS), "environment": environment(),
                "libraries": _versions(libraries(options.get("formats", ()))), **options}
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    if dossier_folder.is_dir():
        _hash_files(digest, dossier_folder, yaml_files(dossier_folder), LIMITS.max_file_bytes)
    else:
        digest.update(b"<none>")
    _hash_templates(digest, dossier_folder / "templates")
    for folder in template_dirs:
        _hash_templates(digest, folder)
    return digest.hexdigest()


def environment() -> dict[str, str]:
    """The BRIEFING_* variables: limits and site settings shape outputs too."""
    return {k: v for k, v in sorted(os.environ.items()) if k.startswith("BRIEFING_")}


def site_key(site_url: str | None) -> str:
    """The key of the site pages beyond the briefs they list."""
    return hashlib.sha256(json.dumps([__version__, code_hash(), environment(), site_url]).encode()).hexdigest()


@functools.cache
def _versions(names: tuple[str, ...]) -> dict[str, str]:
    """Installed versions of the libraries that shape the outputs (Markdown, sanitizer, templates, PDF).

    Looked up once per run (each look-up reads package metadata from disk), whatever the number of briefs.
    """
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found


def digest(data: bytes) -> str:
    """An output's digest as the record keeps it (hex SHA-256), the same as `file_hash` of the file written."""
    return hashlib.sha256(data).hexdigest()


def file_hash(path: Path, limit: int | None = None) -> str:
    """A file's digest as the record keeps it (hex), or its marker when it is not a readable regular file."""
    return digest_file(path, limit).hex()


def _input_name(key: str, relative: str) -> str:
    """How the record names an archive copy: a digest, so that no file name of a source above a cut is written."""
    return hashlib.sha256(f"{key}\0{relative}".encode("utf-8", "surrogateescape")).hexdigest()


def _inputs(key: str, folder: Path, wanted: dict[str, str]) -> dict[str, str]:
    """The archive copies below `folder` the record names (by `_input_name`), with their digests now."""
    found: dict[str, str] = {}
    root = folder.resolve()
    for here, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not (Path(here) == root and d == "templates"))
        for name in files:
            path = Path(here) / name
            label = _input_name(key, path.relative_to(root).as_posix())
            if label in wanted:
                found[label] = file_hash(path, LIMITS.max_archive_bytes)
        if len(found) == len(wanted):
            break
    return found


def _recorded_inputs(key: str, inputs: tuple[Path, list[Path]] | None) -> dict[str, str]:
    if not inputs:
        return {}
    folder, paths = inputs
    root = folder.resolve()
    found = {}
    for path in paths:
        real = path.resolve()
        if real.is_relative_to(root):  # check_archives refused the others: the build read none of them
            found[_input_name(key, real.relative_to(root).as_posix())] = file_hash(real, LIMITS.max_archive_bytes)
    return found


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

    def fresh(self, name: str, key: str, folder: Path | None = None) -> bool:
        """True when `name` was built with `key`, the archive copies it read (below `folder`) and all its files are still as written."""
        entry = self.entries.get(name)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return False
        inputs = entry.get("inputs") or {}
        if inputs and (folder is None or _inputs(key, folder, inputs) != inputs):
            return False  # an archive copy a source names has changed, or is gone
        return all(file_hash(self.out / rel) == digest for rel, digest in entry.get("files", {}).items())

    def warnings(self, name: str) -> list[str]:
        return list(self.entries.get(name, {}).get("warnings") or [])

    def withheld(self, name: str) -> bool:
        """True when the brief's warnings were not stored (a releasable cut): they must be found again."""
        return bool(self.entries.get(name, {}).get("withheld"))

    def record(self, name: str, key: str, files: dict[Path, str], warnings: list[str],
               inputs: tuple[Path, list[Path]] | None = None, withhold: bool = False) -> None:
        """Record a brief's files (their `digest`s), the archive copies it read (`inputs`: the dossier folder and the copies) and its warnings.

        With `withhold` (a build with --max-marking) the warnings are not
        stored: they name facts above the cut, and nothing above the cut may be
        written into the output folder, hidden files included.
        """
        self.entries[name] = {
            "key": key,
            "files": {str(path.relative_to(self.out)): digest for path, digest in sorted(files.items())},
            "inputs": _recorded_inputs(key, inputs),
            "warnings": [] if withhold else warnings,
            **({"withheld": True} if withhold and warnings else {}),
        }

    def record_disk(self, name: str, key: str, paths: list[Path]) -> None:
        """Record files as they are on disk now (the site pages, after a commit)."""
        self.entries[name] = {"key": key, "files": {str(p.relative_to(self.out)): file_hash(p) for p in sorted(paths)},
                              "warnings": []}

    def dump(self) -> bytes:
        return json.dumps({"format": FORMAT_VERSION, "entries": self.entries}, indent=1, sort_keys=True).encode()


def compiled_templates() -> Path | None:
    """The folder of compiled templates, one per program version and code (their Jinja settings and filters
    may have changed), so nothing compiled by another version is ever used; None (compile in memory) when
    no cache folder can be made."""
    return code_folder("templates")


def kept_charts() -> Path | None:
    """The folder of charts kept from earlier runs (render.chart_store), one per program code and plotting
    library version, so that a chart is never one another code or matplotlib drew; None when none can be made."""
    return code_folder("charts", _versions(("matplotlib",)).get("matplotlib", ""))
