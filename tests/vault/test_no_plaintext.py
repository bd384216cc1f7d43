"""Nothing a group says, and no roster detail, is readable anywhere on disk."""

from __future__ import annotations

import tempfile
from pathlib import Path

from plg_tui.core.group_purge import purge_group
from plg_tui.core.groups import GroupSpec, create_group
from plg_tui.vault.group import GroupVault, write_sealed_entry
from plg_tui.vault.keys import load_operations_keys, unlock
from tests.conftest import all_bytes_under

MARKERS = {
    "name": "Zyxmarkername",
    "email": "zyxmarkermail",
    "department": "Zyxmarkerdept",
    "challenge": "ZYXCHALLENGE my report cries in one-on-ones",
    "note": "ZYXNOTE facilitator note",
    "journal": "ZYXJOURNAL I finally said it",
}


def _roster(folder: Path) -> Path:
    path = folder / "roster.csv"
    path.write_text(
        "name,email,title,level,reports_to,department,timezone\n"
        f"{MARKERS['name']} One,{MARKERS['email']}@example.org,EM,5,,{MARKERS['department']},\n"
        "Ben Two,ben@example.org,EM,5,,Ops,\nCai Three,cai@example.org,EM,5,,Ops,\n",
        encoding="utf-8",
    )
    return path


def _variants(text: str) -> list[bytes]:
    return [text.encode(), text.encode("utf-16-le"), text.lower().encode()]


def scan(roots: list[Path], skip: set[Path]) -> list[str]:
    hits = []
    for path, data in all_bytes_under(*roots):
        if path in skip:
            continue
        for label, marker in MARKERS.items():
            if any(v in data for v in _variants(marker)):
                hits.append(f"{label} in {path}")
    return hits


def test_no_marker_readable_in_home_or_temp(data_home, tmp_path, cheap_kdf):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    roster = _roster(inputs)
    spec = GroupSpec(
        "team", "giving-feedback", roster, "2026-12-01T14:00", "2026-12-29T14:00", allow_past=True
    )
    vault = create_group(data_home, spec, "correct horse battery", kdf=cheap_kdf)
    vault.add_item("challenge", MARKERS["challenge"], member=f"{MARKERS['email']}@example.org")
    vault.add_item("note", MARKERS["note"])
    vault.close()
    ops = load_operations_keys(data_home, "team")
    write_sealed_entry(data_home, ops, "inbox", "e1", {"week": 1}, MARKERS["journal"])

    roots = [data_home, Path(tempfile.gettempdir())]
    assert scan(roots, skip={roster}) == []

    keys = unlock(data_home, "team", "correct horse battery")
    reopened = GroupVault(data_home, keys)
    assert reopened.open_item(reopened.items("note")[0]).text == MARKERS["note"]
    reopened.close()

    purge_group(data_home, "team")
    assert not (data_home / "groups" / "team").exists()
    assert scan(roots, skip={roster}) == []
