"""The console's App: themes, the rules over SSH, the jobs it may host, dialogs that keep
early keys, and errors kept off the screen. The dashboard (screens/dashboard.py) holds the
panes and the moves; other screens reach it through the requests in requests.py."""

from collections.abc import Iterable
from typing import Any

from textual import events
from textual.app import App, SystemCommand
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import WorkerFailed

from gridcenter.console.requests import (
    AcknowledgeAlerts,
    MoveCase,
    OpenAlert,
    OpenCase,
    ShowGrid,
)
from gridcenter.console.screens.case_detail import CaseScreen
from gridcenter.console.screens.dashboard import IDLE_RESET_S, DashboardScreen
from gridcenter.console.screens.dialog import Dialog
from gridcenter.console.themes import load_themes
from gridcenter.console.widgets.alert_strip import AlertStrip
from gridcenter.formatting import printable
from gridcenter.jobs.host import JobHost
from gridcenter.logs import record_unexpected
from gridcenter.services.context import Context


class GridCenterApp(App[None]):
    CSS_PATH = "gridcenter.tcss"
    TITLE = "gridcenter"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        context: Context,
        theme: str = "gridcenter-dark",
        live_interval: float = 1.0,
        host_jobs: bool = False,
        restricted: bool = False,
        bell: bool = True,
        idle_reset_s: float = IDLE_RESET_S,
    ) -> None:
        super().__init__()
        self.context = context
        self.restricted = restricted  # over SSH: no screenshots on the server, no suspend
        self.jobs = JobHost(context.as_job()) if host_jobs else None
        self.live_interval = live_interval
        self.idle_reset_s = idle_reset_s
        # No animations: a wall screen or an SSH session gains nothing from a sliding tab
        # underline, and each of its frames is the whole screen drawn again.
        self.animation_level = "none"
        for item in load_themes():
            self.register_theme(item)
        self.theme = theme
        self.crash: str | None = None  # the one line to print when an error closed the console
        self.bell_on_alarm = bell

    def get_default_screen(self) -> Screen[Any]:
        return DashboardScreen(self.context, self.live_interval, self.idle_reset_s)

    @property
    def dashboard(self) -> DashboardScreen:
        """The dashboard, which stays at the bottom of the screen stack under any other."""
        screen = self.screen_stack[0]
        assert isinstance(screen, DashboardScreen)
        return screen

    def on_mount(self) -> None:
        if self.jobs is not None:
            self.jobs.start()

    def on_unmount(self) -> None:
        if self.jobs is not None:
            self.jobs.stop()

    def _handle_exception(self, error: Exception) -> None:
        """An error no action kept to itself closes the console. Its traceback goes to the
        log file, never to the screen (Textual prints it with local variables)."""
        cause = error.error if isinstance(error, WorkerFailed) else error
        self.crash = record_unexpected(cause, "running the console")
        super()._handle_exception(error)
        self._exit_renderables.clear()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text: most quote a name, a code or a reason someone
        typed, which must never be read as markup or reach the terminal as control codes."""
        super().notify(
            printable(message),
            title=printable(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # -- restrictions over SSH ------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if not (self.restricted and command.title == "Screenshot"):
                yield command

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        if self.restricted:
            self.notify("Screenshots are not written on the server.", severity="warning")
            return
        super().action_screenshot(filename, path)

    def action_suspend_process(self) -> None:
        if not self.restricted:
            super().action_suspend_process()

    # -- keys, dialogs and failures ---------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown) and self.screen_stack:
            self.dashboard.touched()
        screen = self.screen_stack[-1] if self.screen_stack else None
        if isinstance(event, events.Key) and isinstance(screen, Dialog) and not screen.ready:
            screen.keep(event)  # a dialog being put up: its keys (screens/dialog.py)
            return
        await super().on_event(event)

    async def on_dialog_ready(self, message: Dialog.Ready) -> None:
        message.dialog.ready = True
        kept, message.dialog.kept = message.dialog.kept, []
        for key in kept:
            await self.on_event(key)

    def on_alert_strip_new_alarm(self, _event: AlertStrip.NewAlarm) -> None:
        if self.bell_on_alarm:
            self.bell()

    # -- requests from the other screens, carried out by the dashboard ------------------

    def on_open_case(self, request: OpenCase) -> None:
        self.dashboard.open_case(request.code)

    def on_open_alert(self, request: OpenAlert) -> None:
        self.dashboard.open_alert(request.alert_id)

    def on_show_grid(self, request: ShowGrid) -> None:
        self.dashboard.show_grid(request.grid_id, request.name)

    def on_acknowledge_alerts(self, request: AcknowledgeAlerts) -> None:
        self.dashboard.acknowledge_alerts(request.ids, request.then)

    def on_move_case(self, request: MoveCase) -> None:
        screen = self.screen
        if isinstance(screen, CaseScreen) and screen.detail is not None:
            self.dashboard.act_on(request.move, screen.detail.row)
