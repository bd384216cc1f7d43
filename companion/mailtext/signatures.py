"""The signature a member's mail client or habit adds below a reply, recognised and cut.

A "-- " delimiter ends the text; without one, a short trailing block of name, title and
contact lines goes (a valediction and the name just above it stay: the member wrote those).
"""

# The valedictions below are Turkish and Cyrillic on purpose: the languages members write.
# ruff: noqa: RUF001

from __future__ import annotations

import re

from companion.mailtext.line_shapes import lone_line_above

_BULLET = re.compile(r"^\s*(?:[-*•+]|\d{1,3}[.)])\s")
_PHONE = re.compile(
    r"(?:\+|\b00)\d[\d\s().-]{6,}\d"
    r"|^(?:tel|tél|phone|mobile|mob|cell|mobil|handy|telefon|tlf|m|t|p|móvil|movil|teléfono|"
    r"telefono|telefone|téléphone|portable|fax|fon|cel|celular|tfn|puh|тел)\b\.?\s*(?::\s*)?"
    r"\(?\d[\d\s().-]{6,}\d"
    # a local number alone on its line: "070-123 45 67", "(0171) 123456"
    r"|^\(?0\d{1,4}\)?[\s/-]?\d[\d\s-]{4,14}\d$",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_VALEDICTION = re.compile(
    r"^(?:thanks|thank you|many thanks|cheers|best|best wishes|best regards|kind regards|"
    r"regards|warm regards|all the best|br|mvh|hilsen|venlig hilsen|med vänliga hälsningar|"
    r"viele grüße|liebe grüße|beste grüße|grüße|gruß|lg|vg|cordialement|bien à vous|"
    r"merci|groeten|met vriendelijke groet|saludos|un saludo|gracias|cordiali saluti|"
    r"saluti|grazie|abraços|obrigado|obrigada|saludos cordiales|un cordial saludo|atentamente|"
    r"mit freundlichen grüßen|freundliche grüße|herzliche grüße|mfg|bien cordialement|"
    r"salutations|met vriendelijke groeten|vriendelijke groet|hartelijke groet|groetjes|"
    r"med venlig hilsen|vennlig hilsen|med vennlig hilsen|vänliga hälsningar|hälsningar|"
    r"ystävällisin terveisin|terveisin|pozdrawiam|z poważaniem|s pozdravem|s pozdravom|"
    r"üdvözlettel|saygılarımla|с уважением|distinti saluti|cordialmente|atenciosamente|"
    r"sincerely|yours sincerely|thanks and regards|talk soon)[\s,.!]*$",
    re.IGNORECASE,
)
_SIGNATURE_MAX_LINES = 6
_RULE_LINE = re.compile(r"^\s*(?:--|[-—–_=~*]{3,80})\s*$")
_SIGNATURE_LINE_MAX_CHARS = 80
_PIPE_LINE_MAX_CHARS = 160
# Outlook signatures come in a few blocks (name, title and company, contact lines).
_SIGNATURE_MAX_BLOCKS = 3


def _word_count(line: str) -> int:
    return len(line.split())


def _is_pipe_line(stripped: str) -> bool:
    """Outlook's "Name | Title | Company" or "Street | City | Phone" line."""
    return len(stripped) <= _PIPE_LINE_MAX_CHARS and stripped.count(" | ") >= 1


# A signature names its owner; "My number is: …" is the member speaking.
_FIRST_PERSON = frozenset(("i", "i'm", "i’m", "my", "me", "we", "our", "us"))


def _speaks_first_person(line: str) -> bool:
    return any(word.strip(",.:;!?") in _FIRST_PERSON for word in line.lower().split())


def _looks_like_signature_line(line: str) -> bool:
    stripped = line.strip()
    if _is_pipe_line(stripped):
        return True
    if len(stripped) > _SIGNATURE_LINE_MAX_CHARS or _BULLET.match(line):
        return False
    words = _word_count(stripped)
    is_prose = words >= 8 or (stripped.endswith((".", "!", "?")) and words >= 4)
    return not is_prose


def _is_contact_line(line: str) -> bool:
    stripped = line.strip()
    # The searches below cost up to the square of a line's length; a signature line is short.
    if _is_pipe_line(stripped):
        return True
    if len(stripped) > _SIGNATURE_LINE_MAX_CHARS:
        return False
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


def _stands_alone(lines: list[str], index: int) -> bool:
    """A rule with blank lines around it: "My notes\n_____\nMore notes" is one text."""
    before = index == 0 or not lines[index - 1].strip()
    after = index + 1 >= len(lines) or not lines[index + 1].strip()
    return before and after


def cut_signature(lines: list[str]) -> list[str]:
    nonblank_from_here = sum(1 for line in lines if line.strip())
    for index, line in enumerate(lines):
        if line.strip():
            nonblank_from_here -= 1
        if line in ("-- ", "--\u00a0"):
            return lines[:index]
        # "--" or a rule ("——————", "____") above a short name-and-title block; also a rule
        # left alone at the end once the mobile footer under it went
        if (
            _RULE_LINE.match(line)
            and nonblank_from_here <= _SIGNATURE_MAX_LINES
            and (line.rstrip() == "--" or _stands_alone(lines, index))
        ):
            rest = [r for r in lines[index + 1 :] if r.strip()]
            if all(_looks_like_signature_line(r) for r in rest):
                return lines[:index]
    for _ in range(_SIGNATURE_MAX_BLOCKS):
        shorter = _cut_trailing_contact_block(lines)
        if len(shorter) == len(lines):
            break
        lines = shorter
    return lines


def _valediction_alone_above(lines: list[str], start: int) -> bool:
    above = lone_line_above(lines, start)
    return above is not None and bool(_VALEDICTION.match(lines[above].strip()))


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
        or not all(_looks_like_signature_line(line) for line in block)
        or any(_speaks_first_person(line) for line in block)
        or not any(_is_contact_line(line) for line in block)
    ):
        return lines
    keep = 0
    if _VALEDICTION.match(block[0].strip()):
        keep = 1
        if len(block) > 1 and _is_name_line(block[1]) and not _is_contact_line(block[1]):
            keep = 2
    elif _is_name_line(block[0]) and _valediction_alone_above(lines, start):
        keep = 1  # "Best regards,\n\nAna Silva\nTeam lead\n+44 …": the name stays
    if not keep and not has_text_before:
        return lines
    return lines[: start + keep]
