"""libyaml's errors and the reader's own refusals, turned into messages an analyst can act on."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from briefing.foundation.errors import Problem, Problems

try:  # the C loader is a hard requirement in production; fall back only so tests can say why
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - exercised only on broken installs
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Pos = tuple[int, int]
_TAG = "tag:yaml.org,2002:"
_NEST_LIMIT = 64
_SAFE_BOUND = 1000  # nesting libyaml composes without trouble
_LEADING = re.compile(r"^[ ?-]+", re.M)


def _tag_name(tag: str) -> str:
    """A tag as the analyst wrote it (`!!python/object`, not the expanded URI)."""
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _tag_message(tag: str) -> str:
    return f"tag '{_tag_name(tag)}' is not allowed; remove it (fact files hold plain text, numbers, dates, lists and mappings)"


_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what libyaml counts as line breaks
_ESCAPE_HINT = "a backslash in double-quoted text starts an escape; use single quotes, or write \\\\ for a backslash"
_PLAIN_HINTS = {  # libyaml's wording -> what to do about it
    "mapping values are not allowed in this context":
        "':' followed by a space inside a value starts a mapping; put the value in quotes, or fix the indentation",
    "did not find expected key":
        "this line does not line up with the keys above it; indent it like the other keys of its mapping",
    "did not find expected '-' indicator":
        "this line does not line up with the list items above it; start it with '- ' or indent it like them",
    "block sequence entries are not allowed in this context":
        "a list item ('- ') cannot follow a key on the same line; start the list on the next line",
    "did not find expected <document start>":
        "unexpected text after a value; put the whole value in quotes",
    "found unknown escape character": _ESCAPE_HINT,
    "did not find expected hexdecimal number": _ESCAPE_HINT,
}


def _source_line(text: str, line: int) -> str:
    """Line `line` (1-based) of `text` as libyaml counts lines, or '' past the end."""
    lines = _BREAKS.split(text)
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _yaml_problem(path: Path, exc: yaml.MarkedYAMLError, text: str) -> Problem:
    """One actionable line for a libyaml error, at the place the analyst must edit."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    context = exc.context or ""
    source_line = _source_line(text, line)
    char = source_line[col - 1 : col]
    if isinstance(exc, yaml.composer.ComposerError) and "another document" in problem:
        message = "a file holds one YAML document; remove the second '---' document or move it to its own file"
    elif isinstance(exc, yaml.composer.ComposerError) and "undefined alias" in problem:
        message = "YAML aliases (*name) are not allowed in fact files; write the value out"
    elif "\t" in source_line[:col] and ("token" in problem or "indentation" in problem or "tab" in problem):
        col = source_line.index("\t") + 1
        message = "tab character in indentation; YAML needs spaces"
    elif "quoted scalar" in context and "end of stream" in problem and exc.context_mark is not None:
        # The end of the file is no help: the quote that was never closed is.
        line, col = exc.context_mark.line + 1, exc.context_mark.column + 1
        quote = _source_line(text, line)[col - 1 : col] or "'"
        message = f"the quoted text starting here is never closed; add the closing {quote}"
    elif "undefined tag handle" in problem:  # `!e!x`: refused like every other tag
        message = _tag_message((source_line[col - 1 :].split() or ["!"])[0])
    elif "could not find expected ':'" in problem and exc.context_mark is not None:
        # libyaml notices on the next line; the line that lacks its ':' is where the key began.
        line, col = exc.context_mark.line + 1, exc.context_mark.column + 1
        message = "this line has no ':' after its key; add ': ', or indent it under the key it continues"
    elif "block scalar" in context and "line break" in problem:
        message = "text after '|' or '>' on the same line; start the text on the next line, indented"
    elif "mapping keys are not allowed" in problem:
        message = "'?' here would start a complex key; put the value in quotes"
    elif "cannot start any token" in problem and char:
        message = f"a plain value cannot start with '{char}'; put the value in quotes"
    elif char in ("]", "}") and "flow" not in context:
        message = f"'{char}' closes a bracket that was never opened; remove it or add the opening one"
    elif "flow node" in context and "node content" in problem:  # `[` or `,` then nothing: libyaml no longer knows which bracket
        message = "a value is missing here: a '[' or '{' above is not closed, or a ',' has nothing after it"
    elif "flow sequence" in context or "flow mapping" in context:
        opened = exc.context_mark
        bracket, closing = ("[", "]") if "sequence" in context else ("{", "}")
        where = f" at line {opened.line + 1}, column {opened.column + 1}" if opened else ""
        message = f"the '{bracket}'{where} is not closed by '{closing}', or a ',' is missing between its items"
    elif problem == "mapping values are not allowed in this context" and (indented := _over_indented(text, line)):
        col, message = indented
    elif problem in _PLAIN_HINTS:
        message = _PLAIN_HINTS[problem]
    else:
        message = f"YAML syntax: {problem}" + (f" ({context})" if context else "")
    return Problem(path, line, col, message)


_KEY_LINE = re.compile(r"( *)(- )?([A-Za-z_][\w-]*):(?: |$)")


def _over_indented(text: str, line: int) -> tuple[int, str] | None:
    """A key indented further than the key on the line above: YAML reads it as more of that key's value.

    libyaml then stops at the second key's ':' ("mapping values are not
    allowed"), which does not say what to fix. Only a line that starts with a
    key-like word counts, so a value that goes on over lines and holds ': ' keeps
    the general message.
    """
    lines = _BREAKS.split(text)
    here = _KEY_LINE.match(lines[line - 1]) if 0 < line <= len(lines) else None
    above = next((ln for ln in reversed(lines[: line - 1]) if ln.strip() and not ln.lstrip().startswith("#")), "")
    there = _KEY_LINE.match(above)
    if here is None or here.group(2) or there is None:
        return None
    indent, key = len(here.group(1)), here.group(3)
    above_indent = len(there.group(1)) + len(there.group(2) or "")
    if indent <= above_indent:
        return None
    spaces = "one space" if indent - above_indent == 1 else f"{indent - above_indent} spaces"
    return indent + 1, (f"'{key}:' is indented {spaces} more than '{there.group(3)}:' above it, "
                        f"so YAML reads it as part of the value of '{there.group(3)}'; line the keys up")


def _reader_problem(path: Path, exc: yaml.reader.ReaderError, text: str) -> Problem:
    """A character YAML refuses (NUL, BEL, ...), at its line and column."""
    position = min(max(exc.position, 0), len(text))
    before = text[:position]
    line = len(_BREAKS.findall(before)) + 1
    last_break = max((m.end() for m in _BREAKS.finditer(before)), default=0)
    char = exc.character if isinstance(exc.character, int) else ord(text[position]) if position < len(text) else 0
    return Problem(path, line, position - last_break + 1, f"control character U+{char:04X} is not allowed in YAML; remove it")


def _too_deep(text: str, path: Path, problems: Problems) -> bool:
    """Refuse absurdly nested data before libyaml's recursive composer meets it.

    The composer recurses in C and crashes the interpreter on very deep
    nesting. Flow brackets plus the longest run of block indentation bound the
    depth from above; only when that bound is high do we walk the parser's
    events to measure the real depth.
    """
    bound = text.count("[") + text.count("{")
    if bound <= _SAFE_BOUND:
        bound += max((len(m) for m in _LEADING.findall(text)), default=0)
        if bound <= _SAFE_BOUND:
            return False
    mark = _first_too_deep(text)
    if mark is None:
        return False  # not too deep; the composer reports any syntax error with its position
    problems.error(path, mark.line + 1, mark.column + 1, f"data nested more than {_NEST_LIMIT} levels deep")
    return True


def _first_too_deep(text: str) -> Any:
    """The mark of the first list or mapping nested more than the limit, from the parser's events; None if none is."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > _NEST_LIMIT:
                    return event.start_mark
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        # The libyaml that PyYAML 6.0.4 ships refuses a thousand open brackets while it scans ahead,
        # before the parser hands back the one past our limit: measure the text up to there instead.
        mark = exc.problem_mark
        if "maximum nesting depth" in str(exc.problem) and mark is not None and 0 < mark.index < len(text):
            return _first_too_deep(text[: mark.index]) or mark
    except yaml.YAMLError:
        pass
    return None


def _alias_marks(text: str) -> list[Pos]:
    """Positions of every alias (`*name`) in the text, for error messages."""
    return [(e.start_mark.line + 1, e.start_mark.column + 1)
            for e in yaml.parse(text, Loader=_Loader) if isinstance(e, yaml.AliasEvent)]
