"""What the four dashboard panes and the alert strip show, and nothing more."""

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from gridcenter.domain.access import Territory
from gridcenter.domain.alerts import Kind, Severity
from gridcenter.domain.levels import Level
from gridcenter.domain.masking import mask_phone
from gridcenter.domain.status import GridStatus, grid_status
from gridcenter.queries.alerts import alerts_in_scope
from gridcenter.queries.cases import OPEN, CaseRow, case_rows, held_by
from gridcenter.queries.scope import in_territory
from gridcenter.store import tables

DUE_SOON = timedelta(hours=4)


@dataclass(frozen=True)
class LevelCount:
    level: Level
    open: int
    overdue: int


@dataclass(frozen=True)
class LateBeyondMark:
    """What the tallies' late counts, kept as of the late mark (store/tallies.py), miss at
    `now`: running clocks whose deadline fell between the mark and now count +1; with a
    mark ahead of now (a clock set back), those between now and the mark count -1."""

    mark: datetime
    per_level: dict[str, int]
    per_grid: dict[int, int]


def late_beyond_mark(session: Session, territory: Territory, now: datetime) -> LateBeyondMark:
    """A few cases when the mark is recent: the index of running clocks, from mark to now."""
    mark = session.scalar(select(tables.LateMark.as_of)) or now
    since, until, sign = (mark, now, 1) if mark <= now else (now, mark, -1)
    case = tables.Case
    counted = LateBeyondMark(mark, defaultdict(int), defaultdict(int))
    for grid_id, level, n in (
        session.connection()
        .execute(
            select(case.grid_id, case.level, func.count())
            .where(
                OPEN,
                case.parked_at.is_(None),
                case.deadline >= since,
                case.deadline < until,
                case.grid_id.is_not(None),
                in_territory(territory, case.street_id, case.community_id),
            )
            .group_by(case.grid_id, case.level)
        )
        .all()
    ):
        counted.per_level[level] += sign * n
        counted.per_grid[grid_id] += sign * n
    return counted


def level_counts(
    session: Session, territory: Territory, beyond: LateBeyondMark
) -> dict[Level, LevelCount]:
    """Open and late cases per level, from the tallies (late ones as of the mark, moved to
    now by `beyond`)."""
    tally = tables.GridTally
    late_columns = tuple(getattr(tally, f"late_{level.value.lower()}") for level in Level)
    summed = session.execute(
        _tallies(
            territory,
            *(func.coalesce(func.sum(column), 0) for column in (*_open_per_level(), *late_columns)),
        )
    ).one()
    opened, late = summed[: len(Level)], summed[len(Level) :]
    return {
        level: LevelCount(level, int(n), int(n_late) + beyond.per_level.get(level.value, 0))
        for level, n, n_late in zip(Level, opened, late, strict=True)
    }


def _open_per_level() -> tuple[ColumnElement[int], ...]:
    """The tally's open cases per level, in the order of Level."""
    tally = tables.GridTally
    return tuple(getattr(tally, f"open_{level.value.lower()}") for level in Level)


def _tallies(territory: Territory, *columns: ColumnElement[int]) -> Select:
    """Columns of the grid tallies (store/tallies.py) of the territory's grids."""
    return (
        select(*columns)
        .select_from(tables.GridTally)
        .join(tables.Grid, tables.Grid.id == tables.GridTally.grid_id)
        .where(in_territory(territory, tables.Grid.street_id, tables.Grid.community_id))
    )


def _text_filter(text: str) -> ColumnElement[bool]:
    pattern = f"%{text.strip().lower()}%"
    return or_(
        func.lower(tables.Case.code).like(pattern),
        func.lower(tables.Case.title).like(pattern),
        func.lower(tables.Category.name).like(pattern),
        func.lower(tables.Grid.name).like(pattern),
    )


def find_cases(
    session: Session, territory: Territory, text: str, *, limit: int = 10
) -> list[CaseRow]:
    """Cases of the territory whose code, title, category, grid or assignee holds `text`:
    open cases first, then the newest."""
    pattern = f"%{text.strip().lower()}%"
    query = case_rows().where(
        in_territory(territory, tables.Case.street_id, tables.Case.community_id),
        held_by(territory),
        or_(
            _text_filter(text),
            func.lower(tables.Staff.name).like(pattern),
            func.lower(tables.Department.name).like(pattern),
        ),
    )
    closed = tables.Case.step == "closed"
    rows = session.execute(query.order_by(closed, tables.Case.code.desc()).limit(limit))
    return [CaseRow(*row) for row in rows]


def queue_page(
    session: Session,
    territory: Territory,
    level: Level,
    *,
    grid_id: int | None = None,
    text: str = "",
    offset: int = 0,
    limit: int = 100,
) -> list[CaseRow]:
    """One page of a level's queue, the most urgent first."""
    query = _queue_filter(case_rows(), territory, level, grid_id, text)
    query = query.order_by(tables.Case.deadline, tables.Case.id).offset(offset).limit(limit)
    return [CaseRow(*row) for row in session.connection().execute(query)]


def queue_size(
    session: Session, territory: Territory, level: Level, *, grid_id: int | None, text: str
) -> int:
    """How many cases a filtered queue holds (the unfiltered count comes from level_counts)."""
    query = select(func.count()).select_from(tables.Case)
    if text.strip():
        query = query.join(tables.Category, tables.Category.id == tables.Case.category_id).join(
            tables.Grid, tables.Grid.id == tables.Case.grid_id
        )
    return session.scalar(_queue_filter(query, territory, level, grid_id, text)) or 0


def _queue_filter(
    query: Select, territory: Territory, level: Level, grid_id: int | None, text: str
) -> Select:
    """The one definition of what a (filtered) level queue holds: cases in a grid (those
    in none wait in the unplaced queue, as the level counts from the tallies say)."""
    query = query.where(
        OPEN,
        tables.Case.level == level.value,
        tables.Case.grid_id.is_not(None),
        in_territory(territory, tables.Case.street_id, tables.Case.community_id),
        held_by(territory),
    )
    if grid_id is not None:
        query = query.where(tables.Case.grid_id == grid_id)
    if text.strip():
        query = query.where(_text_filter(text))
    return query


def _unplaced(query: Select, territory: Territory) -> Select:
    """The open cases no grid covers yet: only a district's territory holds any."""
    return query.where(
        OPEN,
        tables.Case.grid_id.is_(None),
        in_territory(territory, tables.Case.street_id, tables.Case.community_id),
    )


def unplaced_size(session: Session, territory: Territory) -> int:
    """How many cases wait in the unplaced queue."""
    if not territory.is_district:
        return 0
    query = select(func.count()).select_from(tables.Case)
    return session.scalar(_unplaced(query, territory)) or 0


def unplaced_page(
    session: Session, territory: Territory, *, offset: int = 0, limit: int = 100
) -> list[CaseRow]:
    """One page of the unplaced queue: the least time left to place first."""
    query = _unplaced(case_rows(), territory)
    query = query.order_by(tables.Case.deadline, tables.Case.id).offset(offset).limit(limit)
    return [CaseRow(*row) for row in session.connection().execute(query)]


@dataclass(frozen=True)
class Timers:
    """The timers pane: the overdue cases first, then the ones due soon."""

    overdue: list[CaseRow]  # the most overdue first
    soon: list[CaseRow]  # the least time left first
    soon_total: int  # all the cases due soon, shown or not


def running_out(
    session: Session, territory: Territory, now: datetime, *, limit: int = 100
) -> Timers:
    """What to act on now: the cases past their limit (the most overdue first), then the
    ones about to reach it (the least time left first), each list cut at `limit`."""
    running = (
        OPEN,
        tables.Case.parked_at.is_(None),
        in_territory(territory, tables.Case.street_id, tables.Case.community_id),
        held_by(territory),
    )

    def first(when: ColumnElement[bool], *order: ColumnElement[Any]) -> list[CaseRow]:
        # The cases are picked from the running-clock index alone and only those few named:
        # joining the names first would name every late case before the limit.
        picked = (
            select(tables.Case.id).where(*running, when).order_by(*order).limit(limit).subquery()
        )
        query = case_rows().join(picked, picked.c.id == tables.Case.id).order_by(*order)
        # Columns through the connection: the ORM's loading adds nothing to rows of values.
        return [CaseRow(*row) for row in session.connection().execute(query)]

    deadline = tables.Case.deadline
    due_soon = (deadline >= now) & (deadline < now + DUE_SOON)
    soon = first(due_soon, deadline, tables.Case.id)
    soon_total = len(soon)
    if soon_total == limit:
        soon_total = session.scalar(select(func.count()).where(*running, due_soon)) or 0
    overdue = first(deadline < now, deadline, tables.Case.id)
    return Timers(overdue, soon, soon_total)


@dataclass(frozen=True)
class GridPlace:
    """Where a grid lies and whether anyone answers for it: moves only with the territory,
    so a console keeps it between refreshes."""

    grid_id: int
    code: str
    name: str
    street_id: int
    street: str
    community: str
    staffed: bool
    # Not under an open unpatrolled alert: the patrol-check job judges the gap by the
    # policy, once per grid and gap, and the next patrol settles it.
    patrolled: bool = True


@dataclass(frozen=True)
class GridLine:
    grid_id: int
    code: str
    name: str
    street: str
    community: str
    open: int
    overdue: int
    alerts: int
    status: GridStatus


def _on_duty_streets(session: Session, now: datetime) -> tuple[set[int], set[int]]:
    """Streets that have a duty post, and those with someone on duty at every post now."""
    posts = session.execute(
        select(tables.DutyPost.id, tables.DutyPost.street_id).where(
            tables.DutyPost.street_id.is_not(None)
        )
    ).all()
    staffed_now = set(
        session.scalars(
            select(tables.DutyShift.post_id).where(
                tables.DutyShift.starts_at <= now, tables.DutyShift.ends_at > now
            )
        )
    )
    with_posts = {street for _, street in posts}
    uncovered = {street for post, street in posts if post not in staffed_now}
    return with_posts, with_posts - uncovered


def grid_places(session: Session, territory: Territory) -> list[GridPlace]:
    """Every grid of the territory in board order (by code: street, community, grid)."""
    street, community = aliased(tables.Street), aliased(tables.Community)
    # A grid whose only people have left (disabled) is as unstaffed as one never staffed.
    staffed = (
        select(tables.GridStaff.grid_id)
        .join(tables.Staff, tables.Staff.id == tables.GridStaff.staff_id)
        .where(tables.Staff.active)
        .distinct()
        .subquery()
    )
    unpatrolled = (
        select(tables.Alert.grid_id)
        .where(tables.Alert.kind == Kind.UNPATROLLED.value, tables.Alert.resolved_at.is_(None))
        .distinct()
        .subquery()
    )
    rows = session.execute(
        select(
            tables.Grid.id,
            tables.Grid.code,
            tables.Grid.name,
            tables.Grid.street_id,
            street.name,
            community.name,
            staffed.c.grid_id.is_not(None),
            unpatrolled.c.grid_id.is_(None),
        )
        .join(street, street.id == tables.Grid.street_id)
        .join(community, community.id == tables.Grid.community_id)
        .outerjoin(staffed, staffed.c.grid_id == tables.Grid.id)
        .outerjoin(unpatrolled, unpatrolled.c.grid_id == tables.Grid.id)
        .where(in_territory(territory, tables.Grid.street_id, tables.Grid.community_id))
        .order_by(tables.Grid.code)
    ).all()
    return [GridPlace(*row[:6], bool(row[6]), bool(row[7])) for row in rows]


@dataclass(frozen=True)
class BoardBasis:
    """What a board's figures were made of, so that the next reading reads again only the
    grids a change moved: the tallies as of a late mark, and the duty on the streets."""

    late_mark: datetime
    line_of: dict[int, int]  # grid id -> its line on the board
    alarms: list[int]
    late_at_mark: list[int]
    corrected: frozenset[int]  # the lines whose late count the mark's correction moved
    duty: tuple[set[int], set[int]]  # streets with posts, streets with every post held


@dataclass(frozen=True)
class Board:
    """Every grid of the territory in board order with its figures, kept as columns: a city
    has ten thousand grids, and a refresh should neither make an object for each nor have
    the board compare them one by one. Two boards are equal when every figure is."""

    places: Sequence[GridPlace]
    open: list[int]
    overdue: list[int]
    alerts: list[int]
    status: list[GridStatus]
    basis: BoardBasis | None = field(default=None, compare=False)

    def __len__(self) -> int:
        return len(self.places)

    def line(self, index: int) -> GridLine:
        place = self.places[index]
        return GridLine(
            place.grid_id,
            place.code,
            place.name,
            place.street,
            place.community,
            self.open[index],
            self.overdue[index],
            self.alerts[index],
            self.status[index],
        )

    def lines(self) -> list[GridLine]:
        return [self.line(index) for index in range(len(self))]


EMPTY_BOARD = Board((), [], [], [], [])


def _board_figures(territory: Territory) -> Select:
    """Per grid of the territory: open cases, alerts, alarms, and late cases as of the mark."""
    tally, grid = tables.GridTally, tables.Grid
    figures = (
        func.coalesce(value, 0)
        for value in (
            sum(_open_per_level()),
            tally.alerts,
            tally.alarms,
            tally.late_a + tally.late_b + tally.late_c + tally.late_d,
        )
    )
    return (
        select(grid.id, *figures)
        .outerjoin(tally, tally.grid_id == grid.id)
        .where(in_territory(territory, grid.street_id, grid.community_id))
    )


def _grid_status(
    place: GridPlace, overdue: int, alerts: int, alarms: int, duty: tuple[set[int], set[int]]
) -> GridStatus:
    with_posts, covered = duty
    return grid_status(
        overdue=overdue,
        alarms=alarms,
        warnings=alerts - alarms,
        staffed=place.staffed,
        on_duty=place.street_id not in with_posts or place.street_id in covered,
        patrolled=place.patrolled,
    )


def _correct_late(
    late: list[int], line_of: dict[int, int], beyond: LateBeyondMark
) -> tuple[list[int], frozenset[int]]:
    """The late counts moved from the mark to now, and the lines that moved."""
    overdue, corrected = list(late), set()
    for grid_id, n in beyond.per_grid.items():
        line = line_of.get(grid_id)
        if line is not None:
            overdue[line] += n
            corrected.add(line)
    return overdue, frozenset(corrected)


def grid_board(
    session: Session,
    territory: Territory,
    now: datetime,
    places: Sequence[GridPlace],
    beyond: LateBeyondMark,
    *,
    since: Board | None = None,
    moved: Collection[int] | None = None,
) -> Board:
    """The places' counts and status, from the tallies the triggers keep; the late counts
    moved from the late mark to now by `beyond`. Given the board read last (`since`, over
    the same places and late mark) and the grids the changes since then `moved`, only those
    grids' tallies are read again (and who is on duty is taken from `since`); otherwise
    every grid's are, and places that no longer match the grids (one added or moved since
    they were read) are read again."""
    basis = since.basis if since is not None else None
    if (
        moved is None
        or since is None
        or basis is None
        or since.places is not places
        or basis.late_mark != beyond.mark
    ):
        return _whole_board(session, territory, now, places, beyond)
    opened, alerts = list(since.open), list(since.alerts)
    alarms, late = list(basis.alarms), list(basis.late_at_mark)
    read_again = set()
    if moved:
        query = _board_figures(territory).where(tables.Grid.id.in_(moved))
        for grid_id, *figures in session.connection().execute(query):
            line = basis.line_of.get(grid_id)
            if line is None:  # a grid these places do not hold yet
                return _whole_board(session, territory, now, places, beyond)
            opened[line], alerts[line], alarms[line], late[line] = figures
            read_again.add(line)
    overdue, corrected = _correct_late(late, basis.line_of, beyond)
    status = list(since.status)
    # The status can only have moved where a figure did: who is on duty moves with the
    # clock and the roster, and is read again with the roster pane, at a whole reading.
    for line in read_again | corrected | basis.corrected:
        status[line] = _grid_status(
            places[line], overdue[line], alerts[line], alarms[line], basis.duty
        )
    return Board(
        places,
        opened,
        overdue,
        alerts,
        status,
        BoardBasis(beyond.mark, basis.line_of, alarms, late, corrected, basis.duty),
    )


def _whole_board(
    session: Session,
    territory: Territory,
    now: datetime,
    places: Sequence[GridPlace],
    beyond: LateBeyondMark,
) -> Board:
    # Through the connection, not the ORM: a row per grid in board order, turned into
    # columns at once; nothing here is an object per grid.
    rows = session.connection().execute(_board_figures(territory).order_by(tables.Grid.code)).all()
    columns = (
        [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(5)]
    )
    ids, opened, alerts, alarms, late = columns
    if ids != [place.grid_id for place in places]:
        places = grid_places(session, territory)
    line_of = {grid_id: line for line, grid_id in enumerate(ids)}
    overdue, corrected = _correct_late(late, line_of, beyond)
    duty = _on_duty_streets(session, now)
    status = [
        _grid_status(place, n_late, n_alerts, n_alarms, duty)
        for place, n_late, n_alerts, n_alarms in zip(places, overdue, alerts, alarms, strict=True)
    ]
    return Board(
        places,
        opened,
        overdue,
        alerts,
        status,
        BoardBasis(beyond.mark, line_of, alarms, late, corrected, duty),
    )


@dataclass(frozen=True)
class PostDuty:
    post: str
    street: str
    on_duty: str | None
    phone: str  # masked
    until: datetime | None
    next_name: str | None
    next_from: datetime | None
    code: str = ""  # the post's code, to reveal its duty phone by


def roster_now(session: Session, territory: Territory, now: datetime) -> list[PostDuty]:
    """Every post the territory can see: who holds it now, until when, and who comes next."""
    post, shift = tables.DutyPost, tables.DutyShift
    posts = session.execute(
        select(post.id, post.name, tables.Street.name, post.code)
        .outerjoin(tables.Street, tables.Street.id == post.street_id)
        .where(
            or_(
                post.street_id.is_(None),
                in_territory(territory, post.street_id, post.community_id),
            )
        )
        .order_by(post.street_id.is_not(None), post.code)
    ).all()
    # Columns, not table objects: a refresh reads this for every post, every time.
    shifts: dict[int, list[Any]] = {}
    for row in session.execute(
        select(shift.post_id, shift.starts_at, shift.ends_at, tables.Staff.name, tables.Staff.phone)
        .join(tables.Staff, tables.Staff.id == shift.staff_id)
        .where(
            shift.post_id.in_([post_id for post_id, _, _, _ in posts]),
            shift.ends_at > now,
            shift.starts_at < now + timedelta(days=2),
        )
        .order_by(shift.starts_at)
    ):
        shifts.setdefault(row.post_id, []).append(row)
    result = []
    for post_id, post_name, street_name, post_code in posts:
        mine = shifts.get(post_id, [])
        current = next((row for row in mine if row.starts_at <= now), None)
        upcoming = next((row for row in mine if row.starts_at > now), None)
        result.append(
            PostDuty(
                post=post_name,
                street=street_name or "District",
                on_duty=current.name if current else None,
                phone=mask_phone(current.phone) if current else "",
                until=current.ends_at if current else None,
                next_name=upcoming.name if upcoming else None,
                code=post_code,
                next_from=upcoming.starts_at if upcoming else None,
            )
        )
    return result


@dataclass(frozen=True)
class AlertLine:
    id: int
    kind: str
    severity: str
    title: str
    raised_at: datetime
    acknowledged_by: str | None


@dataclass(frozen=True)
class OpenAlerts:
    """What the alert strip shows: the most pressing open alerts, and how many wait."""

    lines: list[AlertLine]
    unacknowledged: int  # all of them in the territory, shown or not


# The strip's order: an alarm is never below a warning, whatever their ages.
SEVERITY_ORDER = (Severity.ALARM, Severity.WARNING, Severity.INFO)


def open_alerts(session: Session, territory: Territory, *, limit: int = 50) -> OpenAlerts:
    """Unresolved alerts of the territory: unacknowledged first, by severity (alarms before
    warnings), newest first within a severity; then acknowledged ones, newest first."""
    alert = tables.Alert
    columns = (
        alert.id,
        alert.kind,
        alert.severity,
        alert.title,
        alert.raised_at,
        alert.acknowledged_by,
    )
    unresolved = select(*columns).where(alert.resolved_at.is_(None), alerts_in_scope(territory))
    waiting = unresolved.where(alert.acknowledged_at.is_(None))
    newest = alert.raised_at.desc()
    # One read per severity, so that each walks the index of unresolved alerts from the
    # newest and stops at the limit (200 old warnings never push an alarm out).
    rows: list[Any] = []
    for severity in SEVERITY_ORDER:
        if len(rows) < limit:
            rows += session.execute(
                waiting.where(alert.severity == severity.value)
                .order_by(newest)
                .limit(limit - len(rows))
            ).all()
    count = len(rows)
    if count == limit:
        count = session.scalar(select(func.count()).select_from(waiting.subquery())) or 0
    if len(rows) < limit:
        seen = unresolved.where(alert.acknowledged_at.is_not(None))
        rows += session.execute(seen.order_by(newest).limit(limit - len(rows))).all()
    return OpenAlerts([AlertLine(*row) for row in rows], count)


def territory_label(session: Session, territory: Territory) -> str:
    """A territory as its people name it: `Xiangjiang Street, Yuehu District`; a
    department's account sees its own queue: `my department: City Gas Group`."""
    district = session.scalar(select(tables.District.name)) or "no district"
    if territory.department_id is not None:
        name = session.scalar(
            select(tables.Department.name).where(tables.Department.id == territory.department_id)
        )
        return f"my department: {name or '?'}"
    if territory.community_id is not None:
        name = session.scalar(
            select(tables.Community.name).where(tables.Community.id == territory.community_id)
        )
        return f"{name or '?'}, {district}"
    if territory.street_id is not None:
        name = session.scalar(
            select(tables.Street.name).where(tables.Street.id == territory.street_id)
        )
        return f"{name or '?'}, {district}"
    return district
