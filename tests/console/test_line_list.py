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

    def row_key(self, index: int) -> object:
        return index

    def render_row(self, index: int, width: int, base: Style) -> list[Segment]:
        return [Segment(f"row {index}", base)]


class Words(LineList):
    """Rows of words that change, counting the rows it draws."""

    DEFAULT_CSS = "Words { height: 10; }"

    def __init__(self, words: list[str]) -> None:
        super().__init__()
        self.words = words
        self.drawn: list[int] = []

    @property
    def row_count(self) -> int:
        return len(self.words)

    def row_key(self, index: int) -> object:
        return self.words[index]

    def render_row(self, index: int, width: int, base: Style) -> list[Segment]:
        self.drawn.append(index)
        return [Segment(self.words[index], base)]


class WordList(App[None]):
    def compose(self) -> ComposeResult:
        yield Words([f"word {n}" for n in range(20)])


class OneList(App[None]):
    def compose(self) -> ComposeResult:
        yield Numbers(100)


def shown(widget: LineList) -> list[str]:
    return [strip.text.strip() for strip in widget.render_lines(widget.size.region)]


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
        assert shown(numbers)[0] == "row 55" and numbers.scroll_y == 55

        # Fewer rows, still more than the window holds: drawn in place, no new layout,
        # and the window moves up so that it is still full.
        numbers.rows = 60
        numbers.update_size()
        await pilot.pause()
        assert numbers.cursor == 55 and numbers.max_scroll_y == 50 and numbers.scroll_y == 50
        assert numbers.vertical_scrollbar.window_virtual_size == 60
        assert shown(numbers)[-1] == "row 59"

        # So few rows that they all fit: the scrollbar goes, through a layout.
        numbers.rows = 5
        numbers.update_size()
        await pilot.pause()
        assert not numbers.show_vertical_scrollbar
        assert shown(numbers)[:6] == ["row 0", "row 1", "row 2", "row 3", "row 4", ""]


async def test_new_data_draws_again_only_the_lines_that_look_different() -> None:
    app = WordList()
    async with app.run_test(size=(40, 12)) as pilot:
        words = app.query_one(Words)
        words.update_size()
        await pilot.pause()
        words.update_size()  # narrower by the scrollbar the first one brought
        await pilot.pause()
        assert set(words.drawn) >= set(range(10))

        words.drawn.clear()
        words.update_size()  # the same rows: nothing to draw
        await pilot.pause()
        assert words.drawn == []

        words.words[3] = "changed"
        words.words[4] = "changed too"
        words.words[15] = "off screen"  # not drawn until scrolled to
        words.update_size()
        await pilot.pause()
        assert sorted(words.drawn) == [3, 4]
        assert shown(words)[2:6] == [
            "word 2",
            "changed",
            "changed too",
            "word 5",
        ]

        words.drawn.clear()
        words.action_cursor(1)  # the cursor leaves row 0 for row 1: two lines look different
        await pilot.pause()
        assert sorted(words.drawn) == [0, 1]
