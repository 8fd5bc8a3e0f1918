"""Every grid of the territory, grouped by street and community, worst first to the eye."""

from collections import Counter
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style

from gridcenter.console.widgets.columns import Column, cell, cells, header_cells
from gridcenter.console.widgets.line_list import LineList
from gridcenter.domain.status import GridStatus
from gridcenter.queries.dashboard import GridLine

GRID_COLUMNS = [
    Column("status", 11),
    Column("grid", 12, flex=True),
    Column("open", 5, right=True),
    Column("over", 5, right=True),
    Column("alerts", 6, right=True, drop=1),
]


@dataclass(frozen=True)
class Heading:
    text: str
    street: bool


class GridBoard(LineList):
    COMPONENT_CLASSES = LineList.COMPONENT_CLASSES | {
        "grid-board--street",
        "grid-board--community",
        "grid-board--alarm",
        "grid-board--warning",
        "grid-board--unstaffed",
        "grid-board--no-duty",
    }
    DEFAULT_CSS = """
    GridBoard > .grid-board--street { color: $primary; text-style: bold; }
    GridBoard > .grid-board--community { color: $text-muted; }
    GridBoard > .grid-board--alarm { color: $error; text-style: bold; }
    GridBoard > .grid-board--warning { color: $warning; }
    GridBoard > .grid-board--unstaffed { color: $error; text-style: italic; }
    GridBoard > .grid-board--no-duty { color: $warning; text-style: italic; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.grids: list[GridLine] = []
        self.entries: list[Heading | GridLine] = []
        self.troubled_only = False
        self._summary = self._count()

    @property
    def row_count(self) -> int:
        return len(self.entries)

    def placeholder(self) -> str:
        return "no grid in trouble" if self.troubled_only else "no grids in this territory"

    def summary(self) -> str:
        """How many grids are in each kind of trouble (counted when the lines change)."""
        return self._summary

    def _count(self) -> str:
        counts = Counter(grid.status for grid in self.grids)
        parts = [f"{len(self.grids)} grids"]
        for status in (
            GridStatus.ALARM,
            GridStatus.UNSTAFFED,
            GridStatus.NO_DUTY,
            GridStatus.WARNING,
        ):
            if counts[status]:
                parts.append(f"{status.symbol} {counts[status]} {status.value}")
        return " · ".join(parts)

    @property
    def selected(self) -> GridLine | None:
        if not self.entries:
            return None
        entry = self.entries[min(self.cursor, len(self.entries) - 1)]
        return entry if isinstance(entry, GridLine) else None

    def set_grids(self, grids: list[GridLine]) -> None:
        if grids == self.grids:
            return  # the same lines (the feed keeps unchanged ones): nothing to lay out or draw
        self.grids = grids
        self._summary = self._count()
        self._relay()

    def toggle_troubled(self) -> None:
        self.troubled_only = not self.troubled_only
        self._relay()

    def _relay(self) -> None:
        """Lay the lines out again, the cursor staying on the grid it was on."""
        keep = self.selected
        self._lay_out()
        if keep is not None:
            for index, entry in enumerate(self.entries):
                if isinstance(entry, GridLine) and entry.grid_id == keep.grid_id:
                    self.cursor = index
                    break
        self.update_size()

    def _lay_out(self) -> None:
        entries: list[Heading | GridLine] = []
        street = community = None
        for grid in self.grids:
            if self.troubled_only and grid.status is GridStatus.NORMAL:
                continue
            if grid.street != street:
                street, community = grid.street, None
                entries.append(Heading(grid.street, street=True))
            if grid.community != community:
                community = grid.community
                entries.append(Heading(grid.community, street=False))
            entries.append(grid)
        self.entries = entries

    def header(self, width: int) -> list[Segment] | None:
        return [Segment("  "), *header_cells(GRID_COLUMNS, width - 2)]

    def render_row(self, index: int, width: int, base: Style) -> list[Segment]:
        entry = self.entries[index]
        if isinstance(entry, Heading):
            name = "grid-board--street" if entry.street else "grid-board--community"
            indent = "" if entry.street else " "
            return [cell(indent + entry.text, width, base + self.style_of(name))]
        status_style = self._status_style(entry.status)
        values = {
            "status": f"{entry.status.symbol} {entry.status.value.upper()}",
            "grid": entry.name,
            "open": str(entry.open),
            "over": str(entry.overdue or ""),
            "alerts": str(entry.alerts or ""),
        }
        styles = {"status": status_style, "over": status_style}
        return [Segment("  ", base), *cells(GRID_COLUMNS, width - 2, values, base, styles)]

    def _status_style(self, status: GridStatus) -> Style:
        name = {
            GridStatus.ALARM: "grid-board--alarm",
            GridStatus.WARNING: "grid-board--warning",
            GridStatus.UNSTAFFED: "grid-board--unstaffed",
            GridStatus.NO_DUTY: "grid-board--no-duty",
            GridStatus.NORMAL: "line-list--dim",
        }[status]
        return self.style_of(name)
