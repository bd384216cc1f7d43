"""Presenter mode: the speaker and the time fill the shared screen, readable in a thumbnail."""

from __future__ import annotations

from dataclasses import replace

import pytest

from plg_tui.app.screens.agenda import AgendaScreen
from plg_tui.app.screens.curtain import CurtainScreen
from plg_tui.app.screens.lobby import LobbyScreen
from plg_tui.app.sound_cue import MACOS_SOUND, Player, SoundCue, find_player
from plg_tui.app.widgets.big_countdown import BigCountdown, Ink, big_lines
from plg_tui.app.widgets.presenter_view import PresenterView
from plg_tui.core.settings import SettingsError, SoundSettings, sound_settings
from tests.app.block_digits import read_block_digits
from tests.app.helpers import next_phase, start_session, tick

BLOCKS = range(0x2500, 0x25A0)  # box drawing, block elements


def screen_rows(app) -> list[str]:
    """The terminal as the app last drew it, one string per row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def digit_extent(rows: list[str]) -> tuple[int, int]:
    """(rows, columns) spanned by box-drawing and block characters on the screen."""
    inked = [(y, x) for y, row in enumerate(rows) for x, ch in enumerate(row) if ord(ch) in BLOCKS]
    assert inked, "no block digits on the screen:\n" + "\n".join(rows)
    ys = [y for y, _ in inked]
    xs = [x for _, x in inked]
    return max(ys) - min(ys) + 1, max(xs) - min(xs) + 1


def presenting(app) -> bool:
    """Presenter mode is the agenda's presenter view, shown in place of the agenda."""
    return isinstance(app.screen, AgendaScreen) and app.screen.query_one(PresenterView).presenting


async def presenter(pilot) -> PresenterView:
    await start_session(pilot)
    await pilot.press("z")
    await pilot.pause()
    assert presenting(pilot.app)
    return pilot.app.screen.query_one(PresenterView)


def state_words(pilot) -> str:
    return str(pilot.app.screen.query_one("#presenter-state").render())


async def test_z_opens_presenter_mode_and_z_again_returns(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await presenter(pilot)
        assert "Ada Lovelace" in "\n".join(screen_rows(app))
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(app.screen, AgendaScreen)
        assert not presenting(app)


async def test_presenter_mode_only_where_a_round_timer_runs(make_app, clock):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(app.screen, LobbyScreen)
        await start_session(pilot)
        for _ in range(2):  # to "The techniques", an open phase
            clock.advance(60)
            await next_phase(pilot)
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(app.screen, AgendaScreen)
        assert not presenting(app)


async def test_presenter_mode_ends_when_the_phase_leaves_the_round(make_app, clock):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await presenter(pilot)
        while app.controller.model.phase.kind == "round":
            clock.advance(60)
            await next_phase(pilot)
        assert not presenting(app)
        assert app.controller.model.phase.name in "\n".join(screen_rows(app))
        await pilot.press("z")
        await pilot.pause()
        assert not presenting(app)


async def test_digits_fill_a_large_window(make_app):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await presenter(pilot)
        rows, columns = digit_extent(screen_rows(app))
        assert rows >= 45 / 3
        assert columns >= 160 / 2


async def test_digits_at_80x24_are_larger_than_textual_digits(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await presenter(pilot)
        rows, columns = digit_extent(screen_rows(app))
        # Digits draws "1:36" 3 rows tall and 3 columns a digit (10 wide in all)
        assert rows > 3 * 2
        assert columns > 40


async def test_last_minute_and_overtime_are_said_in_words_and_pattern(make_app, clock):
    app = make_app()
    app.bell = lambda: None
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await presenter(pilot)
        await pilot.press("space")
        digits = screen.query_one(BigCountdown)
        assert digits.ink is Ink.SOLID
        clock.advance(96 - 30)  # Ada's slot is 96 s
        await tick(pilot)
        assert "LAST MINUTE" in state_words(pilot)
        assert digits.ink is Ink.HATCHED
        assert Ink.HATCHED.value in "".join(screen_rows(app))
        clock.advance(42)
        await tick(pilot)
        assert "OVERTIME +0:12" in state_words(pilot)
        assert digits.ink is Ink.CROSSED
        assert digits.text == "+0:12"
        assert Ink.CROSSED.value in "".join(screen_rows(app))


async def test_presenter_ticks_live_and_takes_the_round_keys(make_app, clock):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await presenter(pilot)
        digits = screen.query_one(BigCountdown)
        assert digits.text == "1:36"
        await pilot.press("space")
        clock.advance(6)
        await tick(pilot)
        assert digits.text == "1:30"
        await pilot.press("plus")
        await pilot.pause()
        assert digits.text == "2:30"
        await pilot.press("n")
        await pilot.pause()
        assert "Grace Hopper" in "\n".join(screen_rows(app))


async def test_curtain_covers_presenter_mode_and_lifts_back_to_it(make_app, clock):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await presenter(pilot)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, CurtainScreen)
        assert "Ada Lovelace" not in "\n".join(screen_rows(app))
        await pilot.press("b")
        await pilot.pause()
        assert presenting(app)


async def test_hostile_name_is_shown_as_written(make_app, group):
    from plg_tui.vault.group import GroupVault
    from plg_tui.vault.keys import unlock
    from tests.app.helpers import PASSPHRASE, SLUG

    vault = GroupVault(group, unlock(group, SLUG, PASSPHRASE))
    members = vault.members()
    members[0] = replace(members[0], name="[b]Ada[/b] \x1b[31m[@click=app.quit]")
    vault.set_members(members)
    vault.close()
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await presenter(pilot)
        assert "[b]Ada[/b] ␛[31m[@click=app.quit]" in "\n".join(screen_rows(app))


def test_big_lines_scale_and_ink():
    lines = big_lines("1:36", 100, 21, Ink.CROSSED)
    assert len(lines) == 21
    assert {ch for line in lines for ch in line} == {" ", Ink.CROSSED.value}
    assert all(len(line) <= 100 for line in lines)


# ---- the audible cue --------------------------------------------------------------------------


def write_settings(home, text: str) -> None:
    (home / "plg.toml").write_text(text, encoding="utf-8")


def notes(app) -> list[str]:
    return [note.message for note in app._notifications]


def test_sound_is_off_unless_plg_toml_turns_it_on(group):
    assert sound_settings(group) == SoundSettings(enabled=False, command=())
    write_settings(group, '[sound]\nenabled = true\ncommand = "paplay --volume 30000"\n')
    assert sound_settings(group) == SoundSettings(True, ("paplay", "--volume", "30000"))


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[sound]\nenabled = "yes"\n', "[sound] enabled: expected true or false"),
        ("[sound]\nenabled = true\ncommand = [1]\n", "[sound] command: expected the player"),
        ("sound = 3\n", "[sound]: must be a table"),
    ],
)
def test_a_bad_sound_setting_names_the_file_line_and_key(group, text, named):
    write_settings(group, text)
    with pytest.raises(SettingsError) as caught:
        sound_settings(group)
    assert named in str(caught.value)
    assert "plg.toml" in str(caught.value)


def test_no_player_on_the_machine_means_no_cue():
    cue = SoundCue(SoundSettings(enabled=True), which=lambda _name: None)
    assert not cue.on
    assert cue.note == "Sound cue off: no audio player found (paplay, aplay or afplay)."
    assert find_player(SoundSettings(True), lambda name: f"/usr/bin/{name}", "darwin") == Player(
        ("/usr/bin/afplay", MACOS_SOUND), b""
    )


async def last_minute_of_the_first_speaker(pilot, clock) -> None:
    await start_session(pilot)
    await pilot.press("space")
    clock.advance(96 - 50)
    await tick(pilot)


async def test_cue_is_quiet_and_says_nothing_by_default(make_app, clock):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await last_minute_of_the_first_speaker(pilot, clock)
        assert app._sound is not None
        assert not app._sound.on
        assert not [note for note in notes(app) if note.startswith("Sound")]


async def test_enabled_without_a_player_says_so_in_one_line(make_app, clock, group, monkeypatch):
    monkeypatch.setenv("PATH", str(group / "no-players-here"))
    write_settings(group, "[sound]\nenabled = true\n")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await last_minute_of_the_first_speaker(pilot, clock)
        said = [note for note in notes(app) if note.startswith("Sound")]
        assert said == ["Sound cue off: no audio player found (paplay, aplay or afplay)."]


async def test_the_player_gets_a_tone_when_the_last_minute_starts_and_time_is_up(
    make_app, clock, group, tmp_path
):
    heard = tmp_path / "heard"
    heard.mkdir()
    script = f'cat > "{heard}/$(date +%s%N).wav"'
    write_settings(group, f'[sound]\nenabled = true\ncommand = ["/bin/sh", "-c", \'{script}\']\n')
    app = make_app()
    app.bell = lambda: None
    async with app.run_test(size=(100, 30)) as pilot:
        await last_minute_of_the_first_speaker(pilot, clock)
        await app.workers.wait_for_complete()
        clock.advance(60)
        await tick(pilot)
        await tick(pilot)  # the cue plays once per event, not on every tick
        await app.workers.wait_for_complete()
        tones = sorted(heard.iterdir())
        assert len(tones) == 2
        assert all(tone.read_bytes()[:4] == b"RIFF" for tone in tones)


async def test_a_player_without_an_audio_device_goes_quiet_with_a_note(make_app, clock, group):
    write_settings(group, '[sound]\nenabled = true\ncommand = ["/bin/sh", "-c", "exit 1"]\n')
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await last_minute_of_the_first_speaker(pilot, clock)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Sound cue off: no audio device answered (sh exited 1)." in notes(app)
        assert app._sound is not None
        assert not app._sound.on


@pytest.mark.parametrize("text", ["1:36", "12:34", "+0:12", "8:00", "59:59"])
@pytest.mark.parametrize("size", [(156, 35), (76, 14), (30, 7)])
def test_block_digits_read_back_as_drawn(text, size):
    """The tmux test reads the countdown back from the terminal; here the reader is checked."""
    assert read_block_digits("\n".join(big_lines(text, *size, Ink.HATCHED))) == text


async def test_a_huge_name_leaves_the_digits_on_screen(make_app, group):
    from plg_tui.vault.group import GroupVault
    from plg_tui.vault.keys import unlock
    from tests.app.helpers import PASSPHRASE, SLUG

    vault = GroupVault(group, unlock(group, SLUG, PASSPHRASE))
    members = vault.members()
    members[0] = replace(members[0], name="Ada " * 250_000)  # 1 MiB
    vault.set_members(members)
    vault.close()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await presenter(pilot)
        rows, columns = digit_extent(screen_rows(app))
        assert rows > 6
        assert columns > 40
