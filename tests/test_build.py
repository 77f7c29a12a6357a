"""commands.build: what a build writes, the rebuild cache, several days, worker processes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.commands.build import previous_brief
from briefing.foundation.layout import CACHE_NAME

ROOT = Path(__file__).resolve().parent.parent
DAY = "2026-11-21"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_build_writes_the_brief_the_register_and_the_site(run, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("build", "--facts", ROOT / "facts", "--out", out, "--as-of", DAY, "--format", "md,html")
    assert result.code == 0, result.err
    brief = out / "north-korea-russia"
    assert sorted(p.name for p in brief.iterdir()) == [".fact-numbers.json", f"{DAY}.html", f"{DAY}.md", f"{DAY}.register.html", "index.html"]
    assert (out / "index.html").is_file() and (out / "feed.xml").is_file() and (out / "assets" / "brief.css").is_file()
    register = (brief / f"{DAY}.register.html").read_text()
    assert len(re.findall(r'<li [^>]*id="f\d+"', register)) == 40  # every fact, in full
    assert f'href="{DAY}.register.html"' in (brief / f"{DAY}.html").read_text()
    assert str(brief / f"{DAY}.md") in result.out  # what was written is printed


def test_an_unchanged_rebuild_writes_nothing_and_replays_the_warnings(run, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ("build", "--facts", ROOT / "facts", "--out", out, "--as-of", DAY, "--format", "md,html")
    first = run(*args)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    second = run(*args)
    assert second.code == 0
    assert "up to date" in second.err
    assert [line for line in second.lines if ": warning: " in line] == [line for line in first.lines if ": warning: " in line]
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before
    assert run(*args, "--strict").code == 1  # the replayed warnings still fail a strict build


def test_the_closing_line_counts_the_warnings_above_it(run, tmp_path: Path) -> None:
    args = ("build", "--facts", ROOT / "facts", "--out", tmp_path / "out", "--as-of", DAY, "--format", "md")
    for result in (run(*args), run(*args)):  # built, then up to date
        warned = sum(": warning: " in line for line in result.lines)
        assert warned > 0
        assert result.lines[-1].endswith(f" s, with {warned} warnings above (--strict makes them errors).") or \
            result.lines[-1].endswith(f" s), with {warned} warnings above (--strict makes them errors)."), result.lines[-1]


def test_the_cache_notices_edits_deleted_outputs_and_options(run, tmp_path: Path, demo_copy: Path) -> None:
    out = tmp_path / "out"
    args = ("build", "--facts", demo_copy, "--out", out, "--as-of", DAY, "--format", "md,html")
    assert run(*args).code == 0
    md = out / "north-korea-russia" / f"{DAY}.md"
    troops = demo_copy / "north-korea-russia" / "troops.yaml"
    troops.write_text(troops.read_text().replace("about 11,000 soldiers", "about 12,000 soldiers"))
    assert "Built 1 brief" in run(*args).err
    assert "about 12,000 soldiers" in md.read_text()
    md.unlink()
    assert "Built 1 brief" in run(*args).err and md.is_file()
    (out / "feed.xml").unlink()
    run(*args)
    assert (out / "feed.xml").is_file()
    assert "Built 1 brief" in run(*args, "--max-marking", "TLP:CLEAR").err
    assert "Built 1 brief" in run(*args, "--max-marking", "TLP:CLEAR", "--no-cache").err
    record = json.loads((out / CACHE_NAME).read_text())
    assert f"north-korea-russia/{DAY}" in record["entries"]


def test_several_days_in_one_build_each_compare_with_the_one_before(run, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("build", "--facts", ROOT / "facts", "--out", out, "--as-of", "2026-11-21,2024-12-01", "--format", "md")
    assert result.code == 0, result.err
    later = (out / "north-korea-russia" / "2026-11-21.md").read_text()
    assert "## New since 1 December 2024" in later
    assert "New since" not in (out / "north-korea-russia" / "2024-12-01.md").read_text()
    assert previous_brief(out / "north-korea-russia", __import__("datetime").date(2027, 1, 1)).isoformat() == "2026-11-21"


def test_worker_processes_give_the_same_bytes(run, tmp_path: Path) -> None:
    days = "2024-12-01,2026-11-21"
    base = ("build", "--facts", ROOT / "facts", "--as-of", days, "--format", "md,html", "--no-cache")
    assert run(*base, "--out", tmp_path / "one").code == 0
    assert run(*base, "--out", tmp_path / "two", "--jobs", "2").code == 0
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    one.pop(CACHE_NAME), two.pop(CACHE_NAME)
    assert one == two


@pytest.mark.parametrize(("args", "message"), [
    (("--since", "2026-11-21"), "--since 2026-11-21 must be before --as-of 2026-11-21"),
    (("--as-of", "2026-13-01"), "'2026-13-01' is not a date"),
    (("--format", "docx"), "unknown format 'docx'"),
])
def test_bad_build_options_are_usage_errors(run, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = run("build", "--facts", ROOT / "facts", "--out", tmp_path / "out", "--as-of", DAY, *args)
    assert result.code == 2
    assert message in result.err
    assert not (tmp_path / "out" / "north-korea-russia").exists()


def test_an_output_folder_that_is_a_file_is_a_usage_error(run, tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("not a folder")
    assert run("build", "--facts", ROOT / "facts", "--out", target, "--format", "md").code == 2
    assert target.read_text() == "not a folder"


def _build_in_a_fresh_interpreter(out: Path, *args: str) -> list[str]:
    """Exit code of a build and whether the main process imported WeasyPrint and matplotlib, from a clean interpreter."""
    code = ("import sys; from briefing.cli import main; "
            f"rc = main(['build', '--facts', {str(ROOT / 'facts')!r}, '--out', {str(out)!r}, '-q', *{list(args)!r}]); "
            "print(rc, 'weasyprint' in sys.modules, 'matplotlib' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}, check=True)
    return done.stdout.split()


def test_markdown_and_html_builds_never_import_weasyprint(tmp_path: Path) -> None:
    assert _build_in_a_fresh_interpreter(tmp_path / "o", "--format", "md,html", "--as-of", DAY) == ["0", "False", "False"]
    assert "<svg" in (tmp_path / "o" / "north-korea-russia" / f"{DAY}.html").read_text(encoding="utf-8"), "no chart drawn"


def test_pdfs_are_laid_out_in_warm_workers_not_in_the_main_process(tmp_path: Path) -> None:
    """The main process validates and renders text while workers import WeasyPrint and matplotlib: never in it."""
    assert _build_in_a_fresh_interpreter(tmp_path / "o", "--as-of", DAY) == ["0", "False", "False"]
    assert "<svg" in (tmp_path / "o" / "north-korea-russia" / f"{DAY}.html").read_text(encoding="utf-8"), "no chart drawn"
    assert (tmp_path / "o" / "north-korea-russia" / f"{DAY}.pdf").read_bytes().startswith(b"%PDF-")


def test_a_dossier_can_chart_only_when_two_facts_report_one_metric(tmp_path: Path) -> None:
    from briefing.dossier.workspace import load_all
    from briefing.foundation.errors import Problems
    from briefing.publish.briefs import may_chart

    (demo,) = load_all({"north-korea-russia": ROOT / "facts" / "north-korea-russia"}, Problems())
    assert may_chart(demo)
    for fid, fact in list(demo.facts.items()):
        if any(f.metric == "nk-troops-in-russia" for f in fact.figures) and fid != "nk-troops-11000":
            demo.facts[fid] = fact.model_copy(update={"figures": []})
    assert not may_chart(demo)


def test_a_later_build_takes_its_unchanged_charts_from_the_kept_ones(run, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The second build of unchanged figures reads the chart kept by the first, and `--no-cache` draws it again."""
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    base = ("build", "--facts", ROOT / "facts", "--as-of", DAY, "--format", "md,html")
    assert run(*base, "--out", tmp_path / "one").code == 0
    (kept,) = (tmp_path / "cache" / "briefing").glob("charts-*/*.svg")
    drawn = kept.read_text(encoding="utf-8")
    kept.write_text(drawn.replace("<title", "<!-- kept --><title", 1), encoding="utf-8")
    page = Path("north-korea-russia") / f"{DAY}.html"
    assert run(*base, "--out", tmp_path / "two").code == 0
    assert "<!-- kept -->" in (tmp_path / "two" / page).read_text(encoding="utf-8")
    assert run(*base, "--out", tmp_path / "three", "--no-cache").code == 0
    assert (tmp_path / "three" / page).read_bytes() == (tmp_path / "one" / page).read_bytes()


def test_no_dossier_outlives_its_rendering(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once every brief is rendered the dossiers are let go, before the PDFs and the search index take their memory:
    a name left pointing at one (a loop variable did) kept a 100,000-fact dossier's 550 MB for the rest of the build."""
    import gc

    from briefing.dossier.dossier import Dossier
    from briefing.foundation import collector

    alive: list[int] = []
    release = collector.release
    before = [o for o in gc.get_objects() if isinstance(o, Dossier)]  # kept by earlier tests in this process: not this build's

    def counted() -> None:
        release()
        alive.append(sum(isinstance(o, Dossier) and not any(o is b for b in before) for o in gc.get_objects()))

    monkeypatch.setattr(collector, "release", counted)
    result = run("build", "--facts", ROOT / "facts", "--out", tmp_path / "out", "--as-of", DAY, "--format", "md,html", "--no-cache")
    assert result.code == 0, result.err
    assert alive == [0]


# A big dossier is loaded and rendered in a child process (briefs.APART_BYTES); these builds force it for the demo.
APART = ("import sys; from briefing.publish import briefs; briefs.APART_BYTES = 0; "
         "from briefing.cli import main; sys.exit(main(sys.argv[1:]))")


def _build_apart(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", APART, "build", *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "TZ": "UTC"}, check=False)


def test_a_build_rendered_in_a_child_process_gives_the_same_files_and_messages(run, tmp_path: Path) -> None:
    """The child loads, reports and renders; this process lays out the PDF it sends, stages the site and commits."""
    base = ("--facts", ROOT / "facts", "--as-of", DAY, "--no-cache")
    here = run("build", *base, "--out", tmp_path / "here")
    apart = _build_apart(*base, "--out", tmp_path / "apart")
    assert here.code == 0 and apart.returncode == 0, apart.stderr
    here_files, apart_files = snapshot(tmp_path / "here"), snapshot(tmp_path / "apart")
    here_files.pop(CACHE_NAME), apart_files.pop(CACHE_NAME)  # keyed with the environment too, which differs here
    assert here_files == apart_files
    warned = [line for line in here.err.splitlines() if ": warning: " in line]
    assert warned and [line for line in apart.stderr.splitlines() if ": warning: " in line] == warned
    assert apart.stderr.splitlines()[-1].endswith(f"with {len(warned)} warnings above (--strict makes them errors).")
    again = _build_apart(*base[:-1], "--out", tmp_path / "apart")  # the record the child's files made: up to date
    assert again.returncode == 0 and "up to date" in again.stderr, again.stderr


def test_a_child_process_that_finds_errors_or_a_template_mistake_writes_nothing(tmp_path: Path, demo_copy: Path) -> None:
    out = tmp_path / "out"
    troops = demo_copy / "north-korea-russia" / "troops.yaml"
    good = troops.read_text(encoding="utf-8")
    troops.write_text(good.replace("credibility:", "credibility: 9\n    x_credibility:", 1), encoding="utf-8")
    done = _build_apart("--facts", demo_copy, "--out", out, "--as-of", DAY)
    assert done.returncode == 1 and ": error: " in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not out.exists()
    troops.write_text(good, encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "brief.md.j2").write_text("{{ no_such_thing.attribute }}\n", encoding="utf-8")
    done = _build_apart("--facts", demo_copy, "--out", out, "--as-of", DAY, "--templates", templates)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert not out.exists() or not list(out.rglob("*.md"))
    assert not list(out.rglob(".briefing-tmp*")) if out.exists() else True
