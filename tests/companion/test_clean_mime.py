"""How a reply's text/plain part was encoded must not change what the member wrote:
format=flowed (with and without DelSp), quoted-printable soft breaks, Windows line endings."""

from __future__ import annotations

import pytest

from companion.inbound.inbound_message import member_text, parse_message, read_body
from companion.mailtext.flowed import unflow

HEADERS = (
    "From: Ada <ada@example.org>\r\nTo: journal+abc@example.org\r\nSubject: Re: Week 2\r\n"
    "MIME-Version: 1.0\r\n"
)
ATTRIBUTION = "On 3 Nov 2026, at 09:00, Peer Learning <journal+abc@example.org> wrote:"


def _text_of(content_type: str, encoding: str, body: str) -> str:
    raw = (
        HEADERS
        + f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n"
        + body
    )
    text, _ = member_text(read_body(parse_message(raw.encode("utf-8"))))
    return text


def test_flowed_soft_breaks_are_joined_and_the_quote_still_goes() -> None:
    body = (
        "I let Noor run the stand-up. It took longer than when I do it, \r\n"
        "but people talked to each other instead of to me.\r\n"
        "\r\n"
        " From now on she runs it on Mondays.\r\n"  # space-stuffed: a "From" line
        "\r\n"
        f"{ATTRIBUTION}\r\n"
        "> Week 2 of 4 - Delegating. What did you hand \r\n"
        "> over this week?\r\n"
    )
    text = _text_of('text/plain; charset="utf-8"; format=flowed', "8bit", body)
    assert text == (
        "I let Noor run the stand-up. It took longer than when I do it, but people talked to "
        "each other instead of to me.\n\nFrom now on she runs it on Mondays."
    )


def test_flowed_delsp_joins_a_word_split_across_lines() -> None:
    body = "Handed the budget to Ki \r\nm. It went wel \r\nl.\r\n\r\n-- \r\nAda\r\n"
    text = _text_of("text/plain; charset=utf-8; format=flowed; delsp=yes", "8bit", body)
    assert text == "Handed the budget to Kim. It went well."


def test_quoted_printable_soft_breaks_and_crlf() -> None:
    body = (
        "Gave the r=C3=A9sum=C3=A9 screening to Tom; he found two people I had=\r\n"
        " missed.\r\n\r\nSent from my iPhone\r\n\r\n> On 3 Nov 2026, at 09:00, Peer=\r\n"
        " Learning <journal+abc@example.org> wrote:\r\n> Week 2\r\n"
    )
    text = _text_of("text/plain; charset=utf-8", "quoted-printable", body)
    assert text == "Gave the résumé screening to Tom; he found two people I had missed."


@pytest.mark.parametrize(
    ("flowed", "expected"),
    [
        ("a \nb\n", "a b"),
        ("> quoted \n> more\nmine\n", "> quoted more\nmine"),
        (">> deep \n> shallow\n", ">> deep \n> shallow"),
        ("-- \nsig\n", "-- \nsig\n"),
        ("ends soft ", "ends soft"),
    ],
)
def test_unflow_rules(flowed: str, expected: str) -> None:
    assert unflow(flowed).rstrip("\n") == expected.rstrip("\n")


def test_unflow_is_linear_on_a_mebibyte_of_soft_breaks() -> None:
    text = "word \n" * (1024 * 1024 // 6)
    assert unflow(text).count("\n") <= 1
