"""The keys of the console's big screens, named once: the dashboard, the assessment and the
risk map bind these lists; the help screen and the command palette read the bindings. The
small dialogs (a case, a reason, an assignee) keep their few keys beside them."""

from typing import NamedTuple

from textual.binding import Binding


class MoveKey(NamedTuple):
    key: str
    move: str  # a name of domain.loop.MOVES: the console offers it where the loop allows it
    words: str
    shown: bool  # in the footer (when it applies to the highlighted case)
    does: str = ""


# The moves on a case, on the dashboard (the highlighted case) and on a case's own screen.
CASE_MOVE_KEYS = [
    MoveKey("f", "file", "File", True, "file and classify a reported case: category, level"),
    MoveKey("D", "dismiss", "Dismiss", False, "dismiss a report that is not a case"),
    MoveKey("d", "dispatch", "Dispatch", True),
    MoveKey("r", "reassign", "Reassign", True),
    MoveKey("e", "escalate", "Escalate", True, "escalate one level, with a reason"),
    MoveKey("E", "deescalate", "De-escalate", False, "de-escalate one level, with a reason"),
    MoveKey("b", "feed_back", "Feed back", True, "record what was done (the handler's feedback)"),
    MoveKey("c", "verify", "Check", True, "verify on site: passed, or failed and back to rework"),
    MoveKey("x", "close", "Close", True, "close with the resident's satisfaction"),
    MoveKey("R", "reopen", "Reopen", False, "reopen a closed case, with a reason"),
    MoveKey("p", "park", "Park", False, "park: stop the clock, with a reason"),
    MoveKey("p", "unpark", "Unpark", False, "unpark: the clock runs on with the time it had"),
    MoveKey("X", "extension", "Extension", False, "request an extension, or grant or refuse one"),
    MoveKey("P", "place", "Place", True, "place a case no grid covers in a grid"),
    MoveKey("M", "merge", "Merge", False, "merge a repeat report into the case it repeats"),
]

DASHBOARD_KEYS = [
    Binding("tab", "next_pane", "Next pane", show=False, priority=True, id="pane.next"),
    Binding(
        "shift+tab", "previous_pane", "Previous pane", show=False, priority=True, id="pane.previous"
    ),
    Binding("left", "level(-1)", "Lower level", show=False, id="queue.level_down"),
    Binding("right", "level(1)", "Higher level", show=False, id="queue.level_up"),
    Binding("1", "show_level('A')", "Queue A", show=False, id="queue.a"),
    Binding("2", "show_level('B')", "Queue B", show=False, id="queue.b"),
    Binding("3", "show_level('C')", "Queue C", show=False, id="queue.c"),
    Binding("4", "show_level('D')", "Queue D", show=False, id="queue.d"),
    Binding("u", "show_unplaced", "Unplaced queue", show=False, id="queue.unplaced"),
    # First of the shown keys: the footer of an 80-column terminal still has room for them.
    Binding("question_mark", "help", "Keys", id="app.help"),
    Binding("q", "quit", "Quit", id="app.quit"),
    Binding("n", "new_case", "New case", id="case.new", tooltip="report a new case by hand"),
    *[
        Binding(
            key.key,
            f"move('{key.move}')",
            key.words,
            show=key.shown,
            id=f"case.{key.move}",
            tooltip=key.does,
        )
        for key in CASE_MOVE_KEYS
    ],
    Binding("a", "acknowledge", "Ack alert", id="alert.acknowledge"),
    Binding("A", "alert_desk", "Alert desk: every open alert", show=False, id="alert.desk"),
    Binding(
        "exclamation_mark",
        "raise_alert",
        "Raise alert",
        show=False,
        id="alert.raise",
        tooltip="raise a warning or an alarm for the highlighted grid",
    ),
    Binding("/", "filter", "Filter", id="queue.filter"),
    Binding("t", "troubled", "Troubled grids", show=False, id="grids.troubled"),
    Binding("o", "board_order", "Board by trouble or by place", show=False, id="grids.order"),
    Binding("h", "history", "History", show=False, id="app.history"),
    Binding("s", "assessment", "Assessment", id="app.assessment"),
    Binding("m", "risk_map", "Risk map", show=False, id="app.risk_map"),
    Binding("escape", "clear_filters", "Clear filters and marks", show=False, id="queue.clear"),
]

# Under the same keys, after the case moves: a move left out of the footer because it cannot
# apply to the highlighted case still says why when its key is pressed.
REFUSED_MOVE_KEYS = [
    Binding(key.key, f"refuse_move('{key.move}')", "", show=False, id=f"case.{key.move}.refused")
    for key in CASE_MOVE_KEYS
]

ASSESSMENT_KEYS = [
    Binding("left_square_bracket", "shift(-1)", "Earlier", id="assess.earlier"),
    Binding("right_square_bracket", "shift(1)", "Later", id="assess.later"),
    Binding("p", "kind", "Day/week/month…", id="assess.kind"),
    Binding("c", "cases_behind", "Cases behind", id="assess.cases"),
    Binding("backspace", "up", "Up", id="assess.up"),
    Binding("b", "breakdown", "Ranked by", id="assess.breakdown"),
    Binding("f", "measure", "Figure", id="assess.measure"),
    Binding("m", "risk_map", "Risk map", id="assess.map"),
    Binding("escape,q", "close", "Back", id="assess.close"),
]

RISK_MAP_KEYS = [
    Binding("left,h", "move(-1)", "Grid ←", show=False, id="map.left"),
    Binding("right,l", "move(1)", "Grid →", show=False, id="map.right"),
    Binding("up,k", "line(-1)", "Line ↑", show=False, id="map.up"),
    Binding("down,j", "line(1)", "Line ↓", show=False, id="map.down"),
    Binding("left_square_bracket", "shift(-1)", "Earlier", id="map.earlier"),
    Binding("right_square_bracket", "shift(1)", "Later", id="map.later"),
    Binding("escape,q", "close", "Back", id="map.close"),
]
