"""The survey's emails as rendered: the example answer they show is one the survey can read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from companion.inbound.survey_choices import read_choices
from companion.outbound.survey_mail import INVITATION, UNREADABLE, survey_message
from companion.settings import EmailSettings
from plg_tui.core.modules import list_modules
from plg_tui.core.pool import Candidate
from plg_tui.core.survey import SurveySettings
from plg_tui.vault.group_keys import GroupKeys
from plg_tui.vocabulary import SurveyState

EMAIL = EmailSettings(from_addr="Peer Learning <plg@example.org>", reply_to="journal@example.org")
KEYS = GroupKeys("q1", "pool-id", b"k" * 32, b"")
ADA = Candidate("Ada Lovelace", "ada@example.org", "EM", 3, "", "Eng", "UTC", (), True)
NOW = datetime.now(UTC).replace(microsecond=0)


def plain_text(kind: str, topic_count: int) -> tuple[str, SurveySettings]:
    modules = {m.id: m for m in list_modules()}
    settings = SurveySettings(tuple(modules)[:topic_count], NOW.date() + timedelta(days=7))
    wire = survey_message(
        kind=kind,
        candidate=ADA,
        keys=KEYS,
        email=EMAIL,
        settings=settings,
        modules=modules,
        message_id="<m@example.org>",
        now=NOW,
    )
    body = wire.as_email().get_body(("plain",))
    assert body is not None
    return str(body.get_content()), settings


@pytest.mark.parametrize("count", [1, 2, 3, 4, 6, 7, 12])
@pytest.mark.parametrize(("kind", "lead"), [(INVITATION, "for example: "), (UNREADABLE, "this: ")])
def test_the_example_answer_names_only_topics_the_survey_has(kind, lead, count):
    text, settings = plain_text(kind, count)
    example = text.split(lead, 1)[1].split(")", 1)[0].splitlines()[0].rstrip(".")
    topics = [(m, m) for m in settings.modules]
    reading = read_choices(example, topics)
    assert reading.state == SurveyState.ANSWERED, example
    assert len(reading.choices) == min(3, count)
    if count >= 7:
        assert example == "3, 7, 1"


def test_preview_renders_a_candidates_survey_email_before_it_is_sent(tmp_path):
    import subprocess

    from plg_tui.core.pool import import_pool
    from tests.companion.test_cli import PROGRAM
    from tests.companion.test_survey_path import POOL

    home = tmp_path / "home"
    home.mkdir()
    (home / "plg.toml").write_text(
        '[email]\nfrom = "Peer Learning <plg@example.org>"\nreply_to = "journal@example.org"\n'
    )
    (tmp_path / "pool.csv").write_text(POOL)
    import_pool(home, "q1", tmp_path / "pool.csv")

    def preview(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PROGRAM), "--home", str(home), "preview", "q1", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )

    shown = preview("--member", "Ada@example.org", "--kind", "survey")
    assert shown.returncode == 0, shown.stderr
    assert "To: Ada Lovelace <ada@example.org>" in shown.stdout
    assert "+q1.90." in shown.stdout
    assert "Reply with the numbers of up to three topics" in shown.stdout
    reminder = preview("--member", "ada@example.org", "--kind", "survey_reminder").stdout
    assert "Reminder:" in reminder
    # its first line is a paragraph of its own, not run into the invitation
    assert "which topics you want.\n\nYou are invited" in reminder
    stranger = preview("--member", "eve@example.org", "--kind", "survey")
    assert stranger.returncode != 0
    assert "not a candidate of pool q1" in stranger.stderr
    assert "Traceback" not in stranger.stderr
