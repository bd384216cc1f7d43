"""Tests for companion.mailtext.clean: a corpus of real-client replies and the rules around it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.mailtext.clean import TRUNCATION_NOTE, clean_reply
from companion.mailtext.html_text import html_to_text
from companion.mailtext.quotes import strip_quoted

CORPUS = Path(__file__).parent / "replies"
EXPECTED_SUFFIX = ".expected.txt"


def _expected_for(sample: Path) -> str:
    expected_path = sample.with_name(sample.name.rsplit(".", 1)[0] + EXPECTED_SUFFIX)
    return expected_path.read_text(encoding="utf-8").removesuffix("\n")


def _read_raw(sample: Path) -> str:
    # newline="" keeps the client's CRLF line endings so normalisation is exercised.
    with sample.open(encoding="utf-8", newline="") as handle:
        return handle.read()


TEXT_SAMPLES = sorted(p for p in CORPUS.glob("*.txt") if not p.name.endswith(EXPECTED_SUFFIX))
HTML_SAMPLES = sorted(CORPUS.glob("*.html"))


# A case's name says its client ("NN-<client>-...") and, when not English, its language.
CLIENTS = {
    "gmail", "outlook", "apple", "thunderbird", "yahoo", "proton", "fastmail", "zoho", "gmx",
    "webde", "mailru", "yandex", "qq", "netease163", "foxmail", "naver", "samsung", "k9",
    "spark", "superhuman", "hey", "mutt", "blackberry", "aol", "windows", "fairemail", "groupwise",
}  # fmt: skip
LANGUAGES = {
    "de", "fr", "es", "it", "nl", "pl", "ru", "uk", "zh", "ja", "ko", "sv", "cs", "pt", "da",
    "no", "fi", "tr", "hu", "en", "el", "he", "vi", "id", "ro", "ca", "hr", "bg", "lt", "lv",
}  # fmt: skip
LANGUAGE_NAMES = {
    "german": "de", "french": "fr", "spanish": "es", "dutch": "nl", "italian": "it",
    "danish": "da", "portuguese": "pt", "swedish": "sv",
}  # fmt: skip


def _client_and_language(sample: Path) -> tuple[str | None, str]:
    words = sample.name.split(".", 1)[0].split("-")[1:]
    languages = [LANGUAGE_NAMES.get(w, w) for w in words if LANGUAGE_NAMES.get(w, w) in LANGUAGES]
    return (words[0] if words[0] in CLIENTS else None), (languages[0] if languages else "en")


def test_corpus_is_big_enough() -> None:
    samples = TEXT_SAMPLES + HTML_SAMPLES
    assert len(samples) >= 150
    assert len(HTML_SAMPLES) >= 15
    for sample in samples:
        assert sample.with_name(sample.name.rsplit(".", 1)[0] + EXPECTED_SUFFIX).exists()
    described = [_client_and_language(sample) for sample in samples]
    assert len({client for client, _ in described if client}) >= 15
    assert len({language for _, language in described}) >= 12


@pytest.mark.parametrize("sample", TEXT_SAMPLES, ids=lambda p: p.stem)
def test_plain_text_reply_is_cleaned_to_what_the_member_wrote(sample: Path) -> None:
    cleaned, truncated = clean_reply(_read_raw(sample))
    assert cleaned == _expected_for(sample)
    assert truncated is False


@pytest.mark.parametrize("sample", HTML_SAMPLES, ids=lambda p: p.stem)
def test_html_reply_is_cleaned_to_what_the_member_wrote(sample: Path) -> None:
    cleaned, truncated = clean_reply(html_to_text(_read_raw(sample)))
    assert cleaned == _expected_for(sample)
    assert truncated is False


@pytest.mark.parametrize("sample", TEXT_SAMPLES, ids=lambda p: p.stem)
def test_cleaning_twice_changes_nothing(sample: Path) -> None:
    once, _ = clean_reply(_read_raw(sample))
    assert clean_reply(once)[0] == once


# --- truncation and control characters ------------------------------------------------------


def test_long_reply_is_cut_with_a_note() -> None:
    reply = "word " * 5000
    cleaned, truncated = clean_reply(reply, max_chars=100)
    assert truncated is True
    assert cleaned.endswith(TRUNCATION_NOTE)
    assert cleaned.startswith("word word")
    assert len(cleaned) <= 100 + len(TRUNCATION_NOTE)


def test_reply_exactly_at_the_limit_is_not_cut() -> None:
    reply = "x" * 50
    assert clean_reply(reply, max_chars=50) == (reply, False)
    assert clean_reply(reply, max_chars=49)[1] is True


def test_limit_counts_the_cleaned_text_not_the_quote() -> None:
    reply = "short answer\n\n" + "> quoted prompt line\n" * 500
    assert clean_reply(reply, max_chars=20) == ("short answer", False)


def test_negative_limit_is_rejected() -> None:
    with pytest.raises(ValueError, match="max_chars must not be negative"):
        clean_reply("hello", max_chars=-1)


def test_control_characters_are_removed_but_tabs_and_newlines_kept() -> None:
    reply = "a\x00b\x07c\x1b[31m\td\r\ne\x0bf\ufeff\x85g"
    cleaned, _ = clean_reply(reply)
    assert cleaned == "abc[31m\td\nef" + "g"


def test_crlf_and_lone_cr_become_newlines() -> None:
    cleaned, _ = clean_reply("line one\r\nline two\rline three\r\n")
    assert cleaned == "line one\nline two\nline three"


def test_trailing_whitespace_is_trimmed_and_blank_runs_collapsed() -> None:
    cleaned, _ = clean_reply("  first   \n\n\n\n\nsecond\t\n\n")
    assert cleaned == "first\n\nsecond"


# --- strip_quoted rules in isolation --------------------------------------------------------


def test_signature_delimiter_with_space_drops_everything_after() -> None:
    assert strip_quoted("I tried it.\n-- \nAna Silva\nLong line of prose text here.") == (
        "I tried it."
    )


def test_bare_double_dash_needs_a_short_signature_after_it() -> None:
    signed = "I tried it.\n--\nAna Silva\nTeam Lead"
    assert strip_quoted(signed) == "I tried it."
    long_tail = "I tried it.\n--\n" + "\n".join(f"line {n}" for n in range(8))
    assert strip_quoted(long_tail) == long_tail


def test_header_block_needs_date_and_recipient_lines() -> None:
    own_text = "From: what I saw, it works.\nTo: be continued next week."
    assert strip_quoted(own_text) == own_text
    with_block = (
        "Answer.\n\nFrom: Peer Learning <j@example.org>\nDate: 3 Nov 2026\nTo: me\n\nprompt"
    )
    assert strip_quoted(with_block) == "Answer."


def test_sentence_starting_with_on_and_ending_with_wrote_needs_date_evidence() -> None:
    text = "On Monday Sam wrote:\nthe plan is ready"
    assert strip_quoted(text) == text


def test_underscore_line_without_header_block_is_kept() -> None:
    text = "My notes\n____________________\nMore notes"
    assert strip_quoted(text) == text


def test_interleaved_answers_after_a_preface_are_all_kept() -> None:
    reply = (
        "Answers inline.\n\nOn Tue, 3 Nov 2026 at 09:00, PL <j@example.org> wrote:\n"
        "> What did you try?\nSBI with Noor.\n> What happened?\nShe agreed.\n"
    )
    assert strip_quoted(reply) == "Answers inline.\n\nSBI with Noor.\nShe agreed."


def test_yahoo_attribution_followed_by_a_long_original_on_one_line() -> None:
    reply = (
        "Tried it twice.\n\n   On Tuesday, November 3, 2026, 09:00:00 AM GMT+1, Peer Learning "
        "<j@example.org> wrote:   " + "original prompt text " * 100
    )
    assert strip_quoted(reply) == "Tried it twice."


def test_mobile_footer_sentence_with_more_words_is_the_members_text() -> None:
    reply = "Sent from my phone, sorry for typos.\nI tried it."
    assert strip_quoted(reply) == reply


# --- html_to_text rules in isolation --------------------------------------------------------


def test_html_paragraphs_lines_and_entities() -> None:
    html = "<p>One &amp; two</p><p>Three<br>Four</p><div>Five</div><div>Six</div>"
    assert html_to_text(html) == "One & two\n\nThree\nFour\n\nFive\nSix"


def test_html_drops_style_script_head_and_blockquote() -> None:
    html = (
        "<head><title>t</title><style>p{}</style></head><script>x()</script>"
        "<div>kept</div><blockquote>quoted</blockquote><div>also kept</div>"
    )
    assert html_to_text(html) == "kept\nalso kept"


def test_html_lists_become_dash_and_numbered_items() -> None:
    html = "<ul><li>a</li><li>b</li></ul><ol><li>first</li><li>second</li></ol>"
    assert html_to_text(html) == "- a\n- b\n\n1. first\n2. second"


def test_html_gmail_quote_container_is_dropped_but_text_after_is_kept() -> None:
    html = '<div>top</div><div class="gmail_quote">On x wrote:<br>old</div><div>bottom</div>'
    assert html_to_text(html) == "top\nbottom"


def test_html_outlook_append_on_send_cuts_the_rest() -> None:
    html = '<div>mine</div><div id="appendonsend"></div><hr><div>From: someone</div>'
    assert html_to_text(html) == "mine"


def test_html_attribution_before_a_blockquote_goes_with_it() -> None:
    html = (
        "<div>mine</div><div>On 3 Nov 2026, at 09:00, PL &lt;j@example.org&gt; wrote:<br></div>"
        "<blockquote type=cite><div>old prompt</div></blockquote><div>written below</div>"
    )
    assert html_to_text(html) == "mine\nwritten below"


def test_html_outlook_paragraph_lines_and_nbsp_blank_lines() -> None:
    html = (
        '<p class="MsoNormal">one</p><p class="MsoNormal">two</p>'
        '<p class="MsoNormal">&nbsp;</p><p class="MsoNormal">three</p>'
    )
    assert html_to_text(html) == "one\ntwo\n\nthree"


# --- properties -------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400), max_chars=st.integers(min_value=0, max_value=300))
def test_clean_reply_never_raises_and_respects_the_limit(text: str, max_chars: int) -> None:
    cleaned, truncated = clean_reply(text, max_chars=max_chars)
    assert len(cleaned) <= max_chars + len(TRUNCATION_NOTE)
    if not truncated:
        assert len(cleaned) <= max_chars


_MAIL_ALPHABET = st.sampled_from(
    [
        "\n",
        "\r\n",
        " ",
        "-",
        "--",
        "-- ",
        ">",
        "> ",
        "wrote:",
        "On 3 Nov 2026",
        "From: a",
        "Sent: b",
        "To: c",
        "Subject: d",
        "_" * 12,
        "word",
        "\u00a0",
        "\x00",
        "*",
        "1. ",
    ]
)


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(_MAIL_ALPHABET, max_size=60))
def test_clean_reply_never_raises_on_mail_shaped_input(parts: list[str]) -> None:
    cleaned, _ = clean_reply("".join(parts), max_chars=500)
    assert "\x00" not in cleaned
    assert "\r" not in cleaned


@settings(max_examples=100, deadline=None)
@given(html=st.text(alphabet=st.sampled_from(list("<>/=\"' abdiplu&;#x\n")), max_size=300))
def test_html_to_text_never_raises(html: str) -> None:
    assert isinstance(html_to_text(html), str)
