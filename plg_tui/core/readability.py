"""A simple Flesch reading-ease score, computed here so the module checker needs no library.

Flesch (1948): 206.835 - 1.015 x (words / sentences) - 84.6 x (syllables / words). Syllables
are counted by vowel groups with the common English corrections (a silent final "e", "-le",
"-ed"); good enough to tell plain prose (60-70) from dense prose (below 40).
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?]+(?:[\"')\]]*)(?:\s|$)|[:;]\s*$", re.MULTILINE)
_VOWEL_GROUP = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """Syllables in one English word, at least one."""
    word = word.lower().split("'")[0]
    if len(word) <= 3:
        return 1
    count = len(_VOWEL_GROUP.findall(word))
    silent_e = word.endswith("e") and not word.endswith(("le", "ee", "ye"))
    silent_ed = word.endswith("ed") and not word.endswith(("ted", "ded"))
    if silent_e or silent_ed:
        count -= 1
    return max(1, count)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentence_count(text: str) -> int:
    return max(1, len(_SENTENCE_END.findall(text.strip() + " ")))


def flesch_reading_ease(text: str) -> float:
    """The score of ``text``; 100 for text without words (nothing hard to read)."""
    found = words(text)
    if not found:
        return 100.0
    total_syllables = sum(syllables(word) for word in found)
    return (
        206.835
        - 1.015 * (len(found) / sentence_count(text))
        - 84.6 * (total_syllables / len(found))
    )
