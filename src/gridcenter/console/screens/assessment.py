"""The assessment screen: a period and a place, the headline figures, the places below,
the ranked tables; enter drills down street -> community -> grid -> the cases behind."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static

from gridcenter.console.keys import ASSESSMENT_KEYS
from gridcenter.console.screens.confined import Confined
from gridcenter.console.text import plain
from gridcenter.domain.assessment import Behind
from gridcenter.domain.periods import KINDS, Period
from gridcenter.queries.assessment import CaseBehind, Place
from gridcenter.report.document import (
    TERRITORY_HEADERS,
    duration,
    headline,
    ranked_value,
    territory_row,
)
from gridcenter.services.assessment import Assessment

# Headline figures that open the cases behind them, by the figure's name (its row's key).
CASES_BEHIND = {
    "Reported": Behind.REPORTED,
    "Completion": Behind.OPEN,
    "On-time closure": Behind.LATE,
}
BREAKDOWN_ORDER = (
    "streets",
    "communities",
    "grids",
    "categories",
    "departments",
    "people",
    "grid workers",
    "dispatchers",
)


def _box(table_id: str, title: str = "") -> Vertical:
    """A titled table; a box without a fixed title has its label retitled as the view moves."""
    label = Label(title, classes="box-title", id=None if title else f"{table_id}-title")
    table = DataTable(id=table_id, cursor_type="row", zebra_stripes=True)
    return Vertical(label, table, classes="box")


@dataclass(frozen=True)
class AssessmentSource:
    """What the screen may ask of the store, as the app allows it."""

    assess: Callable[[Period, Place], Assessment]
    cases: Callable[[Period, Place, Behind], list[CaseBehind]]
    open_case: Callable[[str], None]
    open_map: Callable[[Period, Place], None]


class AssessmentScreen(Confined, Screen[None]):
    SHOWS = "the assessment"

    BINDINGS = ASSESSMENT_KEYS
    HORIZONTAL_BREAKPOINTS: ClassVar = [(0, "-thin"), (120, "-broad")]
    VERTICAL_BREAKPOINTS: ClassVar = [(0, "-short"), (30, "-tall")]

    def __init__(self, source: AssessmentSource, period: Period, place: Place) -> None:
        super().__init__()
        self.source = source
        self.period = period
        self.trail = [place]  # the places drilled through, the district first
        self.breakdown = 0
        self.measure = 0
        self.result: Assessment | None = None
        self.showing_cases: list[str] = []  # case codes listed in the places box, if any

    def compose(self) -> ComposeResult:
        yield Static("", id="assess-title")
        with Grid(id="assess-body"):
            yield _box("headline", "Headline (c: the cases behind a row)")
            yield _box("places")
            yield _box("steps", "Time per step")
            yield _box("ranked")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#headline", DataTable).add_columns("Figure", "Value", "Behind it")
        self.query_one("#steps", DataTable).add_columns("Step", "Done", "Average", "p90")
        self.query_one("#ranked", DataTable).add_columns("#", "Best", "", "Worst", "")
        self.query_one("#places", DataTable).focus()
        self.reload()

    @property
    def place(self) -> Place:
        return self.trail[-1]

    def _title(self) -> str:
        where = " > ".join(place.name for place in self.trail)
        period = self.period
        span = f"{period.first:%Y-%m-%d} to {period.last:%Y-%m-%d}"
        return f" Assessment · {where} · {period.name} ({period.kind}, {span})"

    @work(thread=True, exclusive=True, group="assessment", exit_on_error=False)
    def reload(self) -> None:
        self.app.call_from_thread(self._loading)
        result = self.source.assess(self.period, self.place)
        self.app.call_from_thread(self._show, result)

    def _loading(self) -> None:
        self.query_one("#assess-title", Static).update(plain(self._title() + " · counting…"))

    def _show(self, result: Assessment) -> None:
        self.result = result
        self.showing_cases = []
        self.query_one("#assess-title", Static).update(plain(self._title()))
        table = self.query_one("#headline", DataTable)
        table.clear()
        for name, *figures in headline(result.whole):
            table.add_row(name, *figures, key=name)
        steps = self.query_one("#steps", DataTable)
        steps.clear()
        for step in result.steps:
            steps.add_row(
                step.step.replace("_", " "),
                str(step.count),
                duration(step.mean_s),
                duration(step.p90_s),
            )
        places = self.query_one("#places", DataTable)
        places.clear(columns=True)
        if result.below:
            kind = result.below[0].place.kind
            self.query_one("#places-title", Label).update(
                f"By {kind} (enter: drill down, backspace: up)"
            )
            places.add_columns(*TERRITORY_HEADERS)
            for below in result.below:
                name, *figures = territory_row(below.place.name, below.tally)
                places.add_row(plain(name), *figures)
        else:
            self.list_cases(Behind.REPORTED)
        self._show_ranked()

    @work(thread=True, exclusive=True, group="assessment-cases", exit_on_error=False)
    def list_cases(self, figure: Behind) -> None:
        """The cases behind a figure, read off the screen's thread, then shown."""
        rows = self.source.cases(self.period, self.place, figure)
        self.app.call_from_thread(self._show_cases, figure, rows)

    def _show_cases(self, figure: Behind, rows: list[CaseBehind]) -> None:
        places = self.query_one("#places", DataTable)
        places.clear(columns=True)
        places.add_columns("Case", "Title", "Step", "Grid")
        for row in rows:
            places.add_row(row.code, plain(row.title), row.step.replace("_", " "), plain(row.grid))
        self.showing_cases = [row.code for row in rows]
        self.query_one("#places-title", Label).update(
            f"Cases {figure.shown}: {len(rows)}{'+' if len(rows) >= 200 else ''} "
            "(enter: open, backspace: back)"
        )

    def _breakdowns(self) -> list[str]:
        if self.result is None:
            return []
        present = {table.breakdown for table in self.result.tables}
        return [name for name in BREAKDOWN_ORDER if name in present]

    def _show_ranked(self) -> None:
        ranked = self.query_one("#ranked", DataTable)
        ranked.clear()
        breakdowns = self._breakdowns()
        if self.result is None or not breakdowns:
            return
        breakdown = breakdowns[self.breakdown % len(breakdowns)]
        # "departments" names two tables: by cases (completion, ...) and by handling on time.
        tables = [t for t in self.result.tables if t.breakdown == breakdown]
        table = tables[self.measure % len(tables)]
        self.query_one("#ranked-title", Label).update(
            f"Ranked {breakdown} by {table.title.lower()} (b: breakdown, f: figure)"
        )

        def shown(value: float) -> str:
            return ranked_value(value, table.percent)

        for index in range(max(len(table.best), len(table.worst))):
            best = table.best[index] if index < len(table.best) else None
            worst = table.worst[index] if index < len(table.worst) else None
            ranked.add_row(
                str(index + 1),
                plain(best.label) if best else "",
                shown(best.value) if best else "",
                plain(worst.label) if worst else "",
                shown(worst.value) if worst else "",
            )
        if not table.best:
            ranked.add_row("", "too few cases to rank (fewer than 3 each)", "", "", "")

    # -- actions ------------------------------------------------------------------

    def action_shift(self, steps: int) -> None:
        self.period = self.period.shifted(steps)
        self.reload()

    def action_kind(self) -> None:
        kinds = list(KINDS)
        current = kinds.index(self.period.kind) if self.period.kind in kinds else -1
        self.period = self.period.with_kind(kinds[(current + 1) % len(kinds)])
        self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter: on a headline row, the cases behind it; on a place, drill down."""
        if event.data_table.id == "headline":
            self.action_cases_behind()
        elif event.data_table.id == "places":
            self.drill(event.cursor_row)

    def drill(self, row: int) -> None:
        if self.result is None:
            return
        if self.showing_cases:
            self.source.open_case(self.showing_cases[row])
        elif row < len(self.result.below):
            self.trail.append(self.result.below[row].place)
            self.reload()

    def action_cases_behind(self) -> None:
        table = self.query_one("#headline", DataTable)
        row = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        figure = CASES_BEHIND.get(row.value or "") if table.row_count else None
        if figure is None:
            self.notify("Choose the reported, completion or on-time row", severity="warning")
            return
        self.list_cases(figure)
        self.query_one("#places", DataTable).focus()

    def action_up(self) -> None:
        if self.showing_cases and self.result is not None and self.result.below:
            self._show(self.result)  # back from a case list to the places
        elif len(self.trail) > 1:
            self.trail.pop()
            self.reload()

    def action_breakdown(self) -> None:
        self.breakdown += 1
        self.measure = 0
        self._show_ranked()

    def action_measure(self) -> None:
        self.measure += 1
        self._show_ranked()

    def action_risk_map(self) -> None:
        self.source.open_map(self.period, self.place)

    def action_close(self) -> None:
        self.app.pop_screen()
