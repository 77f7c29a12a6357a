"""The live preview in a real browser: an open page reloads itself when a fact file changes."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DAY = "2026-11-21"
OLD_STATEMENT = "statement: North Korea has begun sending troops to back Russian forces."
NEW_STATEMENT = "statement: North Korea has begun sending troops to back Russian forces (edited in the browser test)."


@pytest.fixture
def preview_url(tmp_path: Path, demo_copy: Path) -> Iterator[str]:
    """`python build.py serve` on a free port over a copy of the demo; its address."""
    command = [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "--facts", str(demo_copy),
               "--out", str(tmp_path / "site"), "--as-of", DAY, "--format", "html", "--quiet"]
    log = tmp_path / "serve.log"
    with log.open("w") as err:
        process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=err, text=True)
    line = process.stdout.readline() if process.stdout else ""
    if "http://127.0.0.1:" not in line:
        process.kill()
        pytest.fail(f"the preview did not start: {line!r}\n{log.read_text()}")
    yield line.split(" at ", 1)[1].split()[0]
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0, log.read_text()

def test_open_page_reloads_after_a_fact_changes(browser: WebDriver, preview_url: str, demo_copy: Path) -> None:
    browser.get(preview_url + f"north-korea-russia/{DAY}.html")
    browser.execute_script("window.notReloadedYet = true;")
    troops = demo_copy / "north-korea-russia" / "troops.yaml"
    troops.write_text(troops.read_text(encoding="utf-8").replace(OLD_STATEMENT, NEW_STATEMENT), encoding="utf-8")
    WebDriverWait(browser, 20).until(lambda b: b.execute_script("return !window.notReloadedYet && document.readyState === 'complete'"),
                                     message="the page did not reload after the fact file changed")
    assert "(edited in the browser test)" in browser.find_element(By.TAG_NAME, "main").text

    troops.write_text("facts: [\n", encoding="utf-8")
    alert = WebDriverWait(browser, 20).until(lambda b: b.find_elements(By.CSS_SELECTOR, "[role=alert]"),
                                             message="the page did not show the failed build")[0]
    assert "troops.yaml" in alert.text and "last good site" in alert.text
    assert "(edited in the browser test)" in browser.find_element(By.TAG_NAME, "main").text
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
