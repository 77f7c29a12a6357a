"""dossier.reader (and discover, yaml_errors): YAML to plain data with positions, refusing what YAML would accept silently."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from briefing.dossier.discover import find_dossiers, yaml_files
from briefing.dossier.reader import Document, Plain, load_file, load_text
from briefing.foundation.errors import Problems
from briefing.foundation.limits import LIMITS, Limits
from conftest import ROOT


def load(text: str) -> tuple[Document | None, list[str]]:
    """Load `text` as the file f.yaml: the document (None when refused) and the problem lines."""
    problems = Problems()
    doc = load_text(text, Path("f.yaml"), problems)
    return doc, [str(p) for p in problems.sorted()]


def load_bytes(tmp_path: Path, raw: bytes) -> tuple[Document | None, list[str]]:
    (tmp_path / "f.yaml").write_bytes(raw)
    problems = Problems()
    doc = load_file(tmp_path / "f.yaml", problems)
    return doc, [str(p).replace(str(tmp_path) + "/", "") for p in problems.sorted()]


# --- plain scalars ----------------------------------------------------------------------


def test_plain_scalars_keep_the_text_and_the_yaml_value() -> None:
    doc, problems = load("a: no\nb: 2024\nc: 2.5\nd: 2024-10-16\ne: text\nf: 'no'\ng: ~\nh: yes\n")
    assert problems == []
    assert doc is not None
    data = doc.data
    assert isinstance(data["a"], Plain) and data["a"] == "no" and data["a"].value is False
    assert isinstance(data["b"], Plain) and data["b"] == "2024" and data["b"].value == 2024
    assert data["c"].value == 2.5
    assert isinstance(data["d"], Plain) and data["d"] == "2024-10-16"
    assert not isinstance(data["d"].value, dt.date), "dates stay text: partial dates are parsed by the model"
    assert type(data["e"]) is str and type(data["f"]) is str
    assert data["g"] is None
    assert data["h"].value is True


def test_plain_keeps_the_number_as_typed() -> None:
    doc, _ = load("a: 0x1F\nb: 1_000\nc: 010\n")
    assert doc is not None
    assert (doc.data["a"], doc.data["a"].value) == ("0x1F", 31)
    assert (doc.data["b"], doc.data["b"].value) == ("1_000", 1000)
    assert doc.data["c"] == "010"


# --- positions ---------------------------------------------------------------------------


def test_positions_are_one_based_for_keys_and_values() -> None:
    doc, _ = load("facts:\n  - id: a\n    tags: [x, y]\n")
    assert doc is not None
    assert doc.where(("facts",), key=True) == (1, 1)
    assert doc.where(("facts",)) == (2, 3)
    assert doc.where(("facts", 0)) == (2, 5)
    assert doc.where(("facts", 0, "id"), key=True) == (2, 5)
    assert doc.where(("facts", 0, "id")) == (2, 9)
    assert doc.where(("facts", 0, "tags", 1)) == (3, 15)


def test_positions_of_mapping_items_and_their_keys() -> None:
    doc, _ = load("metrics:\n  troops:\n    label: Troops\n    unit: soldiers\n")
    assert doc is not None
    assert doc.where(("metrics", "troops"), key=True) == (2, 3)
    assert doc.where(("metrics", "troops")) == (3, 5)
    assert doc.where(("metrics", "troops", "unit"), key=True) == (4, 5)
    assert doc.where(("metrics", "troops", "unit")) == (4, 11)


def test_item_positions_outlive_the_document() -> None:
    doc, _ = load("facts:\n  - id: a\n    sources:\n      - source: s\n        quote: q\n")
    assert doc is not None
    marks = doc.marks(("facts", 0))
    del doc
    assert marks.where(("sources", 0, "quote")) == (5, 16)
    assert marks.where(("sources", 0, "quote"), key=True) == (5, 9)
    assert marks.where(("sources", 0, "locator")) == (4, 9)  # not written: the citation
    assert marks.where(("nothing", 3)) == (2, 5)  # the item itself


def test_items_with_very_many_paths_keep_exact_positions() -> None:
    """Paths are numbered for the whole run; past what packs into 64 bits, positions stay exact."""
    tags = ", ".join(f"t{i}" for i in range(9000))
    doc, _ = load(f"facts:\n  - id: a\n    tags: [{tags}]\n")
    assert doc is not None
    assert doc.where(("facts", 0, "tags", 8999)) == (3, 12 + sum(len(f"t{i}, ") for i in range(8999)))


def test_where_falls_back_to_the_nearest_parent() -> None:
    doc, _ = load("facts:\n  - id: a\n")
    assert doc is not None
    assert doc.where(("facts", 0, "missing")) == (2, 5)
    assert doc.where(("facts", 0, "id"), key=True) == (2, 5)
    assert doc.where(("nothing",)) == (1, 1)


def test_columns_count_characters_not_bytes() -> None:
    doc, _ = load("é: [ü, x]\n")
    assert doc is not None
    assert doc.where(("é", 1)) == (1, 8)


# --- refusals ------------------------------------------------------------------------------


def test_duplicate_keys_are_refused_at_the_second() -> None:
    doc, problems = load("a: 1\nb: 2\na: 3\n")
    assert doc is None
    assert problems == ["f.yaml:3:1: error: duplicate key 'a' (first at line 1); YAML would silently keep only the last one"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: !!python/object:os.system {}\n", "f.yaml:1:4: error: tag '!!python/object:os.system' is not allowed"),
        ("a: !!python/object/apply:os.system [ls]\n", "f.yaml:1:4: error: tag '!!python/object/apply:os.system' is not allowed"),
        ("a: !foo bar\n", "f.yaml:1:4: error: tag '!foo' is not allowed"),
        ("a: !!binary aGVsbG8=\n", "f.yaml:1:4: error: tag '!!binary' is not allowed"),
        ("a: !!set {x, y}\n", "f.yaml:1:4: error: tag '!!set' is not allowed"),
        ("a: !e!x b\n", "f.yaml:1:4: error: tag '!e!x' is not allowed"),
        ("!foo a: b\n", "f.yaml:1:1: error: tag '!foo' is not allowed"),
    ],
)
def test_tags_are_refused(text: str, problem: str) -> None:
    doc, problems = load(text)
    assert doc is None
    assert problems == [problem + "; remove it (fact files hold plain text, numbers, dates, lists and mappings)"]


def test_standard_scalar_tags_are_fine() -> None:
    doc, problems = load("a: !!str 2024\nb: !!int 3\n")
    assert problems == []
    assert doc is not None and doc.data == {"a": "2024", "b": "3"}


def test_aliases_are_refused_at_each_alias() -> None:
    doc, problems = load("a: &x [1, 2]\nb: *x\nc: [*x]\n")
    assert doc is None
    message = "error: YAML aliases (*name) are not allowed in fact files; write the value out"
    assert problems == [f"f.yaml:2:4: {message}", f"f.yaml:3:5: {message}"]


def test_undefined_alias_is_refused_like_an_alias() -> None:
    _, problems = load("a: *nowhere\n")
    assert problems == ["f.yaml:1:4: error: YAML aliases (*name) are not allowed in fact files; write the value out"]


def billion_laughs(levels: int) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_quickly_and_briefly() -> None:
    start = time.perf_counter()
    doc, problems = load(billion_laughs(10))  # 9**10 strings if expanded
    assert time.perf_counter() - start < 1.0
    assert doc is None
    assert len(problems) == 11
    assert problems[0] == "f.yaml:2:10: error: YAML aliases (*name) are not allowed in fact files; write the value out"
    assert problems[-1] == "f.yaml:3:14: error: 71 more YAML aliases from here on, not listed"


def test_merge_keys_are_refused() -> None:
    doc, problems = load("a: &b {x: 1}\nc:\n  <<: {x: 1}\n  y: 2\n")
    assert doc is None
    assert problems == ["f.yaml:3:3: error: merge keys ('<<') are not allowed in fact files; write the keys out"]


def test_a_file_holds_one_document() -> None:
    _, problems = load("a: 1\n---\nb: 2\n")
    assert problems == ["f.yaml:2:1: error: a file holds one YAML document; remove the second '---' document or move it to its own file"]


def test_document_markers_around_one_document_are_fine() -> None:
    doc, problems = load("---\na: 1\n...\n")
    assert problems == [] and doc is not None and doc.data == {"a": "1"}


def test_complex_keys_are_refused() -> None:
    _, problems = load("? [a]\n: b\n")
    assert problems == ["f.yaml:1:3: error: a mapping key must be plain text, not a list or mapping"]


@pytest.mark.parametrize(("text", "problem"), [
    ("a: !!int two\n", "'two' is not a valid whole number; remove any '!!int' tag, or put the value in quotes if it is text"),
    ("a: !!float .\n", "'.' is not a valid number; remove any '!!float' tag, or put the value in quotes if it is text"),
    ("a: !!bool maybe\n", "'maybe' is not a valid yes/no value; remove any '!!bool' tag, or put the value in quotes if it is text"),
    ("a: !!int ''\n", "'' is not a valid whole number; remove any '!!int' tag, or put the value in quotes if it is text"),
    ("a: !!null text\n", "tag '!!null' is not allowed on 'text'; remove the tag or the value"),
    ("a: " + "9" * 5000 + "\n", "'" + "9" * 20 + "...' is too long to be a number (5,000 characters); put it in quotes if it is text"),
    ("a: 1:" + ":".join("0" * 100) + "\n", "'1:0:0:0:0:0:0:0:0:0:...' is too long to be a number (201 characters); put it in quotes if it is text"),
])
def test_values_that_do_not_fit_their_type(text: str, problem: str) -> None:
    doc, problems = load(text)
    assert doc is None
    assert problems == [f"f.yaml:1:4: error: {problem}"]


def test_keys_are_the_text_as_typed() -> None:
    doc, _ = load("~: a\nyes: b\n2024: c\n")
    assert doc is not None
    assert list(doc.data) == ["~", "yes", "2024"]


# --- syntax errors point at what to edit --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a:\n\tb: 1\n", "f.yaml:2:1: error: tab character in indentation; YAML needs spaces"),
        ("a:\n  - x\n \t- y\n", "f.yaml:3:2: error: tab character in indentation; YAML needs spaces"),
        ('a: "open\nb: c\n', 'f.yaml:1:4: error: the quoted text starting here is never closed; add the closing "'),
        ("a: 'open", "f.yaml:1:4: error: the quoted text starting here is never closed; add the closing '"),
        ("a: [1, 2\nb: c\n", "f.yaml:2:2: error: the '[' at line 1, column 4 is not closed by ']', or a ',' is missing between its items"),
        ("a: [1]]\n", "f.yaml:1:7: error: ']' closes a bracket that was never opened; remove it or add the opening one"),
        ("a: x: y\n", "f.yaml:1:5: error: ':' followed by a space inside a value starts a mapping; put the value in quotes, or fix the indentation"),
        ("a: @x\n", "f.yaml:1:4: error: a plain value cannot start with '@'; put the value in quotes"),
        ("a: 1\n b: 2\n", "f.yaml:2:2: error: 'b:' is indented one space more than 'a:' above it, "
                          "so YAML reads it as part of the value of 'a'; line the keys up"),
        ("a: x\n  and: y\n", "f.yaml:2:3: error: 'and:' is indented 2 spaces more than 'a:' above it, "
                            "so YAML reads it as part of the value of 'a'; line the keys up"),
        ("a: Seoul says: 11,000\n", "f.yaml:1:14: error: ':' followed by a space inside a value starts a mapping; "
                                   "put the value in quotes, or fix the indentation"),
        ("a:\n  b: 1\n c: 2\n", "f.yaml:3:2: error: this line does not line up with the keys above it; indent it like the other keys of its mapping"),
        ("a: - b\n", "f.yaml:1:4: error: a list item ('- ') cannot follow a key on the same line; start the list on the next line"),
        ('a: "C:\\Users"\n', "f.yaml:1:9: error: a backslash in double-quoted text starts an escape; use single quotes, or write \\\\ for a backslash"),
        ("a: b\nc\nd: e\n", "f.yaml:2:1: error: this line has no ':' after its key; add ': ', or indent it under the key it continues"),
        ("a: |x\n  y\n", "f.yaml:1:5: error: text after '|' or '>' on the same line; start the text on the next line, indented"),
        ("a: [x,,]\n", "f.yaml:1:7: error: a value is missing here: a '[' or '{' above is not closed, or a ',' has nothing after it"),
        ("a: b\x07c\n", "f.yaml:1:5: error: control character U+0007 is not allowed in YAML; remove it"),
        ("a: b\r\nc: \x00\r\n", "f.yaml:2:4: error: control character U+0000 is not allowed in YAML; remove it"),
    ],
)
def test_syntax_errors(text: str, problem: str) -> None:
    doc, problems = load(text)
    assert doc is None
    assert problems == [problem]


def test_unclosed_quote_at_the_very_end_does_not_crash() -> None:
    _, problems = load('a:\n  - "x\n\n')
    assert problems == ['f.yaml:2:5: error: the quoted text starting here is never closed; add the closing "']


# --- files and encodings ---------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_is_refused(tmp_path: Path, encoding: str) -> None:
    doc, problems = load_bytes(tmp_path, "\ufeffa: 1\n".encode(encoding))
    assert doc is None
    assert problems == ["f.yaml:1:1: error: file is UTF-16; save it as UTF-8"]


def test_invalid_utf8_is_reported_at_its_byte(tmp_path: Path) -> None:
    doc, problems = load_bytes(tmp_path, "a: 1\nb: ü x ".encode() + b"caf\xe9\n")
    assert doc is None
    assert problems == ["f.yaml:2:11: error: file is not UTF-8 (byte 0xe9); save it as UTF-8"]


def test_utf8_bom_is_accepted_and_does_not_shift_columns(tmp_path: Path) -> None:
    doc, problems = load_bytes(tmp_path, b"\xef\xbb\xbfa: 1\n")
    assert problems == []
    assert doc is not None and doc.data == {"a": "1"} and doc.where(("a",)) == (1, 4)


@pytest.mark.parametrize("text", ["", "# just a comment\n", "\n\n", "~\n"])
def test_empty_files_have_no_data(text: str) -> None:
    doc, problems = load(text)
    assert problems == []
    assert doc is not None and doc.data is None


def test_file_over_the_size_limit_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LIMITS, "max_file_bytes", 10)
    doc, problems = load_bytes(tmp_path, b"a: 12345678901\n")
    assert doc is None
    assert problems == ["f.yaml:1:1: error: file is 15 bytes, over the limit of 10 (split it, or raise BRIEFING_MAX_FILE_BYTES)"]


def test_too_many_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LIMITS, "max_nodes", 5)
    doc, problems = load("a: [1, 2, 3, 4, 5, 6, 7]\n")
    assert doc is None
    assert problems == ["f.yaml:1:14: error: file has more than 5 values (raise BRIEFING_MAX_NODES)"]


def test_missing_file_is_reported(tmp_path: Path) -> None:
    problems = Problems()
    assert load_file(tmp_path / "nope.yaml", problems) is None
    assert [p.message for p in problems.items] == ["cannot read file: No such file or directory"]


def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "f.yaml")
    signal.alarm(5)  # a regression would block on the read: fail instead of hanging the suite
    try:
        problems = Problems()
        assert load_file(tmp_path / "f.yaml", problems) is None
    finally:
        signal.alarm(0)
    assert [p.message for p in problems.items] == ["not a regular file; fact files are plain text files"]


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_MAX_FACTS", "12")
    monkeypatch.setenv("BRIEFING_MAX_NODES", "lots")
    limits = Limits.from_environment()
    assert limits.max_facts == 12
    assert limits.max_nodes == Limits().max_nodes


# --- nesting -----------------------------------------------------------------------------------


def test_nesting_over_the_limit_is_refused() -> None:
    doc, problems = load("a: " + "[" * 70 + "]" * 70 + "\n")
    assert doc is None
    assert problems == ["f.yaml:1:67: error: data nested more than 64 levels deep"]


def test_nesting_under_the_limit_is_fine() -> None:
    doc, problems = load("a: " + "[" * 60 + "]" * 60 + "\n")
    assert problems == [] and doc is not None


DEEP = """
import sys
sys.path.insert(0, {src!r})
from pathlib import Path
from briefing.foundation.errors import Problems
from briefing.dossier.reader import load_text
for text in ("a: " + "[" * 100_000, "a: " + "{{a: " * 100_000, "- " * 100_000 + "x", "a:\\n" + "".join(" " * i + "- \\n" for i in range(1, 3000))):
    problems = Problems()
    assert load_text(text, Path("f.yaml"), problems) is None
    print(problems.items[0])
"""


def test_very_deep_nesting_does_not_crash_the_interpreter() -> None:
    """libyaml's composer recurses in C and segfaults on deep nesting: run it where a crash cannot take pytest down."""
    result = subprocess.run([sys.executable, "-c", DEEP.format(src=str(ROOT / "src"))], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines() == [
        "f.yaml:1:67: error: data nested more than 64 levels deep",
        "f.yaml:1:256: error: data nested more than 64 levels deep",
        "f.yaml:1:129: error: data nested more than 64 levels deep",
        "f.yaml:65:65: error: data nested more than 64 levels deep",
    ]


def test_nesting_is_measured_where_libyaml_refuses_to_scan_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """PyYAML 6.0.4's libyaml stops at a thousand open brackets while it scans ahead, before the parser hands
    back the 65th; the depth is then measured on the text up to there, so the message is the same."""
    real = yaml.parse

    def scans_ahead(text: str, Loader: type) -> object:  # noqa: N803 - PyYAML's name
        if text.count("[") > 1000:
            index = [i for i, ch in enumerate(text) if ch == "["][1000]
            mark = yaml.Mark("f.yaml", index, 0, index, None, None)
            raise yaml.scanner.ScannerError(None, None, "exceeded maximum nesting depth", mark, "while increasing flow level")
        return real(text, Loader=Loader)

    monkeypatch.setattr(yaml, "parse", scans_ahead)
    doc, problems = load("a: " + "[" * 5000)
    assert doc is None and problems == ["f.yaml:1:67: error: data nested more than 64 levels deep"]


# --- finding dossiers ----------------------------------------------------------------------------


def test_find_dossiers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for rel in ["facts/good/dossier.yaml", "facts/notes/a.yml", "facts/Bad_Name/dossier.yaml", "facts/.hidden/x.yaml", "facts/empty/readme.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x: 1\n")
    problems = Problems()
    assert find_dossiers(Path("facts"), problems) == {"good": Path("facts/good")}
    assert [str(p) for p in problems.sorted()] == [
        "facts/Bad_Name/dossier.yaml:1:1: error: dossier folder name 'Bad_Name' is not a valid id: use lowercase letters, digits and hyphens",
        "facts/notes/a.yml:1:1: warning: folder 'notes' holds YAML but no dossier.yaml; it is ignored",
    ]


def test_yaml_files_skip_hidden_archive_and_templates(tmp_path: Path) -> None:
    for rel in ["a.yaml", "b.yml", "c.txt", ".d.yaml", "sub/e.yaml", "archive/f.yaml", "templates/g.yaml", ".git/h.yaml", "sub/archive/i.yaml"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    names = [p.relative_to(tmp_path).as_posix() for p in yaml_files(tmp_path)]
    assert names == ["a.yaml", "b.yml", "sub/e.yaml", "sub/archive/i.yaml"]


@pytest.mark.parametrize(("text", "line"), [
    ("facts:\n  - id: a\n    section: troops\n     statement: One space too many.\n", "4:6: error: 'statement:' is indented one space more than 'section:'"),
    ("facts:\n  - id: a\n     section: troops\n", "3:6: error: 'section:' is indented one space more than 'id:'"),
    ("facts:\n  - id: a\n    statement: A value that goes on\n      and says: this\n",
     "4:15: error: ':' followed by a space inside a value starts a mapping"),
])
def test_a_key_indented_too_far_is_named_with_the_key_above_it(text: str, line: str) -> None:
    _, problems = load(text)
    assert len(problems) == 1 and problems[0].startswith(f"f.yaml:{line}"), problems
