"""Text from outside (From headers, server replies, roster names, replies) never carries terminal
control sequences or bidi overrides into a record or onto the champion's terminal."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from companion.outbound.ledger import Ledger
from companion.outbound.smtp_session import reply_text
from plg_tui.core.safe_text import printable, printable_lines
from plg_tui.vault.group import GroupVault, write_sealed_entry
from plg_tui.vault.keys import unlock
from plg_tui.vault.paths import INBOX, QUARANTINE

if TYPE_CHECKING:
    from tests.companion.conftest_imap import Inbound

pytest_plugins = ["tests.companion.conftest_imap"]

PASSPHRASE = "correct horse battery"
# ESC [31m (colour), BEL, OSC 52 (writes the clipboard), RLO, and the one-byte C1 CSI
EVIL = "\x1b[31m\x07\x1b]52;c;aGVsbG8=\x07\u202e\x9b1m"
# what must never reach a terminal: ESC (so no CSI or OSC 52), BEL, RLO, the C1 CSI
FORBIDDEN = [b"\x1b", b"\x07", "\u202e".encode(), "\x9b".encode()]
PLG = Path(sys.executable).with_name("plg")


def run(program: str, home: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "companion.cli"] if program == "companion" else [str(PLG)]
    return subprocess.run(
        [*command, "--home", str(home), *args],
        capture_output=True,
        timeout=60,
        env={**os.environ, "PLG_HOME": str(home), "PLG_PASSPHRASE": PASSPHRASE},
    )


def clean(output: bytes) -> bool:
    return not any(bad in output for bad in FORBIDDEN)


def _encoded(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


@pytest.mark.parametrize(
    "from_line",
    [
        # an encoded word can carry anything into the decoded display name and address
        f"From: {_encoded(f'{EVIL}Grace <{EVIL}grace@example.org>')}",
        f'From: "{EVIL}Grace" <grace{EVIL}@example.org>',
        f"From: {_encoded(EVIL + 'Grace')} <{EVIL}grace@example.org>",
    ],
)
def test_a_hostile_from_reaches_quarantine_and_the_listing_clean(
    inbound: Inbound, from_line: str
) -> None:
    raw = inbound.render("iphone_reply.eml")
    raw = re.sub(rb"(?m)^From: .*$", from_line.encode(), raw)
    assert inbound.ingester().receive(raw).action == "quarantined"
    [record] = inbound.quarantine()
    assert printable(record["sender"]) == record["sender"]  # stored clean
    listing = run("companion", inbound.home, "quarantine")
    assert listing.returncode == 0, listing.stderr
    assert b"team: 1 in quarantine" in listing.stdout
    assert clean(listing.stdout + listing.stderr), listing.stdout


def test_a_record_stored_before_the_fix_is_listed_clean(inbound: Inbound) -> None:
    meta = {"reason": f"reason{EVIL}", "date": "2026-12-08T18:45:00+00:00", "sender": EVIL}
    write_sealed_entry(inbound.home, inbound.keys, QUARANTINE, "a" * 64, meta, "kept")
    listing = run("companion", inbound.home, "quarantine")
    assert listing.returncode == 0
    assert clean(listing.stdout), listing.stdout
    assert b"reason" in listing.stdout


def test_status_prints_server_replies_and_addresses_clean(inbound: Inbound) -> None:
    with Ledger.locked(inbound.home, inbound.keys) as ledger:
        ledger.set_message(
            "weekly:1:ada@example.org", kind="weekly", member="ada@example.org", week=1,
            state="failed", error=reply_text(550, f"no such user{EVIL}"),
        )  # fmt: skip
        ledger.set_message(
            "weekly:2:ada@example.org", kind="weekly", member="ada@example.org", week=2,
            state="deferred", error=f"stored raw by an older companion {EVIL}",
        )  # fmt: skip
        ledger.set_member("grace@example.org", bouncing=True, bounce_reason=f"5.1.1{EVIL}")
        ledger.save()
    status = run("companion", inbound.home, "status", "--now", "2026-12-08T18:45Z")
    assert b"failed: weekly email week 1 to ada@example.org: 550 no such user" in status.stdout
    assert b"bouncing: grace@example.org" in status.stdout
    assert clean(status.stdout + status.stderr), status.stdout


def test_the_server_reply_kept_in_the_ledger_is_clean() -> None:
    assert (
        reply_text(550, f"5.1.1 {EVIL}unknown\r\n user")
        == "550 5.1.1 [31m]52;c;aGVsbG8=1munknown user"
    )


def test_roster_names_are_printed_clean_by_plg(inbound: Inbound) -> None:
    vault = GroupVault(inbound.home, unlock(inbound.home, "team", PASSPHRASE))
    members = vault.members()
    members[0] = replace(members[0], name=f"Ada{EVIL} Lovelace", title=f"Manager{EVIL}")
    vault.set_members(members)
    vault.record_pairing([[members[0].email, members[1].email]], "test")
    vault.close()
    for args in (("group", "show", "team"), ("group", "list")):
        shown = run("plg", inbound.home, *args)
        assert shown.returncode == 0, shown.stderr
        assert clean(shown.stdout), (args, shown.stdout)
    assert (
        b"Ada[31m]52;c;aGVsbG8=1m Lovelace"
        in run("plg", inbound.home, "group", "show", "team").stdout
    )


def test_a_reply_with_escapes_is_printed_clean_by_plg_journal(inbound: Inbound) -> None:
    meta = {"member": "ada@example.org", "week": 2, "received": "2026-12-08T18:45:00+00:00"}
    text = f"First line{EVIL}\n\tsecond line"
    write_sealed_entry(inbound.home, inbound.keys, INBOX, "b" * 64, meta, text)
    journal = run("plg", inbound.home, "journal", "team")
    assert journal.returncode == 0, journal.stderr
    assert clean(journal.stdout), journal.stdout
    assert b"First line[31m]52;c;aGVsbG8=1m\n\tsecond line" in journal.stdout


def test_the_cleaners_themselves() -> None:
    hostile = "a\x00b\x1bc\x7fd\x85e\x9bf\u200eg\u200fh\u061ci\u202aj\u2069k\u2028l\udcffm"
    assert printable(hostile) == "abcdefghijkl\ufffdm"
    assert printable_lines("one\r\ntwo\tthree\x1b\u202e\nfour") == "one\ntwo\tthree\nfour"
    assert printable("Tomás Ruiz, 李雷, שלום") == "Tomás Ruiz, 李雷, שלום"
    assert printable(12) == "12"
