"""Validating module and trust-session files against the schema, every problem at once.

Validation never stops at the first problem: it reports every one, each with the file, the
field path (1-based indexes, e.g. ``session1.phases[3].minutes``) and, where it can be found,
the line.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from plg_tui.core.module_model import (
    REFLECTION_QUESTIONS_RANGE,
    REQUIRED_CAPTURES,
    SESSION_MINUTES,
    STEPS_RANGE,
    TAGLINE_MAX,
    TECHNIQUES_RANGE,
    WEEK_COUNT,
    Module,
    Phase,
    Problem,
    Technique,
    TrustSession,
    Week,
)
from plg_tui.core.toml_checker import FieldChecker, type_name
from plg_tui.vocabulary import PHASE_CAPTURE_KINDS, PhaseKind

_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MODULE_KEYS = frozenset(
    {
        "id",
        "kind",
        "title",
        "tagline",
        "summary",
        "challenge_prompt",
        "techniques",
        "session1",
        "session2",
        "weeks",
        "reflection_questions",
    }
)
_TRUST_KEYS = frozenset({"id", "kind", "title", "summary", "phases"})
_PHASE_KEYS = frozenset({"name", "minutes", "kind", "script", "captures"})
_TECHNIQUE_KEYS = frozenset({"name", "why", "steps", "source"})
_WEEK_KEYS = frozenset({"tip", "prompt", "checkin", "title"})
WEEK_TITLE_MAX = 60
_SESSION_KEYS = frozenset({"phases"})


class _Checker(FieldChecker):
    """Walks one parsed module or trust file, collecting problems and building the value."""

    TOP_LEVEL_KEYS = _MODULE_KEYS | _TRUST_KEYS

    def phase(self, field: str, table: dict[str, Any]) -> Phase:
        self.unknown_keys(table, _PHASE_KEYS, field)
        name = self.text(table, "name", field)
        script = self.text(table, "script", field)
        minutes = 0
        if "minutes" not in table:
            self.problem(f"{field}.minutes", "missing")
        elif isinstance(table["minutes"], bool) or not isinstance(table["minutes"], int):
            self.problem(
                f"{field}.minutes", f"must be a whole number, not {type_name(table['minutes'])}"
            )
        elif table["minutes"] < 1:
            self.problem(f"{field}.minutes", f"is {table['minutes']}, must be at least 1")
        else:
            minutes = table["minutes"]
        kind = self.text(table, "kind", field)
        if kind and kind not in tuple(PhaseKind):
            self.problem(
                f"{field}.kind", f"unknown kind {kind!r}, must be one of {', '.join(PhaseKind)}"
            )
        captures: str | None = None
        if "captures" in table:
            captures = self.text(table, "captures", field) or None
            if captures is not None and captures not in PHASE_CAPTURE_KINDS:
                self.problem(
                    f"{field}.captures",
                    f"unknown value {captures!r}, must be one of {', '.join(PHASE_CAPTURE_KINDS)}",
                )
            elif captures is not None and kind == PhaseKind.OPEN:
                self.problem(f"{field}.captures", "only round or capture phases can capture")
        return Phase(name=name, minutes=minutes, kind=kind, script=script, captures=captures)

    def agenda(self, table: dict[str, Any], key: str) -> tuple[Phase, ...]:
        """Top-level ``[[phases]]`` (trust file) or ``[sessionN]`` with ``[[sessionN.phases]]``."""
        if key == "phases":
            owner, prefix = table, ""
        else:
            if key not in table:
                self.problem(key, "missing")
                return ()
            if not isinstance(table[key], dict):
                self.problem(key, f"must be a table ([{key}]), not {type_name(table[key])}")
                return ()
            owner, prefix = table[key], key
            self.unknown_keys(owner, _SESSION_KEYS, key)
        field = f"{prefix}.phases" if prefix else "phases"
        entries = self.table_list(owner, "phases", prefix, None)
        if not entries:
            if isinstance(owner.get("phases"), list):
                self.problem(field, "has no phases")
            return ()
        phases = tuple(self.phase(entry_field, entry) for entry_field, entry in entries)
        if all(phase.minutes > 0 for phase in phases):
            total = sum(phase.minutes for phase in phases)
            if total != SESSION_MINUTES:
                self.problem(field, f"minutes sum to {total}, must be {SESSION_MINUTES}")
        present = {phase.captures for phase in phases}
        for needed in REQUIRED_CAPTURES[key]:
            if needed not in present:
                self.problem(field, f'needs a phase with captures = "{needed}"')
        return phases

    def header(self, data: dict[str, Any]) -> tuple[str, str, str]:
        module_id = self.text(data, "id")
        if module_id:
            if not _ID_PATTERN.match(module_id):
                self.problem("id", f"{module_id!r} must be lowercase letters, digits and hyphens")
            if module_id != self.path.stem:
                self.problem("id", f"is {module_id!r} but the file is named {self.path.name}")
        return module_id, self.text(data, "title"), self.text(data, "summary")

    def module(self, data: dict[str, Any]) -> Module:
        self.unknown_keys(data, _MODULE_KEYS, "")
        if "kind" in data and data["kind"] != "module":
            self.problem("kind", 'must be "module" or left out (only the trust file is "trust")')
        module_id, title, summary = self.header(data)
        tagline = self.text(data, "tagline")
        if len(tagline) > TAGLINE_MAX:
            self.problem("tagline", f"is {len(tagline)} characters, at most {TAGLINE_MAX}")
        challenge_prompt = self.text(data, "challenge_prompt")
        techniques = []
        for field, entry in self.table_list(data, "techniques", "", TECHNIQUES_RANGE):
            self.unknown_keys(entry, _TECHNIQUE_KEYS, field)
            techniques.append(
                Technique(
                    name=self.text(entry, "name", field),
                    why=self.text(entry, "why", field),
                    steps=self.text_list(entry, "steps", field, STEPS_RANGE),
                    source=self.text(entry, "source", field) if "source" in entry else "",
                )
            )
        session1 = self.agenda(data, "session1")
        session2 = self.agenda(data, "session2")
        weeks = []
        for field, entry in self.table_list(data, "weeks", "", (WEEK_COUNT, WEEK_COUNT)):
            self.unknown_keys(entry, _WEEK_KEYS, field)
            weeks.append(
                Week(
                    tip=self.text(entry, "tip", field),
                    prompt=self.text(entry, "prompt", field),
                    checkin=self.text(entry, "checkin", field),
                    title=self._week_title(entry, field),
                )
            )
        reflection = self.text_list(data, "reflection_questions", "", REFLECTION_QUESTIONS_RANGE)
        return Module(
            id=module_id,
            title=title,
            tagline=tagline,
            summary=summary,
            challenge_prompt=challenge_prompt,
            techniques=tuple(techniques),
            session1=session1,
            session2=session2,
            weeks=tuple(weeks),
            reflection_questions=reflection,
            path=self.path,
        )

    def _week_title(self, entry: dict[str, Any], field: str) -> str:
        if "title" not in entry:
            return ""
        title = self.text(entry, "title", field)
        if len(title) > WEEK_TITLE_MAX:
            self.problem(f"{field}.title", f"is {len(title)} characters, at most {WEEK_TITLE_MAX}")
        return title

    def trust(self, data: dict[str, Any]) -> TrustSession:
        self.unknown_keys(data, _TRUST_KEYS, "")
        module_id, title, summary = self.header(data)
        phases = self.agenda(data, "phases")
        return TrustSession(
            id=module_id, title=title, summary=summary, phases=phases, path=self.path
        )


def _parse(path: Path) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, "", [Problem(path, "file", f"cannot read: {error.strerror or error}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "", [Problem(path, "file", "is not UTF-8 text")]
    try:
        return tomllib.loads(text), text, []
    except tomllib.TOMLDecodeError as error:
        # The message ends "(at line 12, column 5)"; keep the reason, move the line.
        message = str(error)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line = int(match.group(1)) if match else None
        reason = message[: match.start()].strip() if match else message
        if match:
            reason = f"{reason} (column {match.group(2)})"
        return None, text, [Problem(path, "toml", f"syntax error: {reason}", line)]


def _is_trust(data: dict[str, Any]) -> bool:
    return data.get("kind") == "trust"


def check_parsed(path: Path) -> tuple[Module | TrustSession | None, list[Problem]]:
    data, text, problems = _parse(path)
    if data is None:
        return None, problems
    checker = _Checker(path, text)
    value: Module | TrustSession = checker.trust(data) if _is_trust(data) else checker.module(data)
    return value, checker.problems


def check_file(path: Path) -> list[Problem]:
    """Every problem in one module or trust file; never raises on bad input."""
    return check_parsed(Path(path))[1]


def _toml_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(sorted(path.glob("*.toml")))
        else:
            files.append(path)
    return files


def check_paths(paths: list[Path]) -> list[Problem]:
    """Check files and directories (every ``*.toml`` in them); duplicate ids are problems."""
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    for file in _toml_files(paths):
        value, file_problems = check_parsed(file)
        problems.extend(file_problems)
        if value is not None and value.id:
            if value.id in seen:
                problems.append(
                    Problem(file, "id", f"{value.id!r} is already used by {seen[value.id]}")
                )
            else:
                seen[value.id] = file
    return problems


def loaded_modules(paths: list[Path]) -> list[Module]:
    """The modules (not the trust session) in these files and folders that load; later
    folders override earlier ones with the same id, as the library does."""
    found: dict[str, Module] = {}
    for file in _toml_files(paths):
        value, problems = check_parsed(file)
        if isinstance(value, Module) and not problems:
            found[value.id] = value
    return list(found.values())
