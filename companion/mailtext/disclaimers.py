"""What a company's mail server or signature adds below a reply: legal disclaimers, "print
responsibly" lines and the `[cid:image001.png@…]` placeholders of signature logos."""

# The words below are Cyrillic, Greek and CJK on purpose: the languages mail clients write.

from __future__ import annotations

import re

from companion.mailtext.line_shapes import lone_line_above

_DISCLAIMER_LINE_MAX_CHARS = 1000
# How a disclaimer paragraph opens, in the languages companies write them in. Only at the
# start of a paragraph: a member's sentence that mentions confidentiality mid-paragraph stays.
_DISCLAIMER_START = re.compile(
    r"^[\s*_>\[(-]*(?:"
    r"confidential(?:ity)?(?:\s+(?:notice|note|statement|warning|disclaimer))?\s*:|"
    r"confidential(?:ity)?\s+(?:notice|note|statement|warning|disclaimer)\b|"
    r"(?:legal\s+|e-?mail\s+)?disclaimer\s*:|important(?:\s+notice)?\s*:|"
    r"privileged\s+(?:and|&|/)\s+confidential|"
    r"this\s+(?:e-?mail|message|communication|transmission|electronic\s+mail)\b.{0,80}?"
    r"\b(?:is\s+(?:confidential|intended|private|privileged|for\s+the)|are\s+(?:confidential|"
    r"intended)|may\s+contain|contains?\s+(?:confidential|privileged|information))|"
    r"the\s+information\s+(?:contained\s+)?in\s+this\s+(?:e-?mail|message|communication)|"
    r"if\s+you\s+(?:are\s+not\s+the\s+intended|have\s+received\s+this\s+(?:e-?mail|message)"
    r"\s+in\s+error)|"
    r"vertraulichkeitshinweis|haftungsausschluss|rechtlicher\s+hinweis|"
    r"diese\s+(?:e-?mail|nachricht)\b.{0,60}?\b(?:enthält|ist\s+(?:vertraulich|ausschließlich|nur)"
    r"|kann\s+vertrauliche)|bitte\s+denken\s+sie\s+an\s+die\s+umwelt|"
    r"avis\s+de\s+confidentialité|avertissement\s*:|"
    r"(?:ce|le\s+présent)\s+(?:message|courriel|e-?mail)\b.{0,80}?\b(?:est|sont|peut|"
    r"contient)\s+(?:confidentiel|strictement|destiné|établi|des\s+informations)|"
    r"aviso\s+(?:de\s+confidencialidad|legal|de\s+confidencialidade)|"
    r"este\s+(?:mensaje|correo|e-?mail)\b.{0,80}?\b(?:es\s+confidencial|contiene|puede\s+contener"
    r"|se\s+dirige|va\s+dirigido|y\s+sus\s+anexos)|"
    r"esta\s+mensagem\b.{0,60}?\b(?:é\s+confidencial|contém|pode\s+conter)|"
    r"avviso\s+di\s+riservatezza|"
    r"(?:questo\s+messaggio|le\s+informazioni\s+contenute\s+in\s+questo)\b.{0,80}?"
    r"\b(?:riservat|confidenzial|destinat)|"
    r"dit\s+(?:e-?mail)?bericht\b.{0,60}?\b(?:vertrouwelijk|uitsluitend|bestemd)|"
    r"(?:ta|niniejsza)\s+wiadomość\b.{0,60}?\b(?:poufn|zawiera|przeznaczon)|"
    r"(?:это|данное|настоящее)\s+(?:сообщение|письмо|электронное\s+письмо)\b.{0,80}?"
    r"(?:конфиденциальн|предназначен)|конфиденциальная\s+информация|"
    r"本邮件|此邮件|本郵件|此郵件|この(?:電子)?メール(?:には|は)|본\s*메일|이\s*메일은"
    r")",
    re.IGNORECASE,
)
# Short enough to be the member's, but only ever added by a mail server.
_PRINT_LINE = re.compile(
    r"^[\s*_-]*(?:please\s+consider\s+the\s+environment\s+before\s+printing|"
    r"think\s+before\s+you\s+print|bitte\s+denken\s+sie\s+an\s+die\s+umwelt|"
    r"pensez\s+à\s+l'environnement\s+avant\s+d'imprimer)",
    re.IGNORECASE,
)
# A disclaimer is long; a member's "Confidentiality matters to us." is not one.
# The company register lines German, British and French law put under business mail
# ("Sitz der Gesellschaft: … Amtsgericht … HRB 12345"): a paragraph that opens with one of
# the first and names a register.
_REGISTER_START = re.compile(
    r"^[\s*_-]*(?:sitz\s+(?:der\s+gesellschaft|des\s+unternehmens)|registergericht|amtsgericht|"
    r"handelsregister|geschäftsführ|vorstand|aufsichtsrat|ust\.?-?id|"
    r"registered\s+(?:in\s+england|in\s+scotland|office|address|number)|company\s+(?:no|number|"
    r"registration)|société\s|siège\s+social|rcs\s|"
    r".{0,80}?\b(?:is\s+)?registered\s+in\s+(?:england|scotland|ireland|northern\s+ireland)\b)",
    re.IGNORECASE,
)
# A register and its number: "HRB 123456", "Company No. 01234567", "RCS Paris 123 456 789".
_REGISTER_MARK = re.compile(
    r"\b(?:HRB|HRA|USt-?IdNr|RCS|SIRET|SIREN|company\s+(?:no|number|registration)|"
    r"registered\s+office|handelsregister|registergericht)\b[^\d\n]{0,20}\d",
    re.IGNORECASE,
)
_REGISTER_MAX_CHARS = 600
# A heading alone on its line above the disclaimer paragraph goes with it.
_HEADING = re.compile(
    r"^[\s*_=-]*(?:(?:legal\s+|e-?mail\s+)?disclaimer|confidential(?:ity)?(?:\s+notice)?|"
    r"legal\s+notice|important\s+notice|haftungsausschluss|rechtlicher\s+hinweis|"
    r"vertraulichkeitshinweis|avertissement|avis\s+de\s+confidentialité|"
    r"aviso\s+legal|avviso\s+di\s+riservatezza)[\s*_=:-]*$",
    re.IGNORECASE,
)
_DISCLAIMER_MIN_WORDS = 12
_DISCLAIMER_MIN_CHARS = 60
_PLACEHOLDER = re.compile(r"\[(?:cid:[^\]\s]{1,200}|image:[^\]]{0,200})\]", re.IGNORECASE)


def _drop_placeholders(lines: list[str]) -> list[str]:
    kept = []
    for line in lines:
        if "[" in line and len(line) <= _DISCLAIMER_LINE_MAX_CHARS:
            without = _PLACEHOLDER.sub("", line)
            if without != line and not without.strip():
                continue
            line = without.rstrip() if without != line else line
        kept.append(line)
    return kept


def _is_long(lines: list[str], start: int) -> bool:
    words = chars = 0
    for index in range(start, len(lines)):  # an index: a slice would copy the rest each time
        line = lines[index]
        if not line.strip():
            break
        words += len(line.split())
        chars += len(line.strip())
        if words >= _DISCLAIMER_MIN_WORDS and chars >= _DISCLAIMER_MIN_CHARS:
            return True
    # Chinese and Japanese run without spaces
    return chars >= _DISCLAIMER_MIN_CHARS and words < _DISCLAIMER_MIN_WORDS and chars > 3 * words


# Legal text speaks of "this email" and "the recipient"; "Disclaimer: I am not sure this
# counts" is the member.
_FIRST_PERSON = frozenset(("i", "i'm", "i’m", "i've", "i’ve", "my", "me"))


def _speaks_first_person(line: str) -> bool:
    return any(word.strip(",.:;!?()") in _FIRST_PERSON for word in line.lower().split())


def _is_register(lines: list[str], start: int) -> bool:
    if not _REGISTER_START.match(lines[start]) or _speaks_first_person(lines[start]):
        return False
    chars = 0
    for index in range(start, len(lines)):
        line = lines[index]
        if not line.strip() or chars > _REGISTER_MAX_CHARS:
            break
        chars += len(line)
        if _REGISTER_MARK.search(line[:_REGISTER_MAX_CHARS]):
            return True
    return False


def _heading_above(lines: list[str], index: int) -> int:
    """Where the disclaimer at `index` starts: at a lone "Disclaimer" line just above it."""
    above = lone_line_above(lines, index)
    if above is None or len(lines[above]) > _DISCLAIMER_LINE_MAX_CHARS:
        return index
    return above if _HEADING.match(lines[above].strip()) else index


def cut_disclaimer(lines: list[str]) -> list[str]:
    """The lines without logo placeholders and without a disclaimer and all that follows it.

    A disclaimer is recognised only after the member wrote something above it.
    """
    lines = _drop_placeholders(lines)
    seen_text = False
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        paragraph_start = index == 0 or not lines[index - 1].strip()
        if seen_text and paragraph_start and len(stripped) <= _DISCLAIMER_LINE_MAX_CHARS:
            if _PRINT_LINE.match(stripped) or _is_register(lines, index):
                return lines[:index]
            if (
                _DISCLAIMER_START.match(stripped)
                and not _speaks_first_person(stripped)
                and _is_long(lines, index)
            ):
                return lines[: _heading_above(lines, index)]
        seen_text = True
    return lines
