"""A weekly email's subject names its tip: the module's `title` for the week, else a short
title taken from the tip's first sentence."""

from __future__ import annotations

import re
from functools import lru_cache

from plg_tui.core.module_model import Week

TITLE_MAX = 60
_CLAUSE_MIN = 20  # a clause shorter than this says too little to stand alone
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'‘“(])")
_CLAUSE_BREAK = re.compile(r"[,;:(]\s|\s[-–—]\s|\s(?=(?:and|but|then|so|because|where|when)\s)")


@lru_cache(maxsize=256)
def derived_title(tip: str) -> str:
    """ "Do the delegation audit this week, honestly." -> "Do the delegation audit this
    week, honestly"; a long sentence is cut at its first clause break, else at a word."""
    sentence = _SENTENCE_END.split(" ".join(tip.split()), maxsplit=1)[0].rstrip(".!")
    if len(sentence) <= TITLE_MAX:
        return sentence
    for found in _CLAUSE_BREAK.finditer(sentence, _CLAUSE_MIN):
        if found.start() <= TITLE_MAX:
            return sentence[: found.start()].rstrip()
        break
    return sentence[: sentence.rfind(" ", 0, TITLE_MAX)].rstrip(",;:") + "…"


def tip_title(week: Week) -> str:
    return week.title or derived_title(week.tip)
