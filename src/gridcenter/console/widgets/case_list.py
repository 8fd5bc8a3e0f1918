"""A list of cases with ticking countdowns, read a page at a time."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.message import Message

from gridcenter.console.widgets.columns import Column, cell, cells, header_cells
from gridcenter.console.widgets.line_list import LineList
from gridcenter.formatting import time_left
from gridcenter.queries.cases import CaseRow

PAGE = 100
SOON_S = 3600  # under an hour left: the countdown turns amber

QUEUE_COLUMNS = [
    Column("code", 12),
    Column("step", 10, drop=2),
    Column("category", 14, flex=True),
    Column("grid", 13, drop=3),
    Column("assignee", 12, flex=True, drop=4),
    Column("time left", 12, right=True),
]
TIMER_COLUMNS = [
    Column("code", 12),
    Column("lvl", 3),
    Column("category", 12, flex=True, drop=1),
    Column("grid", 13, drop=2),
    Column("assignee", 12, flex=True, drop=3),
    Column("time left", 12, right=True),
]

PageLoader = Callable[[int, int], list[CaseRow]]


class CaseList(LineList):
    BINDINGS = [
        Binding(
            "space",
            "mark",
            "Mark",
            show=False,
            id="cases.mark",
            tooltip="mark the case (again: unmark); r, e and E then move every marked case",
        )
    ]
    COMPONENT_CLASSES = LineList.COMPONENT_CLASSES | {
        "case-list--marked",
        "case-list--overdue",
        "case-list--late",
        "case-list--soon",
        "case-list--parked",
    }

    def __init__(
        self,
        now: Callable[[], datetime],
        columns: list[Column],
        *,
        empty: str = "no open cases",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.now = now
        self.columns = columns
        self.empty = empty
        self.total = 0
        self.pages: dict[int, list[CaseRow]] = {}
        self.loader: PageLoader | None = None
        self._pending: set[int] = set()
        self.marked: dict[str, CaseRow] = {}  # code -> the row as it was when marked

    @property
    def row_count(self) -> int:
        return self.total

    def action_mark(self) -> None:
        row = self.selected
        if row is None:
            return
        if self.marked.pop(row.code, None) is None:
            self.marked[row.code] = row
        self.refresh_rows()
        self.post_message(self.Marked(self))

    def clear_marks(self) -> None:
        if self.marked:
            self.marked.clear()
            self.refresh_rows()
            self.post_message(self.Marked(self))

    @dataclass
    class Marked(Message):
        """The marked cases changed."""

        cases: "CaseList"

    def placeholder(self) -> str:
        return self.empty

    def row_at(self, index: int) -> CaseRow | None:
        page = self.pages.get(index // PAGE)
        if page is None or index % PAGE >= len(page):
            return None
        return page[index % PAGE]

    @property
    def selected(self) -> CaseRow | None:
        return self.row_at(self.cursor) if self.total else None

    def wanted_pages(self) -> list[int]:
        """The pages a refresh should read again: those around the cursor and the view."""
        top = round(self.scroll_y) // PAGE
        bottom = (round(self.scroll_y) + self.size.height) // PAGE
        return sorted({0, top, bottom, self.cursor // PAGE})

    def set_data(self, total: int, pages: dict[int, list[CaseRow]], reset: bool = False) -> None:
        """New rows from a refresh; the selected case keeps the cursor if it is still listed."""
        keep = None if reset else self.selected
        self.total = total
        self.pages = pages
        self._pending.clear()
        if reset:
            self.cursor = 0
            self.scroll_to(y=0, animate=False)
        elif keep is not None:
            index = self._index_of(keep.code)
            if index is not None and index != self.cursor:
                self.cursor = index
        self.update_size()

    def _index_of(self, code: str) -> int | None:
        for number, page in self.pages.items():
            for offset, row in enumerate(page):
                if row.code == code:
                    return number * PAGE + offset
        return None

    def _request(self, page: int) -> None:
        if self.loader is None or page in self._pending:
            return
        self._pending.add(page)
        loader = self.loader

        def load() -> None:
            rows = loader(page * PAGE, PAGE)
            self.app.call_from_thread(self._store_page, page, rows)

        self.run_worker(load, thread=True, group=f"page-{page}")

    def _store_page(self, page: int, rows: list[CaseRow]) -> None:
        self.pages[page] = rows
        self._pending.discard(page)
        self.refresh_rows()

    def header(self, width: int) -> list[Segment] | None:
        return header_cells(self.columns, width)

    def row_key(self, index: int) -> object:
        row = self.row_at(index)
        if row is None:
            return None
        left = row.time_left(self.now())
        marked = row.code in self.marked
        return row, time_left(left, row.parked), self._timer_class(left, row), marked

    def render_row(self, index: int, width: int, base: Style) -> list[Segment]:
        row = self.row_at(index)
        if row is None:
            self._request(index // PAGE)
            return [cell("…", width, base + self.style_of("line-list--dim"))]
        left = row.time_left(self.now())
        timer = self._timer_class(left, row)
        values = {
            "code": row.code,
            "lvl": row.level,
            "step": row.step.replace("_", " "),
            "category": row.category,
            "grid": row.grid,
            "assignee": row.assignee or "-",
            "time left": time_left(left, row.parked),
        }
        timer_style = self.style_of(timer) if timer else Style()
        if row.code in self.marked:
            base = base + self.style_of("case-list--marked")
        return cells(self.columns, width, values, base, {"time left": timer_style})

    def _timer_class(self, left: float | None, row: CaseRow) -> str | None:
        """How the countdown is shown: the component class of its style, if any."""
        if left is None:
            return None
        if row.parked:
            return "case-list--parked"
        if left < -86400:
            return "case-list--late"
        if left < 0:
            return "case-list--overdue"
        if left < SOON_S:
            return "case-list--soon"
        return None


class TimerList(CaseList):
    """The timers pane: overdue cases first (the most overdue first), a divider, then the
    cases due soon. One list, read whole at each refresh, so no pages to fetch."""

    def __init__(self, now: Callable[[], datetime], id: str | None = None) -> None:
        super().__init__(now, TIMER_COLUMNS, empty="nothing overdue or due within 4 hours", id=id)
        self.lines: list[CaseRow | None] = []  # None is the divider

    @property
    def row_count(self) -> int:
        return len(self.lines)

    def row_at(self, index: int) -> CaseRow | None:
        return self.lines[index] if 0 <= index < len(self.lines) else None

    def set_timers(self, overdue: list[CaseRow], soon: list[CaseRow]) -> None:
        keep = self.selected
        divider: list[CaseRow | None] = [None] if overdue and soon else []
        self.lines = [*overdue, *divider, *soon]
        self.total = len(self.lines)
        if keep is not None:
            for index, row in enumerate(self.lines):
                if row is not None and row.code == keep.code and index != self.cursor:
                    self.cursor = index
        self.update_size()

    def row_key(self, index: int) -> object:
        return "divider" if self.lines[index] is None else super().row_key(index)

    def render_row(self, index: int, width: int, base: Style) -> list[Segment]:
        if self.lines[index] is None:
            label = " due within 4 hours "
            side = max(width - len(label), 0) // 2
            line = "─" * side + label + "─" * (width - side - len(label))
            return [cell(line, width, base + self.style_of("line-list--header"))]
        return super().render_row(index, width, base)
