"""Which screen shows which stage of the session, and the moves between them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.screen import Screen

if TYPE_CHECKING:
    from plg_tui.app.controller import SessionController


class ScreenRouting(App[int]):
    """The session app's screens, by stage: lobby, agenda, close (over the agenda), done."""

    controller: SessionController | None = None

    def _replace(self, screen: Screen[None]) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen)

    def show_stage(self) -> None:
        """The screen for the stage the session is in (after opening or resuming it)."""
        from plg_tui.app.screens.lobby import LobbyScreen

        assert self.controller is not None
        stage = self.controller.model.stage
        if stage == "lobby":
            self._replace(LobbyScreen())
        elif stage == "agenda":
            self.show_agenda()
            if self.controller.model.time_lost > 0:
                self.notify(
                    "The timer was running when the app stopped; it resumes paused.",
                    title="Resumed",
                )
        elif stage == "close":
            self.show_agenda()
            self.show_close()
        else:
            self.show_done()

    def show_agenda(self) -> None:
        from plg_tui.app.screens.agenda import AgendaScreen

        self._replace(AgendaScreen())

    def show_close(self) -> None:
        from plg_tui.app.screens.close_session1 import CloseSession1Screen
        from plg_tui.app.screens.close_session2 import CloseSession2Screen
        from plg_tui.app.screens.close_trust import CloseTrustScreen

        assert self.controller is not None
        screens: dict[str, type[Screen[None]]] = {
            "1": CloseSession1Screen,
            "2": CloseSession2Screen,
            "trust": CloseTrustScreen,
        }
        self.push_screen(screens[self.controller.kind]())
        if self.controller.words.parking_review():
            from plg_tui.app.screens.parking_review import ParkingReviewScreen

            # The close begins with the parking lot. Coming back, Textual's auto-focus would
            # put the focus in the close's first field, where its single-letter keys are off.
            def unfocus(_: None) -> None:
                self.call_after_refresh(lambda: self.screen.set_focus(None))

            self.push_screen(ParkingReviewScreen(), unfocus)

    def back_to_agenda(self) -> None:
        from plg_tui.app.screens.agenda import AgendaScreen

        assert self.controller is not None
        self.controller.back_to_agenda()
        self.pop_screen()
        if isinstance(self.screen, AgendaScreen):
            self.screen.refresh_phase()

    def show_done(self) -> None:
        from plg_tui.app.screens.done import DoneScreen

        self._replace(DoneScreen())
