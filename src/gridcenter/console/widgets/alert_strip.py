"""The newest open alerts, unacknowledged first; `a` acknowledges the highlighted one."""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from rich.segment import Segment
from rich.style import Style

from gridcenter.console.widgets.columns import cell
from gridcenter.console.widgets.line_list import LineList
from gridcenter.formatting import local
from gridcenter.queries.dashboard import AlertLine

SYMBOLS = {"alarm": "▲ ALARM", "warning": "! WARN ", "info": "i INFO "}
STYLES = {"alarm": "alert-strip--alarm", "warning": "alert-strip--warning"}


class AlertStrip(LineList):
    COMPONENT_CLASSES = LineList.COMPONENT_CLASSES | {
        "alert-strip--alarm",
        "alert-strip--warning",
        "alert-strip--seen",
    }
    DEFAULT_CSS = """
    AlertStrip > .alert-strip--alarm { color: $error; text-style: bold; }
    AlertStrip > .alert-strip--warning { color: $warning; }
    AlertStrip > .alert-strip--seen { color: $text-muted; }
    """

    def __init__(self, timezone: Callable[[], ZoneInfo], id: str | None = None) -> None:
        super().__init__(id=id)
        self.timezone = timezone
        self.alerts: list[AlertLine] = []

    @property
    def row_count(self) -> int:
        return len(self.alerts)

    def placeholder(self) -> str:
        return "no open alerts"

    @property
    def selected(self) -> AlertLine | None:
        return self.alerts[self.cursor] if self.alerts else None

    def set_alerts(self, alerts: list[AlertLine]) -> None:
        if alerts == self.alerts:
            return
        keep = self.selected
        self.alerts = alerts
        if keep is not None:
            for index, alert in enumerate(alerts):
                if alert.id == keep.id:
                    self.cursor = index
        self.update_size()

    def row_key(self, index: int) -> object:
        return self.alerts[index]

    def render_row(self, index: int, width: int, base: Style) -> list[Segment]:
        alert = self.alerts[index]
        seen = alert.acknowledged_by is not None
        name = "alert-strip--seen" if seen else STYLES.get(alert.severity)
        style = base + self.style_of(name) if name else base
        when = local(alert.raised_at, self.timezone(), "%H:%M")
        mark = f"seen by {alert.acknowledged_by}" if seen else "unacknowledged"
        text = f"{SYMBOLS.get(alert.severity, alert.severity)} {when} {alert.title}"
        tail = f"  [{alert.kind.replace('_', ' ')} · {mark}]"
        room = max(width - len(tail), 10)
        return [cell(text, room, style), cell(tail, width - room, base)]
