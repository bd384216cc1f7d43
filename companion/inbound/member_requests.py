"""Whether a member's cleaned reply asks to pause the emails (STOP) or to turn them back on
(START), in the common phrasings in English and German (and a few more).

Only the START of the reply counts, and only a whole first sentence that is nothing but the
request (with "please", "thanks", a greeting or the member's name around it): "Please stop
sending me these." is a STOP, "Stop me if I'm wrong, but this week I tried…" is a journal
entry, and so is a long reflection that merely mentions stopping. Being conservative costs
a member one more email; the opposite would silence someone who wrote a journal entry.
Pure and linear: a bounded prefix of the text is looked at, with regexes that cannot
backtrack badly.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

# the first sentence is all that is read; a request is short
_HEAD_CHARS = 200


class MemberRequest(StrEnum):
    STOP = "stop"
    START = "start"


_EMAILS = (
    r"(?:e-?mails?|mails?|messages?|reminders?|tips|prompts|newsletters?|nachrichten|"
    r"erinnerungen|these|this|them|it|that)"
)
_STOP_PHRASES = (
    # English
    r"stop(?:\s+(?:it|this|that|now|all|everything))?",
    rf"stop\s+(?:sending|emailing|mailing)(?:\s+me)?(?:\s+(?:any\s+more|anymore))?"
    rf"(?:\s+(?:these|this|the|your|all|any|those|more|further))*(?:\s+{_EMAILS})?"
    r"(?:\s+(?:any\s+more|anymore|now))?",
    rf"(?:please\s+)?no\s+(?:more|further)\s+{_EMAILS}",
    r"i\s+(?:do\s+not|dont)\s+want(?:\s+(?:any\s+more|anymore|more|these|any|to\s+(?:get|receive)))*"
    rf"(?:\s+{_EMAILS})(?:\s+(?:any\s+more|anymore))?",
    r"unsubscribe(?:\s+me)?(?:\s+(?:from\s+(?:this|these|the|your)\s+\w+))?",
    r"unsub",
    r"opt[\s-]?(?:me\s+)?out",
    r"remove\s+me(?:\s+from\s+(?:this|the|your)(?:\s+mailing)?\s+(?:list|emails?|mails?))?",
    r"take\s+me\s+off(?:\s+(?:this|the|your)(?:\s+mailing)?\s+list)?",
    # German
    r"stopp",
    r"(?:bitte\s+)?(?:abmelden|austragen|abbestellen)",
    r"(?:bitte\s+)?(?:mich\s+)?(?:abmelden|austragen)",
    rf"(?:bitte\s+)?keine\s+(?:weiteren\s+)?{_EMAILS}(?:\s+mehr)?",
    r"ich\s+(?:möchte|will)\s+(?:mich\s+)?(?:abmelden|keine\s+e-?mails?\s+mehr(?:\s+\w+)?)",
    r"bitte\s+nicht\s+mehr\s+(?:schreiben|anschreiben|mailen)",
    # French, Spanish, Dutch, Italian: the one-word forms
    r"(?:me\s+)?d[ée]sabonner|d[ée]sinscri(?:re|ption)|d[ée]sabonnement",
    r"(?:darme\s+de\s+)?baja",
    r"afmelden|uitschrijven",
    r"disiscrivi(?:mi)?|cancellami",
)
_START_PHRASES = (
    r"start(?:\s+again)?",
    r"restart",
    r"resume(?:\s+(?:the\s+)?(?:e-?mails?|emails?))?",
    r"(?:re)?subscribe(?:\s+me)?(?:\s+again)?",
    r"start\s+(?:sending|the)(?:\s+(?:e-?mails?|emails?))?(?:\s+again)?",
    r"(?:wieder\s+)?(?:anmelden|starten)",
    r"bitte\s+wieder\s+(?:senden|schicken|anmelden)",
)
_POLITE = (
    r"(?:please|pls|plz|kindly|bitte|thanks?|thank\s+you|thx|cheers|danke(?:\s+schön)?|"
    r"merci|ok|okay|hi|hello|hallo|hey|dear\s+\w+|now|again)"
)


def _sentence(phrases: tuple[str, ...]) -> re.Pattern[str]:
    request = "|".join(f"(?:{p})" for p in phrases)
    polite = rf"(?:{_POLITE}[\s,]*)*"
    return re.compile(rf"{polite}(?:{request})[\s,]*{polite}")


_STOP = _sentence(_STOP_PHRASES)
_START = _sentence(_START_PHRASES)
# a sentence ends at . ! ? ; or a line break
_SENTENCE_END = re.compile(r"[.!?;:\n]")
_APOSTROPHES = re.compile(r"['‘’`]")
_NOISE = re.compile(r"[\"“”«»()\[\]*_~<>]+")
# a salutation on its own ("Hi,", "Hallo Team,") comes before the request, not instead of it
_GREETING = re.compile(
    r"(?:hi|hello|hallo|hey|dear|liebe[rs]?|guten\s+tag|moin|servus|bonjour|hola)"
    r"(?:\s+[\w-]+){0,2}\s*,?"
)


def first_sentence(text: str) -> str:
    """The reply's first sentence after any salutation, lower-cased, quotes and marks dropped."""
    head = unicodedata.normalize("NFKC", text[:_HEAD_CHARS]).casefold()
    head = _APOSTROPHES.sub("", head)
    for part in _SENTENCE_END.split(head):
        words = " ".join(_NOISE.sub(" ", part).split()).strip(" ,")
        if words and not _GREETING.fullmatch(words):
            return words
    return ""


def member_request(text: str) -> MemberRequest | None:
    """STOP or START when the reply's first sentence is only that request, else None."""
    sentence = first_sentence(text)
    if not sentence or len(sentence) > 80:
        return None
    if _STOP.fullmatch(sentence):
        return MemberRequest.STOP
    if _START.fullmatch(sentence):
        return MemberRequest.START
    return None
