"""The survey's emails: the invitation (and its reminder), and the answers to a reply (what
was understood, or how to reply so it can be read). Built by compose's `build_wire`, so they
carry the same headers, reply token and unsubscribe address as every other email."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from companion.outbound.compose import WireMessage, build_wire, first_name, render, render_subject
from companion.settings import EmailSettings
from plg_tui.core.module_model import Module
from plg_tui.core.pool import Candidate
from plg_tui.core.survey import SurveySettings
from plg_tui.vault.group_keys import GroupKeys

# The token's week of a survey email: no group's month has a week 90, so a reply's token says
# at once that it answers a survey and names the pool.
SURVEY_WEEK = 90
INVITATION, REMINDER = "survey", "survey_reminder"
ACK, UNREADABLE, CLOSED = "survey_ack", "survey_unreadable", "survey_closed"
SURVEY_KINDS = (INVITATION, REMINDER, ACK, UNREADABLE, CLOSED)
NOTICE_KINDS = (ACK, UNREADABLE, CLOSED)


@dataclass(frozen=True)
class Topic:
    number: int
    id: str
    title: str
    tagline: str


def numbered_topics(settings: SurveySettings, modules: dict[str, Module]) -> list[Topic]:
    topics = []
    for number, module_id in enumerate(settings.modules, 1):
        module = modules.get(module_id)
        title = module.title if module else module_id
        tagline = module.tagline if module else ""
        topics.append(Topic(number, module_id, title, tagline))
    return topics


def example_choice(count: int) -> str:
    """The example answer the emails show: "3, 7, 1" when the survey has seven topics, else
    numbers the survey has (a reply copying the example must be readable)."""
    wanted = (3, 7, 1) if count >= 7 else (min(3, count), count, 1, 2)
    numbers = [n for n in dict.fromkeys(wanted) if 1 <= n <= max(count, 1)]
    return ", ".join(str(n) for n in numbers[:3])


def survey_message(
    *,
    kind: str,
    candidate: Candidate,
    keys: GroupKeys,
    email: EmailSettings,
    settings: SurveySettings,
    modules: dict[str, Module],
    message_id: str,
    now: datetime,
    choices: tuple[str, ...] = (),
    times: tuple[str, ...] = (),
    declined: bool = False,
    in_reply_to: str = "",
    references: tuple[str, ...] | list[str] = (),
) -> WireMessage:
    """One survey email of `kind` to one candidate; an answer to their reply is threaded
    under it (`in_reply_to`, `references`: <id@domain> strings)."""
    topics = numbered_topics(settings, modules)
    context = {
        "first_name": first_name(candidate.name) or "there",
        "topics": topics,
        "reminder": kind == REMINDER,
        "ask_times": settings.ask_times,
        "closes": settings.closes.strftime("%A %-d %B %Y"),
        "declined": declined,
        "count": len(topics),
        "example": example_choice(len(topics)),
    }
    template = INVITATION if kind in (INVITATION, REMINDER) else kind
    if kind == ACK:
        # the survey's own numbers, so "3, 7, 1" comes back as 3, 7, 1
        by_id = {t.id: t for t in topics}
        context["topics"] = [by_id.get(c) or Topic(0, c, c, "") for c in choices]
        context["times"] = list(times)
    text, html = render(template, **context)
    return build_wire(
        email=email,
        keys=keys,
        to_name=candidate.name,
        to_addr=candidate.email,
        week=SURVEY_WEEK,
        reply_until=settings.replies_until,
        subject=render_subject(kind, **context),
        text=text,
        html=html or None,
        message_id=message_id,
        date=now,
        in_reply_to=in_reply_to,
        references=references,
    )
