"""What a careful editor checks in one module beyond the schema: lengths, readability, filler.

The schema (`module_checks`) says a file can be loaded; these rules say it is worth
loading. Each problem names the field and what to change. The bounds are stated here
once and printed in `modules/README.md`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from plg_tui.core.module_model import Module, Problem
from plg_tui.core.readability import flesch_reading_ease

# (lowest, highest) word counts per field.
WORD_BOUNDS: dict[str, tuple[int, int]] = {
    "summary": (30, 120),
    "challenge_prompt": (8, 60),
    "techniques.why": (10, 80),
    "techniques.steps": (3, 45),
    "script": (40, 150),
    "weeks.tip": (70, 110),
    "weeks.prompt": (6, 60),
    "weeks.checkin": (6, 50),
    "reflection_questions": (4, 40),
}
# Flesch reading ease of the module's prose as a whole, and the floor for any one text.
READABILITY_RANGE = (50.0, 95.0)
READABILITY_FLOOR = 30.0

FILLER_PHRASES = (
    "leverage",
    "synergy",
    "synergies",
    "circle back",
    "touch base",
    "going forward",
    "at the end of the day",
    "move the needle",
    "low-hanging fruit",
    "deep dive",
    "game-changer",
    "game changer",
    "best practice",
    "fast-paced",
    "paradigm",
    "empower",
    "in today's world",
    "it goes without saying",
    "needless to say",
    "think outside the box",
    "lorem ipsum",
    "todo",
)
_FILLER = re.compile(r"\b(" + "|".join(re.escape(p) for p in FILLER_PHRASES) + r")\w*\b", re.I)


def prose_fields(module: Module) -> Iterator[tuple[str, str, str]]:
    """(field path, bounds key, text) for every piece of prose a person reads."""
    yield "summary", "summary", module.summary
    yield "challenge_prompt", "challenge_prompt", module.challenge_prompt
    for number, technique in enumerate(module.techniques, 1):
        yield f"techniques[{number}].why", "techniques.why", technique.why
        for step_number, step in enumerate(technique.steps, 1):
            yield f"techniques[{number}].steps[{step_number}]", "techniques.steps", step
    for session, phases in (("session1", module.session1), ("session2", module.session2)):
        for number, phase in enumerate(phases, 1):
            yield f"{session}.phases[{number}].script", "script", phase.script
    for number, week in enumerate(module.weeks, 1):
        yield f"weeks[{number}].tip", "weeks.tip", week.tip
        yield f"weeks[{number}].prompt", "weeks.prompt", week.prompt
        yield f"weeks[{number}].checkin", "weeks.checkin", week.checkin
    for number, question in enumerate(module.reflection_questions, 1):
        yield f"reflection_questions[{number}]", "reflection_questions", question


def quality_problems(module: Module) -> list[Problem]:
    """Every length, readability and filler problem of one loaded module."""
    problems: list[Problem] = []

    def problem(field: str, message: str) -> None:
        problems.append(Problem(module.path, field, message))

    texts: list[str] = []
    for field, bounds_key, text in prose_fields(module):
        texts.append(text)
        low, high = WORD_BOUNDS[bounds_key]
        count = len(text.split())
        if not low <= count <= high:
            problem(field, f"has {count} words, must have {low} to {high}")
        for match in _FILLER.finditer(text):
            problem(field, f"uses the filler phrase {match.group(0)!r}: say what you mean")
        if count >= 40 and flesch_reading_ease(text) < READABILITY_FLOOR:
            problem(
                field,
                f"reads too hard (Flesch {flesch_reading_ease(text):.0f}, at least "
                f"{READABILITY_FLOOR:.0f}): use shorter sentences and plainer words",
            )
    score = flesch_reading_ease(" ".join(texts))
    low_score, high_score = READABILITY_RANGE
    if not low_score <= score <= high_score:
        problem(
            "module",
            f"readability (Flesch reading ease) is {score:.0f}, must be {low_score:.0f} to "
            f"{high_score:.0f}: below, shorten sentences and words; above, the text is too thin",
        )
    return problems
