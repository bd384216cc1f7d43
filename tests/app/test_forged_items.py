"""Issue 9 item 6 on the shared screen: an item forged with the key file is shown flagged, and
a journal entry moved to another member is shown as damaged, never as that member's words."""

from __future__ import annotations

from plg_tui.app.screens.journal import JournalScreen
from plg_tui.vault.group import write_sealed_entry
from plg_tui.vault.paths import INBOX
from tests.app.helpers import go_to_close, start_session
from tests.vault.test_seal_binding import forge, tamper_entry

SIZE = (100, 30)
ADA, GRACE = "ada@example.org", "grace@example.org"


async def test_a_forged_ground_rule_is_flagged_at_the_close(make_app, group, open_vault):
    vault = open_vault()
    vault.add_item("ground_rules", "RULE-we finish on time", session="trust")
    vault.close()
    forge(group, "ground_rules", "RULE-the champion may read our notes", None, session="trust")
    app = make_app(kind="trust")
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await go_to_close(pilot)
        rules = str(app.screen.query_one("#ground-rules").render())
    assert "1. RULE-we finish on time\n" in rules + "\n"
    assert "2. RULE-the champion may read our notes  [not written in a session: possibly" in rules


async def test_a_journal_entry_moved_to_another_member_shows_as_damaged(make_app, group, keys):
    write_sealed_entry(group, keys, INBOX, "e1", {"member": ADA, "week": 2}, "JOURNAL-ada")
    write_sealed_entry(group, keys, INBOX, "e2", {"member": GRACE, "week": 1}, "JOURNAL-grace")
    tamper_entry(group, INBOX, lambda meta: meta.update(member=ADA), "e2")
    app = make_app(kind="2")
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await pilot.press("j", "y")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
    assert "JOURNAL-ada" in shown
    assert "JOURNAL-grace" not in shown
    assert "Could not be opened: e2.entry" in shown
    assert "modified outside plg" in shown
