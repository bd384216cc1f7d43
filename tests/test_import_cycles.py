"""No import cycles in plg_tui or companion, not even through imports under TYPE_CHECKING.

grimp reads every import statement (function-level and TYPE_CHECKING ones included), and a
strongly connected component of more than one module is a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import grimp
import pytest


def strongly_connected(graph: Mapping[str, Iterable[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (the import graph is deep): components of 2+ modules."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[set[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, Iterable[str]]] = [(root, iter(graph[root]))]
        index[root] = lowlink[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in graph:
                    continue
                if successor not in index:
                    index[successor] = lowlink[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(graph[successor])))
                    advanced = True
                    break
                if successor in on_stack:
                    lowlink[node] = min(lowlink[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                lowlink[parent] = min(lowlink[parent], lowlink[node])
            if lowlink[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


@pytest.fixture(scope="module")
def import_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("plg_tui", "companion")
    return {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}


def cycles_in(graph: Mapping[str, set[str]], package: str) -> list[list[str]]:
    inside = {
        module: {m for m in imported if m == package or m.startswith(package + ".")}
        for module, imported in graph.items()
        if module == package or module.startswith(package + ".")
    }
    return [sorted(component) for component in strongly_connected(inside)]


def test_tarjan_finds_a_cycle_and_nothing_else() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert strongly_connected(graph) == [{"a", "b", "c"}]


def test_the_session_app_has_no_import_cycle(import_graph: dict[str, set[str]]) -> None:
    assert cycles_in(import_graph, "plg_tui.app") == []


def test_plg_tui_has_no_import_cycle(import_graph: dict[str, set[str]]) -> None:
    assert cycles_in(import_graph, "plg_tui") == []


@pytest.mark.xfail(strict=True, reason="companion restructure pending (issue 10)")
def test_companion_has_no_import_cycle(import_graph: dict[str, set[str]]) -> None:
    assert cycles_in(import_graph, "companion") == []
