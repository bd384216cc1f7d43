"""Best-effort lines for field paths in a TOML text, for problem reports."""

from __future__ import annotations

import re


class LineIndex:
    """Best-effort map from a field path to the line that defines it.

    tomllib does not report positions of parsed values, so this scans the text for table
    headers and ``key =`` lines, skipping the insides of multi-line strings.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\s\"]+?)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")

    def __init__(self, text: str) -> None:
        self._lines: dict[str, int] = {}
        table = ""
        array_counts: dict[str, int] = {}
        in_multiline: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline is not None:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            header = self._HEADER.match(line)
            if header:
                name = header.group(2).replace(" ", "").replace('"', "")
                if header.group(1) == "[[":
                    array_counts[name] = array_counts.get(name, 0) + 1
                    self._lines.setdefault(name, number)
                table = self._indexed(name, array_counts)
                self._lines.setdefault(table, number)
                continue
            key = self._KEY.match(line)
            if key:
                path = f"{table}.{key.group(1)}" if table else key.group(1)
                self._lines.setdefault(path, number)
                for quote in ('"""', "'''"):
                    if line.count(quote) % 2 == 1:
                        in_multiline = quote
                        break

    @staticmethod
    def _indexed(name: str, array_counts: dict[str, int]) -> str:
        # "session1.phases" -> "session1.phases[3]" while inside the third [[session1.phases]]
        parts = name.split(".")
        out: list[str] = []
        for i, segment in enumerate(parts):
            prefix = ".".join(parts[: i + 1])
            out.append(f"{segment}[{array_counts[prefix]}]" if prefix in array_counts else segment)
        return ".".join(out)

    def line_for(self, field: str) -> int | None:
        candidate = field
        while candidate:
            if candidate in self._lines:
                return self._lines[candidate]
            # fall back to the enclosing field: "weeks[2].tip" -> "weeks[2]" -> "weeks"
            if candidate.endswith("]"):
                candidate = candidate[: candidate.rfind("[")]
            elif "." in candidate:
                candidate = candidate[: candidate.rfind(".")]
            else:
                return None
        return None
