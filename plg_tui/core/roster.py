"""Reading a roster CSV and the programme's rules for who can form a group."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from plg_tui.core.roster_columns import COLUMNS, REQUIRED, misspelt_columns
from plg_tui.core.roster_csv_errors import unreadable_row
from plg_tui.errors import PlgError
from plg_tui.vault.records import Member as MemberRecord

MIN_MEMBERS, MAX_MEMBERS = 3, 6
# a management level as organisations number them; anything else is a typo (0, 45, -3)
MIN_LEVEL, MAX_LEVEL = 1, 12
_LEVEL = re.compile(r"[+-]?[0-9]+")

_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


@dataclass(frozen=True)
class Member:
    name: str
    email: str  # lower-cased
    level: int
    title: str = ""
    reports_to: str = ""
    department: str = ""
    timezone: str = ""
    line: int = 0

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name

    def to_record(self) -> MemberRecord:
        """The member as group.db keeps them: the roster row without its line number."""
        fields = asdict(self)
        del fields["line"]
        return MemberRecord(**fields)


class RosterError(PlgError):
    """Every problem found, one per line; nothing was created."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def has_control_chars(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


def valid_email(address: str) -> bool:
    return len(address) <= 254 and bool(_EMAIL.match(address))


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _decode(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise RosterError(
            [f"{source} line {line}: not UTF-8 text; save the file as 'CSV UTF-8' and try again"]
        ) from None


def read_roster(
    path: Path, group_timezone: str, *, allow_level_spread: bool = False
) -> list[Member]:
    """Parse and check a roster; raises RosterError listing every problem."""
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise RosterError([f"{source}: cannot read ({err.strerror})"]) from None
    return parse_roster(_decode(raw, source), source, group_timezone, allow_level_spread)


def parse_roster(
    text: str, source: str, group_timezone: str, allow_level_spread: bool = False
) -> list[Member]:
    rows = read_rows(text, source, group_timezone)
    problems = list(rows.problems)
    if not problems:
        problems.extend(check_group_rules(rows.members, source, allow_level_spread))
    if problems:
        raise RosterError(problems)
    return rows.members


@dataclass(frozen=True)
class RosterRows:
    """The people of a roster-shaped CSV, each with every value of their row, and the
    problems found; a pool reads its extra columns from `values`."""

    header: list[str]
    members: list[Member]
    values: list[dict[str, str]]
    problems: list[str]


RowCheck = Callable[[dict[str, str], str], list[str]]


def read_rows(
    text: str,
    source: str,
    default_timezone: str,
    *,
    columns: Sequence[str] = COLUMNS,
    check_extra: RowCheck | None = None,
) -> RosterRows:
    """Every row checked as a roster's (plus `check_extra`); RosterError if it is no CSV."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems: list[str] = []
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise RosterError([f"{source}: the file is empty; expected a header line"]) from None
    except csv.Error as err:
        raise RosterError([unreadable_row(err, text, source, delimiter, 1, [])]) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise RosterError(
            [
                f"{source} line 1: missing column(s) {', '.join(missing)}; "
                f"expected columns: {','.join(columns)}"
            ]
        )
    for column, meant in misspelt_columns(header, columns):
        problems.append(
            f"{source} line 1: column '{column}' looks like a misspelt '{meant}'; rename it "
            f"to '{meant}' (columns plg reads: {','.join(columns)})"
        )
    members: list[Member] = []
    all_values: list[dict[str, str]] = []
    line_before = reader.line_num
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as err:
            problem = unreadable_row(err, text, source, delimiter, line_before + 1, header)
            raise RosterError([problem]) from None
        # a quoted field may span lines; people look for the line the row starts on
        line, line_before = line_before + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        values = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
        where = f"{source} line {line}"
        who = values.get("name") or values.get("email") or "(no name)"
        row_problems = _check_row(values, where, default_timezone)
        if check_extra is not None:
            row_problems.extend(check_extra(values, where))
        if has_control_chars(who):
            who = repr(who)
        problems.extend(f"{p} (person: {who})" for p in row_problems)
        if row_problems:
            continue
        members.append(
            Member(
                name=values["name"],
                email=values["email"].lower(),
                level=int(values["level"]),
                title=values.get("title", ""),
                reports_to=values.get("reports_to", "").lower(),
                department=values.get("department", ""),
                timezone=values.get("timezone", "") or default_timezone,
                line=line,
            )
        )
        all_values.append(values)
    return RosterRows(header, members, all_values, problems)


def check_level(level: str) -> str | None:
    """What is wrong with a management level as written, or None (rosters and pools alike)."""
    shown = repr(level if len(level) <= 20 else level[:20] + "...")
    if not _LEVEL.fullmatch(level):  # ASCII digits only: int() would take "١٢" or "1_0"
        return f"{shown} is not a whole number"
    if len(level) > 8 or not MIN_LEVEL <= int(level) <= MAX_LEVEL:
        return (
            f"{shown} is outside {MIN_LEVEL} to {MAX_LEVEL}; write the person's management "
            f"level as a whole number from {MIN_LEVEL} to {MAX_LEVEL}"
        )
    return None


def _check_row(values: dict[str, str], where: str, group_timezone: str) -> list[str]:
    problems = []
    for field, value in values.items():
        if has_control_chars(value):
            problems.append(
                f"{where}: field '{field}' contains a control character (line break, NUL, ...); "
                "remove it"
            )
    name, email, level = values.get("name", ""), values.get("email", ""), values.get("level", "")
    if not name:
        problems.append(f"{where}: field 'name' is empty")
    if not email:
        problems.append(f"{where}: field 'email' is empty")
    elif not has_control_chars(email) and not valid_email(email):
        problems.append(f"{where}: field 'email': {email!r} is not a valid email address")
    level_problem = check_level(level)
    if level_problem:
        problems.append(f"{where}: field 'level': {level_problem}")
    manager = values.get("reports_to", "")
    if manager and not has_control_chars(manager) and not valid_email(manager):
        problems.append(f"{where}: field 'reports_to': {manager!r} is not a valid email address")
    tz = values.get("timezone", "") or group_timezone
    if not has_control_chars(tz) and not valid_timezone(tz):
        problems.append(
            f"{where}: field 'timezone': {tz!r} is not a known time zone (use Area/City, "
            "e.g. Europe/Berlin)"
        )
    return problems


def check_group_rules(
    members: Sequence[Member], source: str, allow_level_spread: bool = False
) -> list[str]:
    problems: list[str] = []
    if not MIN_MEMBERS <= len(members) <= MAX_MEMBERS:
        problems.append(
            f"{source}: a group has {MIN_MEMBERS} to {MAX_MEMBERS} members; "
            f"this roster has {len(members)}"
        )
    by_email: dict[str, Member] = {}
    for m in members:
        if m.email in by_email:
            first = by_email[m.email]
            problems.append(
                f"{source} line {m.line}: email {m.email} is already used on line {first.line} "
                f"({first.name} and {m.name}); emails must be unique"
            )
        else:
            by_email[m.email] = m
    for m in members:
        chain: list[Member] = []
        seen = {m.email}
        boss = by_email.get(m.reports_to)
        while boss is not None and boss.email not in seen:
            chain.append(boss)
            seen.add(boss.email)
            boss = by_email.get(boss.reports_to)
        for depth, manager in enumerate(chain):
            via = ""
            if depth:
                via = " through " + " and ".join(c.name for c in chain[:depth])
            problems.append(
                f"{source} line {m.line}: {m.name} reports to {manager.name} (line "
                f"{manager.line}){via}; members of a group must not report to each other"
            )
    levels = [m.level for m in members]
    if levels and max(levels) - min(levels) > 1 and not allow_level_spread:
        low = min(members, key=lambda m: m.level)
        high = max(members, key=lambda m: m.level)
        problems.append(
            f"{source}: levels must be at most 1 apart, but {low.name} (line {low.line}) is "
            f"level {low.level} and {high.name} (line {high.line}) is level {high.level}; "
            "use --allow-level-spread to accept it"
        )
    return problems
