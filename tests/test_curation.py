"""The commands that turn articles into facts: new, add-source (files and a page served from 127.0.0.1), locate, facts, show."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import DEMO, Result

ARTICLES = Path(__file__).parent / "fixtures" / "articles"
Run = Callable[..., Result]


@pytest.fixture
def fresh(tmp_path: Path, run: Run) -> Path:
    """A new, empty dossier 'desk' in tmp_path/facts, made by `new` from tmp_path."""
    result = run("new", "desk", "--title", "The desk", cwd=tmp_path)
    assert result.code == 0, result.err
    return tmp_path / "facts" / "desk"


def test_new_makes_a_dossier_that_checks_clean_with_editor_settings(fresh: Path, run: Run) -> None:
    names = sorted(p.relative_to(fresh.parent.parent).as_posix() for p in fresh.parent.parent.rglob("*") if p.is_file())
    assert names == [".vscode/settings.json", "facts/.schema/dossier.schema.json", "facts/.schema/facts.schema.json",
                     "facts/desk/archive/README.txt", "facts/desk/dossier.yaml", "facts/desk/facts.yaml",
                     "facts/desk/judgments.yaml", "facts/desk/sources.yaml"]
    for name in ("dossier.yaml", "sources.yaml", "facts.yaml", "judgments.yaml"):
        first = (fresh / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=../.schema/")
    settings = json.loads((fresh.parent.parent / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"]["facts/.schema/facts.schema.json"] == ["facts/*/**/*.yaml", "facts/*/**/*.yml"]
    result = run("check", "--strict")
    assert (result.code, result.lines) == (0, []) and "desk: 0 facts" in result.out
    assert 'title: "The desk"' in (fresh / "dossier.yaml").read_text(encoding="utf-8")


def test_new_refuses_an_existing_folder_and_a_bad_id(fresh: Path, run: Run) -> None:
    result = run("new", "desk")
    assert result.code == 2 and "facts/desk already exists (a dossier)" in result.err
    result = run("new", "Korea_Watch")
    assert result.code == 2 and "(did you mean 'korea-watch'?)" in result.err
    assert run("new", "check").code == 2
    assert not (fresh.parent / "korea-watch").exists()


def test_new_keeps_existing_editor_settings(tmp_path: Path, run: Run) -> None:
    (tmp_path / ".vscode").mkdir()
    (tmp_path / ".vscode" / "settings.json").write_text('{"editor.tabSize": 2}', encoding="utf-8")
    assert run("new", "desk", cwd=tmp_path).code == 0
    settings = json.loads((tmp_path / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["editor.tabSize"] == 2 and "yaml.schemas" in settings


def test_add_source_from_saved_pages_and_text(fresh: Path, run: Run) -> None:
    result = run("add-source", "desk", ARTICLES / "rio-times.html", "--reliability", "c")
    assert result.code == 0, result.err
    assert "Added source 'rio-times-2024-10-16'" in result.out and "Archived 8 paragraph(s)" in result.out
    result = run("add-source", "desk", ARTICLES / "italian-outlet.html")
    assert "published: 2025-04-02  (inferred from the page's address, not stated by it: check it)" in result.out
    assert "Not found in the page, left out: author" in result.out
    result = run("add-source", "desk", ARTICLES / "bare.html", "--published", "2025-03-30", "--id", "energy-pause")
    assert "left out: publisher, author, url" in result.out
    assert run("add-source", "desk", ARTICLES / "statement.txt", "--kind", "official").code == 0
    register = (fresh / "sources.yaml").read_text(encoding="utf-8")
    assert register.startswith("# yaml-language-server") and "# The source register." in register
    assert "    reliability: C\n" in register and "    published: 2025-03-30\n" in register and "    kind: official\n" in register
    archive = (fresh / "archive" / "rio-times-2024-10-16.txt").read_text(encoding="utf-8")
    assert archive.count("\n\n") == 7 and "cookies" not in archive
    check = run("check")
    assert check.code == 0 and "desk: 0 facts, 4 sources" in check.out
    assert "error" not in check.err


def test_add_source_never_overwrites(fresh: Path, run: Run) -> None:
    assert run("add-source", "desk", ARTICLES / "rio-times.html").code == 0
    before = (fresh / "sources.yaml").read_bytes()
    again = run("add-source", "desk", ARTICLES / "rio-times.html")
    assert again.code == 1 and "facts/desk/sources.yaml:" in again.err and "has the same address" in again.err
    same_id = run("add-source", "desk", ARTICLES / "bare.html", "--id", "rio-times-2024-10-16")
    assert same_id.code == 1 and "source 'rio-times-2024-10-16' already exists" in same_id.err
    (fresh / "archive" / "taken.txt").write_text("mine\n", encoding="utf-8")
    taken = run("add-source", "desk", ARTICLES / "bare.html", "--id", "taken")
    assert taken.code == 1 and "archive/taken.txt already exists" in taken.err
    assert (fresh / "archive" / "taken.txt").read_text(encoding="utf-8") == "mine\n"
    assert (fresh / "sources.yaml").read_bytes() == before


def test_add_source_refuses_what_is_no_article(fresh: Path, run: Run, tmp_path: Path) -> None:
    empty = tmp_path / "menu.html"
    empty.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    result = run("add-source", "desk", empty)
    assert result.code == 1 and "yields no article text" in result.err
    assert run("add-source", "desk", tmp_path / "missing.html").code == 1
    assert run("add-source", "desk", "ftp://example.org/x").code == 1
    assert run("add-source", "desk", ARTICLES / "bare.html", "--reliability", "G").code == 2
    assert run("add-source", "desk", ARTICLES / "bare.html", "--published", "2025-13-01").code == 2
    assert "Traceback" not in result.err and [p.name for p in (fresh / "archive").glob("*.txt")] == ["README.txt"]


@pytest.fixture
def served() -> Iterator[str]:
    """The saved pages served from 127.0.0.1 on a free port: the URL path names the file."""
    handler = functools.partial(_Quiet, directory=str(ARTICLES))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_add_source_fetches_an_address_once(fresh: Path, run: Run, served: str) -> None:
    result = run("add-source", "desk", f"{served}/bare.html")
    assert result.code == 0, result.err
    register = (fresh / "sources.yaml").read_text(encoding="utf-8")
    assert f'    url: "{served}/bare.html"\n' in register  # no canonical address in the page: the one fetched
    result = run("add-source", "desk", f"{served}/rio-times.html")
    assert "url:       https://www.riotimesonline.example/" in result.out  # the page's canonical address wins
    missing = run("add-source", "desk", f"{served}/nothing-here.html")
    assert missing.code == 1 and "the server answered 404" in missing.err


@pytest.fixture
def curated(fresh: Path, run: Run) -> Path:
    assert run("add-source", "desk", ARTICLES / "rio-times.html", "--reliability", "C").code == 0
    return fresh


def test_locate_gives_a_ready_quote_and_locator(curated: Path, run: Run) -> None:
    result = run("locate", "desk", "rio-times-2024-10-16", "about half of the ARTILLERY shells")
    assert (result.code, result.out) == (0, 'quote: "about half of the artillery shells"\nlocator: paragraph 4\n')
    result = run("locate", "desk", "rio-times-2024-10-16", "Moscow and Pyongyang deny the reports")
    assert result.out.endswith("locator: paragraph 6\n")


def test_locate_without_an_exact_match_ranks_the_closest_passages(curated: Path, run: Run) -> None:
    result = run("locate", "desk", "rio-times-2024-10-16", "half the artillery shells fired by Russia", "--limit", "2")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == "No exact match in archive/rio-times-2024-10-16.txt (8 paragraphs). Closest passages:"
    assert lines[1].startswith("1. paragraph 4 (") and len(lines) == 3


def test_locate_problems(curated: Path, run: Run) -> None:
    unknown = run("locate", "desk", "rio-time", "x")
    assert unknown.code == 2 and "(did you mean 'rio-times-2024-10-16'?)" in unknown.err
    register = curated / "sources.yaml"
    register.write_text(register.read_text(encoding="utf-8").replace("    archive: archive/rio-times-2024-10-16.txt\n", ""), encoding="utf-8")
    no_archive = run("locate", "desk", "rio-times-2024-10-16", "x")
    assert no_archive.code == 1 and no_archive.err.startswith("facts/desk/sources.yaml:") and "has no archive" in no_archive.err


def test_written_facts_check_and_locators_are_verified(curated: Path, run: Run) -> None:
    (curated / "facts.yaml").write_text("""facts:
  - id: shells-half
    section: main
    statement: About half of Russia's artillery shells come from North Korea.
    credibility: 3
    sources:
      - source: rio-times-2024-10-16
        quote: about half of the artillery shells
        locator: paragraph 3
""", encoding="utf-8")
    result = run("check")
    assert result.code == 1
    assert result.lines[0] == ("facts/desk/facts.yaml:9:18: error: fact 'shells-half': the quote is not in paragraph 3 of the archive "
                               "of 'rio-times-2024-10-16' but in paragraph 4 (locator: paragraph 4)")


def test_facts_table_and_filters(run: Run) -> None:
    result = run("facts", "--facts", DEMO, "--as-of", "2026-11-21", "--grep", "11,000")
    assert result.code == 0
    assert result.out.splitlines()[0].split() == ["ID", "NO.", "DATE", "GRADE", "STATUS", "STATEMENT"]
    assert [line.split()[0] for line in result.out.splitlines()[1:]] == ["nk-troops-11000"]
    assert run("facts", "--facts", DEMO, "--status", "denied").out.count("\n") == 2
    cited = run("facts", "north-korea-russia", "--facts", DEMO, "--source", "rio-times-2024-10-16").out
    assert "nk-shells-half" in cited and "nk-troops-11000" not in cited
    early = run("facts", "--facts", DEMO, "--as-of", "2024-10-01")
    assert early.out == "" and "0 of 40 facts" in early.err
    assert run("facts", "--facts", DEMO, "--section", "troop").code == 2


def test_show_an_item_and_what_refers_to_it(run: Run, tmp_path: Path) -> None:
    fact = run("show", "nk-troops-11000", "--facts", DEMO, "--as-of", "2026-11-21")
    assert fact.code == 0
    assert fact.out.startswith("fact 'nk-troops-11000'  facts/north-korea-russia/troops.yaml:") or "troops.yaml:" in fact.out
    assert "judgment 'nk-support-broadened' rests on it" in fact.out
    source = run("show", "north-korea-russia", "rio-times-2024-10-16", "--facts", DEMO, "-o", tmp_path / "s.txt")
    text = (tmp_path / "s.txt").read_text(encoding="utf-8")
    assert source.code == 0 and "fact 'nk-shells-half'" in text and "cites it" in text
    wrong = run("show", "nk-troop-11000", "--facts", DEMO)
    assert wrong.code == 2 and "(did you mean 'nk-troops-11000'?)" in wrong.err


def test_a_dossier_name_that_looks_like_a_command_names_the_commands(run: Run) -> None:
    result = run("init", "--facts", DEMO)
    assert result.code == 2
    assert "unknown dossier 'init'" in result.err and "(did you mean 'new'?)" in result.err and "add-source, locate" in result.err


@pytest.mark.parametrize("command", ["new", "add-source", "locate", "facts", "show", "export"])
def test_every_command_has_help(run: Run, command: str) -> None:
    result = run(command, "--help")
    assert result.code == 0 and f"briefing {command}" in result.out


def test_check_does_not_load_the_curation_libraries(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; from briefing.cli import main; main(['check', '--facts', sys.argv[1]]); "
            "print(sorted(m for m in ('trafilatura', 'htmldate', 'rapidfuzz', 'lxml') if m in sys.modules))")
    src = Path(__file__).resolve().parent.parent / "src"
    out = subprocess.run([sys.executable, "-c", code, str(DEMO)], capture_output=True, text=True, env={"PYTHONPATH": str(src)}, check=False)
    assert out.stdout.strip().splitlines()[-1] == "[]"
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_one_passage_index_per_archive_for_all_its_quotes(curated: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.dossier import archives

    built: list[int] = []

    class Counting(archives.PassageIndex):
        def __init__(self, text: str) -> None:
            built.append(len(text))
            super().__init__(text)

    monkeypatch.setattr(archives, "PassageIndex", Counting)
    cites = "".join(f"      - source: rio-times-2024-10-16\n        quote: {q}\n"
                    for q in ("about half of the artillery shells", "Moscow and Pyongyang deny the reports", "not in the article at all"))
    (curated / "facts.yaml").write_text(f"facts:\n  - id: a\n    section: main\n    statement: A.\n    sources:\n{cites}"
                                        f"  - id: b\n    section: main\n    statement: B.\n    sources:\n{cites}", encoding="utf-8")
    result = run("check")
    assert result.code == 1 and result.err.count("quote not found") == 2
    assert len(built) == 1
