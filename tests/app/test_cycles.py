"""The session app in a group's second cycle: its sessions start fresh, with none of cycle 1's
state, captures or journal; cycle 1's stay where they were."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from plg_tui.app.session_loader import open_session, resolve_kind
from plg_tui.core.cycles import NextCycleSpec, plan_next_cycle, start_next_cycle
from plg_tui.vault.group import write_sealed_entry
from plg_tui.vault.paths import INBOX
from plg_tui.vocabulary import Stage

from .helpers import SLUG


def test_the_new_cycle_opens_its_sessions_fresh(group, keys, open_vault, clock):
    first = open_session(group, keys, "1", resume=False, clock=clock, wall=clock.wall)
    for person in first.model.people:
        first.toggle_agreement(person.key)
    first.begin()
    first.capture("challenge", "ada@example.org", "a cycle one challenge")
    assert first.has_saved_progress()
    ada = "ada@example.org"
    write_sealed_entry(group, keys, INBOX, "e1", {"member": ada, "week": 1}, "cycle one entry")
    first.model.finish()
    first.save()
    first.vault.update_info(session1_held=True, session2_held=True)
    first.vault.close()
    vault = open_vault()
    with pytest.raises(ValueError, match="start the next with plg group next"):
        resolve_kind(vault, None)
    vault.close()

    spec = NextCycleSpec(SLUG, "delegating", "2027-02-01T14:00", "2027-03-01T14:00")
    now = datetime(2026, 12, 20, tzinfo=UTC)
    start_next_cycle(group, plan_next_cycle(group, spec, now=now, rng=random.Random(1)))

    second = open_session(group, keys, None, resume=True, clock=clock, wall=clock.wall)
    assert second.kind == "1"
    assert second.model.stage == Stage.LOBBY
    assert not second.has_saved_progress()
    assert second.item_count == 0
    assert second.session_items() == []
    assert second.journal_entries(ada) == ([], [])
    assert "delegating" not in [m for m, _title in second.vote_options()]
    second.vault.close()
    vault = open_vault()
    assert (vault.session_state("1", cycle=1) or {}).get("stage") == Stage.DONE
    [old] = vault.items(cycle=1)
    assert vault.open_item(old).text == "a cycle one challenge"
    vault.close()
