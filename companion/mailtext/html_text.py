"""An HTML mail body rendered as plain text, without the quote containers mail clients add.

Pure and stdlib-only; nothing here logs or raises with member-written text in the message.
"""

from __future__ import annotations

import re

from companion.mailtext.attribution import ATTRIBUTION_MAX_LINES, attribution_length
from companion.mailtext.html_tags import (
    BLOCK_TAGS,
    CUT_IDS,
    DROPPED_CLASSES,
    DROPPED_IDS,
    PARAGRAPH_TAGS,
    SKIPPED_TAGS,
)
from companion.mailtext.html_tokens import HtmlTokenReader
from companion.mailtext.quotes import (
    BLANK_RUNS,
    MAX_INPUT_CHARS,
    find_reply_header,
    writer_continues_below,
)

_WHITESPACE_RUN = re.compile(r"[ \t\n\r\f\v\u200b]+")
# Deeper lists are indented no further: hostile nesting must not make each item huge.
_MAX_LIST_INDENT = 8
# A 1 MiB mail a client wrote has some tens of thousands of tags; past this many, the rest
# of the body is not read (and the reply is marked as cut).
MAX_HTML_TAGS = 100_000


class _TextExtractor(HtmlTokenReader):
    def __init__(self) -> None:
        self.lines: list[str] = []
        self._rendered = 0  # characters in `lines`: rendering stops past MAX_INPUT_CHARS
        self._tags = 0
        self.capped = False  # stopped at MAX_INPUT_CHARS or MAX_HTML_TAGS
        self._parts: list[str] = []
        self._line_forced = False  # a &nbsp;-only block still renders as a (blank) line
        self._marker_only = False
        self._blank_pending = False
        self._skip_tag: str | None = None
        self._skip_depth = 0
        self._cut = False
        self._pre_depth = 0
        self._lists: list[list[int | str]] = []  # [kind, next number]
        self._li_depth = 0
        self._open_paragraph_is_line = False

    # -- output primitives
    def _flush(self, force: bool = False) -> None:
        if self._parts or self._line_forced or force:
            if self._marker_only and not force:
                return
            self._add_line("".join(self._parts).rstrip())
        self._parts = []
        self._line_forced = False
        self._marker_only = False

    def _block(self) -> None:
        if self._marker_only:
            return
        self._flush()

    def _paragraph(self) -> None:
        self._block()
        if self._li_depth == 0:
            self._blank_pending = True

    def _add_line(self, line: str) -> None:
        # Two blank lines in a row say all that more would (the result's blank runs are
        # collapsed); keeping no more bounds the look back for an attribution.
        if line or self.lines[-2:] != ["", ""]:
            self.lines.append(line)
            self._rendered += len(line) + 1
        if self._rendered > MAX_INPUT_CHARS:
            self._stop_at_cap()

    def _stop_at_cap(self) -> None:
        self._cut = True
        self.capped = True

    def _count_tag(self) -> None:
        self._tags += 1
        if self._tags > MAX_HTML_TAGS:
            self._stop_at_cap()

    def finished(self) -> bool:
        return self._cut

    def _start_content(self) -> None:
        if self._blank_pending and self.lines and self.lines[-1] != "" and not self._parts:
            self._add_line("")
        self._blank_pending = False

    def _text(self, data: str) -> None:
        if self._pre_depth:
            chunks = data.split("\n")
            for number, chunk in enumerate(chunks):
                if self._cut:
                    return
                if number:
                    self._flush(force=True)
                if chunk:
                    self._start_content()
                    self._parts.append(chunk)
                    self._marker_only = False
            return
        has_nbsp = "\u00a0" in data
        data = _WHITESPACE_RUN.sub(" ", data.replace("\u00a0", " "))
        at_line_start = not self._parts or self._parts[-1].endswith(" ")
        if at_line_start:
            data = data.lstrip(" ")
        if not data:
            if has_nbsp and not self._parts:
                self._line_forced = True
            return
        self._start_content()
        self._parts.append(data)
        self._marker_only = False

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._count_tag()
        if self._cut:
            return
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth += 1
            return
        classes: set[str] = set()
        element_id = ""
        if attrs:
            attributes = {name: (value or "") for name, value in attrs}
            classes = set(attributes.get("class", "").split())
            element_id = attributes.get("id", "").lower()
        if element_id in CUT_IDS:
            self._block()
            self._cut = True
            return
        if tag in SKIPPED_TAGS or classes & DROPPED_CLASSES or element_id in DROPPED_IDS:
            self._enter_skip(tag)
            return
        if tag == "blockquote":
            self._block()
            self._drop_trailing_attribution()
            self._enter_skip(tag)
            return
        if tag == "br":
            self._flush(force=True)
        elif tag == "hr":
            self._paragraph()
        elif tag in ("ul", "ol"):
            self._block()
            self._lists.append([tag, 1])
        elif tag == "li":
            self._flush()
            self._start_content()
            self._li_depth += 1
            indent = "  " * min(_MAX_LIST_INDENT, max(0, len(self._lists) - 1))
            if self._lists and self._lists[-1][0] == "ol":
                number = int(self._lists[-1][1])
                self._lists[-1][1] = number + 1
                marker = f"{number}. "
            else:
                marker = "- "
            self._parts = [indent + marker]
            self._marker_only = True
        elif tag == "p":
            # Outlook writes every line as its own zero-margin <p class="MsoNormal">.
            is_line = "msonormal" in {c.lower() for c in classes}
            self._open_paragraph_is_line = is_line
            self._block() if is_line else self._paragraph()
        elif tag in PARAGRAPH_TAGS:
            self._paragraph()
            if tag == "pre":
                self._pre_depth += 1
        elif tag in BLOCK_TAGS:
            self._block()
        elif tag in ("td", "th") and self._parts:
            self._parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self._count_tag()
        if self._cut:
            return
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth -= 1
                if self._skip_depth == 0:
                    self._skip_tag = None
            return
        if tag in ("ul", "ol"):
            self._block()
            if self._lists:
                self._lists.pop()
            if not self._lists:
                self._paragraph()
        elif tag == "li":
            self._block()
            self._li_depth = max(0, self._li_depth - 1)
        elif tag == "p":
            if self._open_paragraph_is_line or self._li_depth:
                self._block()
            else:
                self._paragraph()
            self._open_paragraph_is_line = False
        elif tag in PARAGRAPH_TAGS:
            if tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)
            self._paragraph()
        elif tag in BLOCK_TAGS:
            self._block()

    def handle_data(self, data: str) -> None:
        if self._cut or self._skip_tag is not None:
            return
        self._text(data)

    # -- helpers
    def _enter_skip(self, tag: str) -> None:
        self._skip_tag = tag
        self._skip_depth = 1

    def _drop_trailing_attribution(self) -> None:
        """Apple Mail and Thunderbird put "On ... wrote:" just before the <blockquote>."""
        end = len(self.lines)
        while end and not self.lines[end - 1].strip():
            end -= 1
        for span in range(1, ATTRIBUTION_MAX_LINES + 1):
            start = end - span
            if start < 0:
                break
            if attribution_length(self.lines[start:end], 0) == span:
                del self.lines[start:]
                return

    def text(self) -> str:
        self._flush()
        return "\n".join(self.lines)


def html_to_text(html: str) -> str:
    """Render an HTML mail body as plain text, without the client's quote containers.

    Paragraphs become blank-line separated, <br> and <div> become line breaks, list items
    become "- item" or "1. item", entities are unescaped. Gmail/Outlook/Apple/Yahoo quote
    containers, <blockquote>s and an Outlook "From:/Sent:" block after a rule are dropped.
    """
    return render_html(html)[0]


def render_html(html: str) -> tuple[str, bool]:
    """(html_to_text's text, whether rendering stopped at MAX_INPUT_CHARS or MAX_HTML_TAGS)."""
    extractor = _TextExtractor()
    extractor.read(html)
    lines = [line.rstrip() for line in extractor.text().split("\n")]
    header = find_reply_header(lines)
    if header is not None and not writer_continues_below(lines, header[1]):
        lines = lines[: header[0]]
    text = "\n".join(lines)
    return BLANK_RUNS.sub("\n\n", text).strip(), extractor.capped
