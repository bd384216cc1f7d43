"""The master model: how many groups of each type study each module, and who goes to which.

Cells are (type, module). `y[i, t, k]` puts candidate i in cell (t, k), `n[t, k]` counts its
groups, and `min * n <= members <= max * n`. Within a type only pair rules between people
remain, which this model ignores at first: it is a relaxation, tiny and without the symmetry
of numbered groups, so its optimum bounds every formation. Same-department pairs are bounded
from below by spreading each department evenly over the cell's groups:
`sum over t >= 1 of max(0, count - t * n)`, linear in the count and n. Modules nobody in a
type wished for are interchangeable there, so each type has one cell for all of them.
Cuts from the partition of cells (`decompose`) make the relaxation exact where it was not.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from plg_tui.core.formation.group_types import GroupType, type_of
from plg_tui.core.formation.problem import Problem
from plg_tui.core.formation.solution import FormedGroup

PAIR_RULES = ("reporting line", "same manager")


@dataclass(frozen=True)
class Cell:
    kind: int  # index into the group types
    module: int
    members: tuple[int, ...]
    groups: int


@dataclass(frozen=True)
class MasterAnswer:
    cells: tuple[Cell, ...]
    bound: int  # no formation scores more
    optimal: bool  # the model was solved to optimality (then bound == its objective)
    deterministic_time: float


class Master:
    def __init__(self, cp_model: Any, problem: Problem, kinds: tuple[GroupType, ...], weight: int):
        self.cp_model, self.problem, self.kinds = cp_model, problem, kinds
        rules = problem.rules
        self.model = model = cp_model.CpModel()
        self.modules = [self._cell_modules(kind) for kind in kinds]
        self.y: dict[tuple[int, int, int], Any] = {}
        self.n: dict[tuple[int, int], Any] = {}
        self.pairs: dict[tuple[int, int], Any] = {}
        self._equal: dict[tuple[int, int, int], Any] = {}
        # (type, module, a department's candidates there, their count, [(layer, excess)])
        self._layers: list[tuple[int, int, list[int], Any, list[tuple[int, Any]]]] = []
        holding: dict[int, list[Any]] = {}
        wish = []
        for t, kind in enumerate(kinds):
            most = min(len(kind.fitting) // rules.min_size, problem.max_groups)
            for k in self.modules[t]:
                n = self.n[t, k] = model.new_int_var(0, most, f"n{t}_{k}")
                cell = []
                for i in sorted(kind.fitting):
                    var = self.y[i, t, k] = model.new_bool_var(f"y{i}_{t}_{k}")
                    holding.setdefault(i, []).append(var)
                    cell.append(var)
                    if problem.weight(i, k):
                        wish.append(problem.weight(i, k) * var)
                model.add(sum(cell) >= rules.min_size * n)
                model.add(sum(cell) <= rules.max_size * n)
                self.pairs[t, k] = self._least_pairs(t, k)
        for i in sorted(holding):
            model.add_at_most_one(holding[i])
        model.add(sum(self.n.values()) <= problem.max_groups)
        self._pair_cuts()
        self._canonical_cells()
        # placing one more outweighs all else (`weight`), then wish points less pairs
        model.maximize(weight * sum(self.y.values()) + sum(wish) - sum(self.pairs.values()))

    def _cell_modules(self, kind: GroupType) -> list[int]:
        problem = self.problem
        wished = {k for i in kind.fitting for k in problem.ranks[i] if problem.weight(i, k)}
        others = [k for k in range(len(problem.modules)) if k not in wished]
        return sorted(wished) + others[:1]

    def cell_module(self, t: int, module: int) -> int:
        """The cell a group of type t studying `module` counts in."""
        return module if module in self.modules[t] else self.modules[t][-1]

    def _least_pairs(self, t: int, k: int) -> Any:
        model, rules = self.model, self.problem.rules
        by_department: dict[int, list[int]] = {}
        for i in sorted(self.kinds[t].fitting):
            if self.problem.departments[i] >= 0:
                by_department.setdefault(self.problem.departments[i], []).append(i)
        extra = []
        for department, members in sorted(by_department.items()):
            if len(members) < 2:
                continue
            count = model.new_int_var(0, len(members), f"c{t}_{k}_{department}")
            model.add(count == sum(self.y[i, t, k] for i in members))
            layers = []
            for layer in range(1, min(len(members), rules.max_size)):
                var = model.new_int_var(0, len(members), f"e{t}_{k}_{department}_{layer}")
                model.add(var >= count - layer * self.n[t, k])
                extra.append(var)
                layers.append((layer, var))
            self._layers.append((t, k, members, count, layers))
        total = model.new_int_var(0, sum(len(m) ** 2 for m in by_department.values()), f"p{t}_{k}")
        model.add(total == sum(extra))
        return total

    def _pair_cuts(self) -> None:
        """Two who may not meet share a cell only if it has two groups or more."""
        for (a, b), rule in sorted(self.problem.conflicts.items()):
            if rule.rule not in PAIR_RULES:
                continue
            for t, kind in enumerate(self.kinds):
                if a in kind.fitting and b in kind.fitting:
                    for k in self.modules[t]:
                        self.model.add(self.y[a, t, k] + self.y[b, t, k] <= self.n[t, k])

    def _canonical_cells(self) -> None:
        """Symmetry: a group counts in the first type that holds it, and in a module cell only if
        a member wished for that module (else in its type's cell for the unwished). Every
        formation has an equal one of this shape, so the bound stays a bound."""
        problem, rules = self.problem, self.problem.rules
        for t, kind in enumerate(self.kinds):
            earlier = [
                e.fitting for e in self.kinds[:t] if len(e.fitting & kind.fitting) >= rules.min_size
            ]
            unwished_cell = self.modules[t][-1]
            has_unwished = not any(problem.weight(i, unwished_cell) for i in kind.fitting)
            for k in self.modules[t]:
                cell = [(i, self.y[i, t, k]) for i in sorted(kind.fitting)]
                for other in earlier:
                    self.model.add(sum(v for i, v in cell if i not in other) >= self.n[t, k])
                if has_unwished and k != unwished_cell:
                    wishing = [v for i, v in cell if problem.weight(i, k)]
                    self.model.add(sum(wishing) >= self.n[t, k])

    def _same_cell(self, cell: Cell) -> list[Any]:
        """Literals that all hold exactly when the model puts `cell` again."""
        key = (cell.kind, cell.module, cell.groups)
        if key not in self._equal:
            equal = self._equal[key] = self.model.new_bool_var("eq{}_{}_{}".format(*key))
            count = self.n[cell.kind, cell.module]
            self.model.add(count == cell.groups).only_enforce_if(equal)
            self.model.add(count != cell.groups).only_enforce_if(~equal)
        inside = set(cell.members)
        return [self._equal[key]] + [
            self.y[i, cell.kind, cell.module] if i in inside else ~self.y[i, cell.kind, cell.module]
            for i in sorted(self.kinds[cell.kind].fitting)
        ]

    def forbid(self, cell: Cell, companions: Iterable[tuple[int, list[int]]]) -> None:
        """This cell cannot be split into groups: never again, and whoever is in a cell needs
        `min - 1` others there they may sit with (`companions`: person, those)."""
        self.model.add_bool_or([~lit for lit in self._same_cell(cell)])
        needed = self.problem.rules.min_size - 1
        for person, others in companions:
            for k in self.modules[cell.kind]:
                mates = [self.y[j, cell.kind, k] for j in others]
                self.model.add(sum(mates) >= needed * self.y[person, cell.kind, k])

    def charge(self, cell: Cell, pairs: int) -> None:
        """Split into groups, this cell holds `pairs` same-department pairs at least."""
        self.model.add(self.pairs[cell.kind, cell.module] >= pairs).only_enforce_if(
            self._same_cell(cell)
        )

    def hint(self, groups: Iterable[FormedGroup]) -> None:
        self.model.clear_hints()
        placed: dict[int, tuple[int, int]] = {}
        counts: dict[tuple[int, int], int] = {}
        for group in groups:
            t = type_of(self.kinds, group.members)
            if t is None:
                continue
            k = self.cell_module(t, group.module)
            unwished = self.modules[t][-1]
            if not any(self.problem.weight(m, k) for m in group.members) and not any(
                self.problem.weight(i, unwished) for i in self.kinds[t].fitting
            ):
                k = unwished  # where `_canonical_cells` counts a group nobody in wished
            counts[t, k] = counts.get((t, k), 0) + 1
            placed.update((m, (t, k)) for m in group.members)
        for (i, t, k), var in self.y.items():
            self.model.add_hint(var, placed.get(i) == (t, k))
        for key, var in self.n.items():
            self.model.add_hint(var, counts.get(key, 0))
        # the rest follows; a complete hint spares CP-SAT the search for it
        pairs: dict[tuple[int, int], int] = {}
        for t, k, members, count, layers in self._layers:
            held = sum(placed.get(i) == (t, k) for i in members)
            self.model.add_hint(count, held)
            for layer, var in layers:
                excess = max(0, held - layer * counts.get((t, k), 0))
                self.model.add_hint(var, excess)
                pairs[t, k] = pairs.get((t, k), 0) + excess
        for key, var in self.pairs.items():
            self.model.add_hint(var, pairs.get(key, 0))
        for (t, k, many), var in self._equal.items():
            self.model.add_hint(var, counts.get((t, k), 0) == many)

    def solve(self, configure: Any, limit: float) -> MasterAnswer | None:
        solver = self.cp_model.CpSolver()
        configure(solver, limit)
        status = solver.solve(self.model)
        if status not in (self.cp_model.OPTIMAL, self.cp_model.FEASIBLE):
            return None
        cells = []
        for (t, k), var in sorted(self.n.items()):
            groups = solver.value(var)
            if groups:
                fitting = sorted(self.kinds[t].fitting)
                members = tuple(i for i in fitting if solver.boolean_value(self.y[i, t, k]))
                cells.append(Cell(t, k, members, groups))
        return MasterAnswer(
            cells=tuple(cells),
            bound=math.floor(solver.best_objective_bound + 1e-6),
            optimal=status == self.cp_model.OPTIMAL,
            deterministic_time=solver.deterministic_time,
        )
