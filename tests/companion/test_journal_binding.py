"""Issue 9 item 6: a journal entry the companion placed is bound to its member, week and time.
Whoever holds the key file can rewrite an entry's metadata, but `plg journal` then shows it as
damaged, never as the other member's words, and still prints the others."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from plg_tui.cli import main
from plg_tui.vault.paths import INBOX, DataHome
from plg_tui.vault.sealed import Standing, open_companion_entry
from plg_tui.vault.storage import decode_file, encode_file

if TYPE_CHECKING:
    from tests.companion.conftest_imap import Inbound

pytest_plugins = ["tests.companion.conftest_imap"]

ADA_WORDS = "let Priya finish"  # from iphone_reply.eml
GRACE_WORDS = "I finally had the conversation with Sam"  # from gmail_reply.eml
NOW = datetime(2026, 12, 8, 18, 45, tzinfo=UTC)


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase"
    path.write_text("correct horse battery\n")
    return path


def rewrite_entry(inbound: Inbound, member: str, change: dict[str, Any]) -> None:
    """What the key file's holder can do: decrypt an entry's metadata, edit it, write it back."""
    keys = inbound.keys
    for path in (DataHome(inbound.home).group(keys.slug).entries(INBOX)).glob("*.entry"):
        label = f"{INBOX}/{path.stem}"
        meta = json.loads(decode_file(path, keys.ops_key, path.read_bytes(), keys.group_id, label))
        if meta["member"] == member:
            meta.update(change)
            header = {"group": keys.group_id, "file": label}
            path.write_bytes(encode_file(keys.ops_key, header, json.dumps(meta).encode()))


def fill(inbound: Inbound) -> None:
    inbound.ingester().receive(inbound.render("iphone_reply.eml"))
    grace = inbound.render("gmail_reply.eml", member="grace@example.org", week=3)
    inbound.ingester(now=NOW + timedelta(days=1)).receive(grace)


def test_entries_the_companion_placed_open_as_companion_entries(inbound: Inbound) -> None:
    fill(inbound)
    keys = inbound.unlocked()
    standings = {open_companion_entry(keys, INBOX, e).standing for e in inbound.entries()}
    assert standings == {Standing.COMPANION}


@pytest.mark.parametrize(
    "change",
    [{"member": "ada@example.org"}, {"week": 2}, {"received": "2026-12-08T18:45:00+00:00"}],
)
def test_plg_journal_shows_a_moved_entry_as_damaged_not_as_another_members_words(
    inbound: Inbound,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
    change: dict[str, Any],
) -> None:
    fill(inbound)
    rewrite_entry(inbound, "grace@example.org", change)
    argv = ["journal", "team", "--passphrase-file", str(passphrase_file)]
    assert main(argv) == 1  # one entry could not be opened: named, and the others shown
    shown = capsys.readouterr()
    assert GRACE_WORDS not in shown.out + shown.err
    assert "1 journal entry could not be opened; 1 other entry is shown above" in shown.err
    assert ADA_WORDS in shown.out  # the untouched entry still shows
