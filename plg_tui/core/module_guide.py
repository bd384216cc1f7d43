"""`plg modules guide`: a whole module as a facilitator reads it before the call.

The guide is built once as plain sections (`guide_sections`) and rendered as text or
Markdown here, or as one printable HTML page by `module_guide_html`.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from plg_tui.core.facilitation_notes import HOW_TO_FACILITATE
from plg_tui.core.module_model import Module, Phase, TrustSession

WRAP = 88


@dataclass(frozen=True)
class GuidePhase:
    """One phase of an agenda: when it starts (minutes into the call) and what to say."""

    start: int
    phase: Phase

    @property
    def clock(self) -> str:
        return f"{self.start // 60}:{self.start % 60:02d}"


@dataclass(frozen=True)
class GuideAgenda:
    title: str
    phases: tuple[GuidePhase, ...]

    @property
    def minutes(self) -> int:
        return sum(item.phase.minutes for item in self.phases)


@dataclass(frozen=True)
class GuideWeek:
    number: int
    tip: str
    prompt: str
    checkin: str


@dataclass(frozen=True)
class Guide:
    id: str
    title: str
    tagline: str
    summary: str
    challenge_prompt: str = ""
    agendas: tuple[GuideAgenda, ...] = ()
    techniques: tuple[tuple[str, str, tuple[str, ...], str], ...] = ()
    weeks: tuple[GuideWeek, ...] = ()
    reflection_questions: tuple[str, ...] = ()
    notes: tuple[tuple[str, tuple[str, ...]], ...] = field(
        default=tuple((note.heading, note.points) for note in HOW_TO_FACILITATE)
    )


def _agenda(title: str, phases: tuple[Phase, ...]) -> GuideAgenda:
    timed: list[GuidePhase] = []
    start = 0
    for phase in phases:
        timed.append(GuidePhase(start, phase))
        start += phase.minutes
    return GuideAgenda(title, tuple(timed))


def guide_for(item: Module | TrustSession) -> Guide:
    if isinstance(item, TrustSession):
        return Guide(
            id=item.id,
            title=item.title,
            tagline="The optional first meeting, before a group's first module.",
            summary=item.summary,
            agendas=(_agenda("The trust-building session", item.phases),),
        )
    return Guide(
        id=item.id,
        title=item.title,
        tagline=item.tagline,
        summary=item.summary,
        challenge_prompt=item.challenge_prompt,
        agendas=(_agenda("Session 1", item.session1), _agenda("Session 2", item.session2)),
        techniques=tuple((t.name, t.why, t.steps, t.source) for t in item.techniques),
        weeks=tuple(
            GuideWeek(number, week.tip, week.prompt, week.checkin)
            for number, week in enumerate(item.weeks, 1)
        ),
        reflection_questions=item.reflection_questions,
    )


def _wrap(text: str, indent: str = "", hang: str | None = None) -> str:
    return textwrap.fill(
        text,
        width=WRAP,
        initial_indent=indent,
        subsequent_indent=indent if hang is None else hang,
        break_long_words=False,
        break_on_hyphens=False,
    )


def render_text(guide: Guide) -> str:
    out: list[str] = [guide.title.upper(), _wrap(guide.tagline), "", _wrap(guide.summary), ""]
    out += ["HOW TO FACILITATE", ""]
    for heading, points in guide.notes:
        out.append(heading)
        out += [_wrap(point, "  - ", "    ") for point in points]
        out.append("")
    if guide.challenge_prompt:
        out += ["THE CHALLENGE QUESTION (session 1)", _wrap(guide.challenge_prompt, "  "), ""]
    for agenda in guide.agendas:
        out += [f"{agenda.title.upper()} ({agenda.minutes} minutes)", ""]
        out += [
            f"  {item.clock}  {item.phase.minutes:>3} min  {item.phase.name}"
            for item in agenda.phases
        ]
        out.append("")
        for item in agenda.phases:
            out.append(
                f"{item.clock}  {item.phase.name} ({item.phase.minutes} min, {item.phase.kind})"
            )
            out += [_wrap(item.phase.script, "  "), ""]
    if guide.techniques:
        out += ["TECHNIQUES", ""]
        for name, why, steps, source in guide.techniques:
            out += [name, _wrap(why, "  ")]
            out += [_wrap(step, f"  {number}. ", "     ") for number, step in enumerate(steps, 1)]
            if source:
                out.append(_wrap(f"Source: {source}", "  "))
            out.append("")
    if guide.reflection_questions:
        out += ["REFLECTION QUESTIONS (session 2)"]
        out += [_wrap(question, "  - ", "    ") for question in guide.reflection_questions]
        out.append("")
    if guide.weeks:
        out += ["THE PRACTICE MONTH", ""]
        for week in guide.weeks:
            out += [f"Week {week.number}", _wrap(week.tip, "  ")]
            out += [_wrap(f"Journal prompt: {week.prompt}", "  ")]
            out += [_wrap(f"Partner check-in: {week.checkin}", "  "), ""]
    return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    """Outside-authored text as Markdown that cannot turn into markup or links."""
    escaped = text
    for char in "\\`*_[]<>#|":
        escaped = escaped.replace(char, "\\" + char)
    return escaped


def render_markdown(guide: Guide) -> str:
    out: list[str] = [
        f"# {_md(guide.title)}",
        "",
        f"*{_md(guide.tagline)}*",
        "",
        _md(guide.summary),
        "",
    ]
    out += ["## How to facilitate", ""]
    for heading, points in guide.notes:
        out += [f"### {heading}", ""] + [f"- {_md(point)}" for point in points] + [""]
    if guide.challenge_prompt:
        out += ["## The challenge question", "", f"> {_md(guide.challenge_prompt)}", ""]
    for agenda in guide.agendas:
        out += [
            f"## {agenda.title} ({agenda.minutes} minutes)",
            "",
            "| Starts | Minutes | Phase |",
            "|---|---|---|",
        ]
        out += [
            f"| {item.clock} | {item.phase.minutes} | {_md(item.phase.name)} |"
            for item in agenda.phases
        ]
        out.append("")
        for item in agenda.phases:
            out += [f"### {item.clock} {_md(item.phase.name)} ({item.phase.minutes} min)", ""]
            out += [_md(item.phase.script), ""]
    if guide.techniques:
        out += ["## Techniques", ""]
        for name, why, steps, source in guide.techniques:
            out += [f"### {_md(name)}", "", _md(why), ""]
            out += [f"{number}. {_md(step)}" for number, step in enumerate(steps, 1)]
            out += ["", f"*Source: {_md(source)}*", ""] if source else [""]
    if guide.reflection_questions:
        out += (
            ["## Reflection questions", ""]
            + [f"- {_md(q)}" for q in guide.reflection_questions]
            + [""]
        )
    if guide.weeks:
        out += ["## The practice month", ""]
        for week in guide.weeks:
            out += [f"### Week {week.number}", "", _md(week.tip), ""]
            out += [
                f"- **Journal prompt:** {_md(week.prompt)}",
                f"- **Partner check-in:** {_md(week.checkin)}",
                "",
            ]
    return "\n".join(out).rstrip() + "\n"
