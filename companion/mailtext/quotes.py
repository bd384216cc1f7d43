"""The quoted original, the reply header and the mobile footer a mail client adds to a reply.

`strip_quoted` removes them, and the signature (see `signatures`), and keeps what the member
wrote, whether they posted on top, at the bottom or interleaved with the quote.
"""

from __future__ import annotations

import re

from companion.mailtext.footers import LINE_PATTERN_MAX_CHARS, is_mobile_footer
from companion.mailtext.signatures import cut_signature

# Only this much of a reply is read: far more than anyone writes in a journal entry, and
# it bounds the time cleaning takes whatever the reply holds.
MAX_INPUT_CHARS = 64 * 1024
# Runs of blank lines left behind once parts are cut.
BLANK_RUNS = re.compile(r"\n{3,}")
# A header label ("From:", "Gesendet:") is found within a line's first characters.
_HEADER_LABEL_SCAN_CHARS = 200

# ">50% of my team" or ">= 3 people" is the member's own text, not a quote.
_QUOTED_LINE = re.compile(r"^[ \t]*>(?![=\d])")

# Attribution lines, one per language, as Gmail, Apple Mail, Thunderbird, Yahoo write them.
# English allows Yahoo's habit of putting the original text on the same line after "wrote:".
_ATTRIBUTION_PATTERNS = [
    re.compile(r"^On\s.+\swrote:(?:\s{2,}\S.*)?$"),
    re.compile(r"^Am\s.+\sschrieb\s.+:$"),
    re.compile(r"^Le\s.+\sa\s+écrit\s*:$"),
    re.compile(r"^El\s.+\sescribió\s*:$"),
    re.compile(r"^Em\s.+\sescreveu\s*:$"),
    re.compile(r"^Op\s.+\sschreef\s.+:$"),
    re.compile(r"^Op\s.+\sgeschreven\s*:$"),
    re.compile(r"^Il(?:\s+giorno)?\s.+\sha\s+scritto\s*:$"),
    re.compile(r"^(?:Den|På)\s.+\sskrev\s.+:$"),
]
# A real attribution carries a date or an address; a sentence like "On Monday Sam wrote:"
# usually does not.
_ATTRIBUTION_EVIDENCE = re.compile(
    r"\b(?:19|20)\d{2}\b|@|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{1,2}[:.]\d{2}\b"
)
ATTRIBUTION_MAX_LINES = 3
# The word each pattern above starts with: a cheap test that rules out most lines.
_ATTRIBUTION_FIRST_WORDS = {"On", "Am", "Le", "El", "Em", "Op", "Il", "Den", "På"}
_ATTRIBUTION_MAX_CHARS = 400
_YAHOO_INLINE_ATTRIBUTION = re.compile(r"^On\s.{1,300}?\swrote:\s{2,}\S")

_SEPARATOR_LINE = re.compile(
    r"^-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|"
    r"oorspronkelijk bericht|mensaje original|messaggio originale|mensagem original|"
    r"oprindelig meddelelse|original meddelelse|opprinnelig melding|"
    r"ursprungligt meddelande|forwarded message|weitergeleitete nachricht|"
    r"message transféré)\s*-{2,}$",
    re.IGNORECASE,
)
_FORWARD_LINE = re.compile(
    r"^(?:begin forwarded message|anfang der weitergeleiteten nachricht)\s*:$", re.I
)
_UNDERSCORE_LINE = re.compile(r"^_{10,}$")

_HEADER_LABELS = {
    "from": ("from", "von", "de", "van", "fra", "da", "från", "od"),
    "date": (
        "sent",
        "date",
        "gesendet",
        "datum",
        "envoyé",
        "verzonden",
        "sendt",
        "inviato",
        "data",
        "enviado",
        "fecha",
        "skickat",
    ),
    "to": ("to", "an", "à", "a", "aan", "til", "till", "para", "cc", "kopie", "bcc"),
    "subject": (
        "subject",
        "betreff",
        "objet",
        "onderwerp",
        "emne",
        "oggetto",
        "asunto",
        "assunto",
        "ämne",
    ),
}
_LABEL_TO_KIND = {label: kind for kind, labels in _HEADER_LABELS.items() for label in labels}
_HEADER_LINE = re.compile(r"^\*?([^\W\d_]+)\*?\s*:\*?(?:\s|$)")
_HEADER_BLOCK_LOOKAHEAD = 6


def _is_quoted(line: str) -> bool:
    return bool(_QUOTED_LINE.match(line))


def _is_attribution(candidate: str) -> bool:
    if ":" not in candidate:  # every pattern ends in "wrote:" or ":"; most lines have none
        return False
    candidate = candidate.strip()
    if len(candidate) > _ATTRIBUTION_MAX_CHARS:
        # Only Yahoo writes a line this long: the attribution followed by the original text.
        # Looking at the start alone keeps the patterns' backtracking bounded.
        match = _YAHOO_INLINE_ATTRIBUTION.match(candidate[:_ATTRIBUTION_MAX_CHARS])
        return bool(match and _ATTRIBUTION_EVIDENCE.search(match.group(0)))
    if not any(p.match(candidate) for p in _ATTRIBUTION_PATTERNS):
        return False
    return bool(_ATTRIBUTION_EVIDENCE.search(candidate))


def attribution_length(lines: list[str], start: int) -> int:
    """How many lines (1..3) an attribution starting at `start` spans; 0 when none does."""
    first_word = lines[start].split(None, 1)[:1] if start < len(lines) else []
    if not first_word or first_word[0] not in _ATTRIBUTION_FIRST_WORDS:
        return 0
    parts: list[str] = []
    for offset in range(ATTRIBUTION_MAX_LINES):
        index = start + offset
        if index >= len(lines):
            break
        line = lines[index]
        if not line.strip() or _is_quoted(line):
            break
        parts.append(line.strip())
        if _is_attribution(" ".join(parts)):
            return offset + 1
        # Gmail wraps an address like "<journal+abc@\nexample.org>" without a space.
        if offset and _is_attribution("".join(parts[:-1]) + parts[-1]):
            return offset + 1
    return 0


def _header_kind(line: str) -> str | None:
    label = line.strip().lstrip(">").strip()[:_HEADER_LABEL_SCAN_CHARS]
    match = _HEADER_LINE.match(label)
    if not match:
        return None
    return _LABEL_TO_KIND.get(match.group(1).lower())


def _header_block_length(lines: list[str], start: int) -> int:
    """Length of an Outlook-style From/Sent/To/Subject block at `start`; 0 when there is none.

    A lone "From: my experience..." line is the member's own text: a block needs a From line
    followed, without blank lines, by a date line and a To or Subject line.
    """
    if _header_kind(lines[start]) != "from":
        return 0
    seen: set[str] = set()
    end = start + 1
    while end < len(lines) and end <= start + _HEADER_BLOCK_LOOKAHEAD and lines[end].strip():
        kind = _header_kind(lines[end])
        if kind == "from":
            break
        if kind:
            seen.add(kind)
        end += 1
    if "date" in seen and ({"to", "subject"} & seen):
        return end - start
    return 0


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
        if _is_quoted(line) or not line.strip():
            continue
        stripped = line.strip()
        if len(stripped) > LINE_PATTERN_MAX_CHARS:
            # only Yahoo's inline attribution is that long, and it is read from the start
            span = attribution_length(lines, index)
            if span:
                return index, index + span
            continue
        if _SEPARATOR_LINE.match(stripped) or _FORWARD_LINE.match(stripped):
            after = _next_nonblank(lines, index + 1)
            block = _header_block_length(lines, after) if after is not None else 0
            return index, (after + block) if after is not None and block else index + 1
        if _UNDERSCORE_LINE.match(stripped):
            after = _next_nonblank(lines, index + 1)
            if after is not None:
                block = _header_block_length(lines, after)
                if block:
                    return index, after + block
            continue
        block = _header_block_length(lines, index)
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
    if first is None or not _is_quoted(after[first]):
        return False
    return any(
        after[index].strip() and not _is_quoted(after[index]) and not is_mobile_footer(after[index])
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
    kept = [line for line in kept if not _is_quoted(line) and not is_mobile_footer(line)]
    kept = cut_signature(kept)
    first = next((index for index, line in enumerate(kept) if line.strip()), len(kept))
    last = next((index for index in range(len(kept), 0, -1) if kept[index - 1].strip()), 0)
    return "\n".join(kept[first:last]), top_post
