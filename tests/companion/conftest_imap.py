"""Fixtures for the inbound companion tests: a group with reply tokens, the sample messages
in tests/companion/messages rendered for it, and a real Dovecot.

Test modules import what they use: `from tests.companion.conftest_imap import inbound, dovecot`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from companion.inbound.ingester import Ingester
from companion.outbound.ledger import Ledger
from companion.tokens import make_token
from plg_tui.vault.group import iter_entries, open_entry
from plg_tui.vault.group_keys import GroupKeys
from plg_tui.vault.keys import load_operations_keys, unlock
from plg_tui.vault.paths import INBOX, QUARANTINE
from tests.companion.imap_server import Dovecot, dovecot_available, start_dovecot
from tests.conftest import require_tool

MESSAGES = Path(__file__).parent / "messages"
PASSPHRASE = "correct horse battery"
NOW = datetime(2026, 12, 8, 18, 45, tzinfo=UTC)
ADA = "ada@example.org"
GRACE = "grace@example.org"
# session 2 of the fixture group is 2026-12-29; replies are accepted 30 days after it
REPLY_UNTIL = date(2027, 1, 28)


class _MessageIds(dict[tuple[str, int], str]):
    """A fixed random-looking Message-ID per (member, week), as our sending makes them."""

    def __missing__(self, key: tuple[str, int]) -> str:
        import hashlib

        digest = hashlib.sha256(f"{key[0]}|{key[1]}".encode()).hexdigest()[:32]
        self[key] = value = f"{digest}@example.org"
        return value


MESSAGE_IDS = _MessageIds()


@dataclass
class Inbound:
    """A group 'team' (five members, see tests/conftest.py) and what replies to it look like."""

    home: Path
    keys: GroupKeys

    def token(self, member: str = ADA, week: int = 2, until: date = REPLY_UNTIL) -> str:
        return make_token(self.keys, member, week, until)

    def forged_token(self, member: str = ADA, week: int = 2) -> str:
        """Our token with a MAC that does not verify: never equal to the real one, whose
        last characters are random."""
        real = self.token(member, week)
        return real[:-4] + ("1111" if real.endswith("0000") else "0000")

    def message_id(self, member: str = ADA, week: int = 2) -> str:
        """The Message-ID of our email to `member` for `week` (random-looking, no token)."""
        return MESSAGE_IDS[(member, week)]

    def record_sent(
        self,
        member: str = ADA,
        week: int = 2,
        *,
        until: date = REPLY_UNTIL,
        return_path: str = "plg@example.org",
    ) -> str:
        """Record in the ledger, as sending does, that our week's email went to `member`."""
        message_id = f"<{self.message_id(member, week)}>"
        with Ledger.locked(self.home, self.keys) as ledger:
            ledger.set_message(
                f"weekly:{week}:{member}",
                member=member,
                kind="weekly",
                week=week,
                state="sent",
                message_id=message_id,
                reply_until=until.isoformat(),
                return_path=return_path,
            )
            ledger.save()
        return message_id

    def render(
        self,
        name: str,
        *,
        member: str = ADA,
        sender: str | None = None,
        week: int = 2,
        token: str | None = None,
        crlf: bool = False,
    ) -> bytes:
        """A sample message as a member's client would send it in reply to our email."""
        text = (MESSAGES / name).read_text(encoding="utf-8")
        token = token or self.token(member, week)
        text = (
            text.replace("@@MSGID@@", self.message_id(member, week))
            .replace("@@TOKEN@@", token)
            .replace("@@FROM@@", sender or member)
        )
        if crlf:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        return text.encode("utf-8")

    def ingester(self, now: datetime = NOW, **options) -> Ingester:
        options.setdefault("log", lambda line: None)
        options.setdefault("acknowledge", False)
        return Ingester(self.home, now=now, **options)

    def unlocked(self) -> GroupKeys:
        return unlock(self.home, self.keys.slug, PASSPHRASE)

    def entries(self, folder: str = INBOX) -> list[dict]:
        return list(iter_entries(self.home, self.keys, folder))

    def texts(self, folder: str = INBOX) -> list[str]:
        keys = self.unlocked()
        return [open_entry(keys, folder, e) for e in iter_entries(self.home, keys, folder)]

    def quarantine(self) -> list[dict]:
        return self.entries(QUARANTINE)

    @staticmethod
    def make_maildir(root: Path) -> Path:
        for sub in ("new", "cur", "tmp"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        return root

    @staticmethod
    def deliver(maildir: Path, raw: bytes, name: str) -> Path:
        """As an MDA does: write in tmp/, then rename into new/."""
        tmp = maildir / "tmp" / name
        tmp.write_bytes(raw)
        target = maildir / "new" / name
        os.replace(tmp, target)
        return target


@pytest.fixture
def inbound(make_group, data_home: Path) -> Inbound:
    vault = make_group("team", PASSPHRASE)
    vault.close()
    return Inbound(data_home, load_operations_keys(data_home, "team"))


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[Dovecot]:
    require_tool(dovecot_available(), "Dovecot")
    server = start_dovecot(tmp_path / "dovecot")
    try:
        yield server
    finally:
        server.stop()
