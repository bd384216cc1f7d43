"""A group's cycles in the vault: earlier cycles' sealed words stay readable with the passphrase
and apart from the new cycle's; session states and partners are per cycle; a cycle moved in
the metadata (operations key only) is caught."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from plg_tui.vault.crypto import b64e
from plg_tui.vault.cycles import earlier_cycles, start_cycle
from plg_tui.vault.entries import read_journal
from plg_tui.vault.group import ALL_CYCLES, GroupVault, write_sealed_entry
from plg_tui.vault.keys import load_operations_keys, unlock
from plg_tui.vault.paths import INBOX
from plg_tui.vault.sealed import Standing, item_context
from plg_tui.vocabulary import CaptureKind, SessionKind

PASS = "correct horse battery"
ADA, GRACE = "ada@example.org", "grace@example.org"


def next_cycle(vault: GroupVault, module: str = "delegating") -> None:
    info = vault.info()
    new = replace(
        info,
        module=module,
        session1="2027-02-01T14:00",
        session2="2027-03-01T14:00",
        session1_held=False,
        session2_held=False,
        next_topic_votes=None,
        cycle=info.cycle + 1,
        cycle_started="2027-01-10T10:00:00+00:00",
    )
    start_cycle(vault, new, [[ADA, GRACE]])


def test_cycle_one_items_stay_readable_and_apart_from_cycle_two(make_group, data_home: Path):
    vault = make_group()
    vault.add_item(CaptureKind.CHALLENGE, "cycle one words", member=ADA, session=SessionKind.ONE)
    vault.add_item(CaptureKind.GROUND_RULES, "phones away", session=SessionKind.ONE)
    vault.save_session_state("1", {"stage": "done", "present": {ADA: True}})
    vault.update_info(session1_held=True, next_topic_votes={"delegating": 3})
    next_cycle(vault)
    vault.add_item(CaptureKind.CHALLENGE, "cycle two words", member=ADA, session=SessionKind.ONE)
    vault.close()

    vault = GroupVault(data_home, unlock(data_home, "team", PASS))
    assert vault.info().cycle == 2
    assert vault.info().session1_held is False
    [current] = vault.items()
    assert vault.open_item(current).text == "cycle two words"
    assert current.cycle == 2
    earlier = vault.items(cycle=1)
    opened = [vault.open_item(i) for i in earlier]
    assert sorted(o.text or "" for o in opened) == ["cycle one words", "phones away"]
    assert {o.standing for o in opened} == {Standing.SESSION}
    assert len(vault.items(cycle=ALL_CYCLES)) == 3
    # the new cycle's session starts fresh; the old one's record is kept
    assert vault.session_state("1") is None
    assert (vault.session_state("1", cycle=1) or {})["present"] == {ADA: True}
    [history] = earlier_cycles(vault)
    assert (history.cycle, history.module, history.session1_held) == (1, "giving-feedback", True)
    assert history.next_topic_votes == {"delegating": 3}
    vault.close()


def test_an_item_moved_to_another_cycle_opens_as_damaged(make_group, data_home: Path):
    vault = make_group()
    vault.add_item(CaptureKind.CHALLENGE, "said in cycle 1", member=ADA, session="1")
    next_cycle(vault)
    vault.close()
    # someone with only the key file relabels the item as the current cycle's
    ops = GroupVault(data_home, load_operations_keys(data_home, "team"))
    ops.db.table("items").update({"cycle": 2})
    ops.close()
    vault = GroupVault(data_home, unlock(data_home, "team", PASS))
    [moved] = vault.items()
    opened = vault.open_item(moved)
    assert opened.standing is Standing.DAMAGED
    assert opened.text is None
    vault.close()


def test_items_and_entries_written_before_cycles_are_cycle_one(make_group, data_home: Path):
    vault = make_group()
    keys = vault.keys
    # as plg wrote them before cycles existed: no cycle field, nothing bound for it
    item_id = "0" * 32
    item = {"id": item_id, "kind": "notes", "member": None, "session": "2", "created": "2026-10-01"}
    context = item_context(keys.group_id, item)
    sealed = keys.seal(context, "old note")
    tag = keys.item_tag(context, sealed)
    vault.db.table("items").insert({**item, "sealed": b64e(sealed), "auth": b64e(tag)})
    write_sealed_entry(data_home, keys, INBOX, "old", {"member": ADA, "week": 2}, "old entry")
    write_sealed_entry(
        data_home, keys, INBOX, "new", {"member": ADA, "week": 1, "cycle": 2}, "new entry"
    )
    [old] = vault.items()
    assert old.id == item_id
    assert old.cycle == 1
    vault.close()
    vault = GroupVault(data_home, unlock(data_home, "team", PASS))
    assert vault.open_item(vault.items()[0]).standing is Standing.SESSION
    assert [e.text for e in read_journal(data_home, vault.keys, cycle=1).entries] == ["old entry"]
    assert [e.text for e in read_journal(data_home, vault.keys, cycle=2).entries] == ["new entry"]
    assert len(read_journal(data_home, vault.keys).entries) == 2
    vault.close()


def test_partners_are_per_cycle(make_group):
    vault = make_group()
    vault.record_pairing([[ADA, "linus@example.org"]], "set")
    next_cycle(vault)
    assert vault.current_pairs() == [[ADA, GRACE]]
    assert [(p.cycle, p.source) for p in vault.pairings()] == [(1, "set"), (2, "auto")]
    vault.close()
