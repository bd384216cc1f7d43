"""The line a mail client writes above the quoted original, in the languages clients speak.

"On Tue, 3 Nov 2026 at 09:00, Peer <j@example.org> wrote:", "Am … schrieb …:", "Le … a écrit :",
"… napisał(a):", "… 写道：", "…님이 작성:", Gmail's verbless "вт, 3 нояб. 2026 г. в 09:00, Peer
<j@example.org>:", Zoho's "---- On … wrote ----", each possibly wrapped over three lines.

These are rules, not one pattern per client: an attribution ends with a "wrote" verb (or,
verbless, with the sender's address) and a colon, and it carries a clock time or an address.
"On Monday I wrote to my team:" has neither and stays the member's.
"""

# The words below are Cyrillic, Greek and CJK on purpose: the languages mail clients write.
# ruff: noqa: RUF001, RUF002

from __future__ import annotations

import re

from companion.mailtext.quote_marks import is_quoted

ATTRIBUTION_MAX_LINES = 3
_MAX_CHARS = 400

# Verbs that end the attribution: nothing but the colon follows them.
_FINAL_LATIN_VERBS = (
    "wrote", "writes", "a écrit", "a ecrit", "escribió", "escribio", "ha escrito", "ha scritto",
    "scrisse", "escreveu", "geschreven", "hat geschrieben", "napisał(a)", "napisał", "napisała",
    "napisal", "pisze", "napsal(a)", "napsal", "napsala", "napsál", "napísal(a)", "napísal",
    "написал(а)", "написал", "написала", "написав(ла)", "написав", "пишет", "пише",
    "kirjoitti", "yazdı", "yazdi", "írta", "irta", "a scris", "έγραψε", "skrev", "skriver",
    "schrieb", "schreef", "đã viết", "menulis", "va escriure", "napisao je", "napisala je",
    "rašė", "rakstīja", "kirjutas", "написа", "је написао/ла", "napisal(-a)", "ने लिखा", "نوشت",
    "כתב/ה", "כתב", "כתבה",
)  # fmt: skip
# Chinese, Japanese and Korean verbs follow the address with no space before them.
_FINAL_CJK_VERBS = (
    "写道", "寫道", "님이 작성", "님이작성", "작성", "のメール", "のメッセージ", "書きました",
    "쓴 글", "เขียนว่า",
)  # fmt: skip
# Verbs the sender's name and address follow: "Am … schrieb Peer <j@example.org>:".
_MIDDLE_VERBS = r"schrieb|schreef|skrev|skriver|kirjoitti|napisana\s+przez"
_VERB_IN_MIDDLE = re.compile(rf"(?<![^\W\d_])(?:{_MIDDLE_VERBS})\s\S.{{0,200}}$", re.IGNORECASE)
# Verbless (Gmail in Russian and Japanese, Mail.ru, Yandex, mutt): the address ends it.
_ADDRESS_AT_END = re.compile(
    r"(?:<[^<>\s]+@[^<>\s]+>|[^\s<>()\"@]+@[\w-]+(?:\.[\w-]+)+)\)?\"?"
    r"(?:\s*\[[^\[\]]{1,60}\])?\s*$"
)
_COLON_TIME = re.compile(r"(?<!\d)\d{1,2}[:：]\d{2}(?!\d)")
# Yandex and Mail.ru write the time with a dot after a numeric date: "30.09.2026, 18.30, …".
_DATE_THEN_DOTTED_TIME = re.compile(
    r"(?<!\d)\d{1,2}\.\d{1,2}\.\d{2,4},?\s{1,3}\d{1,2}\.\d{2}(?!\d)"
)
_OTHER_TIME = re.compile(
    r"\b(?:kl|klo|um|at|à|alle|às|a\s+las|om|o|в|о)\.?\s*\d{1,2}[.h]\d{2}|\d{1,2}\s*時|오전|오후|\d{1,2}h\d{2}",
    re.IGNORECASE,
)
_OTHER_TIME_HINT = re.compile(r"\d[.hH]\d\d|時|오전|오후")
# The regexes that look at the end read only this much of it: each search stays short.
_VERB_TAIL_CHARS = 32
_ADDRESS_TAIL_CHARS = 200
_MIDDLE_VERB_WORDS = ("schrieb", "schreef", "skrev", "skriver", "kirjoitti", "napisana")
# Gmail in Hebrew, Arabic and Persian wraps the attribution and the name in direction marks.
_DIRECTION_MARK_CHARS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_DIRECTION_MARKS = dict.fromkeys(map(ord, _DIRECTION_MARK_CHARS))
# "… this is what I wrote:" is a member's sentence: a client names the sender before the verb.
_PRONOUNS_BEFORE_VERB = frozenset(
    ("i", "we", "you", "he", "she", "they", "who", "what", "ich", "wir", "je", "ik", "jag")
)
# Gmail in Hungarian puts the date after the verb: "… ezt írta (időpont: 2026. nov. 3., K, 9:00):".
_TRAILING_WHEN = re.compile(r"\s*\(időpont:[^()]{1,80}\)$", re.IGNORECASE)
# A few clients drop the colon: "On Tue, 3 Nov 2026 09:00 -0200 Peer <j@example.org> wrote".
_NO_COLON_ON_WROTE = re.compile(r"^On\s.{1,300}<[^<>\s]+@[^<>\s]+>\s+wrote$")
_SENTENCE_END = (".", "!", "?", "。", "！", "？", ":", "：", ";")
_YAHOO_INLINE = re.compile(r"^On\s.{1,300}?\swrote:\s{2,}\S")


def _has_clock_time(text: str) -> bool:
    if _COLON_TIME.search(text) or _DATE_THEN_DOTTED_TIME.search(text):
        return True
    # _OTHER_TIME is slow to search; every time it finds has one of these, which are quick to
    return bool(_OTHER_TIME_HINT.search(text)) and bool(_OTHER_TIME.search(text))


def _has_evidence(text: str) -> bool:
    return "@" in text or _has_clock_time(text)


def _ends_with_verb(body: str) -> bool:
    tail = " ".join(body[-_VERB_TAIL_CHARS:].lower().split())
    if tail.endswith(_FINAL_CJK_VERBS):
        return True
    for verb in _FINAL_LATIN_VERBS:
        if tail.endswith(verb):
            before = tail[-len(verb) - 1 : -len(verb)]
            if not before.isalpha():  # "wrote", not "overwrote"
                words_before = tail[: -len(verb)].split()
                return not (words_before and words_before[-1] in _PRONOUNS_BEFORE_VERB)
    return False


def _names_sender_after_verb(body: str, verb_start: int) -> bool:
    """ "Am 3.11. um 09:00 schrieb Peer:" dates the mail before the verb and a sender follows
    it; "Am Montag schrieb ich meinem Team: … 09:00 …" has a pronoun there and no address."""
    after = body[verb_start:].split(maxsplit=2)
    if len(after) > 1 and after[1].lower() in _PRONOUNS_BEFORE_VERB:
        return False
    if after and after[0].lower() == "napisana":  # Apple Mail in Polish always gives the address
        return "@" in body
    return "@" in body or _has_clock_time(body[:verb_start])


def _ends_like_attribution(body: str) -> bool:
    if _ends_with_verb(body):
        return True
    lowered = body.lower()
    if any(verb in lowered for verb in _MIDDLE_VERB_WORDS):
        middle = _VERB_IN_MIDDLE.search(body)
        if middle and _names_sender_after_verb(body, middle.start()):
            return True
    tail_start = max(0, len(body) - _ADDRESS_TAIL_CHARS)
    if "@" not in body[tail_start:]:
        return False
    match = _ADDRESS_AT_END.search(body, tail_start)
    # mutt's "* Peer <j@example.org> [2026-11-03 09:00]:" dates the mail after the address
    return bool(match and _has_clock_time(body[: match.start()] + match.group(0)))


def is_attribution(candidate: str) -> bool:
    """True for a whole attribution (its lines joined), as the module describes."""
    candidate = candidate.translate(_DIRECTION_MARKS).strip()
    # Yahoo may write the original text on the attribution's line, after "wrote:"; looking
    # at the start alone keeps the pattern's backtracking bounded.
    match = _YAHOO_INLINE.match(candidate[:_MAX_CHARS])
    if match and _has_evidence(match.group(0)):
        return True
    if len(candidate) > _MAX_CHARS:
        return False
    if candidate.startswith("--") and candidate.endswith("--"):  # Zoho: "---- On … wrote ----"
        body = candidate.strip("- ")
    elif candidate.endswith((":", "：")):
        body = candidate[:-1].rstrip()
        if body.endswith(")"):
            body = _TRAILING_WHEN.sub("", body)
    elif candidate.endswith("wrote"):
        return (
            candidate.startswith("On ")
            and _has_clock_time(candidate)
            and bool(_NO_COLON_ON_WROTE.match(candidate))
        )
    else:
        return False
    if not body or not _has_evidence(body):
        return False
    return _ends_like_attribution(body)


def _may_end_attribution(line: str) -> bool:
    stripped = line.rstrip().rstrip(_DIRECTION_MARK_CHARS)
    return stripped.endswith((":", "：", "-", "wrote")) or "wrote:" in stripped


def attribution_length(lines: list[str], start: int, stop: int | None = None) -> int:
    """How many lines (1..3) an attribution starting at `start` spans, ending before `stop`;
    0 when none does."""
    stop = len(lines) if stop is None else min(stop, len(lines))
    if start >= len(lines) or not lines[start].strip():
        return 0
    first = lines[start].strip()
    window = lines[start : min(stop, start + ATTRIBUTION_MAX_LINES)]
    if not any(_may_end_attribution(line) for line in window):
        return 0  # most lines: no attribution can end within reach
    parts: list[str] = []
    for offset in range(ATTRIBUTION_MAX_LINES):
        index = start + offset
        if index >= stop:
            break
        line = lines[index]
        if not line.strip() or is_quoted(line):
            break
        # a line ending in a colon is whole: clients wrap inside the attribution, never after it
        if parts and parts[-1].endswith((":", "：")):
            break
        parts.append(line.strip())
        if offset and len(first) > _MAX_CHARS:
            break
        # Gmail wraps an address like "<journal+abc@\nexample.org>" without a space.
        joined = [" ".join(parts)] + (["".join(parts[:-1]) + parts[-1]] if offset else [])
        if not any(is_attribution(candidate) for candidate in joined):
            continue
        if offset and (first.endswith(_SENTENCE_END) or not any(c.isdigit() for c in first)):
            for later in range(start + 1, index + 1):
                if attribution_length(lines, later, index + 1) == index + 1 - later:
                    return 0  # the lines below are the attribution; this one is the member's
        return offset + 1
    return 0
