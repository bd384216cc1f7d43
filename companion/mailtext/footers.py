"""The footer a mobile mail client adds to a reply ("Sent from my iPhone"), in many languages."""

from __future__ import annotations

import re

# No separator, header or footer line is this long; longer lines are the member's text and
# skip those patterns, which keeps every line's cost bounded whatever it holds.
LINE_PATTERN_MAX_CHARS = 1000

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
# The word each footer above starts with, lower case.
_FOOTER_FIRST_WORDS = {"sent", "get", "von", "envoyé", "enviado", "inviato", "verzonden"}
_FOOTER_FIRST_WORDS |= {"verstuurd", "sendt", "skickat", "hent", "outlook", "obtenir"}
# What may follow a footer on its line once stripped: nothing or a "<link>".
_FOOTER_TAIL = re.compile(r"(?:<[^>\s]*>)?")


def is_mobile_footer(line: str) -> bool:
    """True for a line such as "Sent from my iPhone" (in several languages), alone or with
    a <link> after it."""
    stripped = line.strip()
    if len(stripped) > LINE_PATTERN_MAX_CHARS:
        return False
    first_word = stripped.split(None, 1)[:1]
    if not first_word or first_word[0].lower() not in _FOOTER_FIRST_WORDS:
        return False
    for pattern in _MOBILE_FOOTERS:
        match = pattern.match(stripped)
        if match and _FOOTER_TAIL.fullmatch(stripped[match.end() :].strip()):
            return True
    return False
