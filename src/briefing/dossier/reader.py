"""Read YAML files into plain data while keeping where every value came from.

libyaml's composer (C, fast) gives a node tree with marks; we walk it ourselves
instead of using a constructor so that we can refuse what PyYAML would accept
silently (duplicate keys, tags that construct objects, aliases) and remember the
line and column of every key and value for error messages.

Plain scalars that YAML 1.1 would turn into a bool, number or date are kept as
`Plain`, a `str` holding exactly what the analyst typed plus the value YAML
would have made of it. Text fields then read `no` as "no" and `2024` as "2024";
number fields read the number. Nothing is coerced behind the analyst's back.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from briefing.dossier.marks import BITS, KEY_PREFIXES, VALUE_PREFIXES, Marks, Path_, Pos, number_path
from briefing.dossier.yaml_errors import _TAG, _alias_marks, _Loader, _reader_problem, _tag_message, _tag_name, _too_deep, _yaml_problem
from briefing.foundation.errors import Problem, Problems
from briefing.foundation.limits import LIMITS

MAX_NUMBER_CHARS = 1000  # a plain number longer than this is refused as written (no figure needs 1,000 digits)
MAX_SEXAGESIMAL = 40  # YAML 1.1 base-60 numbers (`1:30:00`): longer ones are refused before they are computed

_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_NEST_LIMIT = 64
_ALIASES_SHOWN = 10
_CONSTRUCTOR = SafeConstructor()
_STR, _SEQ, _MAP, _MERGE = (_TAG + t for t in ("str", "seq", "map", "merge"))



class Plain(str):
    """A plain scalar that YAML resolves to something other than text.

    The string is the source text; `value` is what YAML would have made of it.
    """

    value: Any

    def __new__(cls, text: str, value: Any) -> Plain:
        obj = super().__new__(cls, text)
        obj.value = value
        return obj


@dataclass
class Document:
    """One YAML file: its data and the 1-based position of every value and key in it.

    Positions of the top two levels (the lists and mappings of a file) are kept
    as they are; everything from an item down is packed per item (`Marks`).
    """

    path: Path
    data: Any
    top: dict[tuple[Path_, bool], Pos] = field(default_factory=dict)
    items: dict[Path_, Marks] = field(default_factory=dict)

    def where(self, path: Path_, key: bool = False) -> Pos:
        """Position of the value at `path` (or of its key), else of the nearest parent."""
        if key and (path, True) in self.top:  # keys of the top two levels, an item's own key among them
            return self.top[(path, True)]
        if len(path) >= 2 and (marks := self.items.get(path[:2])) is not None:
            return marks.where(path[2:], key)
        while path:
            if (path, False) in self.top:
                return self.top[(path, False)]
            path = path[:-1]
        return self.top.get(((), False), (1, 1))

    def marks(self, head: Path_) -> Marks:
        """The positions of the item at `head` (top-level key and index), for messages after the data is gone."""
        marks = self.items.get(head)
        if marks is None:  # not an item the walk recorded (it failed early): the nearest position there is
            line, col = self.where(head)
            marks = Marks([number_path((), False) | line << BITS | col])
        return marks

    def problem(self, path: Path_, message: str, *, key: bool = False, warning: bool = False) -> Problem:
        line, col = self.where(path, key)
        return Problem(self.path, line, col, message, "warning" if warning else "error")


# --- reading one file -------------------------------------------------------------


def read_text(path: Path, problems: Problems) -> str | None:
    """The file's text, or None after reporting why it cannot be read as UTF-8 YAML."""
    raw = read_raw(path, problems)
    return None if raw is None else decode(raw, path, problems)


def read_raw(path: Path, problems: Problems) -> bytes | None:
    """The file's bytes, or None after reporting why not (not a regular file, over the size limit, unreadable)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a named pipe or device would block the read forever
            problems.error(path, 1, 1, "not a regular file; fact files are plain text files")
            return None
        size = info.st_size
        if size > LIMITS.max_file_bytes:
            problems.error(
                path, 1, 1,
                f"file is {size:,} bytes, over the limit of {LIMITS.max_file_bytes:,} "
                "(split it, or raise BRIEFING_MAX_FILE_BYTES)",
            )
            return None
        return path.read_bytes()
    except OSError as exc:
        problems.error(path, 1, 1, f"cannot read file: {exc.strerror or exc}")
        return None


def decode(raw: bytes, path: Path, problems: Problems) -> str | None:
    """`raw` as text, or None after reporting why it is not UTF-8 (a byte order mark is dropped)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.error(path, 1, 1, "file is UTF-16; save it as UTF-8")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[start : exc.start].decode("utf-8", errors="replace")) + 1  # characters, as YAML marks count
        problems.error(path, line, col, f"file is not UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8")
        return None
    return text.removeprefix("\ufeff")


def load_file(path: Path, problems: Problems) -> Document | None:
    """Load one YAML file, reporting every problem found into `problems`."""
    text = read_text(path, problems)
    if text is None:
        return None
    return load_text(text, path, problems)


def load_text(text: str, path: Path, problems: Problems) -> Document | None:
    """Parse `text` (from `path`) into a Document, or None after reporting why not."""
    if _too_deep(text, path, problems):
        return None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        problems.add(_yaml_problem(path, exc, text))
        return None
    except yaml.reader.ReaderError as exc:
        problems.add(_reader_problem(path, exc, text))
        return None
    except yaml.YAMLError as exc:  # unmarked errors: report at the top of the file, on one line
        problems.error(path, 1, 1, "YAML error: " + " ".join(str(exc).split()))
        return None
    finally:
        loader.dispose()
    doc = Document(path, None)
    if node is None:
        doc.data = None
        return doc
    walker = _Walker(doc, problems, anchors="&" in text)
    doc.data = walker.walk(node, (), 0)
    if walker.aliased:
        marks = _alias_marks(text)
        for line, col in marks[:_ALIASES_SHOWN]:
            problems.error(path, line, col, "YAML aliases (*name) are not allowed in fact files; write the value out")
        if len(marks) > _ALIASES_SHOWN:  # an alias bomb: a few lines say it all
            line, col = marks[_ALIASES_SHOWN]
            problems.error(path, line, col, f"{len(marks) - _ALIASES_SHOWN} more YAML aliases from here on, not listed")
    return None if walker.failed else doc


class _Walker:
    """Turns composed nodes into dicts, lists and strings, recording positions."""

    def __init__(self, doc: Document, problems: Problems, anchors: bool = True) -> None:
        self.doc = doc
        self.problems = problems
        self.anchors = anchors  # without an '&' in the text there can be no alias: skip the bookkeeping
        self.seen: set[int] = set()
        self.failed = False
        self.aliased = False
        self.count = 0
        self.max_nodes = LIMITS.max_nodes
        self.marks: list[int] = []  # the positions of the item being walked

    def error(self, node: yaml.Node, message: str) -> None:
        self.failed = True
        self.problems.error(self.doc.path, node.start_mark.line + 1, node.start_mark.column + 1, message)

    def _alias(self, node: yaml.Node) -> bool:
        """True (and the walk fails) when `node` was met before: the second place is an alias."""
        if id(node) in self.seen:
            self.failed = self.aliased = True
            return True
        self.seen.add(id(node))
        return False

    def walk(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        if depth != 2:
            return self.node(node, path, depth)
        # An item (a fact, a source, a section): its positions are kept together, relative to it.
        self.marks = []
        data = self.node(node, (), depth)
        self.doc.items[path] = Marks(self.marks)
        return data

    def node(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        mark = node.start_mark
        if depth >= 2:  # an item and what is below it: packed, relative to the item (the hot path)
            prefix = VALUE_PREFIXES.get(path) or number_path(path, False)
            self.marks.append(prefix | (mark.line + 1) << BITS | (mark.column + 1))
        else:
            self.doc.top[(path, False)] = (mark.line + 1, mark.column + 1)
        self.count += 1
        if self.count > self.max_nodes:
            if self.count == self.max_nodes + 1:
                self.error(node, f"file has more than {self.max_nodes:,} values (raise BRIEFING_MAX_NODES)")
            return None
        if self.anchors and self._alias(node):
            return None
        tag = node.tag
        if tag == _STR and node.__class__ is yaml.ScalarNode:  # the common case, first
            return node.value
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if depth >= _NEST_LIMIT:
            self.error(node, f"data nested more than {_NEST_LIMIT} levels deep")
            return None
        if isinstance(node, yaml.SequenceNode):
            if tag != _SEQ:
                self.error(node, _tag_message(tag))
                return None
            child = self.walk if depth == 1 else self.node  # only depth 2 starts an item
            return [child(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if tag != _MAP:
            self.error(node, _tag_message(tag))
            return None
        return self.mapping(node, path, depth)

    def mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first: dict[str, yaml.Node] = {}
        child = self.walk if depth == 1 else self.node  # only depth 2 starts an item
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self.error(key_node, "merge keys ('<<') are not allowed in fact files; write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, "a mapping key must be plain text, not a list or mapping")
                continue
            if self.anchors and self._alias(key_node):
                continue
            if key_node.tag != _STR:
                self.scalar(key_node)  # refuses tags on keys
            key = key_node.value  # as typed: `~:` is the key '~', not None
            if key in first:
                line = first[key].start_mark.line + 1
                self.error(key_node, f"duplicate key '{key}' (first at line {line}); YAML would silently keep only the last one")
                continue
            first[key] = key_node
            sub = (*path, key)
            mark = key_node.start_mark
            if depth >= 2:
                prefix = KEY_PREFIXES.get(sub) or number_path(sub, True)
                self.marks.append(prefix | (mark.line + 1) << BITS | (mark.column + 1))
            else:
                self.doc.top[(sub, True)] = (mark.line + 1, mark.column + 1)
            out[key] = child(value_node, sub, depth + 1)
        return out

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            self.error(node, _tag_message(tag))
            return None
        if tag == _STR:
            return node.value
        if tag == _TAG + "null":
            if node.value not in ("", "~", "null", "Null", "NULL"):  # `!!null text` would drop the text silently
                self.error(node, f"tag '!!null' is not allowed on '{node.value[:40]}'; remove the tag or the value")
            return None
        if tag == _TAG + "timestamp":
            return Plain(node.value, node.value)
        if len(node.value) > (MAX_SEXAGESIMAL if ":" in node.value else MAX_NUMBER_CHARS):
            # YAML 1.1 reads `1:0:0...` in base 60 and long digits in quadratic time: refused before any arithmetic
            self.error(node, f"'{node.value[:20]}...' is too long to be a number ({len(node.value):,} characters); "
                       "put it in quotes if it is text")
            return None
        method = {"int": _CONSTRUCTOR.construct_yaml_int, "float": _CONSTRUCTOR.construct_yaml_float,
                  "bool": _CONSTRUCTOR.construct_yaml_bool}[tag.removeprefix(_TAG)]
        try:
            return Plain(node.value, method(node))
        except (ValueError, KeyError, IndexError, yaml.YAMLError):  # `!!bool maybe`, `!!int ''`: PyYAML raises what it meets
            text = node.value if len(node.value) <= 40 else node.value[:40] + "..."
            kind = {"int": "whole number", "float": "number", "bool": "yes/no value"}[tag.removeprefix(_TAG)]
            self.error(node, f"'{text}' is not a valid {kind}; remove any '{_tag_name(tag)}' tag, or put the value in quotes if it is text")
            return None


def describe(value: Any) -> str:
    """What the analyst wrote, named the way they would name it."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, Plain):
        kind = type(value.value).__name__
        return {"bool": "a yes/no value", "int": "a number", "float": "a number"}.get(kind, "a date") + f" '{value}'"
    if isinstance(value, str):
        return f"text '{value[:60]}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} '{value}'"
