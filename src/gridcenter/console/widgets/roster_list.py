"""Who is on duty now at each post, until when, how to reach them, and who is next."""

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.message import Message

from gridcenter.console.widgets.columns import Column, cells, header_cells
from gridcenter.console.widgets.line_list import LineList
from gridcenter.formatting import local
from gridcenter.queries.dashboard import PostDuty

# Post names run to 30 characters and the next shift to 25: on a wall both fit whole.
ROSTER_COLUMNS = [
    Column("post", 16, flex=2),
    Column("on duty", 13),
    Column("phone", 11, drop=2),
    Column("until", 11),
    Column("next", 16, flex=1, drop=1),
]


class RosterList(LineList):
    @dataclass
    class Reveal(Message):
        """Show the full phone of whoever holds this post (allowed roles only; recorded)."""

        post: PostDuty

    BINDINGS = [
        Binding(
            "v",
            "reveal",
            "Reveal phone",
            id="roster.reveal",
            tooltip="reveal the duty officer's phone (allowed roles only; recorded)",
        )
    ]

    COMPONENT_CLASSES = LineList.COMPONENT_CLASSES | {"roster-list--nobody"}

    def __init__(self, timezone: Callable[[], ZoneInfo], id: str | None = None) -> None:
        super().__init__(id=id)
        self.timezone = timezone
        self.posts: list[PostDuty] = []

    @property
    def row_count(self) -> int:
        return len(self.posts)

    def placeholder(self) -> str:
        return "no duty posts in this territory"

    @property
    def selected(self) -> PostDuty | None:
        return self.posts[self.cursor] if self.posts else None

    def action_reveal(self) -> None:
        post = self.selected
        if post is not None:
            self.post_message(self.Reveal(post))

    def set_posts(self, posts: list[PostDuty]) -> None:
        if posts == self.posts:
            return
        self.posts = posts
        self.update_size()

    def header(self, width: int) -> list[Segment] | None:
        return header_cells(ROSTER_COLUMNS, width)

    def row_key(self, index: int) -> object:
        return self.posts[index]

    def render_row(self, index: int, width: int, base: Style) -> list[Segment]:
        post = self.posts[index]
        tz = self.timezone()
        nobody = post.on_duty is None
        next_text = (
            f"{post.next_name} {local(post.next_from, tz, '%a %H:%M')}" if post.next_name else "-"
        )
        values = {
            "post": post.post,
            "on duty": "NOBODY ON DUTY" if nobody else str(post.on_duty),
            "phone": post.phone,
            "until": local(post.until, tz, "%a %H:%M"),
            "next": next_text,
        }
        style = base + self.style_of("roster-list--nobody") if nobody else base
        return cells(ROSTER_COLUMNS, width, values, style)
