"""`plg modules check` as an editor: the whole library passes; each kind of broken module is
refused with its problem named (field, and what to change)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plg_tui.cli import main
from plg_tui.core.library_checks import check_library
from plg_tui.core.module_checks import loaded_modules
from plg_tui.core.modules import bundled_modules_dir, list_modules
from plg_tui.core.readability import flesch_reading_ease, syllables
from plg_tui.core.script_skeleton import SKELETON_LIMIT, closest_scripts

BUNDLED = bundled_modules_dir()
FEEDBACK = (BUNDLED / "giving-feedback.toml").read_text(encoding="utf-8")
DELEGATING = (BUNDLED / "delegating.toml").read_text(encoding="utf-8")


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["modules", "check", *args])
    return code, capsys.readouterr().out


def test_the_whole_library_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = check(capsys)
    assert code == 0, out
    assert re.search(r"all \d+ modules are valid", out)
    modules = list_modules()
    assert check_library(modules, modules).problems == []


def test_stats_print_word_counts_and_the_closest_module(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = check(capsys, "--stats")
    assert code == 0, out
    rows = {line.split()[0]: line for line in out.splitlines()[1:] if "(" in line}
    assert "giving-feedback" in rows
    words, scripts, tips = (int(n) for n in rows["giving-feedback"].split()[1:4])
    assert words > scripts > tips > 280
    closest = rows["giving-feedback"].split()[4]
    assert closest in {module.id for module in list_modules()} - {"giving-feedback"}


def _write(tmp_path: Path, text: str, module_id: str = "giving-feedback") -> Path:
    path = tmp_path / f"{module_id}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_script_with_another_modules_skeleton_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # delegating's rehearsal script, copied into giving-feedback with its topic words swapped
    delegating = next(m for m in list_modules() if m.id == "delegating")
    copied = delegating.session1[3].script
    for old, new in (("handover", "feedback"), ("delegat", "feedback"), ("task", "message")):
        copied = re.sub(old, new, copied, flags=re.I)
    feedback = next(m for m in list_modules() if m.id == "giving-feedback")
    text = FEEDBACK.replace(feedback.session1[3].script, copied)
    code, out = check(capsys, str(_write(tmp_path, text)))
    assert code == 1
    assert re.search(
        r"session1\.phases\[4\]: has the same skeleton as delegating session1\.phases\[4\]", out
    ), out


def test_a_script_naming_a_technique_the_module_lacks_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = FEEDBACK.index('[[techniques]]\nname = "SBI')
    end = FEEDBACK.index("[[techniques]]", start + 10)
    code, out = check(capsys, str(_write(tmp_path, FEEDBACK[:start] + FEEDBACK[end:])))
    assert code == 1
    assert (
        "session1.phases[3].script: names the technique 'SBI', which is not in this module" in out
    )


def test_a_script_naming_another_modules_technique_says_where_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = FEEDBACK.replace(
        "Let us walk through four techniques",
        "Recall the GROW model. Let us walk through four techniques",
        1,
    )
    code, out = check(capsys, str(_write(tmp_path, text)))
    assert code == 1
    assert "names the technique 'GROW', which is not in this module" in out
    assert "(it is in coaching-your-team)" in out


def test_minutes_not_ninety_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = FEEDBACK.replace("minutes = 8\n", "minutes = 13\n", 1)
    code, out = check(capsys, str(_write(tmp_path, text)))
    assert code == 1
    assert "session1.phases: minutes sum to 95, must be 90" in out


def test_a_tip_too_long_is_refused_with_its_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = next(m for m in list_modules() if m.id == "giving-feedback")
    longer = " ".join([module.weeks[1].tip, "Then again:", module.weeks[1].tip])
    text = FEEDBACK.replace(module.weeks[1].tip, longer)
    code, out = check(capsys, str(_write(tmp_path, text)))
    assert code == 1
    count = len(longer.split())
    assert re.search(
        rf"giving-feedback\.toml:\d+: weeks\[2\]\.tip: has {count} words, must have 70 to 110", out
    ), out


def test_a_filler_phrase_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = FEEDBACK.replace("Welcome back.", "Welcome back. Let us leverage our synergies.", 1)
    code, out = check(capsys, str(_write(tmp_path, text)))
    assert code == 1
    assert "session1.phases[1].script: uses the filler phrase 'leverage'" in out
    assert "uses the filler phrase 'synergies'" in out


def test_hard_prose_is_refused_as_unreadable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = next(m for m in list_modules() if m.id == "giving-feedback")
    dense = (
        "Organisational communication necessitates comprehensive interpersonal "
        "considerations, particularly regarding developmental conversations characterised "
        "by considerable emotional complexity and institutional accountability. "
    ) * 3
    text = FEEDBACK.replace(module.session1[2].script, dense.strip())
    code, out = check(capsys, str(_write(tmp_path, text)))
    assert code == 1
    assert re.search(r"session1\.phases\[3\]\.script: reads too hard \(Flesch -?\d+", out), out


def test_a_passage_copied_from_another_module_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    delegating = next(m for m in list_modules() if m.id == "delegating")
    module = next(m for m in list_modules() if m.id == "giving-feedback")
    text = FEEDBACK.replace(module.weeks[2].prompt, delegating.weeks[2].prompt)
    code, out = check(capsys, str(_write(tmp_path, text)))
    assert code == 1
    assert re.search(
        r"weeks\[3\]\.prompt: shares a passage of more than 60 characters with "
        r"delegating weeks\[3\]\.prompt",
        out,
    ), out


def test_a_file_whose_name_is_not_its_id_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = check(capsys, str(_write(tmp_path, FEEDBACK, module_id="feedback-copy")))
    assert code == 1
    assert "id: is 'giving-feedback' but the file is named feedback-copy.toml" in out


def test_a_new_module_is_compared_with_the_whole_library(tmp_path: Path) -> None:
    # a second copy of delegating under a new id: every script is another module's skeleton
    copy = _write(
        tmp_path, DELEGATING.replace('id = "delegating"', 'id = "handing-over"'), "handing-over"
    )
    checked = loaded_modules([copy])
    report = check_library(checked, list_modules())
    fields = {problem.field for problem in report.problems}
    assert any(field.startswith("session1.phases") for field in fields)
    assert all(problem.path == copy for problem in report.problems)


def test_skeleton_similarity_separates_copies_from_separate_writing() -> None:
    matches = closest_scripts(list_modules())
    assert matches
    assert matches[0].score <= SKELETON_LIMIT


def test_flesch_score_orders_plain_and_dense_prose() -> None:
    plain = "Ask one question. Then listen. Say what you saw, and what you need next."
    dense = "Organisational effectiveness necessitates comprehensive communication."
    assert flesch_reading_ease(plain) > 70 > 0 > flesch_reading_ease(dense)
    assert [syllables(w) for w in ("cat", "table", "feedback", "conversation", "asked")] == [
        1,
        2,
        2,
        4,
        1,
    ]


def test_a_passage_two_library_modules_share_is_reported_once(tmp_path: Path) -> None:
    shared = "Which three quiet moments did you notice in your team, and what came of them?"
    modules = list_modules()[:2]
    first = _write(tmp_path, modules[0].path.read_text(encoding="utf-8"), modules[0].id)
    second = _write(tmp_path, modules[1].path.read_text(encoding="utf-8"), modules[1].id)
    for path, module in ((first, modules[0]), (second, modules[1])):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(module.weeks[0].prompt, shared), encoding="utf-8")
    checked = loaded_modules([first, second])
    problems = [
        p for p in check_library(checked, checked).problems if "shares a passage" in p.message
    ]
    assert [(p.path, p.field) for p in problems] == [(first, "weeks[1].prompt")]
    assert f"with {modules[1].id} weeks[1].prompt" in problems[0].message
