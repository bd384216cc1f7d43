"""What a module is: the dataclasses for modules and the trust session, and their limits.

A module file describes one management topic: techniques, the two 90-minute session
agendas, four practice weeks and the reflection questions. The schema is documented in
``modules/README.md``; `module_checks` enforces it and `modules` loads the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from plg_tui.errors import PlgError
from plg_tui.vocabulary import SessionKind

TRUST_ID = "trust-building"
SESSION_MINUTES = 90
WEEK_COUNT = 4
TECHNIQUES_RANGE = (3, 5)
TAGLINE_MAX = 90
STEPS_RANGE = (2, 7)
REFLECTION_QUESTIONS_RANGE = (3, 5)

# Captures every agenda of that kind must contain, because the session app and the
# companion rely on them (challenges feed the practice month, commitments feed session 2).
REQUIRED_CAPTURES = {
    "session1": ("challenge", "commitment"),
    "session2": ("reflection", "commitment"),
    "phases": ("ground_rules",),
}


@dataclass(frozen=True)
class Phase:
    name: str
    minutes: int
    kind: str
    script: str
    captures: str | None = None

    @property
    def presents_techniques(self) -> bool:
        """The phase that walks the group through the module's techniques ("The techniques")."""
        return "technique" in self.name.lower()


@dataclass(frozen=True)
class Technique:
    name: str
    why: str
    steps: tuple[str, ...]
    source: str = ""


@dataclass(frozen=True)
class Week:
    tip: str
    prompt: str
    checkin: str
    title: str = ""  # optional: a few words naming the tip, for the weekly email's subject


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    tagline: str
    summary: str
    challenge_prompt: str
    techniques: tuple[Technique, ...]
    session1: tuple[Phase, ...]
    session2: tuple[Phase, ...]
    weeks: tuple[Week, ...]
    reflection_questions: tuple[str, ...]
    path: Path

    def agenda(self, kind: str) -> tuple[Phase, ...]:
        """The phases of session ``"1"`` or ``"2"``."""
        if kind == SessionKind.ONE:
            return self.session1
        if kind == SessionKind.TWO:
            return self.session2
        raise ValueError(f"unknown session kind {kind!r}, expected '1' or '2'")


@dataclass(frozen=True)
class TrustSession:
    id: str
    title: str
    summary: str
    phases: tuple[Phase, ...]
    path: Path


@dataclass(frozen=True)
class Problem:
    path: Path
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else f"{self.path}"
        return f"{where}: {self.field}: {self.message}"


class ModuleError(PlgError):
    """One or more module files are unusable; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
