"""Snapshots at 100x30 of the screens test_snapshots.py does not reach: the parking-lot review,
the rating correction, the session-1 recall consent (asked and agreed), a member's journal, and
the session lock (another app holds the group) with its read-only view.

Deterministic like test_snapshots.py: a fake clock and wall, the fixture roster, seeded
randomness; a lock held by a named host and pid, never this machine's.
Update with: .venv/bin/python -m pytest tests/app/test_snapshots_more_screens.py --snapshot-update
(and look at the SVGs).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from plg_tui.core.session_lock import LockHolder, acquire
from plg_tui.vault.group import write_sealed_entry
from plg_tui.vault.paths import INBOX, DataHome
from plg_tui.vocabulary import ParkingMark
from tests.app.helpers import SLUG, WALL_START, go_to_close, next_phase, start_session

BIG = (100, 30)
ADA, GRACE = "ada@example.org", "grace@example.org"


def seed(open_vault, *items: tuple[str, str, str | None, str]) -> dict[str, str]:
    """(kind, text, member, session) items sealed as a session would; text -> item id."""
    vault = open_vault()
    ids = {
        text: vault.add_item(kind, text, member=member, session=session)
        for kind, text, member, session in items
    }
    vault.close()
    return ids


@contextmanager
def held_elsewhere(home: Path) -> Iterator[None]:
    """The group's lock held (a live flock) in a holder's name that does not change per run."""
    path = DataHome(home).group(SLUG).session_lock
    lock = acquire(path, LockHolder("studio-laptop", 4242, WALL_START))
    try:
        yield
    finally:
        lock.release()


def test_parking_review(snap_compare, make_app, open_vault, clock):
    ids = seed(
        open_vault,
        ("parking", "Budget for the offsite, carried from the trust session", None, "trust"),
        ("parking", "Hiring freeze: what we tell the new joiners", None, "1"),
        (
            "parking",
            "How we give feedback across time zones when half the team is asleep during "
            "the other half's working day, and nobody wants to be the one who waits",
            None,
            "1",
        ),
        ("parking", "Lunch options", None, "1"),
    )
    vault = open_vault()
    vault.mark_parking(
        ids["Budget for the offsite, carried from the trust session"], ParkingMark.NEXT, "trust"
    )
    vault.mark_parking(ids["Lunch options"], ParkingMark.DROP, "1")
    vault.close()

    async def before(pilot):
        await start_session(pilot)
        clock.advance(30 * 60)
        await go_to_close(pilot)
        await pilot.press("n", "d")  # the long item is highlighted, shown whole below

    assert snap_compare(make_app(), terminal_size=BIG, run_before=before)


def test_pick_rating(snap_compare, make_app, clock):
    async def before(pilot):
        await start_session(pilot)
        clock.advance(60)
        await go_to_close(pilot)
        await pilot.press("4", "5", "2", "c")
        await pilot.pause()

    assert snap_compare(make_app(kind="2"), terminal_size=BIG, run_before=before)


def seed_session1_words(open_vault) -> None:
    seed(
        open_vault,
        ("challenge", "My team never hears praise from me", ADA, "1"),
        ("commitment", "One specific thank-you a day, in the stand-up", ADA, "1"),
    )


async def to_reflection_round(pilot) -> None:
    await start_session(pilot)
    await next_phase(pilot)  # past the check-in round


def test_recall_consent(snap_compare, make_app, open_vault):
    seed_session1_words(open_vault)

    async def before(pilot):
        await to_reflection_round(pilot)
        await pilot.press("v")
        await pilot.pause()

    assert snap_compare(make_app(kind="2"), terminal_size=BIG, run_before=before)


def test_recall_agreed(snap_compare, make_app, open_vault):
    seed_session1_words(open_vault)

    async def before(pilot):
        await to_reflection_round(pilot)
        await pilot.press("v", "y")
        await pilot.pause()

    assert snap_compare(make_app(kind="2"), terminal_size=BIG, run_before=before)


def test_journal(snap_compare, make_app, group, keys):
    received = "2026-11-{day}T08:30:00+00:00"
    write_sealed_entry(
        group,
        keys,
        INBOX,
        "e1",
        {"member": ADA, "week": 1, "received": received.format(day="17")},
        "Tried the thank-you in Monday's stand-up.\nFelt awkward; Sam smiled though.",
    )
    write_sealed_entry(
        group,
        keys,
        INBOX,
        "e2",
        {"member": ADA, "week": 2, "received": received.format(day="24")},
        "Three of five days. Easier when I write the name down before the meeting.",
    )
    write_sealed_entry(
        group, keys, INBOX, "e3", {"member": GRACE, "week": 1}, "Not Ada's: never shown here."
    )

    async def before(pilot):
        await start_session(pilot)
        await pilot.press("j", "y")
        await pilot.pause()

    assert snap_compare(make_app(kind="2"), terminal_size=BIG, run_before=before)


def test_session_locked(snap_compare, make_app, group):
    with held_elsewhere(group):
        assert snap_compare(make_app(), terminal_size=BIG)


def test_read_only_view(snap_compare, make_app, group, clock):
    first = make_app()

    async def hold_a_session() -> None:
        async with first.run_test(size=BIG) as pilot:
            await start_session(pilot)
            await pilot.press("space")  # Ada speaks
            clock.advance(30)
            await pilot.press("ctrl+q", "y")
            await pilot.pause()

    asyncio.run(hold_a_session())

    async def before(pilot):
        await pilot.press("v")
        await pilot.pause()

    with held_elsewhere(group):
        assert snap_compare(make_app(resume=True), terminal_size=BIG, run_before=before)
