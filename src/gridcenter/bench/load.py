"""The load run: many consoles' live loops at once, and a writer changing cases.

Each console is a separate process running the console's own live feed
(`console/live.py`) without a screen: it polls the change mark at the live
interval (and on PostgreSQL also wakes on LISTEN/NOTIFY, as the console
does), reads every pane when something changed, and writes down which change
mark it had on screen and when. The writer escalates and de-escalates cases
through the real use cases at a steady rate and writes down when each change
was committed. Afterwards every change is looked up in the history (nothing
lost) and on every console (how long until it was on screen).
"""

import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from gridcenter.clock import Clock
from gridcenter.console.live import LiveFeed, View
from gridcenter.domain.access import Actor, Role
from gridcenter.domain.assessment import percentile
from gridcenter.domain.loop import ESCALATIONS
from gridcenter.queries.cases import OPEN
from gridcenter.services import cases as case_service
from gridcenter.services.context import Context, make_loop
from gridcenter.store import tables
from gridcenter.store.database import Database
from gridcenter.store.notify import ChangeListener

WRITER = "bench-writer"
GRACE_S = 10.0  # after the last write, how long consoles get to show it


@dataclass
class LoadFigures:
    engine: str
    consoles: int
    seconds: float
    changes: int  # committed by the writer
    writing_s: float  # how long the writer took (longer than `seconds` when it fell behind)
    errors: int  # writer and console errors together
    lost: int  # committed but missing from the history
    unseen: int  # (change, console) pairs never on screen before the run ended
    worst_s: float  # the longest a change took to be on every console
    p95_s: float

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def watch(url: str, interval: float, out: Path) -> None:
    """One console's live loop, without a screen, until the run says stop."""
    db = Database(url)
    feed = LiveFeed(Context(db, make_loop(), Clock(), Actor("bench", Role.ADMIN)))
    listener = ChangeListener(url) if db.engine.dialect.name == "postgresql" else None
    view = View()
    lines = [f"{feed.read(view).seen} {time.time()}"]
    out.with_suffix(".ready").touch()  # painted once: the writer may start
    stop = out.parent / "stop"
    while not stop.exists():
        try:
            if listener is not None:
                listener.wait(timeout=interval)
            else:
                time.sleep(interval)
            if feed.changed():
                seen = feed.read(view).seen
                lines.append(f"{seen} {time.time()}")
        except Exception as error:  # a console that fails must be counted, not crash the run
            lines.append(f"error {error!r}")
    out.write_text("\n".join(lines) + "\n")
    if listener is not None:
        listener.close()
    db.dispose()


def _cases_to_move(db: Database, n: int) -> list[str]:
    with db.read() as session:
        return list(
            session.scalars(
                select(tables.Case.code)
                .where(OPEN, tables.Case.level == "A")
                .order_by(tables.Case.id)
                .limit(n)
            )
        )


def _wait_until_painted(
    folder: Path, consoles: int, watchers: list[subprocess.Popen[bytes]]
) -> None:
    deadline = time.time() + 120
    while len(list(folder.glob("*.ready"))) < consoles:
        if time.time() > deadline or any(w.poll() not in (None, 0) for w in watchers):
            for watcher in watchers:
                watcher.kill()
            raise RuntimeError("the consoles did not all start; see their messages above")
        time.sleep(0.2)


def run_load(
    db: Database, consoles: int, seconds: float, rate: float, interval: float = 1.0
) -> LoadFigures:
    folder = Path(tempfile.mkdtemp(prefix="gridcenter-load-"))
    url = db.engine.url.render_as_string(hide_password=False)
    watchers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gridcenter.bench.load",
                url,
                str(interval),
                str(folder / f"console-{n}.txt"),
            ]
        )
        for n in range(consoles)
    ]
    _wait_until_painted(folder, consoles, watchers)
    ctx = Context(db, make_loop(), Clock(), Actor(WRITER, Role.ADMIN))
    codes = _cases_to_move(db, 50)
    if not codes:
        raise ValueError("the store has no open level-A case to change")
    started = time.time()
    since = datetime.fromtimestamp(started, UTC)
    commits: list[tuple[int, float]] = []
    errors = 0
    escalated: set[str] = set()
    for n in range(int(seconds * rate)):
        due = started + n / rate
        time.sleep(max(0.0, due - time.time()))
        code = codes[n % len(codes)]
        try:
            if code in escalated:
                case_service.deescalate(ctx, code, reason="load run")
                escalated.discard(code)
            else:
                case_service.escalate(ctx, code, reason="load run")
                escalated.add(code)
            commits.append((db.newest_change(), time.time()))
        except Exception:  # a refused or busy write is an error of the run
            errors += 1
    writing = time.time() - started
    time.sleep(GRACE_S)  # what is not on a console by now counts as never on screen
    (folder / "stop").touch()
    for watcher in watchers:
        watcher.wait(timeout=120)
    with db.read() as session:
        recorded = session.scalar(
            select(func.count())
            .select_from(tables.CaseEvent)
            .where(
                tables.CaseEvent.actor == WRITER,
                tables.CaseEvent.at >= since,
                tables.CaseEvent.action.in_((*ESCALATIONS, "deescalate")),
            )
        )
    seen_by_console = []
    for path in sorted(folder.glob("console-*.txt")):
        marks = []
        for line in path.read_text().splitlines():
            if line.startswith("error"):
                errors += 1
            else:
                mark, at = line.split()
                marks.append((int(mark), float(at)))
        seen_by_console.append(marks)
    errors += consoles - len(seen_by_console)  # a console that wrote nothing died
    delays, unseen = [], 0
    for mark, committed in commits:
        slowest = 0.0
        for marks in seen_by_console:
            seen = next((at for m, at in marks if m >= mark), None)
            if seen is None:
                unseen += 1
            else:
                slowest = max(slowest, seen - committed)
        delays.append(slowest)
    return LoadFigures(
        engine=db.engine.dialect.name,
        consoles=consoles,
        seconds=seconds,
        changes=len(commits),
        writing_s=round(writing, 1),
        errors=errors,
        lost=len(commits) - (recorded or 0),
        unseen=unseen,
        worst_s=round(max(delays, default=0.0), 3),
        p95_s=round(percentile(delays, 0.95) or 0.0, 3),
    )


if __name__ == "__main__":
    watch(sys.argv[1], float(sys.argv[2]), Path(sys.argv[3]))
