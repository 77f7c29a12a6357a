"""export: golden JSON, CSV and CSL-JSON of the demo and the fixture dossier, the marking cut, and the published schema."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from briefing.brief.export_schema import export_schema
from conftest import DEMO, ROOT, Result

GOLDEN = Path(__file__).parent / "golden" / "exports"
FIXTURE = Path(__file__).parent / "fixtures" / "facts"
SUFFIX = {"json": ".json", "csv": ".csv", "csl-json": ".csl.json"}
CASES = [
    (DEMO, "north-korea-russia", "2026-11-21", None, "json"),
    (DEMO, "north-korea-russia", "2026-11-21", None, "csv"),
    (DEMO, "north-korea-russia", "2026-11-21", None, "csl-json"),
    (FIXTURE, "harbour", "2024-04-30", None, "json"),
    (FIXTURE, "harbour", "2024-04-30", "TLP:CLEAR", "json"),
    (FIXTURE, "harbour", "2024-04-30", "TLP:CLEAR", "csv"),
    (FIXTURE, "harbour", "2024-04-30", "TLP:CLEAR", "csl-json"),
]


def _name(dossier: str, day: str, marking: str | None, kind: str) -> str:
    cut = f"_{marking.lower().replace(':', '-')}" if marking else ""
    return f"{dossier}_{day}{cut}{SUFFIX[kind]}"


@pytest.mark.parametrize(("facts", "dossier", "day", "marking", "kind"), CASES, ids=[_name(*c[1:]) for c in CASES])
def test_golden_exports(run: Callable[..., Result], facts: Path, dossier: str, day: str, marking: str | None, kind: str,
                        update_testdata: bool) -> None:
    args = ["export", dossier, "--facts", facts, "--to", kind, "--as-of", day, *(["--max-marking", marking] if marking else [])]
    result = run(*args)
    assert result.code == 0, result.err
    golden = GOLDEN / _name(dossier, day, marking, kind)
    if update_testdata:
        golden.write_bytes(result.out.encode("utf-8"))
    assert result.out.encode("utf-8") == golden.read_bytes()


def _export(run: Callable[..., Result], *extra: str) -> dict:
    result = run("export", "harbour", "--facts", FIXTURE, "--to", "json", "--as-of", "2024-04-30", *extra)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_max_marking_leaves_nothing_above_the_level(run: Callable[..., Result]) -> None:
    full, cut = _export(run), _export(run, "--max-marking", "TLP:CLEAR")
    assert {"TLP:AMBER"} <= {f["marking"] for f in full["facts"]} | {s["marking"] for s in full["sources"]}
    markings = [f["marking"] for f in cut["facts"]] + [s["marking"] for s in cut["sources"]] + [j["marking"] for j in cut["judgments"]]
    assert set(markings) == {"TLP:CLEAR"} and cut["marking"] == "TLP:CLEAR" and cut["max_marking"] == "TLP:CLEAR"
    kept = {f["id"] for f in cut["facts"]}
    sources = {s["id"] for s in cut["sources"]}
    for fact in cut["facts"]:  # nothing withheld is even named
        assert {c["source"] for c in fact["citations"]} <= sources
        assert set(fact["contradicts"]) <= kept and set(fact["supersedes"]) <= kept and fact["superseded_by"] in {None, *kept}
    for judgment in cut["judgments"]:
        assert {basis["fact"] for basis in judgment["based_on"]} <= kept
    assert len(cut["facts"]) < len(full["facts"])


def test_json_export_follows_the_published_schema(run: Callable[..., Result]) -> None:
    committed = json.loads((ROOT / "schema" / "export.schema.json").read_text(encoding="utf-8"))
    assert committed == export_schema(), "schema/export.schema.json is stale: `python build.py schema --export > schema/export.schema.json`"
    for data in (_export(run), _export(run, "--max-marking", "TLP:CLEAR"),
                 json.loads(run("export", "--facts", DEMO, "--to", "json", "--as-of", "2026-11-21").out)):
        jsonschema.validate(data, committed, cls=jsonschema.Draft202012Validator)


def test_csv_is_rfc_4180_with_a_bom_and_one_row_per_fact(run: Callable[..., Result]) -> None:
    result = run("export", "--facts", DEMO, "--to", "csv", "--as-of", "2026-11-21")
    assert result.out.startswith("\ufeffid,number,section,")
    assert "\r\n" in result.out and "\n" not in result.out.replace("\r\n", "")
    rows = list(csv.DictReader(io.StringIO(result.out.removeprefix("\ufeff"), newline="")))
    assert len(rows) == json.loads(run("export", "--facts", DEMO, "--to", "json", "--as-of", "2026-11-21").out)["facts"].__len__()
    assert all(row["grade"] and row["statement"] for row in rows)


def test_csl_json_items(run: Callable[..., Result]) -> None:
    items = json.loads(run("export", "--facts", DEMO, "--to", "csl-json", "--as-of", "2026-11-21").out)
    rio = next(i for i in items if i["id"] == "rio-times-2024-10-16")
    assert rio["type"] == "article-newspaper" and rio["container-title"] == "The Rio Times"
    assert rio["issued"] == {"date-parts": [[2024, 10, 16]]} and rio["note"] == "via MENAFN"
    window = next(i for i in items if i["id"] == "pyongyang-intensifies-support")  # published in an inferred window
    assert window["issued"] == {"date-parts": [[2025, 3, 26], [2025, 4, 30]]} and "container-title" not in window


def test_export_to_a_file_and_bad_facts(run: Callable[..., Result], tmp_path: Path, demo_copy: Path) -> None:
    target = tmp_path / "out.json"
    assert run("export", "--facts", DEMO, "--to", "json", "--as-of", "2026-11-21", "-o", target).code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["dossier"]["id"] == "north-korea-russia"
    broken = demo_copy / "north-korea-russia" / "troops.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("section: troops", "section: troop", 1), encoding="utf-8")
    result = run("export", "--facts", demo_copy, "--to", "json", "-o", tmp_path / "never.json")
    assert result.code == 1 and "unknown section 'troop'" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "never.json").exists()
    assert run("export", "--facts", DEMO, "--to", "xml").code == 2
