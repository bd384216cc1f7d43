"""format=flowed text (RFC 3676) joined back into the lines the member typed.

Apple Mail, Thunderbird and K-9 send plain text as "flowed": a line ending in a space goes on
in the next line, a leading space was added to protect the line ("space-stuffing"), and with
DelSp=yes the space before the soft break is not part of the text. Quote depth (">" marks) is
kept: only lines of the same depth join. Linear in the text's length.
"""

from __future__ import annotations

_SIGNATURE_SEPARATOR = "-- "


def _prefix(depth: int) -> str:
    return ">" * depth + " " if depth else ""


def unflow(text: str, *, delsp: bool = False) -> str:
    """The text with soft line breaks joined, space-stuffing removed and quotes kept."""
    out: list[str] = []
    paragraph: list[str] = []
    paragraph_depth = 0
    for line in text.replace("\r\n", "\n").split("\n"):
        body = line.lstrip(">")
        depth = len(line) - len(body)
        if body.startswith(" "):
            body = body[1:]
        if paragraph and depth != paragraph_depth:
            out.append(_prefix(paragraph_depth) + "".join(paragraph))
            paragraph = []
        soft_break = body.endswith(" ") and body != _SIGNATURE_SEPARATOR
        if soft_break:
            paragraph.append(body[:-1] if delsp else body)
            paragraph_depth = depth
            continue
        paragraph.append(body)
        out.append(_prefix(depth) + "".join(paragraph))
        paragraph = []
    if paragraph:
        out.append(_prefix(paragraph_depth) + "".join(paragraph).rstrip())
    return "\n".join(out)
