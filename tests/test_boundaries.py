"""The import contract: core and vault never import Textual; the companion never imports the app."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CONTRACTS = [
    ("plg_tui/core", ("textual", "plg_tui.app")),
    ("plg_tui/vault", ("textual", "plg_tui.app", "plg_tui.core")),
    ("companion", ("textual", "plg_tui.app")),
]


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


@pytest.mark.parametrize(("package", "forbidden"), CONTRACTS)
def test_static_import_contract(package, forbidden):
    violations = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in imported_modules(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                violations.append(f"{path.relative_to(ROOT)} imports {name}")
    assert violations == []


def test_runtime_import_contract():
    modules = [
        str(p.relative_to(ROOT).with_suffix("")).replace("/", ".")
        for package in ("plg_tui/core", "plg_tui/vault", "companion")
        for p in sorted((ROOT / package).rglob("*.py"))
        if p.name != "__main__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')"
        " or m.startswith('plg_tui.app'))\n"
        "print('\\n'.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
