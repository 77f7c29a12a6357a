"""The JSON Schemas for editors: exported by `schema`, committed under schema/, and true to the demo data."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from briefing.dossier.reader import Plain, load_file
from briefing.foundation.errors import Problems
from conftest import DEMO, ROOT, Result

SCHEMA_DIR = ROOT / "schema"
DEMO_FILES = sorted((DEMO / "north-korea-russia").rglob("*.yaml"))
MODELINE = "# yaml-language-server: $schema="


def schema_for(path: Path) -> Path:
    return SCHEMA_DIR / ("dossier.schema.json" if path.name == "dossier.yaml" else "facts.schema.json")


def as_editor_sees_it(value: Any) -> Any:
    """Loaded data as JSON: numbers and yes/no as YAML makes them (an editor's view), dates and text as text."""
    if isinstance(value, Plain):
        return value.value if isinstance(value.value, (bool, int, float)) else str(value)
    if isinstance(value, dict):
        return {k: as_editor_sees_it(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees_it(v) for v in value]
    return value


def load_demo(path: Path) -> Any:
    problems = Problems()
    doc = load_file(path, problems)
    assert doc is not None and not problems, problems.items
    return as_editor_sees_it(doc.data)


@pytest.mark.parametrize(("args", "committed"), [(["schema"], "facts.schema.json"), (["schema", "--dossier"], "dossier.schema.json")])
def test_exported_schema_equals_the_committed_copy(run: Callable[..., Result], args: list[str], committed: str) -> None:
    result = run(*args, cwd=ROOT)
    assert result.code == 0
    assert result.out == (SCHEMA_DIR / committed).read_text(encoding="utf-8"), (
        f"schema/{committed} is stale: regenerate it with `python build.py {' '.join(args)} > schema/{committed}`"
    )
    jsonschema.Draft202012Validator.check_schema(json.loads(result.out))


def test_demo_has_yaml_files() -> None:
    assert len(DEMO_FILES) > 2 and any(p.name == "dossier.yaml" for p in DEMO_FILES)


@pytest.mark.parametrize("path", DEMO_FILES, ids=[p.name for p in DEMO_FILES])
def test_demo_files_name_their_schema_on_the_first_line(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MODELINE), f"{path.name} must start with {MODELINE}..."
    target = (path.parent / first.removeprefix(MODELINE)).resolve()
    assert target == schema_for(path)


@pytest.mark.parametrize("path", DEMO_FILES, ids=[p.name for p in DEMO_FILES])
def test_demo_data_validates_against_the_exported_schema(path: Path) -> None:
    schema = json.loads(schema_for(path).read_text(encoding="utf-8"))
    jsonschema.validate(load_demo(path), schema, cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d["facts"][0].update(sorces=[]), "additionalProperties"),
    (lambda d: d["facts"][0].update(credibility=7), "maximum"),
    (lambda d: d["facts"][0].update(status="confirmd"), "enum"),
    (lambda d: d["facts"][0].update(id="Bad_Id"), "pattern"),
    (lambda d: d["facts"][0].update(sources=[]), "minItems"),
    (lambda d: d["facts"][0].update(date="2024/10"), "pattern"),
    (lambda d: d.update(notes="x"), "additionalProperties"),
    (lambda d: d["facts"][0].update(date="2024-13-01"), "pattern"),
    (lambda d: d["facts"][0].update(timeline="yes"), "type"),
    (lambda d: d.update(judgments=[{"id": "j", "statement": "S", "likelihood": "likely", "confidence": "low", "date": "2024-10-16",
                                    "based_on": [{"fact": "f", "role": "against"}]}]), "enum"),
    (lambda d: d.update(highlights=[{"date": "2024-10-16", "points": [], "based_on": ["f"]}]), "minItems"),
])
def test_the_schema_refuses_what_check_refuses(change: Callable[[dict[str, Any]], None], where: str) -> None:
    data = load_demo(DEMO / "north-korea-russia" / "troops.yaml")
    change(data)
    schema = json.loads((SCHEMA_DIR / "facts.schema.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError) as info:
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert info.value.validator == where


def _properties(node: Any) -> list[tuple[str, Any]]:
    """Every (name, schema) of an object property anywhere in a schema."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        found += list(node.get("properties", {}).items()) if isinstance(node.get("properties"), dict) else []
        for value in node.values():
            found += _properties(value)
    elif isinstance(node, list):
        for value in node:
            found += _properties(value)
    return found


@pytest.mark.parametrize("committed", ["facts.schema.json", "dossier.schema.json"])
def test_every_property_has_a_description_an_editor_shows(committed: str) -> None:
    schema = json.loads((SCHEMA_DIR / committed).read_text(encoding="utf-8"))
    missing = sorted({name for name, prop in _properties(schema) if not prop.get("description")})
    assert missing == []


def test_the_schema_ships_in_the_wheel() -> None:
    assert '"schema" = "briefing/_data/schema"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
