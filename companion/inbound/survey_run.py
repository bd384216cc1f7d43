"""What one ingest run keeps of a pool's survey replies until `SurveyReplies.commit`
writes it: the answers, the log of messages not counted, the answers to send back."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import Message

from companion.inbound.survey_threads import answer_thread
from plg_tui.core.pool import SurveyAnswer
from plg_tui.core.survey import SurveySettings
from plg_tui.vault.group_keys import GroupKeys

UNREADABLE_LOG_CAP = 1000
# a From longer than this is no address a champion can act on
SENDER_LOG_CHARS = 200


@dataclass(frozen=True)
class SurveyNotice:
    """An answer to a candidate's reply, threaded under that reply."""

    kind: str
    email: str
    tag: str
    in_reply_to: str
    references: str

    @classmethod
    def answering(cls, kind: str, email: str, tag: str, reply: Message) -> SurveyNotice:
        return cls(kind, email, tag, *answer_thread(reply))


@dataclass
class PoolRun:
    """One pool as this ingest run sees it: its survey, and what the run learnt of it."""

    keys: GroupKeys
    emails: list[str]
    settings: SurveySettings
    topics: list[tuple[str, str]]  # (module id, title), numbered 1.. in this order
    answers: dict[str, SurveyAnswer] = field(default_factory=dict)
    unreadable: list[dict[str, str]] = field(default_factory=list)  # reason, sender, at, candidate
    # what to queue in the ledger, keyed so a reply counts once
    notices: dict[str, SurveyNotice] = field(default_factory=dict)
    opt_outs: set[str] = field(default_factory=set)  # asked for no more survey emails
