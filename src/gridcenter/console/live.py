"""The console's live feed: one cheap query to learn whether anything changed,
and, when it did, exactly the rows the panes show. No widgets here, so the
same loop can run without a screen (load tests, many consoles at once)."""

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from gridcenter.domain.levels import Level
from gridcenter.queries import dashboard
from gridcenter.queries.cases import CaseRow
from gridcenter.queries.health import Health, integration_health
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.database import StoreBusy
from gridcenter.store.tallies import advance_late_mark

PAGE = 100
# Grids, their streets and their staff change with the territory, not with the cases:
# a console reads them again when the operator changes view, or after this long.
PLACES_MAX_AGE_S = 60.0
# The overdue sweep moves the late mark every minute; a console alone moves it when it
# lags more than this (checked at most once a minute).
LATE_MARK_MAX_LAG = timedelta(minutes=10)
LATE_MARK_CHECK_S = 60.0


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
    timers: list[CaseRow]
    board: dashboard.Board
    roster: list[dashboard.PostDuty]
    alerts: list[dashboard.AlertLine]
    health: Health
    view: View = field(default_factory=View)


class LiveFeed:
    def __init__(self, context: Context) -> None:
        self.context = context
        self.mark = -1
        self._district: str | None = None
        self._places: Sequence[dashboard.GridPlace] = []
        self._places_read_at = -PLACES_MAX_AGE_S
        self._mark_checked_at = -LATE_MARK_CHECK_S

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
        if self._district is None:
            with self.context.db.read() as session:
                self._district = session.scalar(select(tables.District.name)) or "no district"
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

    def read(self, view: View, fresh_places: bool = False) -> Snapshot:
        """Everything the dashboard shows, read in one transaction."""
        ctx = self.context
        territory = ctx.actor.territory
        mark = ctx.db.change_mark()
        now = ctx.now()
        self._keep_late_mark(now)
        with ctx.db.read(consistent=True) as session:
            if fresh_places or time.monotonic() - self._places_read_at > PLACES_MAX_AGE_S:
                self._places = dashboard.grid_places(session, territory)
                self._places_read_at = time.monotonic()
            beyond = dashboard.late_beyond_mark(session, territory, now)
            counts = dashboard.level_counts(session, territory, beyond)
            if view.grid_id is None and not view.text.strip():
                total = counts[view.level].open
            else:
                total = dashboard.queue_size(
                    session, territory, view.level, grid_id=view.grid_id, text=view.text
                )
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
            snapshot = Snapshot(
                at=now,
                mark=mark,
                district=self.district(),
                counts=counts,
                queue_total=total,
                queue_pages=pages,
                timers=dashboard.running_out(session, territory, now),
                board=dashboard.grid_board(session, territory, now, self._places, beyond),
                roster=dashboard.roster_now(session, territory, now),
                alerts=dashboard.open_alerts(session, territory),
                health=integration_health(session),
                view=view,
            )
        self.mark = mark
        self._places = snapshot.board.places  # read again if the grids had moved
        return snapshot
