"""Reading a survey reply: which topics (by number, most wanted first), a decline, or nothing
readable. Pure and linear; gets text already cleaned of quotes and signatures.

Numbers are whole words of one or two digits: not part of a time (10:30), a date (12.03.),
a phone number (+49 170 ...), an ordinal (2nd) or a quantity (2 weeks, 14 Uhr). Without any,
topic names or ids written out are looked for. A decline ("no thanks", "nein danke") wins
when the reply opens with it or names no topic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from plg_tui.vocabulary import SurveyState

MAX_CHOICES = 3
MAX_READ_CHARS = 4000  # a choice is a line; the rest of a long reply is not looked at

_DECLINES = (
    r"no,? thanks?(?: you)?",
    r"not (?:now|this time|at the moment|interested)",
    r"i(?:'|’)?ll pass",
    r"(?:please )?count me out",
    r"nein,? danke",
    r"kein(?:e)? interesse",
    r"jetzt nicht",
    r"diesmal nicht",
    r"derzeit nicht",
    r"lieber nicht",
)
_DECLINE = re.compile(r"\b(?:" + "|".join(_DECLINES) + r")\b")
_GREETING = re.compile(
    r"^\W*(?:(?:hi|hello|hallo|hey|dear|liebe[rs]?|guten tag)\b[^\n,.!]*[,.!]?\s*)?"
)
_UNIT = (
    r"\s*(?:am|pm|a\.m\.|p\.m\.|uhr|h|hrs?|hours?|stunden?|min|mins|minutes?|minuten|weeks?"
    r"|wochen?|months?|monaten?|monate|days?|tagen?|years?|jahren?|jahre|%|people|leute"
    r"|personen|reports|mitarbeiter(?:innen)?|x)\b"
)
_NUMBER = re.compile(r"(?<![\w+:/.,-])(\d{1,2})(?![\d:/]|[.,]\d|[^\W\d_])(?!" + _UNIT + ")")
_LIST_SEPARATOR = re.compile(r"(\d)\s*[,;&]\s*(?=\d)")  # "3,7,1": a list, not a decimal
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6,
    "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
}  # fmt: skip
_NUMBER_WORD = re.compile(
    r"\b(?:topic|number|no\.|nr\.?|thema|nummer)\s+(" + "|".join(_WORDS) + r")\b"
)
# keys: plg_tui.core.survey.TIMES_OF_DAY
_TIMES = {
    "morning": ("morning", "vormittag", "morgens", "früh"),
    "midday": ("midday", "noon", "lunch", "mittag"),
    "afternoon": ("afternoon", "nachmittag"),
    "evening": ("evening", "abend"),
}


@dataclass(frozen=True)
class SurveyReading:
    state: SurveyState
    choices: tuple[int, ...] = ()  # topic numbers, 1-based, most wanted first
    times: tuple[str, ...] = ()  # fixed words: morning, midday, afternoon, evening
    reason: str = ""  # why it is unreadable: a fixed phrase, never the reply's text


def _numbers(text: str) -> list[int]:
    spaced = _LIST_SEPARATOR.sub(r"\1 , ", text)
    numbers = [int(m.group(1)) for m in _NUMBER.finditer(spaced)]
    if not numbers:
        numbers = [_WORDS[m.group(1)] for m in _NUMBER_WORD.finditer(text)]
    return list(dict.fromkeys(numbers))


def _named(text: str, topics: Sequence[tuple[str, str]]) -> list[int]:
    """Topics written out by id or title, in the order they appear."""
    found = []
    for number, (module_id, title) in enumerate(topics, 1):
        names = (module_id.lower(), module_id.lower().replace("-", " "), title.lower())
        positions = [text.find(name) for name in names if name]
        positions = [p for p in positions if p >= 0]
        if positions:
            found.append((min(positions), number))
    return [number for _, number in sorted(found)]


def _times(text: str) -> tuple[str, ...]:
    return tuple(word for word, spellings in _TIMES.items() if any(s in text for s in spellings))


def read_choices(text: str, topics: Sequence[tuple[str, str]]) -> SurveyReading:
    """What a cleaned reply says; `topics` are the survey's (module id, title), numbered 1..n."""
    lowered = " ".join(text[:MAX_READ_CHARS].lower().split())
    opening = _GREETING.sub("", lowered, count=1)
    times = _times(lowered)
    if _DECLINE.match(opening):
        return SurveyReading(SurveyState.DECLINED, times=times)
    numbers = _numbers(lowered) or _named(lowered, topics)
    if not numbers:
        if _DECLINE.search(lowered):
            return SurveyReading(SurveyState.DECLINED, times=times)
        return SurveyReading(SurveyState.UNREADABLE, reason="no topic numbers found")
    outside = [n for n in numbers if not 1 <= n <= len(topics)]
    if outside:
        return SurveyReading(
            SurveyState.UNREADABLE, reason=f"topic number outside 1 to {len(topics)}"
        )
    return SurveyReading(SurveyState.ANSWERED, tuple(numbers[:MAX_CHOICES]), times)
