"""The risk map: every grid by street and community, shaded by its risk score, with a
legend, the selected grid's figures and a trend of cases by kind over the period."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static
from textual_plotext import PlotextPlot

from gridcenter.console.keys import RISK_MAP_KEYS
from gridcenter.console.screens.confined import Confined
from gridcenter.console.text import fitted, plain
from gridcenter.domain.assessment import BANDS, RISK_WEIGHTS, band_limits, band_of
from gridcenter.domain.periods import Period
from gridcenter.formatting import printable
from gridcenter.queries.assessment import GridOnMap, Place


@dataclass(frozen=True)
class RiskData:
    grids: list[GridOnMap]
    trend: dict[str, dict[date, int]]  # cases per day by kind
    last_day: date  # the last day to draw: today, in a running period


CELL = "■ "
NAME_WIDTH = 22


@dataclass(frozen=True)
class MapLine:
    """One line of the map: a street's name, or a community's with its grids' cells."""

    label: str
    street: bool  # drawn bold, with no cells
    grids: list[int] = field(default_factory=list)  # indexes into the map's grids


class RiskMap(Widget):
    """The grids as coloured cells, one line per community (wrapped when long). Each band's
    colour comes from the theme, through the stylesheet (`.risk-map--high` and so on)."""

    COMPONENT_CLASSES: ClassVar = {f"risk-map--{band}" for band in BANDS}

    def __init__(self) -> None:
        super().__init__(id="risk-map")
        self.grids: list[GridOnMap] = []
        self.limits = band_limits([])
        self.cursor = 0
        # The map's lines, laid out for one width; the cursor only changes styles, so
        # moving it never lays the map out again.
        self._layout: list[MapLine] = []
        self._layout_width = -1

    def show(self, grids: list[GridOnMap]) -> None:
        self.grids = grids
        self.limits = band_limits(grid.risk.score for grid in grids)
        self.cursor = min(self.cursor, max(len(grids) - 1, 0))
        self._layout_width = -1
        self.refresh(layout=True)

    @property
    def selected(self) -> GridOnMap | None:
        return self.grids[self.cursor] if self.grids else None

    def layout_lines(self, width: int | None = None) -> list[MapLine]:
        width = self.size.width if width is None else width
        if width != self._layout_width:
            self._layout = self._lay_out(max(4, (width - NAME_WIDTH - 2) // len(CELL)))
            self._layout_width = width
        return self._layout

    def _lay_out(self, per_line: int) -> list[MapLine]:
        result: list[MapLine] = []
        street = community = None
        for index, grid in enumerate(self.grids):
            if grid.street != street:
                street, community = grid.street, None
                result.append(MapLine(printable(grid.street), True))
            if grid.community != community:
                community = grid.community
                result.append(MapLine(f"  {fitted(community, NAME_WIDTH)}", False))
            elif len(result[-1].grids) == per_line:  # wrap a long community
                result.append(MapLine(" " * (NAME_WIDTH + 2), False))
            result[-1].grids.append(index)
        return result

    def render(self) -> Text:
        if not self.grids:
            return Text("no grids in this territory")
        lines = []
        for line in self.layout_lines():
            text = Text(line.label, style="bold" if line.street else "")
            for index in line.grids:
                style = self.band_style(band_of(self.grids[index].risk.score, self.limits))
                text.append(CELL[0], style=style)
                # The selected grid is marked beside its cell, so no line shifts.
                text.append("◂" if index == self.cursor else CELL[1:], style="bold")
            lines.append(text)
        return Text("\n").join(lines)

    def band_style(self, band: str) -> Style:
        return self.get_component_rich_style(f"risk-map--{band}")

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return max(1, len(self.layout_lines(width)))

    def line_of_cursor(self) -> int:
        return next(
            (n for n, line in enumerate(self.layout_lines()) if self.cursor in line.grids),
            0,
        )

    def move(self, step: int) -> None:
        if self.grids:
            self.cursor = max(0, min(len(self.grids) - 1, self.cursor + step))
            self.refresh()

    def move_line(self, step: int) -> None:
        lines = [line.grids for line in self.layout_lines() if line.grids]
        if not lines:
            return
        current = next((n for n, idx in enumerate(lines) if self.cursor in idx), 0)
        target = max(0, min(len(lines) - 1, current + step))
        column = lines[current].index(self.cursor)
        self.cursor = lines[target][min(column, len(lines[target]) - 1)]
        self.refresh()


def _span(low: int, high: int | None) -> str:
    if high is None:
        return f"{low}+"
    return f"{low}" if high - 1 == low else f"{low}-{high - 1}"


def legend(limits: dict[str, int], band_style: Callable[[str], Style]) -> Text:
    text = Text("Risk score\n", style="bold")
    bounds = [limits[band] for band in BANDS] + [None]
    for band, low, high in zip(BANDS, bounds, bounds[1:], strict=False):
        span = _span(low, high)
        text.append(CELL[0], style=band_style(band))
        text.append(f" {band:<9}{span}\n")
    return text


def formula() -> Text:
    weights = ", ".join(f"{name} x{weight}" for name, weight in RISK_WEIGHTS.items())
    return Text(f"score = {weights}", style="dim")


def grid_card(grid: GridOnMap | None, limits: dict[str, int]) -> Text:
    if grid is None:
        return Text("")
    risk = grid.risk
    text = Text(printable(f"{grid.name} "), style="bold")
    text.append(f"{grid.code}\n", style="dim")
    text.append(f"score {risk.score}: {band_of(risk.score, limits)}\n")
    text.append(f"open {risk.open} · overdue {risk.overdue}\n")
    text.append(f"alerts {risk.alerts} · rework {risk.rework}\n")
    text.append(f"repeat reports {risk.repeats}")
    return text


class RiskMapScreen(Confined, Screen[None]):
    SHOWS = "the risk map"

    BINDINGS = RISK_MAP_KEYS
    VERTICAL_BREAKPOINTS: ClassVar = [(0, "-short"), (30, "-tall")]

    def __init__(
        self, load: Callable[[Period, Place], RiskData], period: Period, place: Place
    ) -> None:
        super().__init__()
        self.load = load
        self.period = period
        self.place = place

    def compose(self) -> ComposeResult:
        yield Static("", id="map-title")
        with Horizontal(id="map-row"):
            with VerticalScroll(id="map-scroll", can_focus=False):
                yield RiskMap()
            with Vertical(id="map-side"):
                yield Static("", id="grid-card")
                yield Static("", id="legend")
                yield Static(formula(), id="formula")
        yield PlotextPlot(id="trend")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#map-scroll").border_title = "Grids by street and community"
        self.query_one("#trend").border_title = "Cases reported per day, by kind"
        self.reload()

    def _title(self) -> str:
        return (
            f" Risk map · {self.place.name} · {self.period.name} "
            "(open and overdue now; rework and repeats in the period)"
        )

    @work(thread=True, exclusive=True, group="risk-map", exit_on_error=False)
    def reload(self) -> None:
        self.app.call_from_thread(
            self.query_one("#map-title", Static).update, self._title() + " · counting…"
        )
        data = self.load(self.period, self.place)
        self.app.call_from_thread(self._show, data)

    def _show(self, data: RiskData) -> None:
        grids, trend, until = data.grids, data.trend, data.last_day
        self.query_one("#map-title", Static).update(plain(self._title()))
        board = self.query_one(RiskMap)
        board.show(grids)
        self.query_one("#legend", Static).update(legend(board.limits, board.band_style))
        self._card()
        self._plot(trend, until)

    def _card(self) -> None:
        board = self.query_one(RiskMap)
        self.query_one("#grid-card", Static).update(grid_card(board.selected, board.limits))
        self.query_one("#map-scroll", VerticalScroll).scroll_to(
            y=max(0, board.line_of_cursor() - 2), animate=False
        )

    def _plot(self, trend: dict[str, dict[date, int]], until: date) -> None:
        plt = self.query_one(PlotextPlot).plt
        plt.clear_data()
        plt.clear_figure()
        shown = (min(self.period.last, until) - self.period.first).days + 1
        days = [self.period.first + timedelta(days=n) for n in range(max(shown, 1))]
        xs = list(range(1, len(days) + 1))
        for kind in sorted(trend):
            plt.plot(xs, [trend[kind].get(day, 0) for day in days], label=kind, marker="braille")
        step = max(1, len(days) // 6)
        plt.xticks(xs[::step], [f"{day:%m-%d}" for day in days[::step]])
        self.query_one(PlotextPlot).refresh()

    def action_move(self, step: int) -> None:
        self.query_one(RiskMap).move(step)
        self._card()

    def action_line(self, step: int) -> None:
        self.query_one(RiskMap).move_line(step)
        self._card()

    def action_shift(self, steps: int) -> None:
        self.period = self.period.shifted(steps)
        self.reload()

    def action_close(self) -> None:
        self.app.pop_screen()
