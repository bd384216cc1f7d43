"""One damaged journal entry does not hide a member's other entries on the shared screen."""

from __future__ import annotations

from plg_tui.app.screens.journal import JournalScreen
from plg_tui.vault.group import write_sealed_entry
from plg_tui.vault.paths import INBOX
from tests.app.helpers import start_session

ADA = "ada@example.org"


async def test_journal_screen_shows_the_rest_and_names_the_damaged_entry(make_app, group, keys):
    for entry_id, week in (("e1", 1), ("e2", 2), ("e3", 3)):
        meta = {"member": ADA, "week": week}
        write_sealed_entry(group, keys, INBOX, entry_id, meta, f"JOURNAL-week-{week}")
    damaged = group / "groups" / "team" / INBOX / "e2.entry"
    sealed = damaged.read_bytes()
    # Flip a bit rather than overwrite a byte: an overwrite leaves the file intact
    # whenever the byte already held the new value (1 run in 256).
    damaged.write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 0x01]))
    before = damaged.read_bytes()
    assert before != sealed
    app = make_app(kind="2")
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot)
        await pilot.press("j", "y")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "JOURNAL-week-1" in shown
        assert "JOURNAL-week-3" in shown
        assert "JOURNAL-week-2" not in shown
        assert "Could not be opened: e2.entry" in " ".join(shown.split())
        await pilot.press("escape")
        assert app.is_running
        assert app.return_code is None
    assert damaged.read_bytes() == before
