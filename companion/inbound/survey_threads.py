"""Which survey email a reply answers when it lost its token: a client that replied to our
From address still names our random Message-ID in In-Reply-To or References, and the pool's
survey ledger recorded it with the candidate it went to."""

from __future__ import annotations

from collections.abc import Callable
from email.message import Message
from pathlib import Path

from companion.inbound.inbound_message import header_text
from companion.inbound.routing import message_ids
from companion.outbound.survey_send import sent_survey_emails

# as the journal's acknowledgements: the thread an answer carries is bounded
MAX_ANSWER_REFERENCES = 10


def answer_thread(reply: Message) -> tuple[str, str]:
    """(In-Reply-To, References) of our answer to `reply`: threaded under it, References
    being its own plus its Message-ID, the last MAX_ANSWER_REFERENCES, space-separated."""
    found = message_ids(header_text(reply, "Message-ID"), 1)
    answered = found[0] if found else ""
    thread = message_ids(header_text(reply, "References"))
    references = [*thread, answered] if answered else thread
    return answered, " ".join(references[-MAX_ANSWER_REFERENCES:])


class SurveyThreads:
    """Message-ID -> (pool, candidate) over every pool's survey ledger, read once per run."""

    def __init__(self, home: Path, log: Callable[[str], None]) -> None:
        self.home = home
        self.log = log
        self._sent: dict[str, tuple[str, str]] | None = None

    def answered(self, headers: Message) -> tuple[str, str] | None:
        """(pool, candidate) of the survey email this message replies to, if any."""
        # In-Reply-To names the message answered; References lists the thread, oldest first.
        thread = message_ids(header_text(headers, "In-Reply-To"), 5)
        thread += reversed(message_ids(header_text(headers, "References")))
        if not thread:
            return None
        sent = self._index()
        return next((sent[i] for i in dict.fromkeys(thread) if i in sent), None)

    def _index(self) -> dict[str, tuple[str, str]]:
        if self._sent is None:
            self._sent = {
                message_id: (name, record.member.lower())
                for name, message_id, record in sent_survey_emails(self.home, self.log)
            }
        return self._sent
