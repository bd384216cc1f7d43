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
