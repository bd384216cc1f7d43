"""The one-page "how to facilitate" every facilitator guide opens with.

Members facilitate in turn and most have never run a peer group; this page is what an
experienced trainer would tell them in the ten minutes before their first call.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FacilitationNote:
    heading: str
    points: tuple[str, ...]


HOW_TO_FACILITATE: tuple[FacilitationNote, ...] = (
    FacilitationNote(
        "Your job today",
        (
            "You are not the teacher. You keep time, read the scripts aloud, and make sure "
            "everyone gets their turn. The group does the thinking.",
            "Read the scripts before the call so you can say them in your own words. Saying "
            "them word for word is fine too.",
            "Open plg a few minutes early, share your screen, and check everyone can see "
            "the timer.",
        ),
    ),
    FacilitationNote(
        "Timekeeping",
        (
            "Each phase has minutes on the agenda; plg shows the time left. When it runs "
            "out, say so kindly and move on: 'Let us leave it there and come back to it in "
            "the parking lot.'",
            "In a round, each person gets the same time. Give a ten-second warning before "
            "you move to the next speaker.",
            "If the group is running late, shorten the open discussion, never the practice "
            "or the commitments.",
        ),
    ),
    FacilitationNote(
        "Keeping to the topic",
        (
            "When talk drifts to company news or a complaint about a third person, ask: "
            "'How does this connect to the challenge you brought?'",
            "Put good side topics on the parking lot (press c and choose the parking lot), so "
            "nobody feels cut off.",
            "Advice can wait. In most rounds the group first listens and asks questions; "
            "suggestions come only when the script invites them.",
        ),
    ),
    FacilitationNote(
        "Confidentiality",
        (
            "Start by reading the ground rules aloud. What is said in the group stays in "
            "the group, and nobody repeats who said what.",
            "Members may speak about people at work by role, not by name.",
            "Press the curtain key (b) before anyone shares something you would not want "
            "on a screen that another person might see.",
        ),
    ),
    FacilitationNote(
        "When someone dominates",
        (
            "Thank them, then name the time: 'That is helpful, and I want to hear from "
            "everyone before we go on.'",
            "Use the round: ask the next person by name. The timer helps; it is not you "
            "cutting them off, it is the agreement.",
            "If it keeps happening, mention it privately after the call, and ask for their "
            "help in drawing out the quieter members.",
        ),
    ),
    FacilitationNote(
        "When someone is silent",
        (
            "Silence is often thinking. Wait ten seconds longer than feels comfortable.",
            "Invite, do not press: 'Anything you would add, or shall I come back to you?'",
            "Offer a smaller question: 'What is one word for how this lands for you?'",
            "Some people speak more easily after others have gone first; vary who starts.",
        ),
    ),
    FacilitationNote(
        "When it gets emotional",
        (
            "Slow down. Acknowledge it: 'That sounds hard. Take your time.'",
            "Offer a pause and the option to pass. Nobody has to share more than they choose.",
            "Check in with the person after the call if it seemed heavy.",
        ),
    ),
)
