"""Every grid of the territory, grouped by street and community, worst first to the eye."""

from collections import Counter
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style

from gridcenter.console.widgets.columns import Column, cell, cells, header_cells
from gridcenter.console.widgets.line_list import LineList
from gridcenter.domain.status import GridStatus, trouble
from gridcenter.queries.dashboard import EMPTY_BOARD, Board, GridLine

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
        "grid-board--unpatrolled",
    }

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.board: Board = EMPTY_BOARD
        # What each row shows: a heading, or the grid at that index of the board.
        self.entries: list[Heading | int] = []
        self.troubled_only = False
        self.by_trouble = True  # else grouped by street and community
        self._summary = self._count()

    @property
    def row_count(self) -> int:
        return len(self.entries)

    def placeholder(self) -> str:
        return "no grid in trouble" if self.troubled_only else "no grids in this territory"

    def summary(self) -> str:
        """How many grids are in each kind of trouble (counted when the figures change), and
        how the board is ordered and filtered."""
        order = "by trouble (o: by place)" if self.by_trouble else "by place (o: by trouble)"
        only = " · troubled only (t: all)" if self.troubled_only else ""
        return f"{self._summary} · {order}{only}"

    def _count(self) -> str:
        counts = Counter(self.board.status)
        parts = [f"{len(self.board)} grids"]
        for status in (
            GridStatus.ALARM,
            GridStatus.UNSTAFFED,
            GridStatus.NO_DUTY,
            GridStatus.UNPATROLLED,
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
        return None if isinstance(entry, Heading) else self.board.line(entry)

    def set_board(self, board: Board) -> None:
        if board == self.board:
            return  # the same figures: nothing to lay out or draw
        # The rows stay where they are unless the grids moved or a status filters them.
        same_rows = (
            board.places == self.board.places
            and not self.by_trouble
            and not (self.troubled_only and board.status != self.board.status)
        )
        keep = self.selected
        self.board = board
        self._summary = self._count()
        if same_rows:
            self.refresh_rows()
        else:
            self._relay(keep)

    def toggle_troubled(self) -> None:
        self.troubled_only = not self.troubled_only
        self._relay(self.selected)

    def toggle_order(self) -> None:
        self.by_trouble = not self.by_trouble
        self._relay(self.selected)

    def _relay(self, keep: GridLine | None) -> None:
        """Lay the rows out again, the cursor staying on the grid it was on."""
        self._lay_out()
        if keep is not None:
            shown = {entry: row for row, entry in enumerate(self.entries)}
            for index, place in enumerate(self.board.places):
                if place.grid_id == keep.grid_id and index in shown:
                    self.cursor = shown[index]
                    break
        self.update_size()

    def _lay_out(self) -> None:
        board = self.board
        shown = [
            index
            for index in range(len(board))
            if not (self.troubled_only and board.status[index] is GridStatus.NORMAL)
        ]
        if self.by_trouble:
            # Worst first: the rank of its trouble, then the most overdue, alerts and open.
            shown.sort(
                key=lambda i: (
                    trouble(board.status[i], board.overdue[i]),
                    -board.overdue[i],
                    -board.alerts[i],
                    -board.open[i],
                )
            )
            self.entries = list(shown)
            return
        entries: list[Heading | int] = []
        street = community = None
        for index in shown:
            place = board.places[index]
            if place.street != street:
                street, community = place.street, None
                entries.append(Heading(place.street, street=True))
            if place.community != community:
                community = place.community
                entries.append(Heading(place.community, street=False))
            entries.append(index)
        self.entries = entries

    def header(self, width: int) -> list[Segment] | None:
        return [Segment("  "), *header_cells(GRID_COLUMNS, width - 2)]

    def row_key(self, index: int) -> object:
        entry = self.entries[index]
        return entry if isinstance(entry, Heading) else self.board.line(entry)

    def render_row(self, index: int, width: int, base: Style) -> list[Segment]:
        entry = self.entries[index]
        if isinstance(entry, Heading):
            name = "grid-board--street" if entry.street else "grid-board--community"
            indent = "" if entry.street else " "
            return [cell(indent + entry.text, width, base + self.style_of(name))]
        grid = self.board.line(entry)
        status_style = self._status_style(grid.status)
        values = {
            "status": f"{grid.status.symbol} {grid.status.value.upper()}",
            "grid": grid.name,
            "open": str(grid.open),
            "over": str(grid.overdue or ""),
            "alerts": str(grid.alerts or ""),
        }
        styles = {"status": status_style, "over": status_style}
        return [Segment("  ", base), *cells(GRID_COLUMNS, width - 2, values, base, styles)]

    def _status_style(self, status: GridStatus) -> Style:
        name = {
            GridStatus.ALARM: "grid-board--alarm",
            GridStatus.WARNING: "grid-board--warning",
            GridStatus.UNSTAFFED: "grid-board--unstaffed",
            GridStatus.NO_DUTY: "grid-board--no-duty",
            GridStatus.UNPATROLLED: "grid-board--unpatrolled",
            GridStatus.NORMAL: "line-list--dim",
        }[status]
        return self.style_of(name)
