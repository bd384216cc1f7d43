"""From a pool and the champion's options to groups: which modules, then solve, then explain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from plg_tui.core.formation.explain import Unplaced, unplaced
from plg_tui.core.formation.model import load_cp_model, solve
from plg_tui.core.formation.problem import Problem, prepare
from plg_tui.core.formation.rules import Candidate, FormationError, FormRules
from plg_tui.core.formation.solution import Formation


@dataclass(frozen=True)
class FormResult:
    problem: Problem
    formation: Formation
    unplaced: tuple[Unplaced, ...]


def choose_modules(
    pool: Sequence[Candidate], asked: Sequence[str], installed: Sequence[str]
) -> tuple[str, ...]:
    """The modules groups may study: those asked for, else those anyone available wished for
    (all installed ones when nobody said)."""
    if asked:
        unknown = [m for m in asked if m not in installed]
        if unknown:
            raise FormationError(
                f"--modules: no module {', '.join(repr(m) for m in unknown)}; known modules: "
                f"{', '.join(installed)}"
            )
        return tuple(dict.fromkeys(asked))
    wished = {t for c in pool if c.available for t in c.topics}
    chosen = tuple(m for m in installed if m in wished)
    return chosen or tuple(installed)


def form(
    pool: Sequence[Candidate],
    rules: FormRules,
    modules: Sequence[str],
    time_limit: float,
    seed: int,
) -> FormResult:
    problems = rules.problems()
    if time_limit <= 0:
        problems.append(f"--time-limit {time_limit:g}: must be more than 0 seconds")
    if problems:
        raise FormationError("\n".join(problems))
    load_cp_model()  # says how to install OR-Tools before any work is done
    emails = [c.email for c in pool]
    if len(set(emails)) != len(emails):
        raise FormationError("the pool lists an email twice; import it again")
    problem = prepare(pool, rules, modules)
    formation = solve(problem, time_limit, seed)
    return FormResult(problem, formation, tuple(unplaced(problem, formation.groups)))
