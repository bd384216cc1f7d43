"""Survey replies as people write them (EN and DE, quoted, signed, HTML), read through the
ingester's own cleaning (`member_text`) and `read_choices`."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from companion.inbound.inbound_message import member_text, parse_message, read_body
from companion.inbound.survey_choices import read_choices
from plg_tui.vocabulary import SurveyState

TOPICS = [(f"topic-{n}", f"Title {n}") for n in range(1, 10)] + [
    ("giving-feedback", "Giving feedback that lands"),
    ("delegating", "Delegating without losing control"),
    ("one-on-ones", "One-on-ones that matter"),
]
QUOTE = (
    "\n\nOn Mon, 3 Mar 2025 at 09:00, Peer Learning <plg@example.org> wrote:\n"
    "> Which topics would you like to work on?\n> 1. Title 1 — a\n> 2. Title 2 — b\n"
    "> Reply with the numbers of up to three topics, most wanted first (for example: 3, 7, 1).\n"
)
OUTLOOK = (
    "\n\n-----Original Message-----\nFrom: Peer Learning <plg@example.org>\n"
    "Sent: Monday, March 3, 2025 9:00 AM\nSubject: Which topics?\n\n1. Title 1\n2. Title 2\n"
)
DE_QUOTE = "\n\nAm 03.03.2025 um 09:00 schrieb Peer Learning <plg@example.org>:\n> 1. Title 1\n"
SIG = "\n\n-- \nAda Lovelace\nHead of Engineering | +49 170 1234567\nwww.example.org\n"
ANSWERED, DECLINED, UNREADABLE = SurveyState.ANSWERED, SurveyState.DECLINED, SurveyState.UNREADABLE

CASES = [
    ("3, 7, 1", ANSWERED, (3, 7, 1)),
    ("7 and 3", ANSWERED, (7, 3)),
    ("#2 then #5", ANSWERED, (2, 5)),
    ("Topic 4 please", ANSWERED, (4,)),
    ("1. 4. 2.", ANSWERED, (1, 4, 2)),
    ("3,7,1", ANSWERED, (3, 7, 1)),
    ("3 7 1", ANSWERED, (3, 7, 1)),
    ("Hi team,\n\n5, 2 and 9 would be great!\n\nThanks" + SIG, ANSWERED, (5, 2, 9)),
    ("6 first, then 3" + QUOTE, ANSWERED, (6, 3)),
    ("My picks: 8 / 1" + OUTLOOK, ANSWERED, (8, 1)),
    ("1st choice 3, 2nd 7", ANSWERED, (3, 7)),
    ("11 and 12 please", ANSWERED, (11, 12)),
    ("Number four", ANSWERED, (4,)),
    ("Giving feedback, then delegating", ANSWERED, (10, 11)),
    ("one-on-ones please", ANSWERED, (12,)),
    ("I'd like 2. Mornings suit me best, not before 10:30.", ANSWERED, (2,)),
    ("4, 5, 6, 7", ANSWERED, (4, 5, 6)),
    ("3, 7 und 1", ANSWERED, (3, 7, 1)),
    ("Thema 4 bitte", ANSWERED, (4,)),
    ("Nummer 2 und dann 5", ANSWERED, (2, 5)),
    ("Hallo,\n\nich nehme 9, 3 und 1.\n\nViele Grüße\nJonas" + DE_QUOTE, ANSWERED, (9, 3, 1)),
    ("Gerne 2 und 6, nachmittags ab 14 Uhr", ANSWERED, (2, 6)),
    ("Nr. 7 wäre super" + SIG, ANSWERED, (7,)),
    ("no thanks", DECLINED, ()),
    ("No, thank you." + QUOTE, DECLINED, ()),
    ("Not now, maybe in 2 months", DECLINED, ()),
    ("not interested, sorry" + SIG, DECLINED, ()),
    ("Nein danke", DECLINED, ()),
    ("Kein Interesse." + DE_QUOTE, DECLINED, ()),
    ("Jetzt nicht, vielleicht in 3 Monaten", DECLINED, ()),
    ("Hallo, diesmal nicht. Grüße", DECLINED, ()),
    ("STOP", DECLINED, ()),
    ("whatever you think is best", UNREADABLE, ()),
    ("13", UNREADABLE, ()),
    ("0 and 3", UNREADABLE, ()),
    ("" + QUOTE, UNREADABLE, ()),
    ("Can we talk on the phone?" + SIG, UNREADABLE, ()),
]
HTML_CASES = [
    ("<div>3, 7, 1</div><div><br></div><blockquote>1. Title 1<br>2. Title 2</blockquote>",
     ANSWERED, (3, 7, 1)),
    ("<p>Thema 2 und dann 5</p><!-- 9 --><div class='gmail_quote'>1. 4. 7.</div>",
     ANSWERED, (2, 5)),
    ("<p>No thanks!</p><p>Ada</p>", DECLINED, ()),
    ("<p>Nicht <b>jetzt nicht</b>.</p>", DECLINED, ()),
]  # fmt: skip


def _cleaned(body: str, subtype: str = "plain") -> str:
    message = EmailMessage()
    message["From"] = "ada@example.org"
    message["Subject"] = "Re: Which topics would you like?"
    message.set_content(body, subtype=subtype)
    return member_text(read_body(parse_message(message.as_bytes())))[0]


@pytest.mark.parametrize(("reply", "state", "numbers"), CASES, ids=[c[0][:30] for c in CASES])
def test_plain_replies(reply, state, numbers):
    from companion.mailtext.clean import is_stop_request

    text = _cleaned(reply)
    reading = read_choices(text, TOPICS)
    if is_stop_request(text):  # the ingester treats STOP as a decline
        reading = type(reading)(DECLINED)
    assert (reading.state, reading.choices) == (state, numbers)


@pytest.mark.parametrize(("reply", "state", "numbers"), HTML_CASES)
def test_html_replies(reply, state, numbers):
    reading = read_choices(_cleaned(reply, "html"), TOPICS)
    assert (reading.state, reading.choices) == (state, numbers)


def test_unreadable_reason_is_a_fixed_phrase_and_times_are_fixed_words():
    reading = read_choices("ZEBRA 44 ZEBRA", TOPICS)
    assert reading.reason == "topic number outside 1 to 12"
    assert read_choices("2 please, mornings or Abends", TOPICS).times == ("morning", "evening")


def test_a_megabyte_of_digits_is_read_in_linear_time():
    reading = read_choices("1 " * 500_000, TOPICS)
    assert reading.choices == (1,)


def test_every_time_of_day_the_reader_finds_is_one_the_results_count() -> None:
    from plg_tui.core.survey import TIMES_OF_DAY

    found = {
        time
        for text in ("1 mornings", "1 at midday", "1 afternoons", "1 evenings", "1 nachmittags")
        for time in read_choices(text, TOPICS).times
    }
    assert found == set(TIMES_OF_DAY)
