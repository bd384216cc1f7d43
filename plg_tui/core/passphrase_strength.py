"""How many guesses a new group passphrase would cost someone guessing offline.

Whoever holds a copy of a group's keyring (a backup, the cron host's disk) can try
passphrases at their own pace, so a new passphrase must be worth about 50 bits. The
estimate is deliberately simple and errs low: each run of letters counts as at most one
word from a 7,776-word list (12.9 bits, as four random Diceware words give 51.7 bits), each
digit 3.3 bits, each symbol 5 bits, repeats and runs like "abcd" or "1234" almost nothing,
and the commonest passwords nothing at all.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MIN_BITS = 50.0
WORD_BITS = math.log2(7776)
_COMMON_WORD_BITS = 4.0  # a word from the list below: among the first guesses tried
_SEPARATORS = frozenset(" -_.,/+")
_RUN = re.compile(r"[^\W\d_]+|\d+|\s+|[\W_]+", re.UNICODE)
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1234567890",
)
# The commonest passwords of public breach lists, and what people type when asked for one.
_COMMON_LIST = """
    password passw0rd p@ssword p@ssw0rd passwort motdepasse contrasena wachtwoord
    123456 1234567 12345678 123456789 1234567890 12345 1234 111111 000000 123123 654321
    qwerty qwertyuiop qwertz azerty asdfgh asdfghjkl zxcvbnm 1q2w3e4r 1qaz2wsx qazwsx
    iloveyou letmein welcome admin administrator login master secret changeme default
    abc123 monkey dragon football baseball soccer hockey shadow sunshine princess
    superman batman trustno1 whatever freedom starwars pokemon michael jennifer jordan
    hunter charlie daniel thomas george summer winter spring autumn computer internet
    mustang killer flower cheese cookie chocolate purple orange yellow banana
    hello hellohello test testing guest user root toor access
    correcthorsebatterystaple correcthorsebattery tr0ub4dor troubador trustnoone
    passphrase mypassphrase grouppassphrase secretpassphrase
    peerlearning learning manager managers company
"""
COMMON_PASSWORDS = frozenset(_COMMON_LIST.split())
_UNLEET = str.maketrans("@4310$57", "aaeiosst")


@dataclass(frozen=True)
class Strength:
    bits: float
    common: bool  # one of the commonest passwords, give or take digits and symbols

    @property
    def enough(self) -> bool:
        return not self.common and self.bits >= MIN_BITS


def _core(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def is_common(passphrase: str) -> bool:
    """One of the commonest passwords, also with l33t letters or digits and symbols after."""
    core = _core(passphrase)
    unleet = _core(re.sub(r"[\W\d_]+$", "", passphrase.lower()).translate(_UNLEET))
    return any(c in COMMON_PASSWORDS for c in (core, core.rstrip("0123456789"), unleet))


def _patterned(run: str) -> bool:
    """All one character, or a run along the alphabet, the digits or a keyboard row."""
    low = run.lower()
    if len(low) < 2:
        return False
    if len(set(low)) == 1:
        return True
    if len(low) < 3:
        return False
    return any(low in seq * 2 or low in (seq * 2)[::-1] for seq in _SEQUENCES)


def _letter_bits(run: str, letter_pool: int) -> float:
    by_character = len(run) * math.log2(letter_pool)
    as_word = _COMMON_WORD_BITS if run.lower() in COMMON_PASSWORDS else WORD_BITS
    if (run[:1].isupper() and run[1:].islower()) or run.isupper():
        as_word += 1  # Capitalised or CAPS: one more choice
    elif run.lower() != run:
        as_word += len(run)  # odd capitals: each one a choice
    return min(by_character, as_word)


def _run_bits(run: str, letter_pool: int) -> float:
    if run.isspace() or (len(run) == 1 and run in _SEPARATORS):
        return 0.0  # the separator between words: guessed with the words
    if _patterned(run):
        return math.log2(len(run) + 1) + 2
    if run.isdigit():
        return len(run) * math.log2(10)
    if not run[0].isalpha():
        return len(run) * math.log2(33)  # symbols
    return _letter_bits(run, letter_pool)


def estimate(passphrase: str) -> Strength:
    # a random password mixes cases: each letter of it may be either
    mixed_case = passphrase.lower() != passphrase and passphrase.upper() != passphrase
    letter_pool = 52 if mixed_case else 26
    bits = 0.0
    seen: set[str] = set()
    for run in _RUN.findall(passphrase):
        key = run.lower()
        # a repeated word or group is worth one bit: "horse horse horse" is one word
        repeated = key in seen and not (run.isspace() or run in _SEPARATORS)
        bits += 1.0 if repeated else _run_bits(run, letter_pool)
        seen.add(key)
    if _patterned(_core(passphrase)):  # "a b c d e f ...", "1-2-3-4-5-6"
        bits = min(bits, math.log2(len(passphrase) + 1) + 2)
    return Strength(round(bits, 1), is_common(passphrase))


def weakness(passphrase: str) -> str | None:
    """Why this passphrase is too easy to guess offline, and how to pick one; None if fine."""
    strength = estimate(passphrase)
    if strength.enough:
        return None
    why = (
        "it is one of the commonest passwords"
        if strength.common
        else f"it is worth about {strength.bits:.0f} bits, and {MIN_BITS:.0f} are needed"
    )
    return (
        f"the passphrase is too easy to guess: {why}. Anyone holding a copy of the group's "
        "keyring (a backup, the server's disk) can try passphrases offline, as fast as their "
        "computers allow. Use four or more random words, e.g. picked with dice from a word "
        "list, not a phrase or a quotation (nothing was changed)"
    )
