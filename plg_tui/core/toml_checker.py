"""Checking the fields of a parsed TOML file: every problem at once, each with field and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plg_tui.core.module_model import Problem
from plg_tui.core.toml_lines import LineIndex


def type_name(value: Any) -> str:
    names = {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


class FieldChecker:
    """Walks one parsed TOML file, collecting every problem with its field path and line.

    A subclass names the file's top-level keys, so one written below a [table] (where TOML
    makes it part of that table) is reported as that slip.
    """

    TOP_LEVEL_KEYS: frozenset[str] = frozenset()

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self._lines = LineIndex(text)

    def problem(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.path, field, message, self._lines.line_for(field)))

    def unknown_keys(self, table: dict[str, Any], allowed: frozenset[str], prefix: str) -> None:
        for key in sorted(set(table) - allowed):
            field = f"{prefix}.{key}" if prefix else key
            if prefix and key in self.TOP_LEVEL_KEYS:
                # A classic TOML slip: a top-level key written below a [table] joins that table.
                self.problem(field, "unknown field; top-level fields must come before any [table]")
            else:
                self.problem(field, "unknown field")

    def text(self, table: dict[str, Any], key: str, prefix: str = "") -> str:
        field = f"{prefix}.{key}" if prefix else key
        if key not in table:
            self.problem(field, "missing")
            return ""
        value = table[key]
        if not isinstance(value, str):
            self.problem(field, f"must be a string, not {type_name(value)}")
            return ""
        if not value.strip():
            self.problem(field, "must not be empty")
            return ""
        return value.strip()

    def table_list(
        self,
        table: dict[str, Any],
        key: str,
        prefix: str,
        count: tuple[int, int] | None,
    ) -> list[tuple[str, dict[str, Any]]]:
        field = f"{prefix}.{key}" if prefix else key
        if key not in table:
            self.problem(field, "missing")
            return []
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.problem(field, f"must be an array of tables ([[{field}]]), not {type_name(value)}")
            return []
        self._check_count(field, len(value), count, "entries")
        return [(f"{field}[{i}]", item) for i, item in enumerate(value, start=1)]

    def text_list(
        self, table: dict[str, Any], key: str, prefix: str, count: tuple[int, int]
    ) -> tuple[str, ...]:
        field = f"{prefix}.{key}" if prefix else key
        if key not in table:
            self.problem(field, "missing")
            return ()
        value = table[key]
        if not isinstance(value, list):
            self.problem(field, f"must be an array of strings, not {type_name(value)}")
            return ()
        self._check_count(field, len(value), count, "items")
        items: list[str] = []
        for i, item in enumerate(value, start=1):
            if not isinstance(item, str):
                self.problem(f"{field}[{i}]", f"must be a string, not {type_name(item)}")
            elif not item.strip():
                self.problem(f"{field}[{i}]", "must not be empty")
            else:
                items.append(item.strip())
        return tuple(items)

    def _check_count(
        self, field: str, actual: int, count: tuple[int, int] | None, noun: str
    ) -> None:
        if count is None:
            return
        low, high = count
        if low == high and actual != low:
            self.problem(field, f"has {actual} {noun}, must have exactly {low}")
        elif not low <= actual <= high:
            self.problem(field, f"has {actual} {noun}, must have {low} to {high}")
