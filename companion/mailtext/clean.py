"""Turn a member's email reply into exactly what they wrote.

Members answer the weekly journaling prompt by hitting Reply. Their mail client adds the quoted
prompt, an attribution or header block, a signature and maybe a "Sent from my iPhone" footer.
These functions remove those and keep the member's own text, including their bullet lists,
numbered lists and paragraphs. Everything here is pure and stdlib-only.

The quote and footer rules are in `quotes`, signatures in `signatures`, HTML rendering in
`html_text`; this module puts them together.

Nothing in this module logs or raises with member-written text in the message.
"""

from __future__ import annotations

import re
import unicodedata

from companion.mailtext.quotes import (
    BLANK_RUNS,
    MAX_INPUT_CHARS,
    normalise_newlines,
    strip_quoted_top_post,
)

TRUNCATION_NOTE = "\n\n[The rest of this reply was cut because it was too long.]"

_KEEP_CONTROL = {"\n", "\t"}


def _strip_control(text: str) -> str:
    return "".join(
        ch
        for ch in text
        if ch in _KEEP_CONTROL or (unicodedata.category(ch) != "Cc" and ch != "\ufeff")
    )


def _cap_input(text: str) -> tuple[str, bool]:
    """The first MAX_INPUT_CHARS of `text`, ending at a line break where one is near."""
    if len(text) <= MAX_INPUT_CHARS:
        return text, False
    head = text[:MAX_INPUT_CHARS]
    line_end = head.rfind("\n", MAX_INPUT_CHARS // 2)
    return (head[:line_end] if line_end > 0 else head), True


def clean_reply(text: str, *, max_chars: int = 20000, cut_before: bool = False) -> tuple[str, bool]:
    """Return (the member's own text, whether it was cut).

    A reply is cut when it is longer than MAX_INPUT_CHARS before cleaning (only its start is
    read, and the member's text did not end above the quote in it), longer than `max_chars`
    after, or `cut_before` says its HTML was not all read.
    When cut, the text ends with TRUNCATION_NOTE, so the result is never longer than
    max_chars + len(TRUNCATION_NOTE).
    """
    if max_chars < 0:
        raise ValueError("max_chars must not be negative")
    text, capped = _cap_input(text)
    text = _strip_control(normalise_newlines(text))
    text, top_post = strip_quoted_top_post(text)
    # a top-posted reply with a huge quote below lost only quote to the cap
    cut = (capped and not top_post) or cut_before
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = BLANK_RUNS.sub("\n\n", text).strip()
    if len(text) <= max_chars and not cut:
        return text, False
    shortened = text[:max_chars].rstrip()
    if not shortened:
        return TRUNCATION_NOTE.lstrip(), True
    return shortened + TRUNCATION_NOTE, True


_STOP_REQUEST = re.compile(
    r"^(?:please\s+)?"
    r"(?:stop|stopp|unsubscribe|unsub|opt\s*out|remove\s+me|abmelden|désabonner|"
    r"se\s+désabonner|désinscrire|uitschrijven|afmelden|darme\s+de\s+baja|cancelar)"
    r"(?:\s+me)?"
    r"(?:\s+from\s+(?:this|these|the)(?:\s+mailing)?\s+(?:list|emails|mails|messages))?"
    r"(?:\s+(?:these|this|the)\s+(?:emails|mails|messages))?"
    r"(?:\s+(?:please|now|thanks|thank\s+you|bitte|merci|svp|s'il\s+vous\s+plaît))*$"
)
_STOP_MAX_CHARS = 80
_EDGE_PUNCTUATION = " \t\n.!,;:-–—\"'«»“”‘’()[]*_"


def is_stop_request(text: str) -> bool:
    """True when the member's reply is only a request to stop the emails.

    Conservative: a journal entry that mentions "stop" in a sentence is not a stop request.
    """
    cleaned, _ = clean_reply(text, max_chars=_STOP_MAX_CHARS * 4)
    if len(cleaned) > _STOP_MAX_CHARS:
        return False
    words = [w.strip(_EDGE_PUNCTUATION) for w in cleaned.lower().split()]
    normalised = " ".join(w for w in words if w)
    return bool(_STOP_REQUEST.match(normalised))
