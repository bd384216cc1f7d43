"""The bundled module library and the loader/validator that guards it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from plg_tui.core import modules as mod
from plg_tui.core.module_checks import check_file, check_paths
from plg_tui.core.module_model import ModuleError, Problem
from plg_tui.core.modules import (
    bundled_modules_dir,
    list_modules,
    load_module,
    load_module_file,
    load_trust_session,
    module_dirs,
)
from plg_tui.vocabulary import PHASE_CAPTURE_KINDS as CAPTURE_KINDS
from plg_tui.vocabulary import PhaseKind

REQUIRED_IDS = {
    "difficult-employee",
    "giving-feedback",
    "delegating",
    "team-conflict",
    "one-on-ones",
    "motivating-recognising",
    "leading-change",
    "managing-former-peers",
    "underperformance-conversations",
    "coaching-your-team",
    "remote-hybrid-teams",
    "prioritising-time",
    "low-morale",
    "psychological-safety",
    "receiving-feedback",
    "candour-with-care",
    "team-meetings",
    "team-decisions",
    "setting-goals",
    "growing-your-people",
    "hiring-interviewing",
    "onboarding",
    "managing-up",
    "influencing-without-authority",
    "organisational-politics",
    "stress-and-energy",
    "learning-from-mistakes",
    "leading-through-crisis",
    "across-cultures",
    "retention-resignations",
    "fairness-inclusion",
    "performance-reviews",
}
LONGEST_SHARED_TEXT = 60


def words(text: str) -> int:
    return len(text.split())


@pytest.fixture(scope="module")
def bundled() -> list[mod.Module]:
    return list_modules()


# --------------------------------------------------------------------------- bundled content


def test_bundled_files_check_clean() -> None:
    assert check_paths([bundled_modules_dir()]) == []


def test_required_modules_are_bundled(bundled: list[mod.Module]) -> None:
    ids = [module.id for module in bundled]
    assert len(bundled) >= 32
    assert set(ids) >= REQUIRED_IDS
    assert ids == sorted(ids)
    assert "trust-building" not in ids


def test_each_module_agendas_have_the_required_parts(bundled: list[mod.Module]) -> None:
    for module in bundled:
        for kind, phases in (("1", module.session1), ("2", module.session2)):
            assert module.agenda(kind) == phases
            assert sum(phase.minutes for phase in phases) == 90, module.id
            assert phases[0].kind == "round", f"{module.id} session {kind} starts with a check-in"
            assert phases[-1].kind == "round", f"{module.id} session {kind} ends with a close round"
        s1 = [phase.captures for phase in module.session1]
        assert "challenge" in s1, module.id
        assert "commitment" in s1, module.id
        assert s1.index("challenge") < s1.index("commitment"), module.id
        assert any(phase.kind == "open" for phase in module.session1), module.id
        s2 = [phase.captures for phase in module.session2]
        assert "reflection" in s2, module.id
        assert "commitment" in s2, module.id
        assert s2.index("reflection") < s2.index("commitment"), module.id


def test_content_lengths_match_the_schema(bundled: list[mod.Module]) -> None:
    for module in bundled:
        assert 3 <= len(module.techniques) <= 5
        assert all(2 <= len(technique.steps) <= 7 for technique in module.techniques)
        assert len(module.weeks) == 4
        assert 3 <= len(module.reflection_questions) <= 5
        for phase in module.session1 + module.session2:
            assert 40 <= words(phase.script) <= 150, (module.id, phase.name, words(phase.script))
        for week in module.weeks:
            assert 70 <= words(week.tip) <= 110, (module.id, words(week.tip))
            assert "<" not in week.tip, module.id
            assert "**" not in week.tip, module.id


def test_no_placeholder_text(bundled: list[mod.Module]) -> None:
    for module in bundled:
        text = module.path.read_text(encoding="utf-8").lower()
        for marker in ("lorem", "todo", "tbd", "xxx", "placeholder"):
            assert marker not in text, (module.id, marker)


def test_weekly_texts_are_unique_across_modules(bundled: list[mod.Module]) -> None:
    owner: dict[str, str] = {}
    for module in bundled:
        for week in module.weeks:
            for text in (week.tip, week.prompt, week.checkin):
                assert text not in owner, f"{module.id} repeats text from {owner.get(text)}"
                owner[text] = module.id


def test_weekly_texts_share_no_long_passage_across_modules(bundled: list[mod.Module]) -> None:
    # Every window of LONGEST_SHARED_TEXT + 1 characters (whitespace and case normalised)
    # may belong to one module only.
    window = LONGEST_SHARED_TEXT + 1
    seen: dict[str, str] = {}
    for module in bundled:
        for week in module.weeks:
            for text in (week.tip, week.prompt, week.checkin):
                flat = re.sub(r"\s+", " ", text.lower())
                for start in range(max(len(flat) - window + 1, 0)):
                    piece = flat[start : start + window]
                    other = seen.setdefault(piece, module.id)
                    assert other == module.id, f"{module.id} and {other} share {piece!r}"


def test_trust_session_loads_with_its_parts() -> None:
    trust = load_trust_session()
    assert trust.id == "trust-building"
    assert sum(phase.minutes for phase in trust.phases) == 90
    kinds = [(phase.kind, phase.captures) for phase in trust.phases]
    assert ("round", None) in kinds
    assert ("capture", "ground_rules") in kinds
    assert any(
        phase.kind == "open" and "confidential" in phase.name.lower() for phase in trust.phases
    )


def test_load_module_by_id_and_unknown_id_names_the_known_ones() -> None:
    assert load_module("delegating").title
    with pytest.raises(ModuleError) as caught:
        load_module("no-such-module")
    assert "giving-feedback" in str(caught.value)
    with pytest.raises(ModuleError):
        load_module("trust-building")


def test_agenda_rejects_unknown_session_kind() -> None:
    with pytest.raises(ValueError, match="unknown session kind '3'"):
        load_module("delegating").agenda("3")


# --------------------------------------------------------------------------- home modules


def test_home_modules_are_added_and_override_bundled(tmp_path: Path) -> None:
    own = tmp_path / "modules"
    own.mkdir()
    source = (bundled_modules_dir() / "delegating.toml").read_text(encoding="utf-8")
    (own / "delegating.toml").write_text(
        source.replace('title = "Delegating without losing control"', 'title = "Our delegating"'),
        encoding="utf-8",
    )
    (own / "our-own.toml").write_text(source.replace('id = "delegating"', 'id = "our-own"'))
    assert module_dirs(tmp_path) == [bundled_modules_dir(), own]
    ids = [module.id for module in list_modules(tmp_path)]
    assert "our-own" in ids
    assert ids.count("delegating") == 1
    assert load_module("delegating", tmp_path).title == "Our delegating"
    assert load_module("delegating").title == "Delegating without losing control"


def test_module_dirs_without_home_modules(tmp_path: Path) -> None:
    assert module_dirs(tmp_path) == [bundled_modules_dir()]
    assert module_dirs() == [bundled_modules_dir()]


def test_broken_home_module_makes_list_modules_fail_loudly(tmp_path: Path) -> None:
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "bad.toml").write_text('id = "bad"\n', encoding="utf-8")
    with pytest.raises(ModuleError) as caught:
        list_modules(tmp_path)
    assert all(problem.path.name == "bad.toml" for problem in caught.value.problems)


# --------------------------------------------------------------------------- validation


def broken_copy(tmp_path: Path, edit, module_id: str = "giving-feedback") -> Path:
    text = (bundled_modules_dir() / f"{module_id}.toml").read_text(encoding="utf-8")
    edited = edit(text)
    assert edited != text, "the edit must change the file"
    path = tmp_path / f"{module_id}.toml"
    path.write_text(edited, encoding="utf-8")
    return path


def replace_once(old: str, new: str):
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit


def drop_block(header: str, index: int):
    """Remove the index-th (0-based) [[header]] block up to the next header line."""

    def edit(text: str) -> str:
        pattern = re.compile(rf"^\[\[{re.escape(header)}\]\]\n(?:(?!\[).*\n|\n)*", re.M)
        blocks = list(pattern.finditer(text))
        block = blocks[index]
        return text[: block.start()] + text[block.end() :]

    return edit


BROKEN = [
    (
        "missing title",
        replace_once('title = "Giving feedback that lands"\n', ""),
        "title",
        "missing",
    ),
    (
        "missing summary",
        lambda t: re.sub(r"^summary = .*\n", "", t, flags=re.M),
        "summary",
        "missing",
    ),
    (
        "title wrong type",
        replace_once('title = "Giving feedback that lands"', "title = 3"),
        "title",
        "must be a string",
    ),
    (
        "empty title",
        replace_once('title = "Giving feedback that lands"', 'title = "  "'),
        "title",
        "must not be empty",
    ),
    (
        "id differs from file",
        replace_once('id = "giving-feedback"', 'id = "feedback"'),
        "id",
        "file is named",
    ),
    (
        "id bad characters",
        replace_once('id = "giving-feedback"', 'id = "Giving_Feedback"'),
        "id",
        "lowercase",
    ),
    (
        "minutes wrong type",
        replace_once("minutes = 8\n", 'minutes = "8"\n'),
        "session1.phases[1].minutes",
        "whole number",
    ),
    (
        "session1 sum",
        replace_once("minutes = 20\n", "minutes = 15\n"),
        "session1.phases",
        "minutes sum to 85, must be 90",
    ),
    (
        "session2 sum",
        replace_once("minutes = 36\n", "minutes = 40\n"),
        "session2.phases",
        "minutes sum to 94, must be 90",
    ),
    (
        "unknown phase kind",
        replace_once('kind = "open"', 'kind = "lecture"'),
        "session1.phases[3].kind",
        "unknown kind 'lecture'",
    ),
    (
        "unknown captures",
        replace_once('captures = "challenge"', 'captures = "wishes"'),
        "session1.phases[2].captures",
        "unknown value 'wishes'",
    ),
    (
        "captures on open phase",
        replace_once(
            'kind = "round"\ncaptures = "challenge"', 'kind = "open"\ncaptures = "challenge"'
        ),
        "session1.phases[2].captures",
        "only round or capture",
    ),
    (
        "no challenge capture",
        replace_once('captures = "challenge"\n', ""),
        "session1.phases",
        'captures = "challenge"',
    ),
    (
        "no reflection capture",
        replace_once('captures = "reflection"\n', ""),
        "session2.phases",
        'captures = "reflection"',
    ),
    ("three weeks", drop_block("weeks", 3), "weeks", "has 3 entries, must have exactly 4"),
    (
        "two techniques",
        lambda t: drop_block("techniques", 0)(drop_block("techniques", 0)(t)),
        "techniques",
        "has 2 entries, must have 3 to 5",
    ),
    (
        "one step",
        lambda t: re.sub(
            r'steps = \[\n  "Pick one.*?\n\]', 'steps = ["Only one"]', t, count=1, flags=re.S
        ),
        "techniques[1].steps",
        "has 1 items, must have 2 to 7",
    ),
    (
        "steps wrong type",
        replace_once('steps = [\n  "Open with', 'steps = "Open with"\nold = [\n  "Open with'),
        "techniques[2].steps",
        "must be an array",
    ),
    (
        "empty tip",
        lambda t: re.sub(r'^tip = ".*"$', 'tip = ""', t, count=1, flags=re.M),
        "weeks[1].tip",
        "must not be empty",
    ),
    (
        "missing checkin",
        lambda t: re.sub(r"^checkin = .*\n", "", t, count=1, flags=re.M),
        "weeks[1].checkin",
        "missing",
    ),
    (
        "two reflection questions",
        lambda t: re.sub(
            r"reflection_questions = \[.*?\n\]",
            'reflection_questions = ["a?", "b?"]',
            t,
            count=1,
            flags=re.S,
        ),
        "reflection_questions",
        "has 2 items, must have 3 to 5",
    ),
    (
        "missing session2",
        lambda t: t[: t.index("[session2]")] + t[t.index("[[weeks]]") :],
        "session2",
        "missing",
    ),
    (
        "unknown top-level field",
        replace_once("title =", 'colour = "blue"\ntitle ='),
        "colour",
        "unknown field",
    ),
    (
        "top-level key after a table",
        lambda t: t + '\nchallenge_prompt = "late"\n',
        "weeks[4].challenge_prompt",
        "must come before",
    ),
]


@pytest.mark.parametrize(
    ("edit", "field", "message"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN]
)
def test_validation_reports_field_and_message(
    tmp_path: Path, edit, field: str, message: str
) -> None:
    path = broken_copy(tmp_path, edit)
    problems = check_file(path)
    matching = [p for p in problems if p.field == field and message in p.message]
    assert matching, f"expected {field}: {message!r}, got {[str(p) for p in problems]}"
    assert all(p.path == path for p in problems)
    with pytest.raises(ModuleError) as caught:
        load_module_file(path)
    assert str(matching[0]) in str(caught.value)


def test_problem_lines_point_at_the_field(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, replace_once('kind = "open"', 'kind = "lecture"'))
    [problem] = check_file(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert problem.line is not None
    assert lines[problem.line - 1] == 'kind = "lecture"'
    assert str(problem) == (
        f"{path}:{problem.line}: session1.phases[3].kind: "
        "unknown kind 'lecture', must be one of open, round, capture"
    )


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    def many(text: str) -> str:
        text = text.replace('kind = "open"', 'kind = "lecture"', 1)
        text = text.replace('captures = "challenge"', 'captures = "wishes"', 1)
        return text.replace('title = "Giving feedback that lands"', "title = 1", 1)

    fields = {problem.field for problem in check_file(broken_copy(tmp_path, many))}
    assert {"title", "session1.phases[3].kind", "session1.phases[2].captures"} <= fields


def test_toml_syntax_error_reports_a_line(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, replace_once("minutes = 8\n", "minutes = = 8\n"))
    [problem] = check_file(path)
    expected = path.read_text(encoding="utf-8").splitlines().index("minutes = = 8") + 1
    assert problem.field == "toml"
    assert problem.line == expected
    assert "syntax error" in problem.message
    assert str(problem).startswith(f"{path}:{expected}: toml: ")


def test_unreadable_input_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert check_file(binary)[0].field == "file"
    assert check_file(tmp_path / "absent.toml")[0].field == "file"
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    assert {p.field for p in check_file(empty)} >= {"id", "title", "weeks", "session1"}


def test_wrong_types_everywhere_do_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "odd.toml"
    path.write_text(
        'id = "odd"\ntitle = "t"\nsummary = "s"\nchallenge_prompt = "c"\n'
        'techniques = "none"\nsession1 = 5\nsession2 = { phases = [1, 2] }\n'
        "weeks = [[1]]\nreflection_questions = [1, 2, 3]\n",
        encoding="utf-8",
    )
    fields = {problem.field for problem in check_file(path)}
    assert {"techniques", "session1", "session2.phases", "weeks"} <= fields
    assert "reflection_questions[1]" in fields


def test_check_paths_reports_duplicate_ids_across_directories(tmp_path: Path) -> None:
    copy = tmp_path / "giving-feedback.toml"
    shutil.copy(bundled_modules_dir() / "giving-feedback.toml", copy)
    problems = check_paths([bundled_modules_dir(), tmp_path])
    assert [(p.path, p.field) for p in problems] == [(copy, "id")]
    assert "already used" in problems[0].message


def test_check_paths_accepts_single_files(tmp_path: Path) -> None:
    good = bundled_modules_dir() / "delegating.toml"
    bad = broken_copy(tmp_path, replace_once("minutes = 8\n", "minutes = 0\n"))
    problems = check_paths([good, bad])
    assert problems
    assert all(problem.path == bad for problem in problems)


@pytest.mark.parametrize(
    ("edit", "field", "message"),
    [
        (replace_once('captures = "ground_rules"\n', ""), "phases", 'captures = "ground_rules"'),
        (replace_once("minutes = 25", "minutes = 20"), "phases", "minutes sum to 85"),
        (replace_once('kind = "trust"', 'kind = "party"'), "kind", 'must be "module"'),
    ],
    ids=["no ground rules", "sum", "wrong kind"],
)
def test_trust_file_validation(tmp_path: Path, edit, field: str, message: str) -> None:
    path = broken_copy(tmp_path, edit, "trust-building")
    assert any(p.field == field and message in p.message for p in check_file(path)), [
        str(p) for p in check_file(path)
    ]


def test_module_file_loader_refuses_the_trust_file() -> None:
    with pytest.raises(ModuleError):
        load_module_file(bundled_modules_dir() / "trust-building.toml")


def test_module_error_lists_every_problem_one_per_line(tmp_path: Path) -> None:
    problems = [Problem(tmp_path / "a.toml", "title", "missing", 3), Problem(tmp_path, "x", "y")]
    error = ModuleError(problems)
    assert error.problems == problems
    assert str(error).splitlines() == [
        f"{tmp_path / 'a.toml'}:3: title: missing",
        f"{tmp_path}: x: y",
    ]


def test_constants_are_the_schema_values() -> None:
    assert tuple(PhaseKind) == ("open", "round", "capture")
    assert CAPTURE_KINDS == ("challenge", "commitment", "ground_rules", "reflection", "notes")
