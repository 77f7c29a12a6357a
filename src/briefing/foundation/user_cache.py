"""The user's cache folder: what runs keep because they can make it again (compiled templates, charts, parsed files).

Everything kept there is named by the program's code as well as its version,
so nothing made by other code is ever read back; folders of another code
unused for a week are removed. `BRIEFING_CACHE_DIR` moves the folder (tests
give each run its own); when no folder can be made, runs simply keep nothing.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import time
from pathlib import Path

from briefing import __version__

_WEEK = 7 * 86400


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


def code_folder(kind: str, extra: str = "") -> Path | None:
    """`<cache folder>/briefing/<kind>-<version>-<code>[-extra]`: one per program code; None when it cannot be made."""
    return user_cache(kind, f"{__version__}-{code_hash()[:16]}" + (f"-{extra}" if extra else ""))


def user_cache(kind: str, name: str) -> Path | None:
    """`<cache folder>/briefing/<kind>-<name>`, made when missing; other `<kind>-*` folders unused for a week go."""
    base = Path(os.environ.get("BRIEFING_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "briefing"
    folder = base / f"{kind}-{name}"
    if folder.is_dir():
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
        week_ago = time.time() - _WEEK
        for old in base.glob(f"{kind}-*"):
            if old != folder and old.stat().st_mtime < week_ago:
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        return None
    return folder
