"""A keyboard-driven list that draws only the lines on screen (Textual's Line API).

Every pane is one of these: it keeps a cursor, scrolls to it, and asks its
subclass to draw a row only when that row is visible, so a list of 100,000
rows costs no more to draw than a list of ten. After new data (or a tick of
the clock) it draws again only the lines that would look different.
"""

from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from gridcenter.console.widgets.columns import cell


class LineList(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="list.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="list.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="list.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="list.page_down"),
        Binding("home", "jump(0)", "First", show=False, id="list.first"),
        Binding("end", "jump(-1)", "Last", show=False, id="list.last"),
        Binding(
            "enter",
            "choose",
            "Open",
            id="list.choose",
            tooltip="open the case or alert; on a grid: filter the queues to it",
        ),
    ]
    COMPONENT_CLASSES = {
        "line-list--cursor",
        "line-list--cursor-blurred",
        "line-list--dim",
        "line-list--header",
    }
    # What makes the list work anywhere; how its lines look is in gridcenter.tcss.
    DEFAULT_CSS = """
    LineList { height: 1fr; overflow-x: hidden; }
    """

    cursor: reactive[int] = reactive(0, repaint=False)  # watch_cursor draws the two lines

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._frame_styles: dict[str, Style] = {}
        # What each line on screen was drawn from (see `_line_key`), by its y.
        self._drawn: dict[int, object] = {}

    class Highlighted(Message):
        def __init__(self, source: "LineList", index: int) -> None:
            super().__init__()
            self.source = source
            self.index = index

    class Chosen(Message):
        def __init__(self, source: "LineList", index: int) -> None:
            super().__init__()
            self.source = source
            self.index = index

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def render_row(self, index: int, width: int, base: Style) -> list[Segment]:
        raise NotImplementedError

    def row_key(self, index: int) -> object:
        """What `render_row` draws row `index` from: equal keys draw the same row."""
        raise NotImplementedError

    def header(self, width: int) -> list[Segment] | None:
        """A line that stays on top while the rows scroll; a list without one keeps this."""
        return None

    @property
    def _top(self) -> int:
        # Asked for every line drawn: whether the class has a header, not the header itself.
        return 0 if type(self).header is LineList.header else 1

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame_styles.clear()  # a theme may have changed since the last frame
        return super().render_lines(crop)

    def style_of(self, component: str) -> Style:
        """A component class's style, looked up once per frame rather than once per line
        (a wall screen draws thousands of cells a second)."""
        if component not in self._frame_styles:
            self._frame_styles[component] = self.get_component_rich_style(component)
        return self._frame_styles[component]

    def _base_style(self) -> Style:
        if "" not in self._frame_styles:
            self._frame_styles[""] = self.rich_style
        return self._frame_styles[""]

    def placeholder(self) -> str:
        """What an empty list says."""
        return "nothing here"

    def update_size(self) -> None:
        size = Size(self.scrollable_content_region.width, self.row_count + self._top)
        old, window = self.virtual_size, self.scrollable_content_region.height
        if size.width == old.width and (size.height > window) == (old.height > window):
            # A list that grew or shrank and still does (or does not) fill its window: the
            # pane keeps its size and its scrollbar, so the screen needs no new layout
            # (which a changed virtual size asks for, and which repaints everything); only
            # the scrollbar's thumb moves. A queue's count moves at almost every refresh.
            self.set_reactive(LineList.virtual_size, size)
        else:
            self.virtual_size = size
        if self.row_count and self.cursor >= self.row_count:
            self.cursor = self.row_count - 1
        self.refresh_rows()

    def on_resize(self) -> None:
        self.update_size()

    def _line_key(self, y: int) -> object:
        """Everything line `y` is drawn from: its row, where the cursor is, the width."""
        width, top = self.scrollable_content_region.width, self._top
        if y < top:
            return width, "header"
        if not self.row_count:
            return width, "empty", self.placeholder() if y == top else ""
        index = y - top + round(self.scroll_y)
        if index >= self.row_count:
            return width, "blank"
        cursor = self.has_focus if index == self.cursor else None
        return width, index, cursor, self.row_key(index)

    def refresh_rows(self) -> None:
        """Draw again the lines that would look different from what they show: after a
        refresh of the store most lines are as they were, and a tick of the clock moves
        only the countdowns that show seconds. (Focus and blur draw the whole list: Textual
        does that itself.)"""
        height = self.scrollable_content_region.height
        changed = [y for y in range(height) if self._drawn.get(y) != self._line_key(y)]
        if len(changed) >= height:
            self.refresh()
            return
        width = self.scrollable_content_region.width
        runs: list[list[int]] = []
        for y in changed:
            if runs and runs[-1][1] == y:
                runs[-1][1] = y + 1
            else:
                runs.append([y, y + 1])
        for start, end in runs:
            self.refresh(Region(0, start, width, end - start))

    def render_line(self, y: int) -> Strip:
        self._drawn[y] = self._line_key(y)
        width = self.scrollable_content_region.width
        top = self._top
        if y < top:
            style = self._base_style() + self.style_of("line-list--header")
            strip = Strip(self.header(width) or []).apply_style(style)
            return strip.adjust_cell_length(width, style)
        index = y - top + round(self.scroll_y)
        if not self.row_count:
            text = self.placeholder() if y == top else ""
            style = self.style_of("line-list--dim")
            return Strip([cell(text, width, style)], width)
        if index >= self.row_count:
            return Strip.blank(width, self._base_style())
        base = self._base_style()
        if index == self.cursor:
            name = "line-list--cursor" if self.has_focus else "line-list--cursor-blurred"
            base = base + self.style_of(name)
        segments = self.render_row(index, width, base)
        return Strip(segments).adjust_cell_length(width, base).simplify()

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_region_of(new)
        self.refresh_rows()
        self.post_message(self.Highlighted(self, new))

    def scroll_to_region_of(self, index: int) -> None:
        height = self.scrollable_content_region.height - self._top
        top = round(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif height and index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False)

    def to_top(self) -> None:
        """The first row selected and shown, as on a console nobody is touching."""
        self.cursor = 0
        self.scroll_to(y=0, animate=False)

    def action_cursor(self, step: int) -> None:
        if self.row_count:
            self.cursor = min(max(self.cursor + step, 0), self.row_count - 1)

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(self.scrollable_content_region.height - 1, 1))

    def action_jump(self, index: int) -> None:
        if self.row_count:
            self.cursor = index % self.row_count

    def action_choose(self) -> None:
        if self.row_count:
            self.post_message(self.Chosen(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        if self.row_count and event.y >= self._top:
            self.cursor = min(event.y - self._top + round(self.scroll_y), self.row_count - 1)
