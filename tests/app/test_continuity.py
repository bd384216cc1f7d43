"""What the group says comes back where it matters (issue 11, section 1, and the ground-rules
checklist): session-1 words in session 2's reflection slot behind consent, ground rules and the
carried parking lot in the lobby, the parking-lot review at the close, the done screen's recap,
the module's techniques one per page, and the ground-rules checklist ticking the group."""

from __future__ import annotations

from textual.widgets import DataTable

from plg_tui.app.screens.agenda import AgendaScreen
from plg_tui.app.screens.close_session1 import CloseSession1Screen
from plg_tui.app.screens.close_trust import CloseTrustScreen
from plg_tui.app.screens.confirm import ConfirmScreen
from plg_tui.app.screens.done import DoneScreen
from plg_tui.app.screens.lobby import LobbyScreen
from plg_tui.app.screens.parking_review import ParkingReviewScreen
from plg_tui.app.widgets.capture_checklist import CaptureChecklist
from plg_tui.app.widgets.lobby_readout import LobbyReadout
from plg_tui.app.widgets.session1_recall import SessionOneRecall
from plg_tui.app.widgets.session_recap import SessionRecapPanel
from plg_tui.app.widgets.technique_pages import TechniquePages
from plg_tui.vault.paths import DataHome
from plg_tui.vocabulary import ParkingMark
from tests.app.helpers import SLUG, go_to_close, next_phase, start_session

SIZE = (100, 30)
ADA, GRACE, LINUS = "ada@example.org", "grace@example.org", "linus@example.org"


def text_of(widget) -> str:
    return str(widget.render())


def seed(open_vault, *items: tuple[str, str, str | None, str]) -> dict[str, str]:
    """(kind, text, member, session) items sealed as a session would; text -> item id."""
    vault = open_vault()
    ids = {
        text: vault.add_item(kind, text, member=member, session=session)
        for kind, text, member, session in items
    }
    vault.close()
    return ids


async def to_reflection_round(pilot) -> None:
    await start_session(pilot)
    await next_phase(pilot)  # the check-in round, nobody heard: confirmed by the helper
    assert pilot.app.controller.model.phase.captures == "reflection"


# ---- 1. session 2: a member's own session-1 words, behind their consent --------------------


async def test_session2_shows_session1_words_only_after_the_member_agrees(make_app, open_vault):
    seed(
        open_vault,
        ("challenge", "CH-ADA my team never hears praise \x1b[31m", ADA, "1"),
        ("commitment", "CO-ADA one specific thank-you a day", ADA, "1"),
        ("challenge", "CH-LINUS someone else's words", LINUS, "1"),
        ("reflection", "RE-ADA not from session 1", ADA, "2"),
    )
    app = make_app(kind="2")
    async with app.run_test(size=SIZE) as pilot:
        await to_reflection_round(pilot)
        recall = app.screen.query_one(SessionOneRecall)
        assert recall.display
        shown = text_of(recall)
        assert "Ada Lovelace in session 1" in shown
        assert "Press v" in shown
        assert "CH-ADA" not in shown
        assert "CO-ADA" not in shown

        # No: nothing is shown, and nothing is remembered.
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = text_of(app.screen.query_one("#confirm-question"))
        assert "Show Ada Lovelace's session 1 challenge and commitment on the shared screen?" in (
            question
        )
        await pilot.press("n")
        await pilot.pause()
        assert "CH-ADA" not in text_of(app.screen.query_one(SessionOneRecall))
        assert app.controller.model.recall_consent == set()

        # Yes: her own challenge and commitment, nobody else's, control characters made visible.
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        shown = text_of(app.screen.query_one(SessionOneRecall))
        assert "CH-ADA my team never hears praise ␛[31m" in shown
        assert "CO-ADA one specific thank-you a day" in shown
        assert "CH-LINUS" not in shown
        assert "RE-ADA" not in shown
        assert open_vault().session_state("2")["recall_consent"] == [ADA]
        assert app.screen.check_action("recall", ()) is False  # one consent per session

        # Grace recorded nothing in session 1: said plainly, and nothing is asked.
        await pilot.press("space", "n")
        await pilot.pause()
        assert app.controller.model.current_speaker == GRACE
        shown = text_of(app.screen.query_one(SessionOneRecall))
        assert "Session 1: nothing recorded for Grace Hopper." in shown
        assert "CH-ADA" not in shown
        await pilot.press("v")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)

        # Back to Ada: her agreement still holds for this session.
        await pilot.press("p")
        await pilot.pause()
        assert "CO-ADA" in text_of(app.screen.query_one(SessionOneRecall))

        # Outside the reflection round the panel is gone.
        await next_phase(pilot)
        assert not app.screen.query_one(SessionOneRecall).display


async def test_session2_consent_survives_a_resume(make_app, open_vault, clock):
    seed(open_vault, ("commitment", "CO-ADA resume", ADA, "1"))
    app = make_app(kind="2")
    async with app.run_test(size=SIZE) as pilot:
        await to_reflection_round(pilot)
        await pilot.press("v", "y")
        await pilot.pause()
    again = make_app(kind="2", resume=True)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, AgendaScreen)
        shown = text_of(again.screen.query_one(SessionOneRecall))
        assert "CO-ADA resume" in shown
        assert "Challenge: none recorded" in shown


# ---- 2. ground rules in the lobby of every later session ------------------------------------


async def test_lobby_reads_out_the_ground_rules_of_the_trust_session(make_app, open_vault):
    seed(
        open_vault,
        ("ground_rules", "We finish on time", None, "trust"),
        ("ground_rules", "We ask before we advise [b]bold?[/b]", None, "trust"),
        ("notes", "NOTE not a rule", None, "trust"),
    )
    for kind in ("1", "2"):
        app = make_app(kind=kind)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, LobbyScreen)
            readout = app.screen.query_one(LobbyReadout)
            assert readout.display
            shown = text_of(readout)
            assert "Our ground rules" in shown
            assert shown.index("1. We finish on time") < shown.index(
                "2. We ask before we advise [b]bold?[/b]"
            )
            assert "NOTE" not in shown
            assert "No ground rules" not in shown


async def test_lobby_without_ground_rules_offers_the_trust_session(make_app):
    app = make_app(kind="1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = text_of(app.screen.query_one(LobbyReadout))
        assert "No ground rules yet." in shown
        assert f"plg session {SLUG} --kind trust" in shown
    trust = make_app(kind="trust")
    async with trust.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not trust.screen.query_one(LobbyReadout).display  # the trust session writes them


# ---- 3. the parking lot: reviewed at the close, carried into the next lobby ------------------


async def test_parking_lot_review_marks_items_and_carries_them_to_the_next_lobby(
    make_app, open_vault, group
):
    ids = seed(
        open_vault,
        ("parking", "PK-CARRIED from the trust session", None, "trust"),
        ("parking", "PK-NEXT hiring freeze", None, "1"),
        ("parking", "PK-DONE office move", None, "1"),
        ("parking", "PK-DROP lunch options", None, "1"),
        ("parking", "PK-LEFT never marked", None, "1"),
        ("parking", "PK-OLD trust item dropped there", None, "trust"),
    )
    vault = open_vault()
    vault.mark_parking(ids["PK-CARRIED from the trust session"], ParkingMark.NEXT, "trust")
    vault.mark_parking(ids["PK-OLD trust item dropped there"], ParkingMark.DROP, "trust")
    vault.close()

    app = make_app(kind="1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # Carried from the trust session's close into session 1's lobby.
        lobby = text_of(app.screen.query_one(LobbyReadout))
        assert "PK-CARRIED" in lobby
        assert "PK-OLD" not in lobby
        assert "PK-NEXT" not in lobby
        await start_session(pilot)
        await go_to_close(pilot)
        assert isinstance(app.screen, ParkingReviewScreen)
        table = app.screen.query_one(DataTable)
        rows = [str(row.value) for row in table.rows]
        assert rows == [
            ids["PK-CARRIED from the trust session"],
            ids["PK-NEXT hiring freeze"],
            ids["PK-DONE office move"],
            ids["PK-DROP lunch options"],
            ids["PK-LEFT never marked"],
        ]
        assert "PK-CARRIED" in text_of(app.screen.query_one("#parking-text"))
        await pilot.press("d", "n", "d", "x")  # each mark moves to the next row
        await pilot.pause()
        assert str(table.get_cell(rows[1], "mark")) == "next session"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CloseSession1Screen)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)

    marks = {item: d.mark for item, d in open_vault().parking_decisions().items()}
    assert marks[ids["PK-CARRIED from the trust session"]] is ParkingMark.DONE
    assert marks[ids["PK-NEXT hiring freeze"]] is ParkingMark.NEXT
    assert marks[ids["PK-DONE office move"]] is ParkingMark.DONE
    assert marks[ids["PK-DROP lunch options"]] is ParkingMark.DROP
    assert marks[ids["PK-LEFT never marked"]] is ParkingMark.NEXT  # nothing lost unmarked

    # The marks live in the encrypted group.db: neither the words nor the marks in the clear.
    raw = DataHome(group).group(SLUG).group_db.read_bytes()
    # Needles of 7+ bytes: a 3-byte one turns up in 8 KiB of ciphertext 1 run in 2,000.
    needles = (b"PK-CARRIED", b"PK-NEXT hiring", b"PK-DONE office", b"PK-DROP lunch")
    for needle in (*needles, b"PK-LEFT never", b"parking", b'"mark"', b'"next"'):
        assert needle not in raw

    app = make_app(kind="2")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lobby = text_of(app.screen.query_one(LobbyReadout))
        assert "PK-NEXT hiring freeze" in lobby
        assert "PK-LEFT never marked" in lobby
        for gone in ("PK-CARRIED", "PK-DONE", "PK-DROP", "PK-OLD"):
            assert gone not in lobby


async def test_trust_close_reviews_its_parking_lot_and_without_items_opens_no_review(
    make_app, open_vault
):
    app = make_app(kind="trust")
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await go_to_close(pilot)
        assert isinstance(app.screen, CloseTrustScreen)  # nothing parked: straight to the close
    seed(open_vault, ("parking", "PK-TRUST budget talk", None, "trust"))
    app = make_app(kind="trust", resume=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ParkingReviewScreen)
        await pilot.press("x", "escape", "f")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
    assert [d.mark for d in open_vault().parking_decisions().values()] == [ParkingMark.DROP]


# ---- 4. the recap on the done screen ------------------------------------------------------------


async def test_done_screen_recap_counts_times_and_next_steps_never_words(
    make_app, open_vault, clock
):
    app = make_app(kind="1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "space", "up", "up")  # Linus is absent
        await start_session(pilot)
        clock.advance(9 * 60 + 30)  # check-in: 8 planned, 9:30 actual
        await next_phase(pilot)
        app.controller.capture("challenge", ADA, "CH-SECRET words")
        app.controller.capture("challenge", GRACE, "CH-SECRET more words")
        app.controller.capture("parking", None, "PK-SECRET later")
        clock.advance(60)
        await go_to_close(pilot)
        await pilot.press("escape")  # past the parking-lot review
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        recap = text_of(app.screen.query_one(SessionRecapPanel))
    assert "facilitated by Ada Lovelace" in recap
    assert "attendance 4 of 5 present" in recap
    assert "Check-in                  8:00 /  9:30" in recap
    assert "Our feedback challenges  15:00 /  1:00" in recap
    assert "2 challenges, 1 parking-lot item" in recap
    assert "SECRET" not in recap
    assert "Session 2 on 2026-12-29 14:00 (Europe/Berlin)" in recap
    assert "introduces each pair or trio to their practice partners" in recap
    # Ada facilitated today: the rotation suggests the next one who never did.
    assert "Suggested next facilitator (rotation): Grace Hopper." in recap


# ---- 5. the module's techniques, one per page ------------------------------


async def test_techniques_phase_pages_through_the_modules_techniques(make_app):
    app = make_app(kind="1")
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        assert not app.screen.query_one(TechniquePages).display
        await next_phase(pilot)
        await next_phase(pilot)
        assert app.controller.model.phase.name == "The techniques"
        pages = app.screen.query_one(TechniquePages)
        assert pages.display
        assert pages.has_focus
        first = text_of(pages)
        assert "Technique 1 of 4 · SBI: Situation, Behaviour, Impact" in first
        assert "Why:" in first
        assert "1. " in first
        assert "2. " in first
        ids = {active.binding.id for active in app.screen.active_bindings.values()}
        assert {"techniques.next", "techniques.previous"} <= ids
        await pilot.press("full_stop")
        assert "Technique 2 of 4 · Ask first, then tell" in text_of(pages)
        await pilot.press("full_stop", "full_stop", "full_stop")  # stops at the last
        assert "Technique 4 of 4 · Check what landed" in text_of(pages)
        await pilot.press("comma")
        assert "Technique 3 of 4" in text_of(pages)
        await pilot.press("comma", "comma", "comma")
        assert "Technique 1 of 4" in text_of(pages)
        # The agenda's own keys still work while the pages have the focus.
        await next_phase(pilot)
        assert app.controller.model.phase.name == "Practise your opening"
        assert not app.screen.query_one(TechniquePages).display


# ---- 6. the ground-rules checklist belongs to the group ------------------------------


async def test_ground_rules_checklist_ticks_the_group_once_rules_exist(make_app):
    app = make_app(kind="trust")
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        while app.controller.model.phase.captures != "ground_rules":
            await next_phase(pilot)
        checklist = text_of(app.screen.query_one(CaptureChecklist))
        assert "· not yet  the whole group" in checklist
        assert "Ada Lovelace" not in checklist
        await pilot.press("c")
        await pilot.pause()
        app.screen.query_one("#capture-text").value = "We finish on time"
        await pilot.press("enter", "escape")
        await pilot.pause()
        checklist = text_of(app.screen.query_one(CaptureChecklist))
        assert "✓ sealed   the whole group" in checklist
        assert "not yet" not in checklist


async def test_a_huge_item_is_cut_on_the_shared_screen(make_app, open_vault):
    ids = seed(open_vault, ("parking", "PK" + "x" * (1 << 20), None, "trust"))
    vault = open_vault()
    vault.mark_parking(next(iter(ids.values())), ParkingMark.NEXT, "trust")
    vault.close()
    app = make_app(kind="1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = text_of(app.screen.query_one(LobbyReadout))
        assert "more characters: plg notes prints it whole" in shown
        assert len(shown) < 4000
