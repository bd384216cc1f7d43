"""Text that came from outside (email headers, rosters, server replies) made safe to store and
to print: no terminal control sequences, no characters that reorder what is shown.

An ESC or BEL in a From header would otherwise reach the champion's terminal (colours, a
rewritten title, OSC 52 writing the clipboard), and a right-to-left override would make
`evil@x.org` look like another address.
"""

from __future__ import annotations

import re

_CONTROL = "\x00-\x1f\x7f-\x9f"  # C0, DEL, C1
# bidi marks, embeddings, overrides and isolates; line and paragraph separators
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_UNSAFE = re.compile(f"[{_CONTROL}{_BIDI}]")
_UNSAFE_BUT_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")  # keeps \t and \n
# lone surrogates: what a parser leaves for undecodable bytes; printing one raises
_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: object) -> str:
    """One line of outside text with every control and bidi character removed."""
    return _SURROGATE.sub("\ufffd", _UNSAFE.sub("", str(text)))


def printable_lines(text: object) -> str:
    """Like `printable`, but keeps line breaks and tabs (for multi-line text)."""
    plain = str(text).replace("\r\n", "\n")
    return _SURROGATE.sub("\ufffd", _UNSAFE_BUT_LINES.sub("", plain))
