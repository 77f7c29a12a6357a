"""Hostile fact files and folders: content stays text, a build stays inside the project (SECURITY.md).

Every text field of a dossier carries the same hostile payload (raw HTML,
scripts, event handlers, dangerous links, images, CSS `url()`, entity tricks,
Jinja-looking text, table and list breakouts). The built Markdown, HTML and PDF
must show it as inert text, make no network request and read no file outside
the project.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import io
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.cli import main
from briefing.foundation.resources import assets_dir
from briefing.render import workers as workers_module
from briefing.render.formats import pdf as pdf_module
from briefing.render.markdown import markdown_to_html
from briefing.render.text import md_inline, md_text

AS_OF = "2024-10-10"
SECRET = "TOPSECRET-e9d1c0"  # text of every local file a build must never read
JINJA = "zqx{{ 7*191 }}"  # must appear literally: 1337 would mean it was evaluated
FORBIDDEN_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "img", "svg", "math", "form", "input",
                  "button", "textarea", "base", "video", "audio", "source", "picture", "applet", "portal"}
GENERATED_TAGS = {"svg", "form", "input", "button", "script"}  # charts; the index pages' search box and its script
URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "background", "cite", "srcset", "xlink:href", "ping"}
SAFE_SCHEMES = {"http", "https", "mailto"}


# --- helpers ------------------------------------------------------------------------------


def cli(*args: object) -> tuple[int, str]:
    """Run the command line in-process; exit code and standard error."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([str(a) for a in args])
    return code, err.getvalue()


def write_yaml(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**6), encoding="utf-8")
    return path


def payload(field_name: str, server: str) -> str:
    """Everything a hostile contributor might try, tagged with the field's name."""
    return (
        f"zqx{field_name} <script>alert('{field_name}')</script> <img src=\"{server}/{field_name}.png\" onerror=\"alert(1)\"> "
        f"<a href=\"javascript:alert(2)\" onclick=\"alert(3)\">a</a> <iframe src=\"{server}/frame\"></iframe> "
        f"<style>body{{background:url({server}/style.css)}}</style> <b style=\"background:url({server}/attr)\">s</b> "
        f"<svg onload=alert(4)> <base href=\"{server}/\"> <link rel=stylesheet href=\"{server}/link.css\"> "
        f"[js](javascript:alert(5)) [js2]( JaVaScRiPt:alert(6)) [ent](&#106;avascript:alert(7)) [ang](<javascript:alert(8)>) "
        f"[file](file:///etc/passwd) [rel](../../secret.txt) [data](data:text/html;base64,PHNjcmlwdD4=) "
        f"![remote]({server}/img.png) ![local](file:///etc/passwd) ![rel](../../secret.txt) <javascript:alert(9)> "
        f"<{server}/autolink> [ref][r] [^1] &lt;script&gt;alert(10)&lt;/script&gt; &#60;script&#62; "
        f"{JINJA} {{% if true %}}J{{% endif %}} cell | break \\| again \\\\| end `<code>`"
    )


BLOCK_PAYLOADS = ["# zqxheading", "[^1]: zqxfake endnote", "[r]: javascript:alert(11)", "- zqxlist", "> zqxquote",
                  "1. zqxordered", "---", "```", "| a | b |", "[TOC]"]


def hostile_dossier(facts: Path, server: str, text: Any = payload, name: str = "evil") -> Path:
    """A valid dossier whose every text field is `text(field, server)`."""
    folder = facts / name
    write_yaml(folder / "dossier.yaml", {
        "title": text("title", server),
        "summary": text("summary", server),
        "authors": [text("author", server)],
        "sections": [
            {"id": "main", "title": text("sectiontitle", server), "summary": text("sectionsummary", server)},
            *({"id": f"b{i}", "title": f"Block {i}", "summary": block} for i, block in enumerate(BLOCK_PAYLOADS)),
        ],
        "metrics": {"m": {"label": text("metriclabel", server), "unit": text("metricunit", server)}},
    })
    write_yaml(folder / "facts.yaml", {
        "sources": [{
            "id": "s1", "title": text("sourcetitle", server), "publisher": text("publisher", server),
            "via": text("via", server), "author": text("sourceauthor", server), "published": "2024-10-01",
            "accessed": "2024-10-02", "url": f"{server}/article", "reliability": "B",
        }],
        "facts": [
            {"id": "f1", "section": "main", "statement": text("statement", server), "date": "2024-10-01",
             "attribution": text("attribution", server), "credibility": 2, "tags": ["t"],
             "figures": [{"metric": "m", "value": 5}],
             "sources": [{"source": "s1", "quote": text("quote", server), "locator": text("locator", server)}]},
            {"id": "f2", "section": "main", "statement": "A second fact.", "date": "2024-10-02", "status": "disputed",
             "figures": [{"metric": "m", "value": 7}], "sources": [{"source": "s1"}]},
            *({"id": f"g{i}", "section": f"b{i}", "statement": f"Fact {i}.", "sources": [{"source": "s1"}]}
              for i in range(len(BLOCK_PAYLOADS))),
        ],
        "judgments": [{"id": "j1", "statement": text("judgment", server), "likelihood": "likely",
                       "confidence": "low", "date": "2024-10-05", "based_on": ["f1"]}],
    })
    return folder


def benign(field_name: str, server: str) -> str:
    return f"zqx{field_name} plain words, `code`, *em*, **strong** and [a link](https://example.org/)"


@dataclass
class Page:
    """What a page's HTML asks a browser to do: its elements, attributes, and style and script text."""

    tags: set[str] = field(default_factory=set)
    attrs: set[tuple[str, str, str]] = field(default_factory=set)
    raw_text: list[str] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._raw: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.tags.add(tag)
        for name, value in attrs:
            self.page.attrs.add((tag, name, value or ""))
        self._raw = tag if tag in ("style", "script") else None

    def handle_data(self, data: str) -> None:
        if self._raw:
            self.page.raw_text.append(data)


def page_of(html: str) -> Page:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.page


def scheme(url: str) -> str | None:
    plain = "".join(ch for ch in url if ch.isprintable() and not ch.isspace()).lower()
    match = re.match(r"([a-z][a-z0-9+.-]*):", plain)
    return match.group(1) if match else None


def active_content(hostile: Page, baseline: Page) -> list[str]:
    """Everything the hostile page can make a browser do that the benign page does not."""
    # The key figures' charts and the search box are the program's own, in the benign page too: what a hostile
    # fact file could add to them still shows below, as tags or attributes the benign page lacks.
    found = [f"<{t}>" for t in sorted(hostile.tags & FORBIDDEN_TAGS - (baseline.tags & GENERATED_TAGS))]
    found += [f"<{t}> not in the benign page" for t in sorted(hostile.tags - baseline.tags)]
    for tag, name, value in sorted(hostile.attrs - baseline.attrs):
        if name.startswith("on") or name in ("style", "srcdoc"):
            found.append(f"<{tag} {name}={value!r}>")
        elif name in URL_ATTRS:
            kind = scheme(value)
            if kind not in SAFE_SCHEMES and not (kind is None and value.startswith("#")):
                found.append(f"<{tag} {name}={value!r}>")
            elif tag != "a":
                found.append(f"<{tag} {name}={value!r}> loads a resource")
    if sorted(hostile.raw_text) != sorted(baseline.raw_text):
        found.append(f"style or script text differs from the benign page: {hostile.raw_text}")
    return found


def raw_markdown(text: str) -> str:
    """The Markdown as a renderer with no sanitizer would show it."""
    return markdown.markdown(text, extensions=["tables", "footnotes"], output_format="html")


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - shared on purpose: every request counts

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        body = f"body::after {{ content: '{SECRET}' }}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def counting_server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 (random port) that records every request it gets."""
    hits: list[str] = []
    handler = type("Handler", (_Counter,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def outputs(out: Path, suffix: str) -> dict[str, str]:
    return {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in sorted(out.rglob(f"*{suffix}"))
            if "assets" not in p.parts}


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


@dataclass
class Built:
    root: Path
    out: Path
    baseline: Path
    server: str
    hits: list[str]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """The hostile dossier built in every format, with a counting server standing by; and a benign twin."""
    root = tmp_path_factory.mktemp("hostile")
    (root / "secret.txt").write_text(SECRET)
    with counting_server() as (server, hits):
        hostile_dossier(root / "facts", server)
        hostile_dossier(root / "benign", server, benign)
        code, err = cli("build", "--facts", root / "facts", "--out", root / "out", "--as-of", AS_OF, "--no-cache")
        assert code == 0, err
        code, err2 = cli("build", "--facts", root / "benign", "--out", root / "baseline", "--as-of", AS_OF,
                         "--no-cache")
        assert code == 0, err2
        yield Built(root, root / "out", root / "baseline", server, hits)


# --- 1. hostile text stays text ----------------------------------------------------------------


def test_no_active_content_in_any_html_page(built: Built) -> None:
    pages = outputs(built.out, ".html")
    baseline = outputs(built.baseline, ".html")
    assert "evil/2024-10-10.html" in pages, sorted(pages)
    for name, html in pages.items():
        assert active_content(page_of(html), page_of(baseline[name])) == [], name
        assert "1337" not in html, f"{name}: Jinja-looking text was evaluated"


def test_markdown_is_inert_even_in_an_unsanitized_renderer(built: Built) -> None:
    briefs = outputs(built.out, ".md")
    baseline = outputs(built.baseline, ".md")
    assert "evil/2024-10-10.md" in briefs
    for name, text in briefs.items():
        assert active_content(page_of(raw_markdown(text)), page_of(raw_markdown(baseline[name]))) == [], name
        assert JINJA in text or JINJA.replace("{", "\\{").replace("*", "\\*").replace("}", "\\}") in text
        assert "1337" not in text
        # nothing from content opens a heading, list, quote, table row or endnote of its own
        for block in BLOCK_PAYLOADS:
            assert f"\n{block}\n" not in text, block


def test_every_text_field_reaches_the_brief_as_visible_text(built: Built) -> None:
    md = (built.out / "evil" / f"{AS_OF}.md").read_text()
    html = (built.out / "evil" / f"{AS_OF}.html").read_text()
    for name in ("title", "summary", "author", "sectiontitle", "sectionsummary", "metriclabel", "metricunit",
                 "sourcetitle", "publisher", "via", "sourceauthor", "statement", "attribution", "judgment"):
        assert f"zqx{name}" in md, name
        assert f"zqx{name}" in html, name
    shown = "<script>alert('statement')</script>"
    assert shown not in html and shown in unescape(html), "the hostile markup is visible as text"


def test_tables_and_endnotes_keep_their_shape(built: Built) -> None:
    html = (built.out / "evil" / f"{AS_OF}.html").read_text()
    baseline = (built.baseline / "evil" / f"{AS_OF}.html").read_text()
    for table, twin in zip(re.findall(r"<table.*?</table>", html, re.S), re.findall(r"<table.*?</table>", baseline, re.S), strict=True):
        rows = [len(re.findall(r"<t[dh][ >]", row)) for row in re.findall(r"<tr.*?</tr>", table, re.S)]
        assert rows == [len(re.findall(r"<t[dh][ >]", r)) for r in re.findall(r"<tr.*?</tr>", twin, re.S)]
    assert html.count('class="footnote-ref"') == baseline.count('class="footnote-ref"')
    assert len(re.findall(r"<h1[ >]", html)) == len(re.findall(r"<h1[ >]", baseline))
    assert "zqxfake endnote" in html and not re.search(r'<li id="fn:[^"]*">\s*<p>zqxfake', html)


def test_feed_is_well_formed_and_holds_only_text(built: Built) -> None:
    import xml.etree.ElementTree as ET

    root = ET.parse(built.out / "feed.xml").getroot()
    names = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
    assert not names & FORBIDDEN_TAGS, names
    assert any("zqxtitle <script>" in (el.text or "") for el in root.iter()), "the title is shown as text"


def test_pdf_shows_the_text_and_loads_nothing(built: Built) -> None:
    from pypdf import PdfReader

    path = built.out / "evil" / f"{AS_OF}.pdf"
    text = pdf_text(path)
    assert "zqxstatement" in text and "<script>alert('statement')</script>" in text
    assert SECRET not in text
    reader = PdfReader(path)
    assert all(not page.images for page in reader.pages)
    assert not reader.attachments
    assert built.hits == [], "the build made network requests"


def test_nh3_removes_raw_html_that_reaches_it() -> None:
    """Defence in depth: even HTML that got past the Markdown layer is cleaned."""
    html = markdown_to_html(
        "<script>alert(1)</script><img src=x onerror=alert(2)><iframe src=//x></iframe><style>*{}</style>\n\n"
        '<a href="javascript:alert(3)" onclick="x()">a</a> <a href="&#106;avascript:alert(4)">b</a> '
        '<a href="JAVASCRIPT:alert(5)">c</a> <a href="file:///etc/passwd">d</a> <a href="data:text/html,x">e</a> '
        '<a href="../x">f</a> <p style="background:url(http://x/)">g</p> <a href="https://ok.example/">ok</a>'
    )
    page = page_of(html)
    assert not page.tags & (FORBIDDEN_TAGS | {"style"}), page.tags
    hrefs = [v for t, n, v in page.attrs if n == "href"]
    assert hrefs == ["https://ok.example/"]
    assert not [n for _, n, _ in page.attrs if n.startswith("on") or n == "style"]


ALPHABET = st.sampled_from([*list("ab <>|\\[]()!^#-*_`~:&;/.1=\"'"), "javascript:", "http://x", "&#106;", "\n", "script"])


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_inline_markdown_cannot_escape_its_place(text: str) -> None:
    """Whatever an analyst types stays inside its list item or table cell, with no raw HTML or bad link."""
    inline = md_inline(text)
    doc = f"- **F1** {inline}\n\n| a | b |\n|---|---|\n| {inline} | end |\n\n{inline}\n"
    page = page_of(raw_markdown(doc))
    assert page.tags <= {"ul", "li", "strong", "table", "thead", "tbody", "tr", "th", "td", "p", "a", "em", "code", "br"}, page.tags
    for _tag, name, value in page.attrs:
        assert not name.startswith("on"), name
        if name == "href":
            assert scheme(value) in SAFE_SCHEMES or value.startswith("#"), value
    html = raw_markdown(doc)
    assert html.count("<li") == 1 and html.count("<table") == 1 and html.count("<tr>") == 2
    row = re.findall(r"<tr>(.*?)</tr>", html, re.S)[1]
    assert row.count("<td") == 2 and row.rstrip().endswith("<td>end</td>"), row


@given(st.text(max_size=60))
@settings(max_examples=200, deadline=None)
def test_plain_text_fields_render_as_exactly_their_text(text: str) -> None:
    """md_text: what the analyst typed is what the reader sees, with nothing active."""
    page = page_of(raw_markdown(f"x {md_text(text)}"))
    assert page.tags <= {"p"}, (text, page.tags)


# --- 2. no network, no local files -----------------------------------------------------------------


def _capture_fetchers(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    fetchers: list[Any] = []
    real = pdf_module.restricted_fetcher

    def spy(asset_dirs: list[Path]) -> Any:
        fetcher = real(asset_dirs)
        fetchers.append(fetcher)
        return fetcher

    monkeypatch.setattr(pdf_module, "restricted_fetcher", spy)
    monkeypatch.setattr(workers_module, "Workers", workers_module.InProcess)  # render here, where the spy can see
    return fetchers


def test_pdf_engine_fetches_only_project_assets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Raw HTML straight to the PDF engine (no sanitizer): only ../assets/ is served, nothing else is read."""
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "ok.css").write_text("body::before { content: 'ASSETOK' }")
    (assets / "linked.css").symlink_to(tmp_path / "secret.css")
    (tmp_path / "secret.css").write_text(f"body::after {{ content: '{SECRET}' }}")
    fetchers = _capture_fetchers(monkeypatch)
    with counting_server() as (server, hits):
        html = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
        <link rel="stylesheet" href="../assets/ok.css">
        <link rel="stylesheet" href="{server}/a.css"><link rel="stylesheet" href="file://{secret}">
        <link rel="stylesheet" href="../assets/linked.css"><link rel="stylesheet" href="../assets/../../../..{tmp_path}/secret.css">
        <link rel="stylesheet" href="../assets/%2e%2e/%2e%2e/secret.css">
        <style>@import url("{server}/import.css"); @import url("file://{tmp_path}/secret.css");
        body {{ background: url({server}/bg.png) }}</style>
        <link rel="attachment" href="file://{secret}"></head><body>
        <p style="background:url({server}/attr.png)">x</p><img src="{server}/img.png"><img src="file://{secret}">
        <img src="../../secret.txt"><iframe src="{server}/frame"></iframe><object data="file://{secret}"></object>
        <embed src="{server}/embed"><a rel="attachment" href="file://{secret}">att</a><svg><image href="{server}/svg.png"/></svg>
        </body></html>"""
        data = pdf_module.pdf_bytes(html, dt.date(2024, 10, 10), [assets])
    assert hits == []
    out = tmp_path / "x.pdf"
    out.write_bytes(data)
    text = pdf_text(out)
    assert "ASSETOK" in text, "the project's own assets must still load"
    assert SECRET not in text and SECRET.encode() not in data
    refused = fetchers[0].refused
    assert any(u.startswith(server) for u in refused)
    assert any(u.startswith("file://") and "secret" in u for u in refused)
    assert any(u.endswith("linked.css") for u in refused), "a symlink out of the assets folder must be refused"


def test_template_override_cannot_reach_outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--templates DIR and a dossier's templates/ folder: their references to ../../secret.css load nothing."""
    (tmp_path / "secret.css").write_text(f"body::after {{ content: '{SECRET}' }}")
    (tmp_path / "secret.txt").write_text(SECRET)
    with counting_server() as (server, hits):
        folder = hostile_dossier(tmp_path / "facts", server, benign)
        for templates in (tmp_path / "tpl", folder / "templates"):
            (templates / "assets").mkdir(parents=True)
            (templates / "assets" / "extra.css").write_text(
                '@import url("../../secret.css"); @import url("../../../secret.css");\n'
                f'@import url("file://{tmp_path}/secret.css"); @import url("{server}/x.css");\n'
                f'body {{ background: url("../../secret.txt") }} main::before {{ content: "OVERRIDE{templates.name.upper()}" }}\n'
            )
        (folder / "templates" / "assets" / "linked.css").symlink_to(tmp_path / "secret.css")
        html_tpl = (assets_dir().parent / "brief.html.j2").read_text()
        extra = ('<link rel="stylesheet" href="../../secret.css"><link rel="stylesheet" href="{{ assets }}/../../secret.css">'
                 '<link rel="stylesheet" href="{{ assets }}/extra.css"><link rel="stylesheet" href="{{ assets }}/linked.css">'
                 f'<link rel="stylesheet" href="file://{tmp_path}/secret.css">\n</head>')
        (folder / "templates" / "brief.html.j2").write_text(html_tpl.replace("</head>", extra, 1))
        fetchers = _capture_fetchers(monkeypatch)
        code, err = cli("build", "--facts", tmp_path / "facts", "--out", tmp_path / "out", "--as-of", AS_OF,
                        "--templates", tmp_path / "tpl", "--format", "pdf", "--no-cache")
        assert code == 0, err
    assert hits == []
    text = pdf_text(tmp_path / "out" / "evil" / f"{AS_OF}.pdf")
    assert "OVERRIDETPL" in text or "OVERRIDETEMPLATES" in text, "override assets must still load"
    assert SECRET not in text
    assert any("secret" in u for f in fetchers for u in f.refused)
    assert any(u.endswith("linked.css") for f in fetchers for u in f.refused)
    leaked = [p for p in (tmp_path / "out").rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert not leaked, "a file outside the project was published"


def test_template_include_cannot_leave_its_folder(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text(SECRET)
    folder = hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign)
    (folder / "templates").mkdir()
    (folder / "templates" / "brief.md.j2").write_text('{% include "../../../secret.txt" %}\n')
    code, err = cli("build", "--facts", tmp_path / "facts", "--out", tmp_path / "out", "--as-of", AS_OF, "--format", "md")
    assert code == 1
    assert SECRET not in err
    assert re.search(r":\d+:\d+: error: .*secret\.txt", err), err
    assert not list((tmp_path / "out").rglob("*.md"))


# --- 3. paths stay inside their folders ------------------------------------------------------------


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    (tmp_path / "secret.txt").write_text(f"{SECRET}\n")
    (tmp_path / "secret.yaml").write_text(f"facts:\n  - id: stolen\n    section: main\n    statement: {SECRET}\n    sources: [{{source: s1}}]\n")
    return hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign)


def test_symlinked_fact_file_outside_the_dossier_is_refused(dossier: Path) -> None:
    (dossier / "linked.yaml").symlink_to(dossier.parent.parent / "secret.yaml")
    code, err = cli("check", "--facts", dossier.parent)
    assert code == 1
    assert re.search(r"linked\.yaml:1:1: error: .*outside the dossier", err), err
    assert SECRET not in err


def test_symlinked_dossier_file_outside_the_dossier_is_refused(dossier: Path) -> None:
    outside = dossier.parent.parent / "elsewhere.yaml"
    (dossier / "dossier.yaml").rename(outside)
    (dossier / "dossier.yaml").symlink_to(outside)
    code, err = cli("check", "--facts", dossier.parent)
    assert code == 1, err
    assert re.search(r"dossier\.yaml:1:1: error: .*outside", err), err


@pytest.mark.parametrize("archive", ["../../secret.txt", "../../etc/passwd", "/etc/passwd", "archive/../../../secret.txt", "linked.txt"])
def test_archive_paths_stay_inside_the_dossier(dossier: Path, archive: str) -> None:
    (dossier / "linked.txt").symlink_to(dossier.parent.parent / "secret.txt")
    data = yaml.safe_load((dossier / "facts.yaml").read_text())
    data["sources"][0]["archive"] = archive
    data["facts"][0]["sources"][0]["quote"] = "words not in the file"
    write_yaml(dossier / "facts.yaml", data)
    code, err = cli("check", "--facts", dossier.parent)
    assert code == 1
    assert re.search(r"facts\.yaml:\d+:\d+: error: source 's1': archive .*outside the dossier", err), err
    assert SECRET not in err, "the closest-passage hint must never quote a file outside the dossier"


@pytest.mark.parametrize("name", ["Bad Name", "évil", "a;rm -rf", "UPPER", "-dash", "x" * 65, "a..b", "tab\tname"])
def test_odd_dossier_folder_names_are_refused(tmp_path: Path, name: str) -> None:
    folder = hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign, name="ok")
    odd = tmp_path / "facts" / name
    odd.mkdir()
    for path in folder.iterdir():
        (odd / path.name).write_bytes(path.read_bytes())
    code, err = cli("build", "--facts", tmp_path / "facts", "--out", tmp_path / "out", "--as-of", AS_OF, "--format", "md")
    assert code == 1
    assert "not a valid id" in err, err
    assert not (tmp_path / "out").exists() or not any(p.name == name for p in (tmp_path / "out").iterdir())


@pytest.mark.parametrize("name", ["../facts", "..", "/etc", "ok/../ok"])
def test_dossier_arguments_cannot_name_a_path(tmp_path: Path, name: str) -> None:
    hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign, name="ok")
    code, err = cli("check", "--facts", tmp_path / "facts", name)
    assert code == 2, err


def test_output_symlink_is_replaced_not_written_through(tmp_path: Path) -> None:
    """A brief path that is a symlink to a file elsewhere gets replaced; the file it pointed to is untouched."""
    hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign)
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    (tmp_path / "out" / "evil").mkdir(parents=True)
    for ext in ("md", "html"):
        (tmp_path / "out" / "evil" / f"{AS_OF}.{ext}").symlink_to(victim)
    (tmp_path / "out" / "index.html").symlink_to(victim)
    code, err = cli("build", "--facts", tmp_path / "facts", "--out", tmp_path / "out", "--as-of", AS_OF, "--format", "md,html")
    assert code == 0, err
    assert victim.read_text() == "untouched"
    assert not (tmp_path / "out" / "evil" / f"{AS_OF}.md").is_symlink()


def test_source_url_cannot_inject_markup_into_the_markdown(tmp_path: Path) -> None:
    """A source url is pasted into the Markdown as an autolink; quotes and angle brackets must not survive."""
    folder = hostile_dossier(tmp_path / "facts", "http://127.0.0.1:9", benign)
    data = yaml.safe_load((folder / "facts.yaml").read_text())
    data["sources"][0]["url"] = 'https://example.org/"><script>alert(1)</script>'
    write_yaml(folder / "facts.yaml", data)
    code, err = cli("build", "--facts", tmp_path / "facts", "--out", tmp_path / "out", "--as-of", AS_OF, "--format", "md,html")
    if code == 1:
        assert re.search(r"facts\.yaml:\d+:\d+: error: .*url", err), err
        return
    text = (tmp_path / "out" / "evil" / f"{AS_OF}.md").read_text()
    assert "script" not in page_of(raw_markdown(text)).tags



def test_a_dossier_folder_linked_from_outside_is_refused(run, tmp_path: Path) -> None:
    """A symlinked dossier folder would let a facts tree pull in files from anywhere."""
    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "linked").symlink_to(Path(__file__).resolve().parent.parent / "facts" / "north-korea-russia")
    result = run("check", "--facts", facts)
    assert result.code == 1
    assert result.lines == [f"{facts / 'linked'}:1:1: error: dossier folder 'linked' is a link to a place outside {facts}; "
                            "move the dossier in instead"]
