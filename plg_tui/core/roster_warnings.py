"""What a roster that is accepted still deserves a word about: missing optional columns, time
zones written as abbreviations (EST) or deprecated names (US/Eastern), and a `reports_to` that
nearly names someone in the file."""

from __future__ import annotations

import csv
import io
import zoneinfo
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from plg_tui.core.reporting_lines import near_miss_warnings
from plg_tui.core.roster import RosterError, read_rows
from plg_tui.core.roster_columns import COLUMNS, ignored_columns
from plg_tui.core.safe_text import printable

# The areas of the current Area/City names (the tz database's own regions).
AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)
# Names plg itself uses as a default and that mean exactly what they say.
PLAIN_ZONES = frozenset({"UTC"})


@lru_cache(maxsize=1)
def _current_names() -> frozenset[str]:
    """Area/City names the installed tz database lists as in use (empty if it cannot say)."""
    names: set[str] = set()
    for folder in zoneinfo.TZPATH:
        for table in ("zone1970.tab", "zone.tab"):
            try:
                text = (Path(folder) / table).read_text(encoding="utf-8")
            except OSError:
                continue
            for line in text.splitlines():
                fields = line.split("\t")
                if len(fields) >= 3 and not line.startswith("#"):
                    names.add(fields[2])
        if names:
            break
    return frozenset(names)


def timezone_warning(name: str, where: str) -> str | None:
    """A warning for a known but ill-advised zone name; None for a current Area/City name."""
    if not name or name in PLAIN_ZONES:
        return None
    area = name.split("/", 1)[0]
    if "/" not in name:
        return (
            f"{where}: time zone {name!r} is an abbreviation or an old name, not a place: it may "
            "not follow daylight saving time as the person's clock does (EST stays UTC-5 all "
            "year); use Area/City, e.g. America/New_York"
        )
    current = _current_names()
    if area not in AREAS or (current and name not in current):
        return (
            f"{where}: time zone {name!r} is a deprecated name; it still works today, but use "
            "the current Area/City name (e.g. America/New_York for US/Eastern, Asia/Kolkata "
            "for Asia/Calcutta)"
        )
    return None


def missing_column_warnings(header: Iterable[str], source: str, group_timezone: str) -> list[str]:
    columns = [h.strip().lower() for h in header]
    warnings = []
    ignored = ignored_columns(columns)
    if ignored:
        warnings.append(
            f"{source}: column(s) {', '.join(ignored)} ignored: plg reads only {','.join(COLUMNS)}"
        )
    if "timezone" not in columns:
        warnings.append(
            f"{source}: no 'timezone' column: everyone gets the group's time zone "
            f"({group_timezone}) for their emails; add the column (Area/City) if some live "
            "elsewhere"
        )
    if "reports_to" not in columns:
        warnings.append(
            f"{source}: no 'reports_to' column: reporting lines cannot be checked, so nobody "
            "can tell whether someone in the group reports to another member; add the column "
            "(the manager's email)"
        )
    return warnings


def roster_warnings(path: Path, group_timezone: str) -> list[str]:
    """Warnings for a roster `read_roster` accepted (it has already checked it is readable)."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        return []
    warnings = missing_column_warnings(header, str(path), group_timezone)
    column, line_before = header.index("timezone") if "timezone" in header else -1, reader.line_num
    named = header.index("name") if "name" in header else -1
    try:
        for row in reader if column >= 0 else ():
            # a quoted field may span lines; the row is named by the line it starts on
            line, line_before = line_before + 1, reader.line_num
            zone = row[column].strip() if column < len(row) else ""
            name = row[named].strip() if 0 <= named < len(row) else ""
            warning = timezone_warning(zone, f"{path} line {line} ({printable(name)})")
            if warning:
                warnings.append(warning)
        members = read_rows(text, str(path), group_timezone).members
    except (csv.Error, RosterError):
        return warnings  # read_roster has already refused such a file
    return warnings + near_miss_warnings(members, str(path))
