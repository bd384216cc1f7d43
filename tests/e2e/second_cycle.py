"""The programme's second cycle (issue 12), after cycle 1's session 2: the group votes, a member
leaves, another joins, `plg group next` starts module 2, and the companion runs its month.

Real programs for the champion's commands; the vote through the session app's own commands; the
companion at each planned send time of the new month (not hourly: cycle 1 already proved the
hourly clock), every email checked to arrive once, exactly then, with module 2's content.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from companion.outbound.schedule import Recipient, ScheduleSettings, plan
from tests.e2e.harness import Arrival, Member, ProgrammeClock, StampingHandler, run_companion

BERLIN = "Europe/Berlin"
CYCLE2_SESSION1 = datetime(2027, 1, 14, 14, 0, tzinfo=ZoneInfo(BERLIN))
CYCLE2_SESSION2 = datetime(2027, 2, 11, 14, 0, tzinfo=ZoneInfo(BERLIN))
NEXT_MODULE = "delegating"
NEWCOMER = Member("Nadia Okorofor", "nadia@example.org", "Europe/London", "gmail", "en")
NEW_PASSPHRASE = "maple orbit cactus velvet"
VOTES = ["delegating", "delegating", "delegating", "one-on-ones"]


def close_session2_with_votes(home: Path, keys: Any) -> None:
    """The facilitator takes the close of session 2: ratings, next-topic votes, finish."""
    from plg_tui.app.session_loader import open_session

    controller = open_session(home, keys, "2", resume=True)
    try:
        controller.model.to_close()
        controller.save()
        for rating in (4, 5, 4, 3):
            controller.add_rating(rating)
        for module in VOTES:
            controller.add_vote(module)
        controller.close()
    finally:
        controller.vault.close()


def run_second_cycle(
    home: Path,
    slug: str,
    inputs: Path,
    keys: Any,
    leaver: str,
    stopped: str,
    members: list[Member],
    expect: Callable[[object, str], bool],
    run_program: Callable[..., Any],
    plg: str,
    handler: StampingHandler,
    clock: ProgrammeClock,
    kind_of: Callable[[Arrival], tuple[str, int]],
) -> list[str]:
    """Returns the markers (names) the newcomer adds to the scan."""
    from plg_tui.core.modules import load_module
    from plg_tui.vault.staging import release_in_use

    close_session2_with_votes(home, keys)
    shown = run_program(plg, "--home", str(home), "group", "show", slug)
    expect(
        "vote      next topic, at session 2 of cycle 1: delegating 3, one-on-ones 1"
        in shown.stdout,
        f"group show should carry session 2's vote: {shown.stdout!r}",
    )

    release_in_use()  # the re-key waits for every holder of the keys, this test included
    new_pass = inputs / "new-passphrase"
    new_pass.write_text(NEW_PASSPHRASE + "\n")
    left = run_program(plg, "--home", str(home), "group", "remove-member", slug, leaver,
                       "--passphrase-file", str(inputs / "passphrase"),
                       "--new-passphrase-file", str(new_pass))  # fmt: skip
    expect(left.returncode == 0, f"remove-member failed: {left.stderr}")
    newcomer = ("--name", NEWCOMER.name, "--email", NEWCOMER.email, "--level", "4",
                "--reports-to", "boss9@example.org", "--timezone", NEWCOMER.timezone)  # fmt: skip
    joined = run_program(plg, "--home", str(home), "group", "add-member", slug, *newcomer)
    expect(joined.returncode == 0, f"add-member failed: {joined.stderr}")
    started = run_program(plg, "--home", str(home), "group", "next", slug, "--module", NEXT_MODULE,
                          "--session1", CYCLE2_SESSION1.strftime("%Y-%m-%dT%H:%M"),
                          "--session2", CYCLE2_SESSION2.strftime("%Y-%m-%dT%H:%M"),
                          "--allow-past")  # fmt: skip
    expect(
        started.returncode == 0 and f"'{slug}' started cycle 2:" in started.stdout,
        f"group next failed: {started.stdout} {started.stderr}",
    )
    expect("warning" not in started.stderr, f"group next warned: {started.stderr}")

    roster = [m for m in members if m.email != leaver] + [NEWCOMER]
    recipients = [Recipient(m.email, m.timezone) for m in roster]
    expected = [
        message
        for message in plan(
            CYCLE2_SESSION1, CYCLE2_SESSION2, recipients, ScheduleSettings(), cycle=2
        )
        # a STOP holds across cycles for practice emails; the session reminder and the
        # invitations still reach them
        if message.member != stopped or message.kind == "reminder"
    ]
    with handler.lock:
        before = len(handler.arrivals)
    for instant in sorted({m.send_at for m in expected}):
        clock.now = instant
        result = run_companion(home, instant)
        expect(result.code == 0, f"cycle 2 {instant:%m-%d %H:%M}: exit {result.code}")
    clock.now = CYCLE2_SESSION2.astimezone(UTC)
    run_companion(home, clock.now)
    with handler.lock:
        arrivals = handler.arrivals[before:]

    module = load_module(NEXT_MODULE, home)
    got: dict[tuple[str, str, int], list[datetime]] = {}
    for arrival in arrivals:
        kind, week = kind_of(arrival)
        got.setdefault((arrival.recipient, kind, week), []).append(arrival.at)
        if kind == "weekly":
            body = " ".join(
                arrival.message.get_body(preferencelist=("plain",)).get_content().split()
            )
            tip = " ".join(module.weeks[week - 1].tip.split())
            expect(tip in body, f"cycle 2 week {week} to {arrival.recipient}: not module 2's tip")
    for message in expected:
        times = got.pop((message.member, message.kind, message.week), [])
        expect(
            times == [message.send_at],
            f"cycle 2 {message.kind} week {message.week} to {message.member}: arrived at "
            f"{[f'{t:%m-%d %H:%M}' for t in times]}, due {message.send_at:%m-%d %H:%M}Z once",
        )
    for member in roster:  # cycle 2's session 2 is a new event (its session 1 has met)
        invited = got.pop((member.email, "invitation", 2), [])
        expect(len(invited) == 1, f"cycle 2: {member.email} invited {len(invited)}x to session 2")
    expect(not got, f"cycle 2: unexpected emails {sorted(got)}")

    report = run_program(plg, "--home", str(home), "report", slug)
    expect(
        "cycle          2 (earlier modules: giving-feedback)" in report.stdout,
        f"plg report should name the cycle: {report.stdout!r}",
    )
    return [NEWCOMER.name, NEWCOMER.name.split()[1]]
