"""The list every pane is made of, on its own."""

from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult

from gridcenter.console.widgets.line_list import LineList


class Numbers(LineList):
    DEFAULT_CSS = "Numbers { height: 10; }"

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    @property
    def row_count(self) -> int:
        return self.rows

    def render_row(self, index: int, width: int, base: Style) -> list[Segment]:
        return [Segment(f"row {index}", base)]


class OneList(App[None]):
    def compose(self) -> ComposeResult:
        yield Numbers(100)


def shown(app: OneList) -> list[str]:
    lines = app.query_one(Numbers).render_lines(app.query_one(Numbers).size.region)
    return [strip.text.strip() for strip in lines]


async def test_a_list_that_shrinks_keeps_its_scrollbar_true_and_its_window_full() -> None:
    app = OneList()
    async with app.run_test(size=(40, 12)) as pilot:
        numbers = app.query_one(Numbers)
        numbers.update_size()
        await pilot.pause()
        numbers.action_jump(55)  # row 55 at the top of the window
        await pilot.pause()
        numbers.action_jump(-1)
        numbers.action_jump(55)
        await pilot.pause()
        assert shown(app)[0] == "row 55" and numbers.scroll_y == 55

        # Fewer rows, still more than the window holds: drawn in place, no new layout,
        # and the window moves up so that it is still full.
        numbers.rows = 60
        numbers.update_size()
        await pilot.pause()
        assert numbers.cursor == 55 and numbers.max_scroll_y == 50 and numbers.scroll_y == 50
        assert numbers.vertical_scrollbar.window_virtual_size == 60
        assert shown(app)[-1] == "row 59"

        # So few rows that they all fit: the scrollbar goes, through a layout.
        numbers.rows = 5
        numbers.update_size()
        await pilot.pause()
        assert not numbers.show_vertical_scrollbar
        assert shown(app)[:6] == ["row 0", "row 1", "row 2", "row 3", "row 4", ""]
