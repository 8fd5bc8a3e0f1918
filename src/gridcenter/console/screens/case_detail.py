"""One case: its details, every step's deadline and its full history."""

import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

from rich.table import Table
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from gridcenter.console.keys import CASE_MOVE_KEYS
from gridcenter.console.requests import MoveCase
from gridcenter.console.screens.case_forms import cannot_move
from gridcenter.console.screens.confined import Confined
from gridcenter.console.text import plain
from gridcenter.domain.errors import Refused
from gridcenter.domain.levels import Level
from gridcenter.formatting import local, time_left
from gridcenter.queries.cases import CaseDetail
from gridcenter.services.privacy import Contact


class CaseScreen(Confined, Screen[None]):
    SHOWS = "the case"

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="case.back"),
        *[
            Binding(
                key.key,
                f"act('{key.move}')",
                key.words,
                show=key.shown,
                id=f"case.{key.move}",
                tooltip=key.does,
            )
            for key in CASE_MOVE_KEYS
        ],
        # A move that does not apply is out of the footer; its key still says why.
        *[Binding(key.key, f"refuse('{key.move}')", "", show=False) for key in CASE_MOVE_KEYS],
        Binding(
            "v",
            "reveal",
            "Reveal contact",
            id="case.reveal",
            tooltip="reveal the reporter's contact (allowed roles only; recorded)",
        ),
    ]

    def __init__(
        self,
        code: str,
        load: Callable[[str], CaseDetail | None],
        reveal: Callable[[str], Contact],
        timezone: ZoneInfo,
    ) -> None:
        super().__init__()
        self.code = code
        self.load = load
        self.reveal = reveal
        self.timezone = timezone
        self.detail: CaseDetail | None = None
        self._loaded_at = time.monotonic()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="case-body"):
            yield Static(plain(f"loading case {self.code}…"), id="case-summary")
            yield Static("", id="case-contact")
            yield Static("", id="case-steps")
            yield Static("", id="case-history")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="case-detail", exit_on_error=False)
    def reload(self) -> None:
        detail = self.load(self.code)
        self.app.call_from_thread(self._show, detail)

    def _show(self, detail: CaseDetail | None) -> None:
        self.detail = detail
        self._loaded_at = time.monotonic()
        self._render_detail()
        if detail is not None:
            self._render_tables(detail)

    def tick(self) -> None:
        """Every second: the countdown moves on without reading the store again."""
        if self.detail is not None:
            self._render_detail()

    def _render_detail(self) -> None:
        detail = self.detail
        summary = self.query_one("#case-summary", Static)
        if detail is None:
            summary.update(plain(f"Case {self.code} is not in your territory or no longer exists."))
            return
        row = detail.row
        used = "" if detail.used_share is None else f"  ({detail.used_share:.0%} of its limit)"
        left = detail.time_left_s
        if left is not None and not row.parked:
            left -= time.monotonic() - self._loaded_at
        state = time_left(left, row.parked) + used
        lines = Table.grid(padding=(0, 2))
        lines.add_column(style="bold", no_wrap=True)
        lines.add_column(overflow="fold")
        lines.add_row("Case", plain(f"{row.code}  {row.title}", style="bold"))
        lines.add_row("Level", f"{row.level} ({Level(row.level).disposer})")
        lines.add_row("Step", f"{row.step.replace('_', ' ')}   {state}")
        lines.add_row("Category", plain(f"{detail.category_code} {row.category}"))
        where = (
            f"{row.grid} ({detail.grid_code}), {detail.community}, {detail.street}"
            if detail.grid_code
            else "in no grid: waiting to be placed"
        )
        lines.add_row("Where", plain(where))
        lines.add_row("Address", plain(detail.address or "-"))
        if detail.repeat_of:
            lines.add_row("Repeat", plain(f"possibly of {detail.repeat_of}"))
        if detail.merged_into:
            lines.add_row("Merged", plain(f"into {detail.merged_into}"))
        if detail.merged:
            lines.add_row("Also from", plain(", ".join(m.code for m in detail.merged)))
        lines.add_row("Assignee", plain(row.assignee or "-"))
        lines.add_row(
            "Source",
            plain(f"{detail.source}  reporter {detail.reporter or '-'} {detail.reporter_phone}"),
        )
        if detail.parked_reason:
            lines.add_row("Parked", plain(detail.parked_reason))
        if detail.extension_reason:
            lines.add_row("Extension", plain(f"requested: {detail.extension_reason}"))
        if detail.rework_count:
            lines.add_row("Rework", str(detail.rework_count))
        lines.add_row("Description", plain(detail.description or "-"))
        summary.update(lines)

    def _render_tables(self, detail: CaseDetail) -> None:
        tz = self.timezone

        steps = Table(title="Steps", title_justify="left", expand=True)
        for name in ("step", "started", "deadline", "ended"):
            steps.add_column(name, no_wrap=True)
        for step in detail.steps:
            steps.add_row(
                step.step.replace("_", " "),
                local(step.started_at, tz) or "-",
                (local(step.deadline, tz) or "-") + (" (projected)" if step.projected else ""),
                local(step.ended_at, tz) or ("now" if not step.projected else ""),
            )
        self.query_one("#case-steps", Static).update(steps)

        history = Table(title="History", title_justify="left", expand=True)
        for name in ("when", "who", "what", "change", "why"):
            history.add_column(name, overflow="fold")
        for event in detail.history:
            change = ""
            if event.from_value or event.to_value:
                change = f"{event.from_value or '-'} → {event.to_value or '-'}"
            history.add_row(
                local(event.at, tz),
                plain(f"{event.actor} ({event.channel})"),
                event.action.replace("_", " "),
                plain(change),
                plain(event.reason),
            )
        self.query_one("#case-history", Static).update(history)

    @work(thread=True, exclusive=True, group="case-reveal", exit_on_error=False)
    def action_reveal(self) -> None:
        """Show the reporter's contact in full: allowed roles only, and recorded."""
        try:
            contact = self.reveal(self.code)
        except Refused as refused:
            self.app.call_from_thread(self.notify, str(refused), title="Refused", severity="error")
            return
        text = (
            f"Reporter contact (revealed, recorded): {contact.reporter or '-'}  "
            f"{contact.phone or '-'}  {contact.id_number or '-'}"
        )
        self.app.call_from_thread(self.query_one("#case-contact", Static).update, plain(text))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The moves that apply to this case, and only those, are in the footer (a key of
        one that does not apply still says why)."""
        if action == "act" and parameters and self.detail is not None:
            return cannot_move(str(parameters[0]), self.detail.row) is None
        return True

    def action_refuse(self, name: str) -> None:
        self.action_act(name)  # the dashboard refuses it with its reason

    def action_act(self, name: str) -> None:
        if self.detail is not None:
            self.post_message(MoveCase(name, self.code))
