"""Cleaning a hostile or huge reply: only its start is read, the cut is noted, nothing grows.

How long hostile input takes is measured by `bench/ingest.py`, not here: these tests check
what the caps do to the text.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import TYPE_CHECKING

from hypothesis import given, settings
from hypothesis import strategies as st

from companion.inbound.inbound_message import (
    MAX_ADDRESS_HEADER_CHARS,
    MAX_DECODED_HEADER_CHARS,
    addresses,
    header_text,
    member_text,
    parse_headers,
    parse_message,
    read_body,
)
from companion.mailtext.clean import TRUNCATION_NOTE, clean_reply
from companion.mailtext.html_text import MAX_HTML_TAGS, html_to_text, render_html
from companion.mailtext.html_tokens import HtmlTokenReader
from companion.mailtext.quotes import MAX_INPUT_CHARS

if TYPE_CHECKING:
    from tests.companion.conftest_imap import Inbound

pytest_plugins = ["tests.companion.conftest_imap"]

QUOTE_LINE = "> the prompt we sent, quoted back by the mail client\n"
ATTRIBUTION = "On Tue, 3 Nov 2026 at 09:00, Peer Learning <journal+abc@example.org> wrote:\n"


def _quote_over_the_cap() -> str:
    return QUOTE_LINE * (MAX_INPUT_CHARS // len(QUOTE_LINE) + 10)


# --- the cap on what is read ----------------------------------------------------------------


def test_a_reply_over_the_cap_is_read_only_to_the_cap_and_marked_cut() -> None:
    reply = "My entry starts here.\n" + _quote_over_the_cap() + "It goes on below the quote.\n"
    cleaned, truncated = clean_reply(reply, max_chars=10 * MAX_INPUT_CHARS)
    assert truncated is True
    assert cleaned == "My entry starts here." + TRUNCATION_NOTE


def test_a_top_posted_reply_over_a_huge_quote_is_not_marked_cut() -> None:
    reply = "My whole answer.\n\n" + ATTRIBUTION + _quote_over_the_cap()
    assert clean_reply(reply) == ("My whole answer.", False)


def test_a_member_text_over_the_cap_keeps_its_start_up_to_a_line_end() -> None:
    line = "I kept notes every day this week and here they are in full.\n"
    reply = line * (MAX_INPUT_CHARS // len(line) + 50)
    cleaned, truncated = clean_reply(reply, max_chars=10 * MAX_INPUT_CHARS)
    assert truncated is True
    body = cleaned.removesuffix(TRUNCATION_NOTE)
    assert len(body) <= MAX_INPUT_CHARS
    assert body.endswith(line.strip())  # the cut falls between lines, not inside one


def test_an_entry_over_the_cap_says_it_was_shortened_and_logs_none_of_it(
    inbound: Inbound,
) -> None:
    reply = "My entry starts here.\n" + _quote_over_the_cap() + "It goes on below the quote.\n"
    raw = inbound.render("no_message_id.eml").replace(
        b"A reply from an old client that sets no Message-ID.", reply.encode()
    )
    logged: list[str] = []
    assert inbound.ingester(log=logged.append).receive(raw).action == "placed"
    [entry] = inbound.entries()
    assert entry["truncated"] is True
    assert inbound.texts() == ["My entry starts here." + TRUNCATION_NOTE]
    assert not any("My entry" in line or "below the" in line for line in logged)


def test_an_html_reply_stops_rendering_at_the_tag_cap_and_is_marked_cut() -> None:
    html = "<div>My entry.</div>" + "<span></span>" * MAX_HTML_TAGS + "<div>too late</div>"
    assert render_html(html) == ("My entry.", True)
    raw = b"Content-Type: text/html; charset=utf-8\r\n\r\n" + html.encode()
    assert member_text(read_body(parse_message(raw))) == ("My entry." + TRUNCATION_NOTE, True)


def test_an_html_reply_stops_rendering_past_the_text_cap() -> None:
    paragraph = "<p>" + "A sentence the member wrote about the week. " * 4 + "</p>"
    html = paragraph * (MAX_INPUT_CHARS // 100) + "<p>the very end</p>"
    text, capped = render_html(html)
    assert capped is True
    assert "the very end" not in text
    assert MAX_INPUT_CHARS <= len(text) < MAX_INPUT_CHARS + len(paragraph)


# --- long lines are the member's text --------------------------------------------------------


def test_a_long_last_line_with_an_address_and_a_phone_is_not_a_signature() -> None:
    long_line = (
        "I wrote to ana@example.org and called +44 20 7946 0958 about it, "
        + "and the conversation about the missed deadline went on for a while " * 30
    )
    reply = "Did the exercise.\n\n" + long_line.rstrip()
    assert clean_reply(reply) == (reply, False)


def test_a_single_long_line_is_kept_whole_below_the_cap() -> None:
    reply = "x" * 30_000
    assert clean_reply(reply, max_chars=MAX_INPUT_CHARS) == (reply, False)


def test_long_lines_that_start_like_a_footer_or_a_header_are_kept() -> None:
    lines = [
        ("Sent from my iPhone " + "and then I kept writing about the week " * 40).rstrip(),
        ("From: " + "what I saw this week, the habit is sticking " * 40).rstrip(),
    ]
    for line in lines:
        assert clean_reply("Notes.\n" + line) == ("Notes.\n" + line, False)


def test_quote_markers_alone_leave_nothing_of_the_member() -> None:
    assert clean_reply(">" * 50_000) == ("", False)


# --- properties: cleaning only removes ------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "\n",
        "\r\n",
        " ",
        "--",
        "-- \n",
        ">",
        "> ",
        "wrote:",
        ATTRIBUTION,
        "From: a\n",
        "Sent: 3 Nov 2026\n",
        "To: c\n",
        "Subject: d\n",
        "_" * 12,
        "word",
        "Ana Silva",
        "+44 20 7946 0958",
        "ana@example.org",
        "Sent from my iPhone",
        "Best regards,",
        "x" * 1500,
        "a." * 600,
        "1. ",
    ]
)


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(_PIECES, max_size=40))
def test_cleaning_never_grows_the_text_and_invents_no_line(parts: list[str]) -> None:
    reply = "".join(parts)  # under MAX_INPUT_CHARS: 40 pieces of at most 1,500
    cleaned, truncated = clean_reply(reply, max_chars=MAX_INPUT_CHARS)
    assert truncated is False
    assert len(cleaned) <= len(reply)
    normalised = reply.replace("\r\n", "\n")
    for line in cleaned.split("\n"):
        assert line in normalised


@settings(max_examples=30, deadline=None)
@given(head=st.lists(_PIECES, max_size=20), tail_a=st.text(), tail_b=st.lists(_PIECES))
def test_nothing_past_the_cap_changes_the_result(
    head: list[str], tail_a: str, tail_b: list[str]
) -> None:
    notes = "Notes of the week.\n" * (MAX_INPUT_CHARS // 19 + 1)
    start = ("".join(head) + "\n" + notes)[:MAX_INPUT_CHARS] + "\n"
    assert clean_reply(start + tail_a) == clean_reply(start + "".join(tail_b))


@settings(max_examples=200, deadline=None)
@given(markup=st.text(alphabet=st.sampled_from(list("<>/=\"' !-?[]abdilpu&;#x\n")), max_size=300))
def test_html_to_text_never_raises_on_broken_markup(markup: str) -> None:
    assert isinstance(html_to_text(markup), str)


def test_an_unclosed_marked_section_is_not_an_error() -> None:
    assert html_to_text("<p>kept</p><![<![<![ never closed") == "kept"


# --- the tokenizer gives html.parser's events for HTML clients write ------------------------


class _Events(HtmlTokenReader):
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if self.events and self.events[-1][0] == "data":
            self.events[-1] = ("data", self.events[-1][1] + data)
        else:
            self.events.append(("data", data))


class _StdlibEvents(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sink = _Events()
        self.handle_starttag = self.sink.handle_starttag  # type: ignore[method-assign]
        self.handle_endtag = self.sink.handle_endtag  # type: ignore[method-assign]
        self.handle_data = self.sink.handle_data  # type: ignore[method-assign]


_TAGS = ["div", "p", "br", "ul", "li", "blockquote", "span", "pre", "td", "o:p", "DIV", "style"]
_ATTRS = ["", ' class="gmail_quote"', " class=MsoNormal", " id='signature'", ' title="a>b"', " x"]
_TEXTS = [
    "hello",
    "a &amp; b",
    "&nbsp;",
    " ",
    "\n",
    "a < b",
    "&#65;",
    "<!-- c -->",
    "<!DOCTYPE html>",
]
_MAIL_HTML = st.lists(
    st.one_of(
        st.builds(
            lambda tag, attr, closing: f"<{tag}{attr}{'/' if closing else ''}>",
            st.sampled_from(_TAGS),
            st.sampled_from(_ATTRS),
            st.booleans(),
        ),
        st.builds(lambda tag: f"</{tag}>", st.sampled_from(_TAGS)),
        st.sampled_from(_TEXTS),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(parts=_MAIL_HTML)
def test_the_reader_gives_the_events_html_parser_gives(parts: list[str]) -> None:
    markup = "".join(parts)
    ours = _Events()
    ours.read(markup)
    stdlib = _StdlibEvents()
    stdlib.feed(markup)
    stdlib.close()
    assert ours.events == stdlib.sink.events


# --- headers --------------------------------------------------------------------------------


def test_a_header_too_long_to_decode_is_used_as_it_came() -> None:
    encoded = "=?utf-8?q?a?= " * (MAX_DECODED_HEADER_CHARS // 14 + 1)
    headers = parse_headers(
        f"Subject: {encoded}\r\nX-Short: =?utf-8?q?caf=C3=A9?=\r\n\r\n".encode()
    )
    assert header_text(headers, "Subject").strip() == encoded.strip()
    assert header_text(headers, "X-Short") == "café"


def test_no_address_is_read_from_an_overlong_from_header() -> None:
    many = ", ".join(["ada@example.org"] * (MAX_ADDRESS_HEADER_CHARS // 17 + 2))
    assert addresses(parse_headers(f"From: {many}\r\n\r\n".encode()), "From") == []
    one = parse_headers(b"From: Ada <ada@example.org>\r\n\r\n")
    assert addresses(one, "From") == ["ada@example.org"]
