"""Pilot tests of the session app's flows, driven by keys with a fake clock."""

from __future__ import annotations

from plg_tui.app.screens.agenda import AgendaScreen
from plg_tui.app.screens.lobby import LobbyScreen
from plg_tui.app.widgets.speaker_panel import SpeakerPanel
from tests.app.helpers import go_to_close, next_phase, start_session, tick, wait_until

SIZE = (100, 30)
EMAILS = [
    "ada@example.org",
    "grace@example.org",
    "linus@example.org",
    "mei@example.org",
    "tomas@example.org",
]


def label_text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_lobby_attendance_facilitator_and_agreement(make_app, open_vault):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LobbyScreen)
        model = app.controller.model
        # Nobody facilitated yet: the first on the roster is suggested.
        assert model.facilitator == EMAILS[0]
        await pilot.press("s")  # nobody agreed yet: the session must not start
        assert isinstance(app.screen, LobbyScreen)
        await pilot.press("down", "down", "space")  # Linus is absent today
        assert model.present_keys() == [EMAILS[0], EMAILS[1], EMAILS[3], EMAILS[4]]
        await pilot.press("up", "f")  # Grace facilitates instead
        assert model.facilitator == EMAILS[1]
        await pilot.press("up")
        for email in EMAILS:
            if email != EMAILS[2]:
                await pilot.press("a")
            await pilot.press("down")
        assert model.missing_agreements() == []
        saved = open_vault().session_state("1")
        assert saved["present"][EMAILS[2]] is False
        assert saved["facilitator"] == EMAILS[1]
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, AgendaScreen)
    vault = open_vault()
    assert vault.session_state("1")["stage"] == "agenda"
    assert [member for _at, member in vault.facilitations()] == [EMAILS[1]]
    # The round only holds those present.
    assert app.controller.model.rounds[0].members == [EMAILS[0], EMAILS[1], EMAILS[3], EMAILS[4]]


async def test_round_keys_redivision_overtime_and_bell(make_app, clock, open_vault):
    app = make_app()
    bells = []
    app.bell = lambda: bells.append(clock.now)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        timer = app.controller.model.round
        assert timer is not None
        assert timer.phase_seconds == 8 * 60
        slot = 96.0  # 8 minutes for five members
        assert "Ready" in label_text(app, "#speaker-state")
        await pilot.press("space")
        clock.advance(30)
        await tick(pilot)
        assert timer.remaining() == slot - 30
        assert "1:06 left" in label_text(app, "#speaker-state")
        clock.advance(slot - 30 - 20)
        await tick(pilot)
        assert "LAST MINUTE" in label_text(app, "#speaker-state")
        assert app.screen.query_one(SpeakerPanel).has_class("-last-minute")
        # Overtime: counts upward, the bell rings exactly once.
        clock.advance(20 + 24)
        await tick(pilot)
        await tick(pilot)
        assert label_text(app, "#speaker-state") == "OVERTIME +0:24"
        assert str(app.screen.query_one("#countdown").value) == "+0:24"
        assert len(bells) == 1
        # Ada spoke 120 s of 480: the four still to speak share the other 360 s.
        await pilot.press("n")
        assert timer.current.member == EMAILS[1]
        assert [s.allotted for s in timer.slots[1:]] == [90.0] * 4
        assert "Re-divided: 1:30 each" in label_text(app, "#division")
        # +1 min goes to the current speaker, the rest re-divided live; -1 min takes it back.
        await pilot.press("plus")
        assert timer.slots[1].allotted == 150.0
        assert [s.allotted for s in timer.slots[2:]] == [70.0] * 3
        await pilot.press("minus")
        assert timer.slots[1].allotted == 90.0
        assert [s.allotted for s in timer.slots[2:]] == [90.0] * 3
        clock.advance(10)
        await pilot.press("p")  # back to Ada, her 120 s kept, Grace's 10 s too
        assert timer.current.member == EMAILS[0]
        assert timer.slots[1].used == 10.0
        await pilot.press("n")
        await pilot.press("s")  # Grace is skipped: to the end, her 10 s kept
        assert timer.members == [EMAILS[0], *EMAILS[2:], EMAILS[1]]
        assert timer.slots[-1].used == 10.0
        assert [s.allotted for s in timer.slots[1:]] == [90.0] * 4
        clock.advance(5)
        await pilot.press("n")
        waiting_before = [s.member for s in timer.slots[3:]]
        await pilot.press("o")  # shuffle who is still waiting, not who spoke
        assert sorted(s.member for s in timer.slots[3:]) == sorted(waiting_before)
        assert [s.member for s in timer.slots[:3]] == [EMAILS[0], EMAILS[2], EMAILS[3]]
        await pilot.press("space")  # pause
        assert not timer.running
        assert "PAUSED" in label_text(app, "#speaker-state")
    saved = open_vault().session_state("1")
    assert saved["rounds"]["0"]["slots"][0]["used"] == 120.0
    assert saved["rounds"]["0"]["current_index"] == 2


async def test_phases_move_and_keys_follow_the_phase(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        screen = app.screen
        assert screen.check_action("toggle_timer", ()) is True
        assert screen.check_action("previous_phase", ()) is False
        clock.advance(60)
        await next_phase(pilot)
        await next_phase(pilot)
        model = app.controller.model
        assert model.phase_index == 2
        assert model.phase.kind == "open"
        assert screen.check_action("toggle_timer", ()) is False
        assert screen.check_action("previous_phase", ()) is True
        assert model.agenda.actual_seconds(0) == 60.0
        assert app.screen.query_one("#round-box").display is False
        await pilot.press("left_square_bracket")
        assert model.phase_index == 1
        assert app.screen.query_one("#round-box").display is True


async def test_capture_is_sealed_into_the_vault_at_once(make_app, group, open_vault):
    marker = "MARKER-7f3a rota"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await next_phase(pilot)  # "Our feedback challenges" captures challenges
        await pilot.press("space", "c")
        await pilot.pause()
        assert app.screen.query_one("#capture-kind").value == "challenge"
        assert app.screen.query_one("#capture-member").value == EMAILS[0]
        await pilot.press(*marker, "enter")
        await pilot.pause()
        vault = open_vault()
        items = vault.items(kind="challenge", session="1")
        assert len(items) == 1
        assert items[0].member == EMAILS[0]
        opened = vault.open_item(items[0])
        assert opened.text == marker
        assert opened.warning is None
        raw = (group / "groups" / "team" / "group.db").read_bytes()
        assert marker.encode() not in raw
        assert b"MARKER" not in raw
        # A parking-lot item for the whole group, from the same dialog.
        await pilot.press("escape")
        await pilot.press("c")
        await pilot.pause()
        app.screen.query_one("#capture-kind").value = "parking"
        app.screen.query_one("#capture-member").value = "__group__"
        app.screen.query_one("#capture-text").value = "MARKER-parking"
        await pilot.press("enter", "escape")
        await pilot.pause()
    parked = open_vault().items(kind="parking")
    assert len(parked) == 1
    assert parked[0].member is None
    raw = (group / "groups" / "team" / "group.db").read_bytes()
    assert b"MARKER" not in raw


async def test_close_of_session_1_records_pairs_date_and_held(make_app, open_vault):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await go_to_close(pilot)
        from plg_tui.app.screens.close_session1 import CloseSession1Screen

        assert isinstance(app.screen, CloseSession1Screen)
        model = app.controller.model
        assert sorted(len(g) for g in model.pairs) == [2, 3]  # five present: a pair and a trio
        await pilot.press("e")
        field = app.screen.query_one("#pairs-input")
        field.value = "Ada + Grace + Linus, Nobody + Mei"
        await pilot.press("enter")
        await pilot.pause()
        assert "'Nobody' is not a member of this group" in label_text(app, "#pairs-problems")
        field.value = "Ada + Mei, Grace + Linus + Tomás"
        await pilot.press("enter")
        await pilot.pause()
        assert model.pairs == [[EMAILS[0], EMAILS[3]], [EMAILS[1], EMAILS[2], EMAILS[4]]]
        await pilot.press("d")
        date = app.screen.query_one("#date-input")
        date.value = "2026-12-30T15:00"
        await pilot.press("enter", "f")
        await pilot.pause()
    vault = open_vault()
    info = vault.info()
    assert info.session1_held is True
    assert info.session2 == "2026-12-30T15:00"
    assert vault.pairings()[-1].source == "session"
    assert vault.current_pairs() == [[EMAILS[0], EMAILS[3]], [EMAILS[1], EMAILS[2], EMAILS[4]]]
    assert vault.session_state("1")["stage"] == "done"


async def test_absent_member_is_paired_too(make_app, open_vault):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", "space")  # Linus is away today
        await pilot.press("up", "up")
        for email in EMAILS:
            if email != EMAILS[2]:
                await pilot.press("a")
            await pilot.press("down")
        await pilot.press("s")
        await pilot.pause()
        assert EMAILS[2] not in app.controller.model.present_keys()
        await go_to_close(pilot)
        model = app.controller.model
        assert sorted(key for group in model.pairs for key in group) == sorted(EMAILS)
        await pilot.press("e")
        app.screen.query_one("#pairs-input").value = "Linus + Ada, Grace + Mei + Tomás"
        await pilot.press("enter")
        await pilot.pause()
        assert model.pairs == [[EMAILS[2], EMAILS[0]], [EMAILS[1], EMAILS[3], EMAILS[4]]]
        await pilot.press("f")
        await pilot.pause()
    assert open_vault().current_pairs() == [
        [EMAILS[2], EMAILS[0]],
        [EMAILS[1], EMAILS[3], EMAILS[4]],
    ]


async def test_close_talk_time_chart_shows_each_member(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await pilot.press("space")
        clock.advance(90)
        await pilot.press("n")
        clock.advance(30)
        await go_to_close(pilot)
        chart = label_text(app, "#talk-time")
    assert "Ada Lovelace" in chart
    assert "1:30" in chart
    assert "75%" in chart
    assert "Grace Hopper" in chart
    assert "0:30" in chart
    assert "25%" in chart
    assert "█" in chart


async def test_session_2_journal_needs_confirmation_rating_and_vote(
    make_app, group, keys, open_vault
):
    from plg_tui.vault.group import write_sealed_entry
    from plg_tui.vault.paths import INBOX

    write_sealed_entry(
        group, keys, INBOX, "e1", {"member": EMAILS[0], "week": 2}, "JOURNAL-ada-week-2"
    )
    write_sealed_entry(
        group, keys, INBOX, "e2", {"member": EMAILS[1], "week": 1}, "JOURNAL-grace-week-1"
    )
    app = make_app(kind="2")
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await pilot.press("j")
        await pilot.pause()
        from plg_tui.app.screens.confirm import ConfirmScreen
        from plg_tui.app.screens.journal import JournalScreen

        assert isinstance(app.screen, ConfirmScreen)
        assert "Show Ada Lovelace's journal on the shared screen?" in label_text(
            app, "#confirm-question"
        )
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, AgendaScreen)
        await pilot.press("j", "y")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "JOURNAL-ada-week-2" in shown
        assert "JOURNAL-grace" not in shown
        await pilot.press("escape")
        await go_to_close(pilot)
        await pilot.press("4", "5", "5", "2", "u")  # the 2 was a typo
        await pilot.press("enter", "enter", "down", "enter")
        model = app.controller.model
        assert (model.rating_count, model.rating_sum) == (3, 14)
        await pilot.press("f")
        await pilot.pause()
    vault = open_vault()
    info = vault.info()
    assert info.session2_held is True
    assert info.module_rating == {"count": 3, "sum": 14}
    assert sum(info.next_topic_votes.values()) == 3
    assert len(info.next_topic_votes) == 2
    saved = vault.session_state("2")
    assert saved["ratings"] == {"count": 3, "sum": 14}
    assert all(email not in str(saved["ratings"]) for email in EMAILS)


async def test_trust_session_ground_rules_and_close(make_app, group, open_vault):
    app = make_app(kind="trust")
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        model = app.controller.model
        assert model.phases[1].name.startswith("Icebreaker")
        await next_phase(pilot)
        assert app.controller.model.round is not None  # the icebreaker round
        for _ in range(2):
            await next_phase(pilot)
        assert model.phase.captures == "ground_rules"
        assert app.screen.query_one("#checklist").display is True
        await pilot.press("c")
        await pilot.pause()
        assert app.screen.query_one("#capture-kind").value == "ground_rules"
        field = app.screen.query_one("#capture-text")
        field.value = "RULE-we finish on time"
        await pilot.press("enter")
        field.value = "RULE-ask before advising"
        await pilot.press("enter", "escape")
        for _ in range(3):
            await next_phase(pilot)
        await pilot.pause()
        rules = label_text(app, "#ground-rules")
        assert "1. RULE-we finish on time" in rules
        assert "2. RULE-ask before advising" in rules
        await pilot.press("f")
        await pilot.pause()
    vault = open_vault()
    assert vault.info().trust_held is True
    assert len(vault.items(kind="ground_rules", session="trust")) == 2
    assert b"RULE-" not in (group / "groups" / "team" / "group.db").read_bytes()


async def test_curtain_hides_everything_but_the_clock(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")  # the lobby names who is here: it can be hidden too
        assert type(app.screen).__name__ == "CurtainScreen"
        await pilot.press("b")
        assert isinstance(app.screen, LobbyScreen)
        await start_session(pilot)
        app.notify("Sealed the challenge for Ada Lovelace.")
        clock.advance(75)
        await pilot.press("b")
        await tick(pilot)
        from plg_tui.app.screens.curtain import CurtainScreen

        assert isinstance(app.screen, CurtainScreen)
        assert str(app.screen.query_one("#curtain-clock").value) == "1:15"
        text = " ".join(str(w.render()) for w in app.screen.query("Label"))
        assert "Ada" not in text
        assert "Check-in" not in text
        assert not app.screen.query("SpeakerPanel")
        assert not app.screen.query("PhaseList")
        assert not app._notifications  # no toast naming anyone stays on screen
        await pilot.press("b")
        assert isinstance(app.screen, AgendaScreen)


async def test_help_lists_the_screen_keys_and_palette_offers_them(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        commands = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Next phase", "Start/Pause", "Capture", "Curtain"} <= commands
        await pilot.press("question_mark")
        await pilot.pause()
        from plg_tui.app.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "Next phase" in text
        assert "Shuffle order" in text
        assert "Curtain" in text
        assert "(agenda.next_phase)" in text
        assert "(app.curtain)" in text
        await pilot.press("escape")
        assert isinstance(app.screen, AgendaScreen)
        await next_phase(pilot)
        await next_phase(pilot)
        commands = {c.title for c in app.get_system_commands(app.screen)}
        assert "Start/Pause" not in commands  # an open phase has no speaker timer


async def test_wrong_passphrase_asks_again_and_writes_nothing(make_app, group):
    from plg_tui.app.screens.passphrase import PassphraseScreen

    db = group / "groups" / "team" / "group.db"
    before = db.read_bytes()
    app = make_app(keys=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PassphraseScreen)
        app.screen.query_one("#passphrase-input").value = "not the passphrase"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Wrong passphrase" in label_text(app, "#passphrase-error"))
        assert isinstance(app.screen, PassphraseScreen)
        assert "Wrong passphrase" in label_text(app, "#passphrase-error")
        assert app.screen.query_one("#passphrase-input").value == ""
        assert app.controller is None
        assert db.read_bytes() == before
        app.screen.query_one("#passphrase-input").value = "correct horse battery"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LobbyScreen))


async def test_passphrase_given_on_the_command_line_unlocks_in_a_worker(make_app):
    app = make_app(keys=None, passphrase="correct horse battery")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LobbyScreen))


async def test_resume_restores_phase_speaker_and_times_paused(make_app, clock, open_vault):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await next_phase(pilot)
        await pilot.press("space")
        clock.advance(40)
        await pilot.press("n")
        clock.advance(25)
        await tick(pilot)
        app.controller.save()  # what the periodic checkpoint writes
    clock.advance(12)  # the app was down for 12 s while Grace was speaking
    resumed = make_app(resume=True)
    async with resumed.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(resumed.screen, AgendaScreen)
        model = resumed.controller.model
        timer = model.round
        assert model.phase_index == 1
        assert timer.current.member == EMAILS[1]
        assert not timer.running
        assert timer.time_lost == 12.0
        assert timer.current_used() == 25.0
        assert timer.slots[0].used == 40.0
        assert "Paused on resume: 0:12 lost" in label_text(resumed, "#speaker-state")
        await pilot.press("space")
        assert timer.running
        assert "lost" not in label_text(resumed, "#speaker-state")


async def test_without_resume_flag_the_app_asks(make_app, open_vault):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await next_phase(pilot)
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        from plg_tui.app.screens.confirm import ConfirmScreen

        assert isinstance(again.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(again.screen, AgendaScreen)
        assert again.controller.model.phase_index == 1


async def test_reflection_round_shows_the_module_questions(make_app):
    app = make_app(kind="2")
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await next_phase(pilot)
        assert app.controller.model.phase.captures == "reflection"
        script = label_text(app, "#script")
        assert "Which feedback conversation did you have" in script
        assert "What will you keep doing" in script


async def test_phase_title_counts_down_and_then_says_over(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        clock.advance(3 * 60)
        await tick(pilot)
        assert "1/6  Check-in · 8 min · 5:00 left" in label_text(app, "#phase-title")
        clock.advance(6 * 60 + 5)
        await tick(pilot)
        assert "1:05 OVER" in label_text(app, "#phase-title")


async def test_keys_remapped_from_settings(make_app, clock, group):
    from plg_tui.app.screens.curtain import CurtainScreen
    from plg_tui.core.settings import load_keymap

    (group / "plg.toml").write_text('[keys]\n"app.curtain" = "x"\n')
    app = make_app(keymap=load_keymap(group))
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await pilot.press("b")  # the old key no longer draws the curtain
        assert not isinstance(app.screen, CurtainScreen)
        await pilot.press("x")
        assert isinstance(app.screen, CurtainScreen)
