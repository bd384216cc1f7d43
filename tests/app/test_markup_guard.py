"""No screen builds markup by pasting text into a string: outside text goes through display.

A widget parses a `str` as markup, so `label.update(f"[b]{name}[/b]")` turns a roster name
into markup (issue 9, item 10). Strings built at the call site must be `markup(...)`,
`plain(...)` or `cell(...)` from plg_tui.app.display instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import plg_tui.app

APP = Path(plg_tui.app.__file__).parent
# Calls whose argument a widget shows: a str argument is parsed as markup.
SINKS = {"update", "Static", "Label", "Option", "add_row", "update_cell", "Digits"}
SAFE = {"markup", "plain", "cell", "Content", "Text"}


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _built_strings(node: ast.AST) -> list[ast.AST]:
    """f-strings, concatenations, % and .format/.join calls not wrapped in a safe helper."""
    if isinstance(node, ast.Call) and _name(node) in SAFE:
        return []
    found: list[ast.AST] = []
    pasted = isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod)
    if isinstance(node, ast.JoinedStr) or pasted:
        found.append(node)
    elif isinstance(node, ast.Call) and _name(node) in ("format", "join"):
        receiver = getattr(node.func, "value", None)
        if not (isinstance(receiver, ast.Call) and _name(receiver) in SAFE):  # Content("\n").join
            found.append(node)
    for child in ast.iter_child_nodes(node):
        found.extend(_built_strings(child))
    return found


def unsafe_calls(source: str) -> list[tuple[int, str]]:
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "rich.markup":
            problems.append((node.lineno, "rich.markup.escape misses Textual's own tags"))
        if isinstance(node, ast.Call) and _name(node) in SINKS:
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                problems.extend((bad.lineno, _name(node)) for bad in _built_strings(arg))
    return problems


def test_no_widget_text_is_built_by_pasting_strings():
    problems = [
        f"{path.relative_to(APP)}:{line}: {what}"
        for path in sorted(APP.rglob("*.py"))
        for line, what in unsafe_calls(path.read_text(encoding="utf-8"))
    ]
    assert problems == []


def test_the_guard_sees_the_old_mistakes():
    old = (
        "from rich.markup import escape\n"
        'label.update(f"[b]{name}[/b]")\n'
        'status.update("Before we start: " + "; ".join(problems))\n'
        "table.add_row(escape(person.name), key=key)\n"
        'yield Static("[b]{}[/b]".format(title))\n'
        'label.update(markup("[b]$n[/b]", n=name))\n'
        'label.update(Content("\\n").join(lines))\n'
    )
    assert [line for line, _ in unsafe_calls(old)] == [1, 2, 3, 3, 5]
