"""Turn a member's email reply into exactly what they wrote.

Members answer the weekly journaling prompt by hitting Reply. Their mail client adds the quoted
prompt, an attribution or header block, a signature and maybe a "Sent from my iPhone" footer.
These functions remove those and keep the member's own text, including their bullet lists,
numbered lists and paragraphs. Everything here is pure and stdlib-only.

Nothing in this module logs or raises with member-written text in the message.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

__all__ = [
    "TRUNCATION_NOTE",
    "clean_reply",
    "html_to_text",
    "is_stop_request",
    "strip_quoted",
]

TRUNCATION_NOTE = "\n\n[The rest of this reply was cut because it was too long.]"

# --- recognising the parts a mail client adds -------------------------------------------------

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
_ATTRIBUTION_MAX_LINES = 3
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

_MOBILE_FOOTERS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"sent from my (?:iphone|ipad|ipod|android(?: phone| device)?|mobile(?: device| phone)?"
        r"|phone|smartphone|samsung[\w .-]*|galaxy[\w .-]*|huawei[\w .-]*|pixel[\w .-]*"
        r"|blackberry[\w .-]*|windows phone)",
        r"sent from yahoo mail (?:on|for) (?:android|iphone|ipad|ios)",
        r"sent from (?:mail|outlook) for (?:windows(?: 10| 11)?|ios|android)",
        r"sent from outlook",
        r"sent from gmail mobile",
        r"get outlook for (?:ios|android)",
        r"von meinem (?:iphone|ipad|smartphone|samsung[\w .-]*|android[\w .-]*) gesendet",
        r"envoyé de mon (?:iphone|ipad|smartphone|android)",
        r"enviado desde mi (?:iphone|ipad|smartphone|android|celular|móvil)",
        r"enviado do meu (?:iphone|ipad|smartphone|android)",
        r"inviato da (?:iphone|ipad|il mio iphone)",
        r"inviato dal mio (?:iphone|ipad|smartphone)",
        r"(?:verzonden|verstuurd) (?:vanaf|van) mijn (?:iphone|ipad|smartphone)",
        r"sendt fra min (?:iphone|ipad|mobil)",
        r"skickat från min (?:iphone|ipad|mobil)",
        r"hent outlook til (?:ios|android)",
        r"outlook für (?:ios|android) herunterladen",
        r"obtenir outlook pour (?:ios|android)",
    )
]
_FOOTER_TAIL = re.compile(r"\s*(?:<[^>\s]*>)?\s*$")

_BULLET = re.compile(r"^\s*(?:[-*•+]|\d{1,3}[.)])\s")
_PHONE = re.compile(
    r"(?:\+|\b00)\d[\d\s().-]{6,}\d"
    r"|^(?:tel|tél|phone|mobile|mob|cell|mobil|handy|telefon|tlf|m|t|p)\b\.?\s*:?\s*"
    r"\(?\d[\d\s().-]{6,}\d",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_VALEDICTION = re.compile(
    r"^(?:thanks|thank you|many thanks|cheers|best|best wishes|best regards|kind regards|"
    r"regards|warm regards|all the best|br|mvh|hilsen|venlig hilsen|med vänliga hälsningar|"
    r"viele grüße|liebe grüße|beste grüße|grüße|gruß|lg|vg|cordialement|bien à vous|"
    r"merci|groeten|met vriendelijke groet|saludos|un saludo|gracias|cordiali saluti|"
    r"saluti|grazie|abraços|obrigado|obrigada)[\s,.!]*$",
    re.IGNORECASE,
)
_SIGNATURE_MAX_LINES = 6
_SIGNATURE_LINE_MAX_CHARS = 80


def _is_quoted(line: str) -> bool:
    return bool(_QUOTED_LINE.match(line))


def _is_attribution(candidate: str) -> bool:
    candidate = candidate.strip()
    if len(candidate) > _ATTRIBUTION_MAX_CHARS:
        # Only Yahoo writes a line this long: the attribution followed by the original text.
        # Looking at the start alone keeps the patterns' backtracking bounded.
        match = _YAHOO_INLINE_ATTRIBUTION.match(candidate[:_ATTRIBUTION_MAX_CHARS])
        return bool(match and _ATTRIBUTION_EVIDENCE.search(match.group(0)))
    if not any(p.match(candidate) for p in _ATTRIBUTION_PATTERNS):
        return False
    return bool(_ATTRIBUTION_EVIDENCE.search(candidate))


def _attribution_length(lines: list[str], start: int) -> int:
    """How many lines (1..3) an attribution starting at `start` spans; 0 when none does."""
    parts: list[str] = []
    for offset in range(_ATTRIBUTION_MAX_LINES):
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
    match = _HEADER_LINE.match(line.strip().lstrip(">").strip())
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


def _find_reply_header(lines: list[str]) -> tuple[int, int] | None:
    """(start, end) of the first unquoted reply header: attribution, header block, separator."""
    for index, line in enumerate(lines):
        if _is_quoted(line) or not line.strip():
            continue
        stripped = line.strip()
        if _SEPARATOR_LINE.match(stripped) or _FORWARD_LINE.match(stripped):
            after = _next_nonblank(lines, index + 1)
            block = _header_block_length(lines, after) if after is not None else 0
            return index, (after + block) if block else index + 1
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
        span = _attribution_length(lines, index)
        if span:
            return index, index + span
    return None


def _is_footer(line: str) -> bool:
    stripped = line.strip()
    for pattern in _MOBILE_FOOTERS:
        match = pattern.match(stripped)
        if match and _FOOTER_TAIL.fullmatch(stripped[match.end() :]):
            return True
    return False


def _writer_continues_below(after: list[str]) -> bool:
    """True when the member wrote below the quote (bottom or interleaved posting)."""
    first = _next_nonblank(after, 0, limit=len(after))
    if first is None or not _is_quoted(after[first]):
        return False
    return any(
        line.strip() and not _is_quoted(line) and not _is_footer(line) for line in after[first:]
    )


def _word_count(line: str) -> int:
    return len(line.split())


def _looks_like_signature_line(line: str) -> bool:
    stripped = line.strip()
    if len(stripped) > _SIGNATURE_LINE_MAX_CHARS or _BULLET.match(line):
        return False
    words = _word_count(stripped)
    is_prose = words >= 8 or (stripped.endswith((".", "!", "?")) and words >= 4)
    return not is_prose


def _is_contact_line(line: str) -> bool:
    stripped = line.strip()
    return bool(_PHONE.search(stripped) or _EMAIL.search(stripped) or _URL.search(stripped))


def _is_name_line(line: str) -> bool:
    stripped = line.strip()
    return (
        0 < _word_count(stripped) <= 4
        and not any(ch.isdigit() for ch in stripped)
        and not _is_contact_line(stripped)
        and "|" not in stripped
        and not stripped.endswith((".", "!", "?", ":", ","))
    )


def _cut_signature(lines: list[str]) -> list[str]:
    nonblank_from_here = sum(1 for line in lines if line.strip())
    for index, line in enumerate(lines):
        if line.strip():
            nonblank_from_here -= 1
        if line in ("-- ", "--\u00a0"):
            return lines[:index]
        if line.rstrip() == "--" and 0 < nonblank_from_here <= _SIGNATURE_MAX_LINES:
            rest = [r for r in lines[index + 1 :] if r.strip()]
            if all(_looks_like_signature_line(r) for r in rest):
                return lines[:index]
    return _cut_trailing_contact_block(lines)


def _cut_trailing_contact_block(lines: list[str]) -> list[str]:
    """Drop a trailing name/title/phone block that has no "-- " delimiter before it."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start and lines[start - 1].strip():
        start -= 1
    block = lines[start:end]
    has_text_before = any(line.strip() for line in lines[:start])
    if (
        not block
        or len(block) > _SIGNATURE_MAX_LINES
        or not any(_is_contact_line(line) for line in block)
        or not all(_looks_like_signature_line(line) for line in block)
    ):
        return lines
    keep = 0
    if _VALEDICTION.match(block[0].strip()):
        keep = 1
        if len(block) > 1 and _is_name_line(block[1]) and not _is_contact_line(block[1]):
            keep = 2
    if not keep and not has_text_before:
        return lines
    return lines[: start + keep]


def _normalise_newlines(text: str) -> str:
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
    lines = _normalise_newlines(text).split("\n")
    kept: list[str] = []
    rest = lines
    while True:
        header = _find_reply_header(rest)
        if header is None:
            kept.extend(rest)
            break
        start, end = header
        kept.extend(rest[:start])
        after = rest[end:]
        if not _writer_continues_below(after):
            break
        rest = after
    kept = [line for line in kept if not _is_quoted(line) and not _is_footer(line)]
    kept = _cut_signature(kept)
    while kept and not kept[-1].strip():
        kept.pop()
    while kept and not kept[0].strip():
        kept.pop(0)
    return "\n".join(kept)


# --- whole-reply cleaning -----------------------------------------------------------------------

_KEEP_CONTROL = {"\n", "\t"}
_BLANK_RUNS = re.compile(r"\n{3,}")


def _strip_control(text: str) -> str:
    return "".join(
        ch
        for ch in text
        if ch in _KEEP_CONTROL or (unicodedata.category(ch) != "Cc" and ch != "\ufeff")
    )


def clean_reply(text: str, *, max_chars: int = 20000) -> tuple[str, bool]:
    """Return (the member's own text, whether it was cut to `max_chars`).

    When cut, the text ends with TRUNCATION_NOTE, so the result is never longer than
    max_chars + len(TRUNCATION_NOTE).
    """
    if max_chars < 0:
        raise ValueError("max_chars must not be negative")
    text = _strip_control(_normalise_newlines(text))
    text = strip_quoted(text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = _BLANK_RUNS.sub("\n\n", text).strip()
    if len(text) <= max_chars:
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


# --- HTML bodies ----------------------------------------------------------------------------------

_SKIPPED_TAGS = {"style", "script", "head", "title", "template", "noscript"}
_BLOCK_TAGS = {
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "nav",
    "aside",
    "table",
    "tbody",
    "thead",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "address",
    "center",
    "figure",
    "dl",
    "dt",
    "dd",
}
_PARAGRAPH_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table"}
# Containers whose whole content is the quote or the client's signature.
_DROPPED_CLASSES = {
    "gmail_quote",
    "gmail_extra",
    "gmail_signature",
    "yahoo_quoted",
    "moz-cite-prefix",
    "moz-signature",
    "protonmail_quote",
    "zmail_extra",
}
_DROPPED_IDS = {"ms-outlook-mobile-signature", "signature", "ymail_android_signature"}
# Outlook marks where its quote begins; everything from there on is the original message.
_CUT_IDS = {
    "appendonsend",
    "divrplyfwdmsg",
    "x_appendonsend",
    "x_divrplyfwdmsg",
    "mail-editor-reference-message-container",
}
_WHITESPACE_RUN = re.compile(r"[ \t\n\r\f\v\u200b]+")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._parts: list[str] = []
        self._line_forced = False  # a &nbsp;-only block still renders as a (blank) line
        self._marker_only = False
        self._blank_pending = False
        self._skip_tag: str | None = None
        self._skip_depth = 0
        self._cut = False
        self._pre_depth = 0
        self._lists: list[list[int | str]] = []  # [kind, next number]
        self._li_depth = 0
        self._open_paragraph_is_line = False

    # -- output primitives
    def _flush(self, force: bool = False) -> None:
        if self._parts or self._line_forced or force:
            if self._marker_only and not force:
                return
            self.lines.append("".join(self._parts).rstrip())
        self._parts = []
        self._line_forced = False
        self._marker_only = False

    def _block(self) -> None:
        if self._marker_only:
            return
        self._flush()

    def _paragraph(self) -> None:
        self._block()
        if self._li_depth == 0:
            self._blank_pending = True

    def _start_content(self) -> None:
        if self._blank_pending and self.lines and self.lines[-1] != "" and not self._parts:
            self.lines.append("")
        self._blank_pending = False

    def _text(self, data: str) -> None:
        if self._pre_depth:
            chunks = data.split("\n")
            for number, chunk in enumerate(chunks):
                if number:
                    self._flush(force=True)
                if chunk:
                    self._start_content()
                    self._parts.append(chunk)
                    self._marker_only = False
            return
        has_nbsp = "\u00a0" in data
        data = _WHITESPACE_RUN.sub(" ", data.replace("\u00a0", " "))
        at_line_start = not self._parts or self._parts[-1].endswith(" ")
        if at_line_start:
            data = data.lstrip(" ")
        if not data:
            if has_nbsp and not self._parts:
                self._line_forced = True
            return
        self._start_content()
        self._parts.append(data)
        self._marker_only = False

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._cut:
            return
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth += 1
            return
        attributes = {name: (value or "") for name, value in attrs}
        classes = set(attributes.get("class", "").split())
        element_id = attributes.get("id", "").lower()
        if element_id in _CUT_IDS:
            self._block()
            self._cut = True
            return
        if tag in _SKIPPED_TAGS or classes & _DROPPED_CLASSES or element_id in _DROPPED_IDS:
            self._enter_skip(tag)
            return
        if tag == "blockquote":
            self._block()
            self._drop_trailing_attribution()
            self._enter_skip(tag)
            return
        if tag == "br":
            self._flush(force=True)
        elif tag == "hr":
            self._paragraph()
        elif tag in ("ul", "ol"):
            self._block()
            self._lists.append([tag, 1])
        elif tag == "li":
            self._flush()
            self._start_content()
            self._li_depth += 1
            indent = "  " * max(0, len(self._lists) - 1)
            if self._lists and self._lists[-1][0] == "ol":
                number = int(self._lists[-1][1])
                self._lists[-1][1] = number + 1
                marker = f"{number}. "
            else:
                marker = "- "
            self._parts = [indent + marker]
            self._marker_only = True
        elif tag == "p":
            # Outlook writes every line as its own zero-margin <p class="MsoNormal">.
            is_line = "msonormal" in {c.lower() for c in classes}
            self._open_paragraph_is_line = is_line
            self._block() if is_line else self._paragraph()
        elif tag in _PARAGRAPH_TAGS:
            self._paragraph()
            if tag == "pre":
                self._pre_depth += 1
        elif tag in _BLOCK_TAGS:
            self._block()
        elif tag in ("td", "th") and self._parts:
            self._parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._cut:
            return
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth -= 1
                if self._skip_depth == 0:
                    self._skip_tag = None
            return
        if tag in ("ul", "ol"):
            self._block()
            if self._lists:
                self._lists.pop()
            if not self._lists:
                self._paragraph()
        elif tag == "li":
            self._block()
            self._li_depth = max(0, self._li_depth - 1)
        elif tag == "p":
            if self._open_paragraph_is_line or self._li_depth:
                self._block()
            else:
                self._paragraph()
            self._open_paragraph_is_line = False
        elif tag in _PARAGRAPH_TAGS:
            if tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)
            self._paragraph()
        elif tag in _BLOCK_TAGS:
            self._block()

    def handle_data(self, data: str) -> None:
        if self._cut or self._skip_tag is not None:
            return
        self._text(data)

    # -- helpers
    def _enter_skip(self, tag: str) -> None:
        self._skip_tag = tag
        self._skip_depth = 1

    def _drop_trailing_attribution(self) -> None:
        """Apple Mail and Thunderbird put "On ... wrote:" just before the <blockquote>."""
        end = len(self.lines)
        while end and not self.lines[end - 1].strip():
            end -= 1
        for span in range(1, _ATTRIBUTION_MAX_LINES + 1):
            start = end - span
            if start < 0:
                break
            if _attribution_length(self.lines[start:end], 0) == span:
                del self.lines[start:]
                return

    def text(self) -> str:
        self._flush()
        return "\n".join(self.lines)


def html_to_text(html: str) -> str:
    """Render an HTML mail body as plain text, without the client's quote containers.

    Paragraphs become blank-line separated, <br> and <div> become line breaks, list items
    become "- item" or "1. item", entities are unescaped. Gmail/Outlook/Apple/Yahoo quote
    containers, <blockquote>s and an Outlook "From:/Sent:" block after a rule are dropped.
    """
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = [line.rstrip() for line in extractor.text().split("\n")]
    header = _find_reply_header(lines)
    if header is not None and not _writer_continues_below(lines[header[1] :]):
        lines = lines[: header[0]]
    text = "\n".join(lines)
    return _BLANK_RUNS.sub("\n\n", text).strip()
