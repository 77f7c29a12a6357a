"""The published site in a real browser: reading, links, layout, print, accessibility, no network.

Headless Chromium opens a freshly built demo site served from a subfolder on
127.0.0.1, and also straight from disk. Screenshots, printed PDFs and axe
reports go to tests/artifacts/ for people to look at.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
NEWEST = "2026-11-21"  # the newest of conftest.DAYS
PAGES = {"index": "index.html", "dossier": "north-korea-russia/index.html", "brief": f"north-korea-russia/{NEWEST}.html",
         "charted": "harbour/2024-03-31.html", "register": f"north-korea-russia/{NEWEST}.register.html"}


# --- helpers --------------------------------------------------------------------------------


def set_viewport(browser: WebDriver, width: int, height: int) -> None:
    """Emulate a screen `width` CSS pixels wide; narrow ones as a phone (meta viewport honoured)."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def requested_urls(browser: WebDriver) -> list[str]:
    """Every URL the pages asked for since the logs were last read (Chrome's performance log)."""
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def assert_stayed_local(browser: WebDriver, allowed: tuple[str, ...]) -> None:
    """No request went anywhere but the test server (or disk): nothing is loaded from the network."""
    urls = requested_urls(browser)
    assert urls, "the performance log recorded no requests at all"
    strays = [u for u in urls if not u.startswith((*allowed, "data:", "about:"))]
    assert strays == [], f"requests left {allowed}: {strays}"


def assert_quiet_console(browser: WebDriver) -> None:
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], f"console errors: {errors}"


def wait_for(browser: WebDriver, script: str, what: str) -> None:
    """Wait until `script` returns true (clicks and navigation are asynchronous)."""
    WebDriverWait(browser, 10).until(lambda b: b.execute_script(script), message=what)


def in_view(browser: WebDriver, element_id: str) -> bool:
    """Whether the element's top edge is on screen."""
    return browser.execute_script(
        "const r = document.getElementById(arguments[0]).getBoundingClientRect();"
        "return r.top >= -1 && r.top < window.innerHeight && r.bottom > 0;", element_id)


def colour_scheme(browser: WebDriver, scheme: str) -> None:
    """Emulate a reader's light or dark preference (prefers-color-scheme)."""
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "screen", "features": [{"name": "prefers-color-scheme", "value": scheme}]})


def screenshot(browser: WebDriver, path: Path, max_height: int = 3000) -> None:
    """The page from its top, as tall as it is (up to `max_height` pixels)."""
    width = browser.execute_script("return window.innerWidth")
    height = browser.execute_script("return document.documentElement.scrollHeight")
    set_viewport(browser, width, min(height, max_height))
    browser.save_screenshot(str(path))


def run_axe(browser: WebDriver) -> list[dict]:
    """axe-core's WCAG 2.2 A/AA and best-practice violations on the current page."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} missing: run scripts/test.sh, or npm ci --prefix tests/browser")
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},"
        " resultTypes: ['violations']}).then(r => done(r.violations), e => done({error: String(e)}));")
    assert not isinstance(result, dict), f"axe failed: {result}"
    return result


# --- reading --------------------------------------------------------------------------------


def test_reader_goes_from_index_to_an_endnote_and_back(browser: WebDriver, server: str, artifacts: Path) -> None:
    browser.get(server + "index.html")
    assert browser.title == "Situation briefs"
    browser.find_element(By.CSS_SELECTOR, ".brief-list h2 a").click()
    wait_for(browser, f"return location.pathname.endsWith('/{NEWEST}.html')", "the newest brief opens")

    marker = browser.find_element(By.CSS_SELECTOR, "sup[id^='fnref'] a.footnote-ref")
    endnote = urlsplit(marker.get_attribute("href")).fragment
    marker.click()
    wait_for(browser, f"return location.hash === '#{endnote}'", "the citation leads to its endnote")
    assert browser.execute_script("return document.querySelector(':target').id") == endnote
    assert in_view(browser, endnote), "the endnote is not on screen"
    browser.save_screenshot(str(artifacts / "brief-endnote-1280.png"))

    back = browser.find_element(By.CSS_SELECTOR, f"li[id='{endnote}'] a.footnote-backref")
    citation = urlsplit(back.get_attribute("href")).fragment
    back.click()
    wait_for(browser, f"return location.hash === '#{citation}'", "the back link returns to a citation")
    assert in_view(browser, citation), "the citation is not on screen after following the back link"

    browser.back()
    wait_for(browser, f"return location.hash === '#{endnote}'", "the browser's back button returns to the endnote")
    browser.find_element(By.LINK_TEXT, "All briefs of this dossier").click()
    wait_for(browser, "return location.pathname.endsWith('/north-korea-russia/index.html')", "the dossier's archive opens")
    listed = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".brief-list h2 a")]
    assert listed == ["Brief as of 21 November 2026", "Brief as of 1 December 2024"]

    host = "{0.scheme}://{0.netloc}/".format(urlsplit(server))  # browsers also ask the host for /favicon.ico
    assert_stayed_local(browser, (host,))
    assert_quiet_console(browser)


def test_site_works_opened_from_disk(browser: WebDriver, site: Path) -> None:
    browser.get((site / "index.html").as_uri())
    browser.find_element(By.CSS_SELECTOR, ".brief-list h2 a").click()
    wait_for(browser, f"return location.pathname.endsWith('/{NEWEST}.html')", "the brief opens from disk")
    label = browser.find_element(By.CSS_SELECTOR, "main .tlp")
    assert label.value_of_css_property("background-color") in ("rgb(0, 0, 0)", "rgba(0, 0, 0, 1)"), "stylesheet not loaded"
    browser.find_element(By.LINK_TEXT, "All briefs of this dossier").click()
    wait_for(browser, "return location.pathname.endsWith('/north-korea-russia/index.html')", "the archive opens from disk")
    assert_stayed_local(browser, ("file://",))
    assert_quiet_console(browser)


def test_skip_link_shows_when_focused(browser: WebDriver, server: str) -> None:
    for page in PAGES.values():
        browser.get(server + page)
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        focused = browser.switch_to.active_element
        assert focused.get_attribute("class") == "skip-link", f"{page}: the first Tab does not reach the skip link"
        assert browser.execute_script("const r = arguments[0].getBoundingClientRect(); return r.left >= 0 && r.top >= 0;", focused)
        assert focused.value_of_css_property("outline-style") != "none" or focused.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)"
        focused.send_keys(Keys.ENTER)
        wait_for(browser, "return location.hash === '#main'", f"{page}: the skip link leads to the content")


# --- layout and print ---------------------------------------------------------------------------


@pytest.mark.parametrize("width", [360, 390, 1280])
def test_pages_fit_the_screen(browser: WebDriver, server: str, artifacts: Path, width: int) -> None:
    for name, page in PAGES.items():
        set_viewport(browser, width, 844 if width < 600 else 900)
        browser.get(server + page)
        overflow = browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} at {width} px scrolls sideways by {overflow} px"
        if width != 360:
            screenshot(browser, artifacts / f"{name}-{width}.png", 2400 if name == "brief" else 3000)
    assert_quiet_console(browser)


def test_printed_brief_and_index_carry_the_marking_on_every_page(browser: WebDriver, server: str, artifacts: Path) -> None:
    for name in ("brief", "dossier"):
        browser.get(server + PAGES[name])
        printed = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})
        data = base64.b64decode(printed["data"])
        (artifacts / f"{name}-printed.pdf").write_bytes(data)
        pages = PdfReader(io.BytesIO(data)).pages
        unmarked = [n for n, page in enumerate(pages, 1) if "TLP:CLEAR" not in page.extract_text()]
        assert unmarked == [], f"printed {name}: pages {unmarked} of {len(pages)} lack the marking"


# --- accessibility ------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(browser: WebDriver, server: str, artifacts: Path, name: str, scheme: str) -> None:
    colour_scheme(browser, scheme)
    for width in (390, 1280):
        set_viewport(browser, width, 900)
        browser.get(server + PAGES[name])
        violations = run_axe(browser)
        (artifacts / f"axe-{name}-{width}-{scheme}.json").write_text(json.dumps(violations, indent=2), encoding="utf-8")
        serious = [f"{v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])}" for v in violations if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{name} at {width} px, {scheme}: {serious}"
        if name in ("index", "brief", "charted"):
            screenshot(browser, artifacts / f"{name}-{width}-{scheme}.png", 2400)
    colour_scheme(browser, "light")
    assert_quiet_console(browser)


# --- search, dark mode, charts ----------------------------------------------------------------


def test_search_finds_a_facts_words_and_links_to_its_brief(browser: WebDriver, server: str) -> None:
    browser.get(server + "index.html")
    box = browser.find_element(By.CSS_SELECTOR, "form.search input[type=search]")
    assert box.is_displayed(), "the search box stays hidden: its script did not run"
    box.send_keys("vessa blockade")
    box.send_keys(Keys.ENTER)
    wait_for(browser, "return document.querySelectorAll('.search-results a').length > 0", "search gives results")
    hrefs = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".search-results a")]
    assert any(h.endswith("/briefs/harbour/2024-03-31.html") for h in hrefs), hrefs
    assert "mention" in browser.find_element(By.CSS_SELECTOR, ".search-status").text
    box.clear()
    box.send_keys("space launch")  # words of one demo fact only
    wait_for(browser, "return [...document.querySelectorAll('.search-results a')].some(a => a.href.includes('north-korea-russia/'))",
             "a demo fact's word finds the demo's briefs")
    link = next(a for a in browser.find_elements(By.CSS_SELECTOR, ".search-results a") if "north-korea-russia/" in a.get_attribute("href"))
    target = urlsplit(link.get_attribute("href")).path
    link.click()
    wait_for(browser, f"return location.pathname === '{target}'", "the result opens its brief")
    assert "space launch centre" in browser.find_element(By.TAG_NAME, "main").text
    assert_quiet_console(browser)


def test_search_box_says_why_it_cannot_run_from_disk(browser: WebDriver, site: Path) -> None:
    browser.get((site / "index.html").as_uri())
    box = browser.find_element(By.CSS_SELECTOR, "form.search input[type=search]")
    box.send_keys("vessa")
    box.send_keys(Keys.ENTER)
    wait_for(browser, "return document.querySelector('.search-status').textContent.length > 0", "the search box answers")
    status = browser.find_element(By.CSS_SELECTOR, ".search-status").text
    assert "No brief" in status or "mention" in status or "web server" in status, status


TLP_PROPERTIES = ("color", "background-color")


def test_dark_mode_keeps_the_tlp_colours_exact(browser: WebDriver, server: str) -> None:
    def look(scheme: str) -> tuple[list[tuple[str, ...]], str]:
        colour_scheme(browser, scheme)
        browser.get(server + "harbour/2024-03-31.html")
        labels = [tuple(el.value_of_css_property(p) for p in TLP_PROPERTIES) for el in browser.find_elements(By.CSS_SELECTOR, ".tlp")]
        return labels, browser.find_element(By.TAG_NAME, "body").value_of_css_property("background-color")

    light, light_paper = look("light")
    dark, dark_paper = look("dark")
    colour_scheme(browser, "light")
    assert light and dark == light, "a TLP label changed colour in dark mode"
    assert ("rgba(255, 192, 0, 1)", "rgba(0, 0, 0, 1)") in light  # TLP:AMBER, #ffc000 on black
    assert light_paper != dark_paper, "no dark palette"


def test_print_stays_light_in_dark_mode(browser: WebDriver, server: str) -> None:
    colour_scheme(browser, "dark")
    browser.get(server + PAGES["brief"])
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print", "features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    paper = browser.find_element(By.TAG_NAME, "body").value_of_css_property("background-color")
    colour_scheme(browser, "light")
    assert paper in ("rgba(255, 255, 255, 1)", "rgb(255, 255, 255)")


def test_chart_has_a_text_alternative_and_a_table_of_its_values(browser: WebDriver, server: str) -> None:
    browser.get(server + PAGES["charted"])
    chart = browser.find_element(By.CSS_SELECTOR, "svg.chart")
    assert chart.get_attribute("role") == "img"
    names = browser.execute_script(
        "return arguments[0].getAttribute('aria-labelledby').split(' ').map(id => document.getElementById(id).textContent);", chart)
    assert names[0].startswith("Chart of Ships held at Vessa:") and "hollow" in names[1]
    rows = browser.find_elements(By.CSS_SELECTOR, ".chart-values tbody tr")
    assert len(rows) >= 2
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart image") == []
    assert browser.find_element(By.CSS_SELECTOR, ".figure-tile.is-disputed .tile-value").text.replace("\u2013", "-").startswith("20-45")


def test_brief_has_a_table_of_contents(browser: WebDriver, server: str) -> None:
    browser.get(server + PAGES["brief"])
    links = browser.find_elements(By.CSS_SELECTOR, "nav.toc a")
    assert [a.text for a in links][:3] == ["Highlights", "Bottom line", "New since 1 December 2024"]
    links[-1].click()
    wait_for(browser, "return location.hash === '#method'", "a contents link leads to its part")
    assert in_view(browser, "method")
