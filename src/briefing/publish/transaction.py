"""The output folder's transaction: files staged beside their targets, renamed into place together, or
removed; the lock that keeps two builds apart; leftovers of a killed build cleaned.

A build stages each file as a hidden temp file beside its target and renames
them into place only when every brief rendered; a failure or an interrupt
leaves the output folder as it was. A lock file keeps two builds into the same
folder from interleaving.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from briefing.foundation.layout import LOCK_NAME, TEMP_MARK
from briefing.render.formats import FORMATS

__all__ = ["BRIEF_NAME", "LOCK_NAME", "TEMP_MARK"]


# A brief's file: its day and the extension of one of the formats.
BRIEF_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.(" + "|".join(f.extension[1:] for f in FORMATS.values()) + r")\Z")


# --- atomic files -------------------------------------------------------------------------


def _temp_beside(path: Path, data: bytes) -> Path:
    """`data` in a hidden, fsynced temp file in `path`'s folder, ready to be renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_MARK, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all (temp file in the same folder, fsync, rename)."""
    os.replace(_temp_beside(path, data), path)


class Transaction:
    """Files staged now and renamed into place together by `commit`, or removed by `rollback`.

    Each rename is atomic, so a reader (or a kill) sees every file either old
    or new, never truncated; the renames all happen after the last brief has
    rendered, so a failure while rendering replaces nothing.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staged: list[tuple[Path, Path]] = []
        self.created: list[Path] = []  # folders this transaction made, removed again by rollback
        self.removed: list[Path] = []  # outputs the new ones make obsolete, removed by commit (after the renames)
        self.folders: set[Path] = set()  # every folder a temp file was made in

    def stage(self, path: Path, data: bytes) -> None:
        self.created.extend(p for p in (path.parent, *path.parent.parents) if not p.exists())  # before a write can fail
        self.folders.add(path.parent)  # before the temp file exists: see `rollback`
        self.staged.append((_temp_beside(path, data), path))

    def remove(self, path: Path) -> None:
        """Remove `path` once everything staged is in place (never before: a kill leaves one file too many, not one too few)."""
        self.removed.append(path)

    def commit(self) -> list[Path]:
        done = []
        for tmp, path in self.staged:
            os.replace(tmp, path)
            done.append(path)
        for folder in dict.fromkeys(p.parent for p in done):  # make the renames survive a power cut
            with contextlib.suppress(OSError):
                fd = os.open(folder, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        for path in self.removed:
            with contextlib.suppress(OSError):
                path.unlink()
        self.staged = []
        self.created = []
        self.removed = []
        self.folders = set()
        return done

    def rollback(self) -> None:
        for tmp, _ in self.staged:
            with contextlib.suppress(OSError):
                tmp.unlink()
        # A Ctrl-C that lands between a temp file's creation and its listing in `staged` leaves one the
        # list does not know: the folders staged into hold no other build's (the output folder is locked).
        for folder in self.folders:
            with contextlib.suppress(OSError):
                for leftover in folder.glob(f"{TEMP_MARK}*"):
                    with contextlib.suppress(OSError):
                        leftover.unlink()
        # A failed build leaves no new empty folders behind: deepest first, whatever order they were made in.
        for folder in sorted(set(self.created), key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self.staged = []
        self.created = []
        self.removed = []
        self.folders = set()


def clean_leftovers(root: Path) -> None:
    """Remove temp files an earlier, killed build left behind (they never replaced anything)."""
    if not root.is_dir():
        return
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if name.startswith(TEMP_MARK):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))


@contextlib.contextmanager
def locked(root: Path, quiet: bool = False) -> Iterator[None]:
    """Hold the output folder's lock; a second build waits for the first instead of interleaving.

    A build that made the folder and wrote nothing into it (it failed) removes
    the folder again, lock file included, so a failed build leaves no trace. A
    waiting build therefore checks, once it holds the lock, that its lock file
    is still the one in the folder, and starts over if not.
    """
    import fcntl

    created = not root.exists()
    lock = root / LOCK_NAME
    waited = False
    while True:
        root.mkdir(parents=True, exist_ok=True)
        fh = open(lock, "a+")  # noqa: SIM115 - held open until the end of the build
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not quiet and not waited:
                print(f"Waiting for another build writing to {root} ...", file=sys.stderr)
            waited = True
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            current = os.path.samestat(os.fstat(fh.fileno()), os.stat(lock))
        except FileNotFoundError:
            current = False
        if current:
            break
        fh.close()
    try:
        yield
    finally:
        try:
            if created and [p.name for p in root.iterdir()] == [LOCK_NAME]:
                lock.unlink()
                root.rmdir()
        except OSError:
            pass
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()
