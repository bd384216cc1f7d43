"""The warning a company's mail gateway puts on top of mail from outside ("CAUTION: This email
originated from outside of the organization…", Outlook's "You don't often get email from …").

When the inbox that receives replies is behind such a gateway, the banner lands above the
member's text. Only a first paragraph that says where the mail came from goes: "Caution: the
outside team took over the stand-up." names no email and no origin, and stays.
"""

from __future__ import annotations

import re

_BANNER_MAX_CHARS = 600
_BANNER_MAX_LINES = 8
# Words a warning goes on with: "…Do not click links or open attachments unless you recognise
# the sender…"; a member's first sentence after it rarely has them.
_BANNER_WORDING = re.compile(
    r"\b(?:click|links?|attachments?|sender|safe|organi[sz]ation|learn\s+why|recogni[sz]e|"
    r"phishing|caution|external|anhänge|absender|liens|pièces\s+jointes|expéditeur|enlaces|"
    r"adjuntos|remitente|bijlagen|afzender)\b",
    re.IGNORECASE,
)
_FIRST_CONTACT = re.compile(
    r"^[\s*_\[(]*(?:some\s+people\s+who\s+received\s+this\s+message\s+)?"
    r"(?:you\s+)?don['’]t\s+often\s+get\s+(?:e-?mail|messages)\s+from\b",
    re.IGNORECASE,
)
_LABEL = re.compile(
    r"^[\s*_\[(]*(?:caution|warning|attention|notice|external(?:\s+(?:e-?mail|sender))?|"
    r"achtung|vorsicht|externe\s+e-?mail|précaution|avertissement|precaución|atención|"
    r"let\s+op|attenzione)\s*[\]):!-]",
    re.IGNORECASE,
)
_MAIL_WORD = re.compile(r"e-?mail|message|courriel|correo|nachricht|bericht|messaggio", re.I)
_FROM_OUTSIDE = re.compile(
    r"(?:originated|originates|was\s+sent|were\s+sent|comes|came|is|stammt|kommt|provient|"
    r"proviene|se\s+originó|afkomstig\s+is|is\s+afkomstig|proviene)\s+"
    r"(?:from\s+)?(?:outside|an?\s+external|external|von\s+außerhalb|von\s+extern|"
    r"de\s+l['’]extérieur|fuera|van\s+buiten|dall['’]esterno)",
    re.IGNORECASE,
)


def _is_banner(paragraph: str) -> bool:
    if len(paragraph) > _BANNER_MAX_CHARS:
        return False
    if _FIRST_CONTACT.match(paragraph):
        return True
    return bool(
        _LABEL.match(paragraph) and _MAIL_WORD.search(paragraph) and _FROM_OUTSIDE.search(paragraph)
    )


def cut_banner(lines: list[str]) -> list[str]:
    """The lines without a gateway's outside-sender warning at the top.

    The warning may share its paragraph with the member's first lines (HTML puts them in
    adjacent blocks): only the lines that make up the warning go.
    """
    start = next((index for index, line in enumerate(lines) if line.strip()), len(lines))
    end = start
    while end < len(lines) and lines[end].strip() and end - start < _BANNER_MAX_LINES:
        end += 1
    for stop in range(start + 1, end + 1):
        if _is_banner(" ".join(line.strip() for line in lines[start:stop])):
            return lines[_banner_end(lines, stop, end) :]
    return lines


def _banner_end(lines: list[str], stop: int, end: int) -> int:
    """Past the lines that carry on the warning's wording after the part that matched."""
    while stop < end and (
        not lines[stop - 1].rstrip().endswith((".", "!")) or _BANNER_WORDING.search(lines[stop])
    ):
        stop += 1
    return stop
