"""The console's live feed: one cheap query to learn whether anything changed,
and, when it did, exactly the rows the panes show. No widgets here, so the
same loop can run without a screen (load tests, many consoles at once).

A refresh after changes reads again only the panes those changes can have moved (by
their kind in the change log) and, on the board, only the grids of the cases they moved;
a refresh asked for as a whole (the first, a new view, the full refresh every half
minute that follows the clocks and rosters) reads every pane.
"""

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum, auto

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridcenter.domain.levels import Level
from gridcenter.queries import dashboard
from gridcenter.queries.cases import CaseRow
from gridcenter.queries.health import Health, integration_health
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.database import StoreBusy, newest_change
from gridcenter.store.tallies import advance_late_mark

PAGE = 100
# Grids, their streets and their staff change with the territory, not with the cases:
# a console reads them again when the operator changes view, or after this long.
PLACES_MAX_AGE_S = 60.0
# The overdue sweep moves the late mark every minute; a console alone moves it when it
# lags more than this (checked at most once a minute).
LATE_MARK_MAX_LAG = timedelta(minutes=10)
LATE_MARK_CHECK_S = 60.0
# Past this many changes since the last refresh, reading every pane is the cheaper way.
FOLLOWED_CHANGES = 500


class Pane(Enum):
    CASES = auto()  # level counts, the queue, the timers, and the board lines of the cases' grids
    BOARD = auto()  # every grid's line
    ALERTS = auto()
    ROSTER = auto()
    HEALTH = auto()


# What each kind of change can move; a kind not named here moves every pane.
MOVES: dict[str, frozenset[Pane]] = {
    # A case that moves on also settles its timer alerts.
    "case": frozenset({Pane.CASES, Pane.ALERTS}),
    "alert": frozenset({Pane.ALERTS, Pane.BOARD}),
    "intake": frozenset({Pane.HEALTH}),
    "webhook": frozenset({Pane.HEALTH}),
}


@dataclass(frozen=True)
class Moved:
    """What the changes since the last refresh can have moved."""

    panes: frozenset[Pane]
    grids: frozenset[int]  # the grids of the cases they changed


@dataclass(frozen=True)
class View:
    """What the operator is looking at: it decides what a refresh reads."""

    level: Level = Level.A
    grid_id: int | None = None
    grid_name: str = ""
    text: str = ""
    pages: tuple[int, ...] = (0,)


@dataclass
class Snapshot:
    at: datetime
    mark: int
    district: str
    counts: dict[Level, dashboard.LevelCount]
    queue_total: int
    queue_pages: dict[int, list[CaseRow]]
    timers: dashboard.Timers
    board: dashboard.Board
    roster: list[dashboard.PostDuty]
    alerts: dashboard.OpenAlerts
    health: Health
    view: View = field(default_factory=View)
    filtered: dict[Level, int] | None = None  # each level's matches, when a filter is on


class LiveFeed:
    def __init__(self, context: Context) -> None:
        self.context = context
        self.mark = -1
        self._district: str | None = None
        self._places: Sequence[dashboard.GridPlace] = []
        self._places_read_at = -PLACES_MAX_AGE_S
        self._mark_checked_at = -LATE_MARK_CHECK_S
        self._last: Snapshot | None = None

    def _keep_late_mark(self, now: datetime) -> None:
        """Move the tallies' late mark on when it lags far behind (no sweep running): the
        deadlines between the mark and now are counted at every refresh until it moves."""
        if time.monotonic() - self._mark_checked_at < LATE_MARK_CHECK_S:
            return
        self._mark_checked_at = time.monotonic()
        with self.context.db.read() as session:
            mark = session.scalar(select(tables.LateMark.as_of))
        if mark is not None and now - mark <= LATE_MARK_MAX_LAG:
            return
        try:
            with self.context.db.write() as session:
                advance_late_mark(session, now)
        except StoreBusy:
            pass  # another writer holds the store: the next check moves it

    def changed(self) -> bool:
        """One indexed lookup of the newest change id."""
        return self.context.db.change_mark() != self.mark

    def district(self) -> str:
        """What the top bar names: the operator's own territory (a street office sees its
        street, with the district it belongs to)."""
        if self._district is None:
            with self.context.db.read() as session:
                self._district = dashboard.territory_label(session, self.context.actor.territory)
        return self._district

    def page(self, view: View, offset: int, limit: int) -> list[CaseRow]:
        with self.context.db.read() as session:
            return dashboard.queue_page(
                session,
                self.context.actor.territory,
                view.level,
                grid_id=view.grid_id,
                text=view.text,
                offset=offset,
                limit=limit,
            )

    def _follow(self, session: Session) -> tuple[int, Moved | None]:
        """The newest change id, and the panes and grids the changes since the last refresh
        can have moved: None when that is not known (nothing to follow, too many changes, or
        one of an unknown kind). One statement: the changes with their cases' grids."""
        log, case = tables.ChangeLog, tables.Case
        changes = session.execute(
            select(log.id, log.kind, case.grid_id)
            .outerjoin(case, (log.kind == "case") & (case.code == log.ref))
            .where(log.id > self.mark)
            .order_by(log.id)
            .limit(FOLLOWED_CHANGES + 1)
        ).all()
        if not changes or len(changes) > FOLLOWED_CHANGES:
            return newest_change(session), None
        if any(kind not in MOVES for _, kind, _ in changes):
            return changes[-1].id, None
        return changes[-1].id, Moved(
            frozenset().union(*(MOVES[kind] for _, kind, _ in changes)),
            frozenset(grid for _, _, grid in changes if grid is not None),
        )

    def read(self, view: View, fresh_places: bool = False, whole: bool = False) -> Snapshot:
        """What the dashboard shows, read in one transaction: every pane when `whole` (or
        on a first reading, or with fresh places), else what the changes since can have moved
        (and the queue, when the view changed)."""
        ctx = self.context
        territory = ctx.actor.territory
        now = ctx.now()
        self._keep_late_mark(now)
        with ctx.db.read(consistent=True) as session:
            last = self._last
            if whole or fresh_places or last is None:
                mark, moved = newest_change(session), None
            else:
                mark, moved = self._follow(session)
            if moved is None:
                panes, grids = frozenset(Pane), None
            else:
                panes, grids = moved.panes, (None if Pane.BOARD in moved.panes else moved.grids)
            if fresh_places or time.monotonic() - self._places_read_at > PLACES_MAX_AGE_S:
                self._places = dashboard.grid_places(session, territory)
                self._places_read_at = time.monotonic()
            fresh: dict[str, object] = {}
            board = Pane.BOARD in panes or Pane.CASES in panes
            queue = Pane.CASES in panes or last is None or view != last.view
            if queue or board:
                beyond = dashboard.late_beyond_mark(session, territory, now)
            if queue:
                counts = dashboard.level_counts(session, territory, beyond)
                fresh.update(counts=counts, timers=dashboard.running_out(session, territory, now))
                fresh.update(self._queue(session, view, counts))
            if board:
                fresh["board"] = dashboard.grid_board(
                    session,
                    territory,
                    now,
                    self._places,
                    beyond,
                    since=last.board if last else None,
                    moved=grids,
                )
            if Pane.ROSTER in panes:
                fresh["roster"] = dashboard.roster_now(session, territory, now)
            if Pane.ALERTS in panes:
                fresh["alerts"] = dashboard.open_alerts(session, territory)
            if Pane.HEALTH in panes:
                fresh["health"] = integration_health(session)
            if last is None:
                snapshot = Snapshot(at=now, mark=mark, district=self.district(), view=view, **fresh)
            else:
                snapshot = replace(last, at=now, mark=mark, view=view, **fresh)
        self.mark = mark
        self._last = snapshot
        self._places = snapshot.board.places  # read again if the grids had moved
        return snapshot

    def _queue(
        self, session: Session, view: View, counts: dict[Level, dashboard.LevelCount]
    ) -> dict[str, object]:
        territory = self.context.actor.territory
        filtered: dict[Level, int] | None = None
        if view.grid_id is None and not view.text.strip():
            total = counts[view.level].open
        else:
            # Matches at every level: the tabs show where they are.
            filtered = {
                level: dashboard.queue_size(
                    session, territory, level, grid_id=view.grid_id, text=view.text
                )
                for level in Level
            }
            total = filtered[view.level]
        pages = {
            number: dashboard.queue_page(
                session,
                territory,
                view.level,
                grid_id=view.grid_id,
                text=view.text,
                offset=number * PAGE,
                limit=PAGE,
            )
            for number in view.pages
            if number * PAGE < max(total, 1)
        }
        return {"queue_total": total, "queue_pages": pages, "filtered": filtered}
