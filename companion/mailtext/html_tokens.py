"""Start tags, end tags and text of an HTML mail body, in time linear in its length.

`html.parser.HTMLParser` (Python 3.11) rescans the rest of the input for every unclosed
tag, comment or quote, so a hostile 1 MiB body of "<a " or "<!--" takes minutes. This reader
gives the same events for the HTML mail clients write, and on broken HTML follows the HTML5
rules that keep one pass: an unclosed comment, tag or quoted value runs to the end and
is dropped; a "<" that starts no tag is text.

Pure and stdlib-only; nothing here logs or raises with the body's text in the message.
"""

from __future__ import annotations

import html
import re

# where a tag, an end tag, a comment or a declaration may start; any other "<" is text
_MARKUP_START = re.compile(r"<[a-zA-Z/!?]")
_TAG_NAME = re.compile(r"[a-zA-Z][^ \t\n\r\f/>]*")
_ATTRIBUTE_NAME = re.compile(r"[^ \t\n\r\f/>][^ \t\n\r\f/=>]*")
_UNQUOTED_VALUE = re.compile(r"[^ \t\n\r\f>]*")
_SPACE_OR_SLASH = re.compile(r"[ \t\n\r\f/]*")
_SPACE_RUN = re.compile(r"[ \t\n\r\f]*")
# script and style hold raw text up to their end tag, as in html.parser
_RAW_TEXT_END = {
    "script": re.compile(r"</script", re.IGNORECASE),
    "style": re.compile(r"</style", re.IGNORECASE),
}

Attributes = list[tuple[str, str | None]]
# A tag mail clients write has a handful of attributes; past this many the rest of the tag
# is skipped to its ">", so one hostile tag costs no more than its length.
MAX_ATTRIBUTES = 256


class HtmlTokenReader:
    """Subclass and override the handle_* methods; call `read(html)` once."""

    def handle_starttag(self, tag: str, attrs: Attributes) -> None:
        """A start tag, its name and attribute names lower case, values unescaped."""

    def handle_endtag(self, tag: str) -> None:
        """An end tag (also sent right after the start tag of a self-closing "<br/>")."""

    def handle_data(self, data: str) -> None:
        """Text between tags, character references unescaped."""

    def finished(self) -> bool:
        """True once the subclass wants no more events: reading stops there."""
        return False

    def read(self, markup: str) -> None:
        self._reader_text: list[str] = []
        position, end = 0, len(markup)
        while position < end and not self.finished():
            found = _MARKUP_START.search(markup, position)
            if found is None:
                self._reader_text.append(markup[position:])
                break
            self._reader_text.append(markup[position : found.start()])
            position = self._reader_markup(markup, found.start())
        self._reader_flush()

    def _reader_flush(self) -> None:
        text = "".join(self._reader_text)
        self._reader_text = []
        if text:
            self.handle_data(html.unescape(text))

    def _reader_markup(self, markup: str, start: int) -> int:
        """Handle what starts at the "<" at `start`; return where reading goes on."""
        end = len(markup)
        following = markup[start + 1 : start + 2]
        if markup.startswith("<!--", start):
            for empty in ("<!-->", "<!--->"):
                if markup.startswith(empty, start):
                    return start + len(empty)
            close = markup.find("-->", start + 4)
            return end if close < 0 else close + 3
        if following in ("!", "?"):
            return self._skip_to_gt(markup, start + 2)
        if following == "/":
            name = _TAG_NAME.match(markup, start + 2)
            if name is None:
                return self._skip_to_gt(markup, start + 2)
            close = markup.find(">", name.end())
            if close < 0:
                return end
            self._reader_flush()
            self.handle_endtag(name.group().lower())
            return close + 1
        return self._reader_start_tag(markup, start)

    @staticmethod
    def _skip_to_gt(markup: str, position: int) -> int:
        close = markup.find(">", position)
        return len(markup) if close < 0 else close + 1

    def _reader_start_tag(self, markup: str, start: int) -> int:
        end = len(markup)
        name_match = _TAG_NAME.match(markup, start + 1)
        assert name_match is not None  # the caller saw a letter after "<"
        tag = name_match.group().lower()
        attrs: Attributes = []
        position = name_match.end()
        gap_start = position
        while not markup.startswith(">", position):  # most tags: none, straight to ">"
            position = _SPACE_OR_SLASH.match(markup, position).end()  # type: ignore[union-attr]
            if position >= end:
                return end  # the tag never closes: dropped, as HTML5 does
            if markup[position] == ">":
                break
            if len(attrs) >= MAX_ATTRIBUTES:
                position = markup.find(">", position)
                if position < 0:
                    return end
                break
            attribute = _ATTRIBUTE_NAME.match(markup, position)
            assert attribute is not None  # not space, "/" or ">" here
            position = _SPACE_RUN.match(markup, attribute.end()).end()  # type: ignore[union-attr]
            value: str | None = None
            if position < end and markup[position] == "=":
                position = _SPACE_RUN.match(markup, position + 1).end()  # type: ignore[union-attr]
                quote = markup[position : position + 1]
                if quote in ('"', "'"):
                    close = markup.find(quote, position + 1)
                    if close < 0:
                        return end
                    value = html.unescape(markup[position + 1 : close])
                    position = close + 1
                else:
                    unquoted = _UNQUOTED_VALUE.match(markup, position)
                    value = html.unescape(unquoted.group())  # type: ignore[union-attr]
                    position = unquoted.end()  # type: ignore[union-attr]
            attrs.append((attribute.group().lower(), value))
            gap_start = position  # a "/" only in the space before ">" makes it self-closing
        self_closing = "/" in markup[gap_start:position]
        self._reader_flush()
        self.handle_starttag(tag, attrs)
        if self_closing:
            self.handle_endtag(tag)
        position += 1
        raw_end = _RAW_TEXT_END.get(tag)
        if raw_end is None or self_closing:
            return position
        found = raw_end.search(markup, position)
        if found is None:
            return end  # never closed: the rest is dropped, as html.parser drops it
        if found.start() > position:
            self.handle_data(markup[position : found.start()])
        return found.start()
