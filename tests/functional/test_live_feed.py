"""The console's live feed without a screen: what a refresh hands the panes."""

from collections import Counter
from datetime import timedelta

from sqlalchemy import select, update

from gridcenter.clock import Clock
from gridcenter.console.live import LiveFeed, Snapshot, View
from gridcenter.domain.access import Actor, Role, Territory
from gridcenter.domain.loop import ClosedLoop
from gridcenter.queries import dashboard
from gridcenter.services import alerts as alert_service
from gridcenter.services import cases as case_service
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.database import Database
from gridcenter.store.tallies import advance_late_mark
from tests.conftest import NOW
from tests.functional.helpers import pick_case


def test_a_refresh_reads_the_same_board_until_a_change_moves_one_grid(
    demo_db: Database, loop: ClosedLoop
) -> None:
    feed = LiveFeed(Context(demo_db, loop, Clock(NOW), Actor("admin", Role.ADMIN)))
    first = feed.read(View(), fresh_places=True).board
    again = feed.read(View()).board
    assert len(again) == len(first) > 100
    assert again == first and again is not first

    alert = tables.Alert
    with demo_db.read() as session:
        resolved, grid_id = session.execute(
            select(alert.id, alert.grid_id).where(
                alert.resolved_at.is_(None), alert.grid_id.is_not(None)
            )
        ).first()
    with demo_db.write() as session:
        session.execute(update(alert).where(alert.id == resolved).values(resolved_at=NOW))
    after = feed.read(View()).board
    assert after != again
    moved = [(a, b) for a, b in zip(again.lines(), after.lines(), strict=True) if a != b]
    assert [b.grid_id for _, b in moved] == [grid_id]
    ((before, now),) = moved
    assert now.alerts == before.alerts - 1


def test_the_late_cases_are_counted_per_level_and_per_grid_alike(
    demo_db: Database, loop: ClosedLoop
) -> None:
    """The tallies keep late cases as of the late mark; a reading at another instant adds
    (mark behind) or takes away (mark ahead) the deadlines in between. Each way, the counts
    equal a count of the cases themselves."""
    case = tables.Case
    with demo_db.read() as session:
        late = session.execute(
            select(case.grid_id, case.level).where(
                case.step != "closed", case.parked_at.is_(None), case.deadline < NOW
            )
        ).all()
    per_level, per_grid = Counter(level for _, level in late), Counter(g for g, _ in late)
    assert len(per_level) >= 2 and len(per_grid) >= 2  # the demo has late cases to count

    everywhere = Territory()
    for mark, sign in ((NOW - timedelta(days=3), 1), (NOW + timedelta(days=3), -1)):
        with demo_db.write() as session:
            assert advance_late_mark(session, mark)
        with demo_db.read() as session:
            beyond = dashboard.late_beyond_mark(session, everywhere, NOW)
            counts = dashboard.level_counts(session, everywhere, beyond)
            places = dashboard.grid_places(session, everywhere)
            board = dashboard.grid_board(session, everywhere, NOW, places, beyond)
        assert sign * sum(beyond.per_level.values()) > 0  # deadlines between mark and now
        assert {lvl.value: n.overdue for lvl, n in counts.items() if n.overdue} == per_level
        assert {line.grid_id: line.overdue for line in board.lines() if line.overdue} == per_grid

    # A console moves a mark that lags far behind its clock, then reads the same counts.
    feed = LiveFeed(Context(demo_db, loop, Clock(NOW + timedelta(days=30)), Actor("a", Role.ADMIN)))
    feed.read(View(), fresh_places=True)
    with demo_db.read() as session:
        assert session.scalar(select(tables.LateMark.as_of)) == NOW + timedelta(days=30)


def test_a_grid_added_while_a_console_runs_is_on_its_next_board(
    demo_db: Database, loop: ClosedLoop
) -> None:
    feed = LiveFeed(Context(demo_db, loop, Clock(NOW), Actor("admin", Role.ADMIN)))
    before = feed.read(View(), fresh_places=True).board
    with demo_db.write() as session:
        first = session.scalars(select(tables.Grid).order_by(tables.Grid.code)).first()
        assert first is not None
        session.add(
            tables.Grid(
                code=first.code + "X",
                name="New grid",
                community_id=first.community_id,
                street_id=first.street_id,
                kind="conventional",
            )
        )
    after = feed.read(View()).board  # the places the feed keeps are not a minute old
    assert len(after) == len(before) + 1
    added = [line for line in after.lines() if line.name == "New grid"]
    assert [(line.open, line.overdue, line.alerts) for line in added] == [(0, 0, 0)]


def test_the_timers_are_the_most_overdue_then_the_nearest_deadlines(demo_db: Database) -> None:
    """What has run out (the most overdue first), then what runs out within the window
    (the soonest first), each cut at the limit; the due-soon count is never cut."""
    case = tables.Case
    with demo_db.read() as session:
        running = session.execute(
            select(case.id, case.code, case.deadline).where(
                case.step != "closed", case.parked_at.is_(None), case.deadline.is_not(None)
            )
        ).all()
    by_deadline = sorted(running, key=lambda r: (r.deadline, r.id))
    soon = [r.code for r in by_deadline if NOW <= r.deadline < NOW + dashboard.DUE_SOON]
    late = [r.code for r in by_deadline if r.deadline < NOW]  # the most overdue first
    assert len(soon) >= 3 and len(late) >= 3  # the demo has both to show
    for limit in (2, len(soon) + 2, len(soon) + len(late) + 5):
        with demo_db.read() as session:
            timers = dashboard.running_out(session, Territory(), NOW, limit=limit)
        assert [row.code for row in timers.overdue] == late[:limit]
        assert [row.code for row in timers.soon] == soon[:limit]
        assert timers.soon_total == len(soon)


def test_a_console_following_the_changes_shows_what_reading_every_pane_shows(
    demo_db: Database, loop: ClosedLoop
) -> None:
    """After changes a refresh reads only the panes they can have moved, and on the board
    only the grids of the cases they moved; what it shows equals a reading of every pane.
    Rows written by hand, which no change announces, wait for the whole reading."""
    ctx = Context(demo_db, loop, Clock(NOW), Actor("admin", Role.ADMIN))
    follows = LiveFeed(ctx)
    before = follows.read(View(), fresh_places=True).board
    case, shift, tally = tables.Case, tables.DutyShift, tables.GridTally
    moved = pick_case(demo_db, case.step != "closed", case.parked_at.is_(None), case.deadline < NOW)
    with demo_db.read() as session:
        moved_grid, moved_street = session.execute(
            select(case.grid_id, case.street_id).where(case.code == moved)
        ).one()
        # A shift of another street: who is on duty waits for the whole reading (a shift of
        # the moved grid's street would leave its status behind until then).
        held = session.scalar(
            select(shift.id)
            .join(tables.DutyPost, tables.DutyPost.id == shift.post_id)
            .where(
                shift.starts_at <= NOW,
                shift.ends_at > NOW,
                tables.DutyPost.street_id.is_distinct_from(moved_street),
            )
        )
        alert_id = session.scalar(
            select(tables.Alert.id).where(
                tables.Alert.resolved_at.is_(None), tables.Alert.acknowledged_at.is_(None)
            )
        )
    with demo_db.write() as session:  # by hand: a shift ends, another grid's tally moves
        session.execute(update(shift).where(shift.id == held).values(ends_at=NOW))
        session.execute(
            update(tally).where(tally.grid_id != moved_grid).values(alerts=tally.alerts + 7)
        )

    def whole() -> Snapshot:
        return LiveFeed(ctx).read(View(), fresh_places=True)

    case_service.park(
        ctx, moved, reason="awaiting a court ruling"
    )  # a late case: its grid has one less
    followed, everything = follows.read(View()), whole()
    assert followed.cases == everything.cases
    assert followed.alerts == everything.alerts
    on_moved_grid = [
        n for n, place in enumerate(everything.board.places) if place.grid_id == moved_grid
    ]
    for column in ("open", "overdue", "alerts", "status"):
        assert [getattr(followed.board, column)[n] for n in on_moved_grid] == [
            getattr(everything.board, column)[n] for n in on_moved_grid
        ]
    assert [followed.board.overdue[n] + 1 for n in on_moved_grid] == [
        before.overdue[n] for n in on_moved_grid
    ]
    assert followed.board.alerts != everything.board.alerts  # the others' tallies: by hand
    assert followed.roster != everything.roster  # the shift ended by hand

    alert_service.acknowledge(ctx, alert_id)  # an alert: the whole board is read again
    followed, everything = follows.read(View()), whole()
    assert followed.alerts == everything.alerts and followed.board == everything.board
    assert followed.roster != everything.roster

    assert follows.read(View(), whole=True) == everything
