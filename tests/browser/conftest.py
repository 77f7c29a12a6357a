"""Fixtures of the browser tests: a freshly built site, a local web server, headless Chromium.

Chromium and chromedriver come from Debian (scripts/test.sh installs them when
running as root); axe-core from npm (`npm ci --prefix tests/browser`). Nothing
is fetched from the network while the tests run.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

from briefing.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "facts"
ARTIFACTS = ROOT / "tests" / "artifacts"
DAYS = ("2024-12-01", "2026-11-21")
FIXTURE = ROOT / "tests" / "fixtures" / "facts"
CHART_DAY = "2024-03-31"  # the fixture's brief with a chart of ships held
SUBFOLDER = "briefs"
CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
                "--disable-extensions", "--hide-scrollbars", "--force-color-profile=srgb", "--disable-dev-shm-usage")


def _program(*names: str) -> str | None:
    """The first of `names` on PATH or in /usr/bin."""
    for name in names:
        found = shutil.which(name) or (f"/usr/bin/{name}" if os.access(f"/usr/bin/{name}", os.X_OK) else None)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium() -> tuple[str, str]:
    """Paths of Chromium and chromedriver; skipped only where they cannot be installed (not root)."""
    browser, driver = _program("chromium", "chromium-browser"), _program("chromedriver")
    if browser and driver:
        return browser, driver
    missing = " and ".join(name for name, path in (("chromium", browser), ("chromium-driver", driver)) if not path)
    if os.geteuid() != 0:
        pytest.skip(f"{missing} not installed and not root to install it (apt-get install {missing}, or run scripts/test.sh as root)")
    pytest.fail(f"{missing} missing although running as root: scripts/test.sh should have installed it")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo dossier built on two days, in a subfolder of the folder the server serves."""
    from briefing.publish import search

    out = tmp_path_factory.mktemp("www") / SUBFOLDER
    with pytest.MonkeyPatch.context() as patch:
        # Its search index in parts, as a big site's is, so that searching merges them as a big site's search does.
        patch.setattr(search, "PART_BYTES", 60_000)
        for day in DAYS:
            code = main(["build", "--facts", str(DEMO), "--out", str(out), "--as-of", day, "--quiet"])
            assert code == 0, f"building the demo as of {day} failed"
        # A second dossier with more charts: disagreeing values, a superseded one, an estimate band.
        code = main(["build", "--facts", str(FIXTURE), "--out", str(out), "--as-of", CHART_DAY, "--format", "md,html", "--quiet"])
        assert code == 0, "building the fixture dossier failed"
    assert len(json.loads((out / "pagefind" / search.PARTS).read_text(encoding="utf-8"))["parts"]) > 2
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """The tests check requests in the browser; the server needs no log."""


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """The site's address on a stdlib server at 127.0.0.1, from a subfolder as on many hosts."""
    handler = functools.partial(_QuietHandler, directory=str(site.parent))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/{SUBFOLDER}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def driver(chromium: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """One headless Chromium for the session, logging network requests and console messages."""
    binary, chromedriver = chromium
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    browser = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
    browser.set_script_timeout(30)
    browser.set_page_load_timeout(30)
    yield browser
    browser.quit()


@pytest.fixture
def browser(driver: WebDriver) -> WebDriver:
    """The session's browser at a desktop size, with the logs of earlier tests drained."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get_log("browser")
    return driver


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """tests/artifacts/ (git-ignored): screenshots, printed PDFs and accessibility reports to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS

