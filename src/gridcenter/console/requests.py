"""What a screen asks of the console beyond itself: open a case, an alert or a grid's
queues, acknowledge alerts, move a case. Screens post these; they reach the App (a
screen's parent), which hands them to the dashboard that owns the panes and the moves."""

from collections.abc import Callable
from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenCase(Message):
    code: str


@dataclass
class OpenAlert(Message):
    alert_id: int


@dataclass
class ShowGrid(Message):
    grid_id: int
    name: str


@dataclass
class AcknowledgeAlerts(Message):
    ids: list[int]
    then: Callable[[], object] | None = None


@dataclass
class MoveCase(Message):
    """A case move (reassign, escalate, de-escalate, dispatch) asked for one case by code."""

    move: str
    code: str
