"""Every key of the console, named once: the bindings and the help screen read this."""

from textual.binding import Binding

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
    Binding("r", "reassign", "Reassign", id="case.reassign"),
    Binding("e", "escalate", "Escalate", id="case.escalate"),
    Binding("E", "deescalate", "De-escalate", id="case.deescalate"),
    Binding("d", "dispatch", "Dispatch", id="case.dispatch"),
    Binding("a", "acknowledge", "Ack alert", id="alert.acknowledge"),
    Binding("/", "filter", "Filter", id="queue.filter"),
    Binding("t", "troubled", "Troubled grids", show=False, id="grids.troubled"),
    Binding("h", "history", "History", show=False, id="app.history"),
    Binding("s", "assessment", "Assessment", id="app.assessment"),
    Binding("m", "risk_map", "Risk map", show=False, id="app.risk_map"),
    Binding("escape", "clear_filters", "Clear filters", show=False, id="queue.clear"),
    Binding("question_mark", "help", "Keys", id="app.help"),
    Binding("q", "quit", "Quit", id="app.quit"),
]

# What the help screen lists beyond the dashboard's own bindings.
LIST_KEYS = [
    ("↑ ↓  j k", "move within a pane"),
    ("pgup pgdn home end", "move a page, to the first or the last row"),
    ("enter", "open the case (details and history); on a grid: filter the queues to it"),
    ("v (in a case)", "reveal the reporter's contact (allowed roles only; recorded)"),
    ("ctrl+p", "command palette: jump to a case by code, switch theme, every action"),
]
