"""The quoted original, the reply header and the mobile footer a mail client adds to a reply.

`strip_quoted` removes them, and the signature (see `signatures`), and keeps what the member
wrote, whether they posted on top, at the bottom or interleaved with the quote.
"""

from __future__ import annotations

import re

from companion.mailtext.attribution import attribution_length
from companion.mailtext.banners import cut_banner
from companion.mailtext.disclaimers import cut_disclaimer
from companion.mailtext.footers import LINE_PATTERN_MAX_CHARS, is_mobile_footer
from companion.mailtext.header_block import (
    FORWARD_LINE,
    SEPARATOR_LINE,
    TITLED_RULE,
    UNDERSCORE_LINE,
    header_block_length,
    is_groupwise_header,
)
from companion.mailtext.quote_marks import is_quoted
from companion.mailtext.signatures import cut_signature

# Only this much of a reply is read: far more than anyone writes in a journal entry, and
# it bounds the time cleaning takes whatever the reply holds.
MAX_INPUT_CHARS = 64 * 1024
# Runs of blank lines left behind once parts are cut.
BLANK_RUNS = re.compile(r"\n{3,}")


def _next_nonblank(lines: list[str], start: int, limit: int = 2) -> int | None:
    for index in range(start, min(len(lines), start + limit + 1)):
        if lines[index].strip():
            return index
    return None


def find_reply_header(lines: list[str], start: int = 0) -> tuple[int, int] | None:
    """(start, end) of the first unquoted reply header at or after `start`: attribution,
    header block, separator."""
    for index in range(start, len(lines)):
        line = lines[index]
        stripped = line.strip()
        if is_groupwise_header(stripped):
            return index, index + 1
        if is_quoted(line) or not stripped:
            continue
        if len(stripped) > LINE_PATTERN_MAX_CHARS:
            # only Yahoo's inline attribution is that long, and it is read from the start
            span = attribution_length(lines, index)
            if span:
                return index, index + span
            continue
        if SEPARATOR_LINE.match(stripped) or FORWARD_LINE.match(stripped):
            after = _next_nonblank(lines, index + 1)
            block = header_block_length(lines, after, after_separator=True) if after else 0
            return index, (after + block) if after is not None and block else index + 1
        if UNDERSCORE_LINE.match(stripped):
            after = _next_nonblank(lines, index + 1)
            if after is not None:
                block = header_block_length(lines, after, after_separator=True)
                if block:
                    return index, after + block
            continue
        if TITLED_RULE.match(stripped):  # "---------- Továbbított levél ---------" in any language
            after = _next_nonblank(lines, index + 1)
            block = header_block_length(lines, after, after_separator=True) if after else 0
            if after is not None and block:
                return index, after + block
        block = header_block_length(lines, index)
        if block:
            return index, index + block
        span = attribution_length(lines, index)
        if span:
            return index, index + span
    return None


def writer_continues_below(after: list[str], start: int = 0) -> bool:
    """True when the member wrote below the quote (bottom or interleaved posting) that
    begins at `start`."""
    first = _next_nonblank(after, start, limit=len(after))
    if first is None or not is_quoted(after[first]):
        return False
    return any(
        after[index].strip() and not is_quoted(after[index]) and not is_mobile_footer(after[index])
        for index in range(first, len(after))
    )


def normalise_newlines(text: str) -> str:
    return (
        text.replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\u2028", "\n")
        .replace("\u2029", "\n")
    )


def strip_quoted(text: str) -> str:
    """Remove the quoted original, reply headers, signatures and mobile footers from a reply.

    Top posting: everything from the reply header on goes. Bottom or interleaved posting (the
    quote comes first and the member wrote below it): the attribution and the ">" lines go,
    the member's lines stay.
    """
    return strip_quoted_top_post(text)[0]


def strip_quoted_top_post(text: str) -> tuple[str, bool]:
    """(strip_quoted's text, whether the member's text ended at a reply header: all that
    follows is the quoted original)."""
    lines = normalise_newlines(text).split("\n")
    top_post = False
    kept: list[str] = []
    position = 0  # an index, not slices: many headers in one reply stay linear
    while True:
        header = find_reply_header(lines, position)
        if header is None:
            kept.extend(lines[position:])
            break
        start, end = header
        kept.extend(lines[position:start])
        if not writer_continues_below(lines, end):
            top_post = True
            break
        position = end
    kept = [line for line in kept if not is_quoted(line) and not is_mobile_footer(line)]
    kept = cut_signature(cut_disclaimer(cut_banner(kept)))
    first = next((index for index, line in enumerate(kept) if line.strip()), len(kept))
    last = next((index for index in range(len(kept), 0, -1) if kept[index - 1].strip()), 0)
    return "\n".join(kept[first:last]), top_post
