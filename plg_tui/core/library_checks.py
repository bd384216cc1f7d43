"""Checks across the whole module library: copied passages, copied script skeletons, and
scripts that name a technique their module does not have.

`plg modules check` runs these over every module; `plg modules check FILE` runs them for
FILE against the library (a file with a bundled module's id stands in for that module).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from plg_tui.core.module_model import Module, Problem
from plg_tui.core.module_quality import prose_fields, quality_problems
from plg_tui.core.script_skeleton import SKELETON_LIMIT, ScriptMatch, closest_scripts
from plg_tui.core.toml_lines import LineIndex

LONGEST_SHARED_TEXT = 60
# A technique's name is matched in scripts in full and by its short form before a colon
# ("SBI" for "SBI: Situation, Behaviour, Impact"); shorter forms than this are too common.
_SHORTEST_TECHNIQUE_NAME = 6


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _passages(module: Module) -> dict[str, str]:
    """Every window of LONGEST_SHARED_TEXT + 1 characters of the module's prose -> its field."""
    windows: dict[str, str] = {}
    size = LONGEST_SHARED_TEXT + 1
    for field, _, text in prose_fields(module):
        flat = _normal(text)
        for start in range(0, max(0, len(flat) - size + 1)):
            windows.setdefault(flat[start : start + size], field)
    return windows


def shared_passages(checked: Sequence[Module], library: Sequence[Module]) -> list[Problem]:
    """A passage longer than LONGEST_SHARED_TEXT characters in two different modules, reported
    once per field on the module that sorts first when both are checked."""
    owners: dict[str, dict[str, str]] = {}
    merged = {module.id: module for module in library}
    merged.update({module.id: module for module in checked})
    for module in merged.values():
        for window, field in _passages(module).items():
            owners.setdefault(window, {}).setdefault(module.id, field)
    checked_ids = {module.id for module in checked}
    problems: list[Problem] = []
    for module in checked:
        reported: set[str] = set()
        for window, field in _passages(merged[module.id]).items():
            if field in reported:
                continue
            for other_id, other_field in sorted(owners[window].items()):
                if other_id == module.id or (other_id in checked_ids and other_id < module.id):
                    continue
                reported.add(field)
                problems.append(
                    Problem(
                        module.path,
                        field,
                        f"shares a passage of more than {LONGEST_SHARED_TEXT} characters with "
                        f"{other_id} {other_field}: {window!r}",
                    )
                )
                break
    return problems


def _technique_names(module: Module) -> set[str]:
    """How a script may name each technique: the full name, the short form before a colon,
    and a leading acronym ("GROW" of "GROW conversation"); acronyms keep their case. A
    one-word name ("Pre-mortem") is a common term any script may use, so it is not matched."""
    names = set()
    for technique in module.techniques:
        for form in (technique.name, technique.name.split(":")[0].strip()):
            if len(form) >= _SHORTEST_TECHNIQUE_NAME and len(form.split()) >= 2:
                names.add(_normal(form))
        first = technique.name.split(" ")[0].rstrip(":")
        if len(first) >= 2 and first.isupper() and first.isalpha():
            names.add(first)
    return names


def _names_in(name: str, script: str) -> bool:
    text = script if name.isupper() else _normal(script)
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def foreign_techniques(checked: Sequence[Module], library: Sequence[Module]) -> list[Problem]:
    """A script naming a technique that belongs to another module and not to its own."""
    known: dict[str, str] = {}
    for module in [*library, *checked]:
        for name in _technique_names(module):
            known.setdefault(name, module.id)
    problems: list[Problem] = []
    for module in checked:
        own = _technique_names(module)
        own_text = " ".join(own).lower()
        for session, phases in (("session1", module.session1), ("session2", module.session2)):
            for number, phase in enumerate(phases, 1):
                for name, owner in sorted(known.items()):
                    if name in own or name.lower() in own_text:
                        continue  # one of this module's own names, or part of one
                    if not _names_in(name, phase.script):
                        continue
                    where = "" if owner == module.id else f" (it is in {owner})"
                    problems.append(
                        Problem(
                            module.path,
                            f"{session}.phases[{number}].script",
                            f"names the technique {name!r}, which is not in this module"
                            f"{where}: add it to [[techniques]] or change the script",
                        )
                    )
    return problems


def copied_skeletons(checked: Sequence[Module], library: Sequence[Module]) -> list[Problem]:
    """Scripts whose skeleton (topic words removed) is nearly another module's script."""
    checked_ids = {module.id for module in checked}
    merged = {module.id: module for module in library}
    merged.update({module.id: module for module in checked})
    problems: list[Problem] = []
    for match in closest_scripts(merged.values()):
        if match.score <= SKELETON_LIMIT:
            break
        module_id = match.first.split(" ")[0]
        other = match.second
        if module_id not in checked_ids:
            module_id, other = match.second.split(" ")[0], match.first
            if module_id not in checked_ids:
                continue
        mine = match.first if match.first.startswith(module_id + " ") else match.second
        problems.append(
            Problem(
                merged[module_id].path,
                mine.split(" ")[1],
                f"has the same skeleton as {other} ({match.score:.0%} alike once the topic "
                f"words are removed, at most {SKELETON_LIMIT:.0%}): write the script for this "
                "topic rather than adapting another",
            )
        )
    return problems


def closest_pair(modules: Iterable[Module]) -> ScriptMatch | None:
    matches = closest_scripts(modules)
    return matches[0] if matches else None


def _with_lines(problems: list[Problem]) -> list[Problem]:
    indexes: dict[str, LineIndex] = {}
    placed = []
    for problem in problems:
        key = str(problem.path)
        if key not in indexes:
            try:
                indexes[key] = LineIndex(problem.path.read_text(encoding="utf-8"))
            except OSError:
                placed.append(problem)
                continue
        line = problem.line or indexes[key].line_for(problem.field)
        placed.append(Problem(problem.path, problem.field, problem.message, line))
    return placed


@dataclass(frozen=True)
class LibraryReport:
    problems: list[Problem]
    closest: ScriptMatch | None


def check_library(checked: Sequence[Module], library: Sequence[Module]) -> LibraryReport:
    """Quality problems of ``checked`` alone and against ``library`` (which may include them)."""
    problems: list[Problem] = []
    for module in checked:
        problems.extend(quality_problems(module))
    problems.extend(shared_passages(checked, library))
    problems.extend(foreign_techniques(checked, library))
    problems.extend(copied_skeletons(checked, library))
    merged = {module.id: module for module in library}
    merged.update({module.id: module for module in checked})
    return LibraryReport(_with_lines(problems), closest_pair(merged.values()))
