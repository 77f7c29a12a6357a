"""The package's shape: layers one way (import-linter), no import cycles, small modules that say what they own."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from briefing.foundation.scales import WARNING_KINDS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "briefing"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_import_contracts_hold() -> None:
    """`lint-imports` with the contracts of pyproject.toml: an upward import or a command importing another fails."""
    script = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    result = subprocess.run([sys.executable, "-c", script, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                            cwd=ROOT / "src", capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def _imports(path: Path) -> set[str]:
    """Every module of the package that `path` imports, at the top or inside a function."""
    name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module if node.level == 0 else ".".join([*name.split(".")[:-node.level], node.module])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    known = {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__") for p in MODULES}
    return {m for m in found if m in known and m != name and not name.startswith(m + ".")}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_between_modules() -> None:
    graph = {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): _imports(p)
             for p in MODULES}
    # A package's __init__ is imported on the way to any of its modules: it is not an edge back.
    graph = {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in graph.items()}
    assert "briefing.commands.build" in graph["briefing.cli"], "imports inside functions count"
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_module_says_what_it_owns_and_stays_small() -> None:
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(text))
        assert doc and doc.strip(), f"{path.relative_to(ROOT)} has no docstring saying what it owns"
        assert text.count("\n") <= 420, f"{path.relative_to(ROOT)} has {text.count(chr(10))} lines; split it by responsibility"


def test_every_warning_kind_used_is_listed_with_its_description() -> None:
    """A warning's kind is the name `accept:` takes: an unlisted kind could never be accepted."""
    used = set()
    for path in MODULES:
        used.update(re.findall(r"_warn\([^,]+,[^,]+,\s*\"([a-z-]+)\"", path.read_text(encoding="utf-8")))
    assert used, "no warning kinds found: the pattern above no longer matches how warnings are given"
    assert used <= set(WARNING_KINDS), used - set(WARNING_KINDS)
    assert all(WARNING_KINDS[kind].strip() for kind in WARNING_KINDS)
