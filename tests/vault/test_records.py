"""The vault hands out typed records, and a member's journal is read one way."""

from __future__ import annotations

from pathlib import Path

import pytest

from plg_tui.vault.entries import read_journal
from plg_tui.vault.errors import DamagedFile
from plg_tui.vault.group import GroupVault, write_sealed_entry
from plg_tui.vault.keys import load_operations_keys, unlock
from plg_tui.vault.paths import INBOX
from plg_tui.vault.records import GroupInfo, Member, Pairing, SealedItem
from plg_tui.vocabulary import PHASE_CAPTURE_KINDS, CaptureKind, SessionKind

PASS = "correct horse battery"
ADA = "ada@example.org"
GRACE = "grace@example.org"


def test_the_vault_hands_out_frozen_records(make_group) -> None:
    vault = make_group()
    vault.add_item(CaptureKind.CHALLENGE, "words", member=ADA, session=SessionKind.ONE)
    vault.record_pairing([[ADA, GRACE]], "set")
    info = vault.info()
    assert isinstance(info, GroupInfo)
    assert (info.module, info.timezone, info.session1_held) == (
        "giving-feedback",
        "Europe/Berlin",
        False,
    )
    members = vault.members()
    assert all(isinstance(m, Member) for m in members)
    assert {m.email for m in members} >= {ADA, GRACE}
    [item] = vault.items(kind="challenge", session="1")
    assert isinstance(item, SealedItem)
    assert (item.kind, item.member, item.session) == ("challenge", ADA, "1")
    assert vault.open_item(item).text == "words"
    [pairing] = vault.pairings()
    assert isinstance(pairing, Pairing)
    assert pairing.groups == [[ADA, GRACE]]
    with pytest.raises(AttributeError):
        info.module = "other"  # type: ignore[misc]
    vault.close()


def test_a_misspelt_field_is_refused_not_stored(make_group) -> None:
    vault = make_group()
    with pytest.raises(TypeError, match="sesion2_held"):
        vault.update_info(sesion2_held=True)
    assert vault.info().session2_held is False
    vault.close()


def test_a_group_record_without_its_module_names_the_file(make_group, data_home: Path) -> None:
    vault = make_group()
    vault.db.table("group").update({"module": None})
    vault.close()
    reopened = GroupVault(data_home, load_operations_keys(data_home, "team"))
    with pytest.raises(DamagedFile, match=r"group\.db.*'module'"):
        reopened.info()
    reopened.close()


def test_the_journal_is_read_one_way_oldest_first(make_group, data_home: Path) -> None:
    make_group().close()
    keys = unlock(data_home, "team", PASS)
    meta = {"week": 1, "received": "2026-12-09T09:00:00+00:00"}
    # a batch read at one time: the Date header orders it
    write_sealed_entry(
        data_home, keys, INBOX, "b", {**meta, "member": ADA, "written": "2026-12-08"}, "second"
    )
    write_sealed_entry(
        data_home, keys, INBOX, "c", {**meta, "member": ADA, "written": "2026-12-07"}, "first"
    )
    write_sealed_entry(data_home, keys, INBOX, "a", {**meta, "member": GRACE}, "not Ada's")
    journal = read_journal(data_home, keys, " ADA@example.org ")
    assert [(e.text, e.week, e.member) for e in journal.entries] == [
        ("first", 1, ADA),
        ("second", 1, ADA),
    ]
    assert journal.damaged == []
    assert len(read_journal(data_home, keys).entries) == 3


def test_capture_kinds_have_one_definition() -> None:
    from plg_tui.app.capture_labels import CAPTURE_LABELS, CAPTURE_NOUNS

    assert set(CAPTURE_LABELS) == set(CAPTURE_NOUNS) == set(CaptureKind)
    assert set(PHASE_CAPTURE_KINDS) == set(CaptureKind) - {CaptureKind.PARKING}
    assert [k for k in CaptureKind if k.for_whole_group] == ["ground_rules", "notes", "parking"]
