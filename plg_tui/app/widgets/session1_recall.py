"""Session 2's reflection slot: the speaker's own session-1 challenge and commitment, shown
only after they agreed aloud; before that, how to ask; a member with none is told so."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from plg_tui.app.display import markup
from plg_tui.app.group_words import GroupWords
from plg_tui.core.recall import SessionOneWords, reflection_speaker
from plg_tui.core.session import SessionModel


def recall_lines(name: str, words: SessionOneWords | None, has_words: bool) -> Content:
    """`words` is None until the member agreed."""
    if not has_words:
        return markup("Session 1: nothing recorded for [b]$name[/b].", name=name)
    if words is None:
        return markup(
            "[b]$name in session 1[/b]: challenge and commitment hidden. "
            "Press [b]v[/b] to show them, only if $name agrees aloud.",
            name=name,
        )
    lines = [markup("[b]$name in session 1[/b] (shown with their agreement)", name=name)]
    for label, texts in (("Challenge", words.challenges), ("Commitment", words.commitments)):
        if not texts:
            lines.append(markup("[i]$label:[/i] none recorded", label=label))
        lines.extend(markup("[i]$label:[/i] $text", label=label, text=text) for text in texts)
    return Content("\n").join(lines)


class SessionOneRecall(Static):
    DEFAULT_CSS = """
    SessionOneRecall {
        height: auto;
        max-height: 10;
        border: round $primary;
        padding: 0 1;
    }
    SessionOneRecall.-nothing-recorded {
        border: none;
        padding: 0 2;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._shown: tuple[str, bool, bool] | None = None  # (member, agreed, has words)

    def show(self, member: str, name: str, words: SessionOneWords | None, has_words: bool) -> None:
        """Redrawn only when the speaker or their agreement changes (called every tick)."""
        state = (member, words is not None, has_words)
        if state != self._shown:
            self._shown = state
            # one plain line when there is nothing to show: the questions need the rows
            self.set_class(not has_words, "-nothing-recorded")
            self.update(recall_lines(name, words, has_words))

    def follow(self, model: SessionModel, words: GroupWords) -> None:
        """Shown during session 2's reflection round, for the speaker whose slot it is."""
        speaker = reflection_speaker(model)
        self.display = speaker is not None
        if speaker is None:
            return
        has_words = words.has_session1_words(speaker)
        agreed = speaker in model.recall_consent and has_words
        shown = words.session1_words(speaker) if agreed else None
        self.show(speaker, model.name_of(speaker), shown, has_words)
