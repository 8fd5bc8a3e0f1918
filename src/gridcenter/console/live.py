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
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum, auto

from sqlalchemy.orm import Session

from gridcenter.domain.changes import ChangeKind
from gridcenter.domain.levels import Level
from gridcenter.queries import dashboard
from gridcenter.queries.cases import CaseRow
from gridcenter.queries.changes import changes_since, newest_change
from gridcenter.queries.health import Health, integration_health
from gridcenter.queries.people import next_to_load
from gridcenter.services.context import Context
from gridcenter.services.tallies import catch_up_late_mark

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
    ChangeKind.CASE: frozenset({Pane.CASES, Pane.ALERTS}),
    ChangeKind.ALERT: frozenset({Pane.ALERTS, Pane.BOARD}),
    ChangeKind.INTAKE: frozenset({Pane.HEALTH}),
    ChangeKind.WEBHOOK: frozenset({Pane.HEALTH}),
    # A patrol settles its grid's unpatrolled alert.
    ChangeKind.FIELDWORK: frozenset({Pane.ALERTS, Pane.BOARD}),
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
    unplaced: bool = False  # the queue shows the cases no grid covers, not a level's


@dataclass(frozen=True)
class CasePanes:
    """The level tabs, the queue's pages on screen and the timers: read together."""

    counts: dict[Level, dashboard.LevelCount]
    queue_total: int
    queue_pages: dict[int, list[CaseRow]]
    timers: dashboard.Timers
    filtered: dict[Level, int] | None = None  # each level's matches, when a filter is on
    unplaced: int = 0  # the cases no grid covers, waiting to be placed


@dataclass(frozen=True)
class Snapshot:
    """What every pane shows, as of one reading; a pane the changes could not have moved
    keeps what the reading before found."""

    at: datetime
    seen: int  # the newest change this reading saw
    district: str
    view: View
    cases: CasePanes
    board: dashboard.Board
    roster: list[dashboard.PostDuty]
    alerts: dashboard.OpenAlerts
    health: Health
    setup: str = ""  # on a new store, what to load next


class LiveFeed:
    def __init__(self, context: Context) -> None:
        self.context = context
        self.seen = -1  # the newest change the last reading saw
        self._district: str | None = None
        self._places: Sequence[dashboard.GridPlace] = []
        self._places_read_at = -PLACES_MAX_AGE_S
        self._late_mark_checked_at = -LATE_MARK_CHECK_S
        self._last: Snapshot | None = None

    def _keep_late_mark(self, now: datetime) -> None:
        """Move the tallies' late mark on when it lags far behind (no sweep running),
        checked at most once a minute."""
        if time.monotonic() - self._late_mark_checked_at < LATE_MARK_CHECK_S:
            return
        self._late_mark_checked_at = time.monotonic()
        catch_up_late_mark(self.context, now, LATE_MARK_MAX_LAG)

    def changed(self) -> bool:
        """One indexed lookup of the newest change id."""
        return self.context.db.newest_change() != self.seen

    def district(self) -> str:
        """What the top bar names: the operator's own territory (a street office sees its
        street, with the district it belongs to)."""
        if self._district is None:
            with self.context.db.read() as session:
                self._district = dashboard.territory_label(session, self.context.actor.territory)
        return self._district

    def page(self, view: View, offset: int, limit: int) -> list[CaseRow]:
        with self.context.db.read() as session:
            if view.unplaced:
                return dashboard.unplaced_page(
                    session, self.context.actor.territory, offset=offset, limit=limit
                )
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
        changes = changes_since(session, self.seen, FOLLOWED_CHANGES + 1)
        if not changes or len(changes) > FOLLOWED_CHANGES:
            return newest_change(session), None
        if any(change.kind not in MOVES for change in changes):
            return changes[-1].id, None
        return changes[-1].id, Moved(
            frozenset().union(*(MOVES[change.kind] for change in changes)),
            frozenset(change.grid_id for change in changes if change.grid_id is not None),
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
                seen, moved = newest_change(session), None
            else:
                seen, moved = self._follow(session)
            if moved is None:
                panes, grids = frozenset(Pane), None
            else:
                panes, grids = moved.panes, (None if Pane.BOARD in moved.panes else moved.grids)
            if fresh_places or time.monotonic() - self._places_read_at > PLACES_MAX_AGE_S:
                self._places = dashboard.grid_places(session, territory)
                self._places_read_at = time.monotonic()
            board = Pane.BOARD in panes or Pane.CASES in panes
            queue = Pane.CASES in panes or last is None or view != last.view
            if queue or board:
                beyond = dashboard.late_beyond_mark(session, territory, now)
            snapshot = Snapshot(
                at=now,
                seen=seen,
                district=self.district(),
                view=view,
                cases=(
                    self._cases(session, view, beyond, now) if queue or last is None else last.cases
                ),
                board=(
                    dashboard.grid_board(
                        session,
                        territory,
                        now,
                        self._places,
                        beyond,
                        since=last.board if last else None,
                        moved=grids,
                    )
                    if board or last is None
                    else last.board
                ),
                roster=(
                    dashboard.roster_now(session, territory, now)
                    if Pane.ROSTER in panes or last is None
                    else last.roster
                ),
                alerts=(
                    dashboard.open_alerts(session, territory)
                    if Pane.ALERTS in panes or last is None
                    else last.alerts
                ),
                health=(
                    integration_health(session)
                    if Pane.HEALTH in panes or last is None
                    else last.health
                ),
                # Asked until the store has a territory, staff and a roster; then never again.
                setup=next_to_load(session) if last is None or last.setup else "",
            )
        self.seen = seen
        self._last = snapshot
        self._places = snapshot.board.places  # read again if the grids had moved
        return snapshot

    def _cases(
        self, session: Session, view: View, beyond: dashboard.LateBeyondMark, now: datetime
    ) -> CasePanes:
        territory = self.context.actor.territory
        counts = dashboard.level_counts(session, territory, beyond)
        unplaced = dashboard.unplaced_size(session, territory)
        filtered: dict[Level, int] | None = None
        if view.unplaced:
            return CasePanes(
                counts=counts,
                queue_total=unplaced,
                queue_pages={
                    number: dashboard.unplaced_page(
                        session, territory, offset=number * PAGE, limit=PAGE
                    )
                    for number in view.pages
                    if number * PAGE < max(unplaced, 1)
                },
                timers=dashboard.running_out(session, territory, now),
                unplaced=unplaced,
            )
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
        return CasePanes(
            counts=counts,
            queue_total=total,
            queue_pages=pages,
            timers=dashboard.running_out(session, territory, now),
            filtered=filtered,
            unplaced=unplaced,
        )
