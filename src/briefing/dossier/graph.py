"""Cycles in the links between items of a dossier (`supersedes` between facts, `revises` between judgments)."""

from __future__ import annotations


def find_cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    """The cycles of a graph of ids (each as the path that closes it), by an iterative depth-first walk.

    Iterative, so that a chain of thousands of updates cannot exhaust the stack.
    """
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    cycles: list[list[str]] = []
    for start in sorted(edges):
        if start in state:
            continue
        state[start], path, stack = 1, [start], [(start, iter(edges[start]))]
        while stack:
            node, rest = stack[-1]
            nxt = next(rest, None)
            if nxt is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif nxt in edges and state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):])
            elif nxt in edges and nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(edges[nxt])))
    return cycles
