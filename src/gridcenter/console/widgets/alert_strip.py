"""The open alerts that matter most, on top of the dashboard: unacknowledged first, alarms
before warnings, newest first. Left alone, it always shows its top rows; a new alarm makes
it flash. `a` acknowledges the highlighted alert."""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.message import Message

from gridcenter.console.widgets.columns import cell
from gridcenter.console.widgets.line_list import LineList
from gridcenter.formatting import local
from gridcenter.queries.dashboard import AlertLine, OpenAlerts

# Words as well as colours: a WARN and an ALARM read apart without colour too.
SYMBOLS = {"alarm": "◆ ALARM", "warning": "! WARN ", "info": "i INFO "}
STYLES = {"alarm": "alert-strip--alarm", "warning": "alert-strip--warning"}
FLASH_S = 2.0
WIDE = 110  # from this width the tag also says who acknowledged an alert


class AlertStrip(LineList):
    COMPONENT_CLASSES = LineList.COMPONENT_CLASSES | {
        "alert-strip--alarm",
        "alert-strip--warning",
        "alert-strip--seen",
    }

    class NewAlarm(Message):
        """An unacknowledged alarm this strip had not shown before."""

        def __init__(self, alert: AlertLine) -> None:
            super().__init__()
            self.alert = alert

    def __init__(self, timezone: Callable[[], ZoneInfo], id: str | None = None) -> None:
        super().__init__(id=id)
        self.timezone = timezone
        self.alerts: list[AlertLine] = []
        self.unacknowledged = 0
        self._alarms_seen: set[int] | None = None  # None until the first reading

    @property
    def row_count(self) -> int:
        return len(self.alerts)

    def placeholder(self) -> str:
        return "no open alerts"

    @property
    def selected(self) -> AlertLine | None:
        return self.alerts[self.cursor] if self.alerts else None

    def header(self, width: int) -> list[Segment]:
        shown = sum(
            1 for alert in self.alerts[: self._rows_on_screen()] if not alert.acknowledged_by
        )
        more = self.unacknowledged - shown
        left = f" Alerts: {self.unacknowledged} unacknowledged"
        right = f"+{more} more: A lists them " if more > 0 else "A lists them "
        room = max(width - len(right), 0)
        return [cell(left, room), cell(right, width - room, right=True)]

    def _rows_on_screen(self) -> int:
        return max(self.scrollable_content_region.height - self._top, 0)

    def set_alerts(self, alerts: OpenAlerts) -> None:
        """New data. Someone working in the strip keeps the alert they are on; a strip nobody
        is in goes back to its top, where the most severe and newest alerts are."""
        self._notice_new_alarms(alerts.lines)
        if alerts.lines == self.alerts and alerts.unacknowledged == self.unacknowledged:
            return
        keep = self.selected if self.has_focus else None
        self.alerts = alerts.lines
        self.unacknowledged = alerts.unacknowledged
        self.cursor = 0
        if keep is not None:
            for index, alert in enumerate(alerts.lines):
                if alert.id == keep.id:
                    self.cursor = index
        if not self.has_focus:
            self.scroll_to(y=0, animate=False)
        self.update_size()
        self.refresh(Region(0, 0, self.size.width, 1))  # the header's counts

    def _notice_new_alarms(self, lines: list[AlertLine]) -> None:
        alarms = {a.id: a for a in lines if a.severity == "alarm" and not a.acknowledged_by}
        if self._alarms_seen is not None:
            new = [alarms[i] for i in alarms if i not in self._alarms_seen]
            if new:
                self.post_message(self.NewAlarm(new[0]))
                self.flash()
        self._alarms_seen = (self._alarms_seen or set()) | set(alarms)

    def flash(self) -> None:
        self.add_class("-flash")
        self.set_timer(FLASH_S, lambda: self.remove_class("-flash"))

    def row_key(self, index: int) -> object:
        return self.alerts[index]

    def render_row(self, index: int, width: int, base: Style) -> list[Segment]:
        alert = self.alerts[index]
        seen = alert.acknowledged_by is not None
        name = "alert-strip--seen" if seen else STYLES.get(alert.severity)
        style = base + self.style_of(name) if name else base
        when = local(alert.raised_at, self.timezone(), "%H:%M")
        text = f"{SYMBOLS.get(alert.severity, alert.severity)} {when} {alert.title}"
        kind = alert.kind.replace("_", " ")
        if width >= WIDE:
            mark = f"seen by {alert.acknowledged_by}" if seen else "unacknowledged"
            tail = f"  [{kind} · {mark}]"
        else:  # the message comes first: on a narrow terminal the tag gives way
            tail = f"  [{kind}{' · seen' if seen else ''}]"
        room = max(width - len(tail), min(width, 50))
        return [cell(text, room, style), cell(tail, width - room, base)]
