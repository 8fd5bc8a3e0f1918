"""The counts behind the assessment figures, the report and the risk map.

Every count is one grouped statement that the database answers from its
indexes; Python only adds the groups up. What the counts mean is decided in
`gridcenter.domain.assessment`.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from gridcenter.domain.access import Territory
from gridcenter.domain.assessment import (
    LATE_EXTENSION,
    Behind,
    DepartmentDuty,
    Dispatcher,
    GridRisk,
    StepTime,
    Tally,
    Worker,
    nearest_rank,
)
from gridcenter.domain.authority import OFF_LIST
from gridcenter.domain.loop import OPEN_STEPS, Satisfaction
from gridcenter.domain.periods import Period
from gridcenter.domain.reports import Repeats
from gridcenter.queries.cases import OPEN
from gridcenter.queries.scope import in_territory
from gridcenter.queries.sql import instant, local_day, seconds_between
from gridcenter.store import tables

Case, Step, Event = tables.Case, tables.CaseStep, tables.CaseEvent

# What a table of figures can be broken down by: the case column and the named table.
GROUPINGS: dict[str, tuple[Any, Any]] = {
    "street": (Case.street_id, tables.Street),
    "community": (Case.community_id, tables.Community),
    "grid": (Case.grid_id, tables.Grid),
    "category": (Case.category_id, tables.Category),
    "department": (Case.assignee_department_id, tables.Department),
    "person": (Case.assignee_staff_id, tables.Staff),
}
# Drilling down a territory: what lies under each kind of place.
BELOW = {"district": "street", "street": "community", "community": "grid"}
RATED = tuple(item.value for item in Satisfaction if item is not Satisfaction.NOT_RATED)


@dataclass(frozen=True)
class Place:
    """The territory figures are counted for: the district, or one street, community or grid."""

    kind: str  # district, street, community or grid
    id: int | None
    name: str

    def where(self) -> ColumnElement[bool]:
        column = {
            "street": Case.street_id,
            "community": Case.community_id,
            "grid": Case.grid_id,
        }.get(self.kind)
        return true() if column is None else column == self.id


def find_place(session: Session, kind: str, code: str | None) -> Place | None:
    """A place by its code, or the district itself; None when there is no such place."""
    if kind == "district" or code is None:
        name = session.scalar(select(tables.District.name)) or "the district"
        return Place("district", None, name)
    table = GROUPINGS[kind][1]
    found = session.execute(select(table.id, table.name).where(table.code == code)).first()
    return None if found is None else Place(kind, found.id, found.name)


def place_of(session: Session, kind: str, place_id: int) -> Place:
    table = GROUPINGS[kind][1]
    return Place(kind, place_id, session.scalar(select(table.name).where(table.id == place_id)))


def place_inside(session: Session, place: Place, territory: Territory) -> bool:
    """Whether a street, community or grid lies in an operator's territory."""
    if place.kind == "district":
        return territory.street_id is None and territory.community_id is None
    table = GROUPINGS[place.kind][1]
    street = table.id if place.kind == "street" else table.street_id
    community = table.id if place.kind == "community" else getattr(table, "community_id", None)
    if place.kind == "street" and territory.community_id is not None:
        return False
    query = select(table.id).where(table.id == place.id)
    if territory.community_id is not None:
        query = query.where(community == territory.community_id)
    elif territory.street_id is not None:
        query = query.where(street == territory.street_id)
    return session.scalar(query) is not None


def _of_place(query: Select, case_id: Any, territory: Territory, place: Place) -> Select:
    """Keep the rows (steps, events) of the place's cases. For the whole district every
    row counts, so the cases are not read at all: the index alone answers."""
    if place.kind == "district" and territory == Territory():
        return query
    return query.join(Case, Case.id == case_id).where(_scope(territory, place))


def _grid_in(place: Place) -> ColumnElement[bool]:
    """The grids of a place, for queries on the grid table itself."""
    grid = tables.Grid
    column = {"street": grid.street_id, "community": grid.community_id, "grid": grid.id}
    return true() if place.kind == "district" else column[place.kind] == place.id


def _scope(territory: Territory, place: Place) -> ColumnElement[bool]:
    return and_(in_territory(territory, Case.street_id, Case.community_id), place.where())


Breakdown = dict[str | None, dict[Any, Tally]]


@dataclass(frozen=True)
class Count:
    """One grouped statement of the tallies: its rows are (by, one column per key, sums...)
    and its sums add to the Tally fields `names`. With `by_source`, the first sum is also
    given per source, for the whole place only (nothing else shows it)."""

    statement: Any
    names: tuple[str, ...]
    by_source: bool = False


def add_up(bys: Sequence[str], read: Sequence[tuple[Count, Sequence[Any]]]) -> Breakdown:
    """The tallies from each count with the rows of its statement (read on any connection):
    the whole place under [None][None], each group of a breakdown under [by][group id]."""
    result: Breakdown = {by: defaultdict(Tally) for by in (None, *bys)}
    whole = result[None][None]
    for count, counted in read:
        width = len(bys) + count.by_source
        for row in counted:
            by, totals = row[0], row[1 + width :]
            key = None if by < 0 else row[1 + by]
            if by >= len(bys):
                whole.by_source[key] = totals[0]
                continue
            tally = result[None if by < 0 else bys[by]][key]
            for name, total in zip(count.names, totals, strict=True):
                setattr(tally, name, getattr(tally, name) + total)
    return result


def tally_counts(
    period: Period,
    territory: Territory,
    place: Place,
    bys: Sequence[str] = (),
    now: datetime | None = None,
) -> dict[str, Count]:
    """The counts for the period, as statements by name, each independent of the others
    (so that they can be read at once on several connections; `add_up` turns their rows
    into tallies): for the whole place, and per group of each of `bys` (GROUPINGS keys).
    A period still running is counted up to `now`: a step due tomorrow is not overdue."""
    start = period.start
    end = period.end if now is None else min(period.end, now)
    keys = [GROUPINGS[by][0].label(f"k{n}") for n, by in enumerate(bys)]
    scope = _scope(territory, place)
    source = Case.source.label("source")

    def count(query: Select, *, by_source: bool = False, **sums: Any) -> Count:
        grouped = [*keys, source] if by_source else keys
        query = query.add_columns(source) if by_source else query
        return Count(_per_group(query, grouped, list(sums.values())), tuple(sums), by_source)

    def ones(condition: Any) -> Any:
        return case((condition, 1), else_=0)

    counts = {}
    # Reported in the period; invalid ones; valid ones closed by the end. By source for the
    # whole place only (nothing else shows it).
    counts["reported"] = count(
        select(*keys).where(scope, Case.created_at >= start, Case.created_at < end),
        by_source=True,
        reported=1,
        invalid=ones(Case.invalid),
        reported_closed=ones(and_(Case.closed_at < end, ~Case.invalid)),
    )

    # Closed in the period: satisfaction, and whether any step ran past its deadline.
    extended = exists().where(Step.case_id == Case.id, Step.deadline > Step.original_deadline)
    counts["closed"] = count(
        select(*keys).where(scope, Case.closed_at >= start, Case.closed_at < end, ~Case.invalid),
        closed=1,
        due=1,
        satisfied=ones(Case.satisfaction == Satisfaction.SATISFIED.value),
        rated=ones(Case.satisfaction.in_(RATED)),
        on_time=ones(~_late_step),
        extended=ones(extended),
    )

    # Open at the end with the step past its deadline; a parked clock is stopped.
    running_at_end = and_(
        Step.started_at < end,
        or_(Step.ended_at.is_(None), Step.ended_at >= end),
        Step.deadline < end,
        ~and_(_parked_now, Case.parked_at < end),
    )
    steps = select(*keys).select_from(Step).join(Case, Case.id == Step.case_id)
    counts["running"] = count(
        steps.where(scope, running_at_end),
        overdue=1,
        due=1,
        overrun_steps=1,
        overrun_sum=_multiple(instant(end)),
    )

    # Steps that finished in the period past their original deadline.
    counts["overrun"] = count(
        steps.where(
            scope,
            Step.ended_at >= start,
            Step.ended_at < end,
            Step.ended_at > Step.original_deadline,
        ),
        overrun_steps=1,
        overrun_sum=_multiple(Step.ended_at),
    )

    # Extensions asked for after the deadline: refused, and kept in the audit trail.
    asked = tables.AuditEvent
    counts["late_requests"] = count(
        select(*keys)
        .select_from(asked)
        .join(Case, Case.code == asked.subject_ref)
        .where(
            scope,
            asked.action == LATE_EXTENSION,
            asked.subject_kind == "case",
            asked.at >= start,
            asked.at < end,
        ),
        late_requests=1,
    )

    # Steps that finished in the period: how long they took, and how long they were parked.
    counts["stopped"] = count(
        steps.where(scope, Step.ended_at >= start, Step.ended_at < end),
        step_s=seconds_between(Step.ended_at, Step.started_at),
        parked_s=func.coalesce(Step.parked_s, 0.0),
    )

    # Actions taken in the period; a failed one (a verification that failed) is rework.
    actions = {
        "filed": "file",
        "dispatched": "dispatch",
        "verified": "verify",
        "extensions": "grant_extension",
        "parked": "park",
        "reopened": "reopen",
    }
    counts["actions"] = count(
        select(*keys)
        .select_from(Event)
        .join(Case, Case.id == Event.case_id)
        .where(scope, Event.action.in_(actions.values()), Event.at >= start, Event.at < end),
        **{name: ones(Event.action == action) for name, action in actions.items()},
        rework=ones(Event.to_value.like("failed%")),
    )
    return counts


def _per_group(query: Select, keys: list[Any], values: list[Any]) -> Any:
    """One statement: the rows of `query` read once (materialized), then summed for the
    whole (by -1) and per group of each key (by 0, 1, ...), as rows of (by, one column per
    key, sums...).
    The database does the adding up: a month at city scale is hundreds of thousands of
    rows, but only a few thousand groups."""
    facts = (
        query.add_columns(
            *(
                (v if isinstance(v, ColumnElement) else literal_column(str(v))).label(f"v{n}")
                for n, v in enumerate(values)
            )
        )
        .cte("facts")
        .prefix_with("MATERIALIZED")
    )
    totals = [func.coalesce(func.sum(facts.c[f"v{n}"]), 0) for n in range(len(values))]
    # Each key has a column of its own (null outside its own rows): keys of different
    # types (an id, a source's name) never share one.
    columns = [facts.c[key.name] for key in keys]
    nulls = [cast(null(), column.type) for column in columns]  # typed, for PostgreSQL
    parts = [select(literal(-1), *nulls, *totals)]
    for n, grouped in enumerate(columns):
        shown = [c if c is grouped else empty for c, empty in zip(columns, nulls, strict=True)]
        parts.append(select(literal(n), *shown, *totals).group_by(grouped))
    return union_all(*parts)


# The case's current step is parked: its clock stopped and its deadline will move.
_parked_now = and_(Step.ended_at.is_(None), Case.parked_at.is_not(None))
# A step of the case finished after its original deadline: an extension does not excuse it.
_late_step = exists().where(Step.case_id == Case.id, Step.ended_at > Step.original_deadline)


def _multiple(until: Any) -> Any:
    """How many times its allowed time, before any extension, a step has taken by `until`."""
    allowed = func.nullif(seconds_between(Step.original_deadline, Step.started_at), 0)
    return seconds_between(until, Step.started_at) / allowed


def labels(session: Session, by: str, keys: list[Any]) -> dict[Any, str]:
    """The names of the groups a table shows (and nothing else)."""
    table = GROUPINGS[by][1]
    return dict(session.execute(select(table.id, table.name).where(table.id.in_(keys))).all())


def named(session: Session, by: str, groups: dict[Any, Tally]) -> dict[str, Tally]:
    """Tallies keyed by the group's name, for ranked tables; cases with no such group
    (no department assigned, ...) are left out."""
    names = labels(session, by, [k for k in groups if k is not None])
    return {names[k]: tally for k, tally in groups.items() if k is not None}


@dataclass(frozen=True)
class PlaceTally:
    """A place one level down, with what was counted in it."""

    place: Place
    tally: Tally


def children(
    session: Session, territory: Territory, place: Place, counted: Breakdown
) -> list[PlaceTally]:
    """The places one level down (streets of the district, ...), each with its tally from
    `counted` (tallies by BELOW[place.kind]); places with no cases are listed too."""
    below = BELOW.get(place.kind)
    if below is None:
        return []
    found = counted.get(below, {})
    table = GROUPINGS[below][1]
    query = select(table.id, table.name).order_by(table.code)
    if below == "community":
        query = query.where(table.street_id == place.id)
    elif below == "grid":
        query = query.where(table.community_id == place.id)
    if territory.street_id is not None and below in ("street", "community"):
        column = table.id if below == "street" else table.street_id
        query = query.where(column == territory.street_id)
    return [
        PlaceTally(Place(below, i, name), found.get(i, Tally()))
        for i, name in session.execute(query)
    ]


def step_durations(
    session: Session, period: Period, territory: Territory, place: Place
) -> list[StepTime]:
    """How long each step took, for the steps that finished in the period: the count and
    average per step, then each step's 90th percentile, the value at its rank."""
    took = seconds_between(Step.ended_at, Step.started_at) - Step.paused_s
    took = case((took < 0, 0.0), else_=took)  # a step never takes less than nothing
    query = select().select_from(Step)
    query = query.where(Step.ended_at >= period.start, Step.ended_at < period.end)
    query = _of_place(query, Step.case_id, territory, place)
    counted = {
        step: (n, mean)
        for step, n, mean in session.execute(
            query.add_columns(Step.step, func.count(), func.avg(took)).group_by(Step.step)
        )
    }
    if not counted:
        return [StepTime(step.value, 0, None, None) for step in OPEN_STEPS]
    # Each time worked out once; then per step the value at its rank counted from the
    # slowest, so that the database keeps in order only the slowest tenth of them, not all.
    times = (
        query.add_columns(Step.step.label("step"), took.label("took"))
        .cte("times")
        .prefix_with("MATERIALIZED")
    )
    at_rank = [
        select(times.c.took)
        .where(times.c.step == step)
        .order_by(times.c.took.desc())
        .limit(1)
        .offset(n - nearest_rank(n, 0.9))
        .scalar_subquery()
        for step, (n, _) in counted.items()
    ]
    p90 = dict(zip(counted, session.execute(select(*at_rank)).one(), strict=True))
    result = []
    for step in (step.value for step in OPEN_STEPS):
        n, mean = counted.get(step, (0, None))
        result.append(StepTime(step, n, _float(mean), _float(p90.get(step))))
    return result


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def workers(session: Session, period: Period, territory: Territory, place: Place) -> list[Worker]:
    """Every active grid worker of the place with the patrol reports they filed."""
    counts = {
        staff_id: (n, int(invalid or 0))
        for staff_id, n, invalid in session.execute(
            select(Case.reporter_staff_id, func.count(), func.sum(case((Case.invalid, 1), else_=0)))
            .where(
                _scope(territory, place),
                Case.source == "patrol",
                Case.reporter_staff_id.is_not(None),
                Case.created_at >= period.start,
                Case.created_at < period.end,
            )
            .group_by(Case.reporter_staff_id)
        )
    }
    staff = tables.Staff
    query = select(staff.id, staff.name).where(staff.role == "grid_worker", staff.active)
    query = query.where(in_territory(territory, staff.street_id, staff.community_id))
    if place.kind == "grid":
        query = query.join(tables.GridStaff).where(tables.GridStaff.grid_id == place.id)
    elif place.kind == "street":
        query = query.where(staff.street_id == place.id)
    elif place.kind == "community":
        query = query.where(staff.community_id == place.id)
    return [
        Worker(name, *counts.get(staff_id, (0, 0)), period.months)
        for staff_id, name in session.execute(query.order_by(staff.code))
    ]


def dispatchers(
    session: Session, period: Period, territory: Territory, place: Place
) -> list[Dispatcher]:
    """Who dispatched in the period, how many of those cases were never reassigned nor
    returned, how many came back (returned by their holder), and how many holders each
    chose against the rules (an override, dispatching or reassigning)."""
    later = aliased(Event)
    moved_on = exists().where(
        later.case_id == Event.case_id,
        later.action.in_(("reassign", "return")),
        later.at >= Event.at,
    )
    sent_back = exists().where(
        later.case_id == Event.case_id, later.action == "return", later.at >= Event.at
    )
    query = select(
        Event.actor,
        func.count(),
        func.sum(case((~moved_on, 1), else_=0)),
        func.sum(case((sent_back, 1), else_=0)),
    ).where(Event.action == "dispatch", Event.at >= period.start, Event.at < period.end)
    query = _of_place(query, Event.case_id, territory, place)
    counted = {
        actor: (n, int(right or 0), int(back or 0))
        for actor, n, right, back in session.execute(query.group_by(Event.actor))
    }
    off_list = select(Event.actor, func.count()).where(
        Event.action.in_(("dispatch", "reassign")),
        Event.reason.like(f"{OFF_LIST}%"),
        Event.at >= period.start,
        Event.at < period.end,
    )
    off_list = _of_place(off_list, Event.case_id, territory, place)
    overrides = dict(session.execute(off_list.group_by(Event.actor)).all())
    return [
        Dispatcher(actor, *counted.get(actor, (0, 0, 0)), overrides.get(actor, 0))
        for actor in sorted({*counted, *overrides})
    ]


def departments(
    session: Session, period: Period, territory: Territory, place: Place
) -> list[DepartmentDuty]:
    """Departments' handling steps (and co-handled parts) due in the period, handled on
    time, and cases returned."""
    department = tables.Department
    scope = _scope(territory, place)
    due = {
        dept: (n, int(on_time or 0))
        for dept, n, on_time in session.execute(
            select(
                Case.assignee_department_id,
                func.count(),
                func.sum(case((Step.ended_at <= Step.original_deadline, 1), else_=0)),
            )
            .join(Case, Case.id == Step.case_id)
            .where(
                scope,
                Case.assignee_department_id.is_not(None),
                Step.step == "dispatched",
                Step.original_deadline >= period.start,
                Step.original_deadline < period.end,
                ~_parked_now,
            )
            .group_by(Case.assignee_department_id)
        )
    }
    # A co-handler's part is due at its own deadline: late for whoever answered late.
    joint = tables.CaseCohandler
    parts = session.execute(
        select(
            joint.department_id,
            func.count(),
            func.sum(case((joint.answered_at <= joint.deadline, 1), else_=0)),
        )
        .join(Case, Case.id == joint.case_id)
        .where(scope, joint.deadline >= period.start, joint.deadline < period.end)
        .group_by(joint.department_id)
    )
    for dept, n, on_time in parts:
        before = due.get(dept, (0, 0))
        due[dept] = (before[0] + n, before[1] + int(on_time or 0))
    returned = dict(
        session.execute(
            select(Event.from_value, func.count())
            .join(Case, Case.id == Event.case_id)
            .where(
                scope,
                Event.action.in_(("reassign", "return")),
                Event.at >= period.start,
                Event.at < period.end,
            )
            .group_by(Event.from_value)
        ).all()
    )
    result = []
    for dept_id, name in session.execute(
        select(department.id, department.name).order_by(department.code)
    ):
        n, on_time = due.get(dept_id, (0, 0))
        back = returned.get(name, 0)
        if n or back:
            result.append(DepartmentDuty(name, n, on_time, back))
    return result


def category_trend(
    session: Session, period: Period, territory: Territory, place: Place
) -> dict[str, dict[date, int]]:
    """Cases reported per local day, by kind of risk (dispute, security, hazard, service)."""
    offset = int(period.start.utcoffset().total_seconds())  # type: ignore[union-attr]
    day = local_day(Case.created_at, offset).label("day")
    trend: dict[str, dict[date, int]] = defaultdict(dict)
    for kind, when, n in session.execute(
        select(tables.Category.kind, day, func.count())
        .join(tables.Category, tables.Category.id == Case.category_id)
        .where(
            _scope(territory, place),
            Case.created_at >= period.start,
            Case.created_at < period.end,
        )
        .group_by(tables.Category.kind, day)
    ):
        trend[kind][when] = n
    return dict(trend)


@dataclass(frozen=True)
class GridOnMap:
    id: int
    code: str
    name: str
    community: str
    street: str
    risk: GridRisk


def risk_map(
    session: Session, period: Period, territory: Territory, place: Place, now: datetime
) -> list[GridOnMap]:
    """Every grid of the place with what makes it risky, by street and community."""
    scope = _scope(territory, place)
    open_now = OPEN
    overdue_now = and_(open_now, Case.deadline < now, Case.parked_at.is_(None))
    open_counts = {
        grid: (n, int(late or 0))
        for grid, n, late in session.execute(
            select(Case.grid_id, func.count(), func.sum(case((overdue_now, 1), else_=0)))
            .where(scope, open_now)
            .group_by(Case.grid_id)
        )
    }
    alerts = dict(
        session.execute(
            select(tables.Alert.grid_id, func.count())
            .join(tables.Grid, tables.Grid.id == tables.Alert.grid_id)
            .where(
                tables.Alert.resolved_at.is_(None),
                in_territory(territory, tables.Grid.street_id, tables.Grid.community_id),
                _grid_in(place),
            )
            .group_by(tables.Alert.grid_id)
        ).all()
    )
    rework = dict(
        session.execute(
            select(Case.grid_id, func.count())
            .select_from(Event)
            .join(Case, Case.id == Event.case_id)
            .where(
                scope,
                Event.action == "verify",
                Event.to_value.like("failed%"),
                Event.at >= period.start,
                Event.at < period.end,
            )
            .group_by(Case.grid_id)
        ).all()
    )
    same = (
        select(Case.grid_id.label("grid_id"), (func.count() - 1).label("extra"))
        .where(scope, Case.created_at >= period.start, Case.created_at < period.end)
        .group_by(Case.grid_id, Case.category_id)
        .having(func.count() > 1)
        .subquery()
    )
    repeats = dict(
        session.execute(
            select(same.c.grid_id, func.sum(same.c.extra)).group_by(same.c.grid_id)
        ).all()
    )
    grid, community, street = tables.Grid, tables.Community, tables.Street
    query = (
        select(grid.id, grid.code, grid.name, community.name, street.name)
        .join(community, community.id == grid.community_id)
        .join(street, street.id == grid.street_id)
        .where(in_territory(territory, grid.street_id, grid.community_id))
        .order_by(street.code, community.code, grid.code)
    )
    query = query.where(_grid_in(place))
    result = []
    for grid_id, code, name, community_name, street_name in session.execute(query):
        n_open, n_late = open_counts.get(grid_id, (0, 0))
        risk = GridRisk(
            open=n_open,
            overdue=n_late,
            alerts=alerts.get(grid_id, 0),
            rework=rework.get(grid_id, 0),
            repeats=int(repeats.get(grid_id, 0) or 0),
        )
        result.append(GridOnMap(grid_id, code, name, community_name, street_name, risk))
    return result


@dataclass(frozen=True)
class CaseBehind:
    code: str
    title: str
    step: str
    grid: str


def cases_behind(
    session: Session,
    period: Period,
    territory: Territory,
    place: Place,
    figure: Behind,
    limit: int = 200,
) -> list[CaseBehind]:
    """The cases behind a number, for drilling down to them."""
    start, end = period.start, period.end
    conditions = {
        Behind.REPORTED: and_(Case.created_at >= start, Case.created_at < end),
        Behind.CLOSED: and_(Case.closed_at >= start, Case.closed_at < end, ~Case.invalid),
        Behind.LATE: and_(Case.closed_at >= start, Case.closed_at < end, ~Case.invalid, _late_step),
        Behind.INVALID: and_(Case.created_at >= start, Case.created_at < end, Case.invalid),
        Behind.OPEN: and_(Case.created_at >= start, Case.created_at < end, OPEN),
    }
    rows = session.execute(
        select(Case.code, Case.title, Case.step, tables.Grid.name)
        .join(tables.Grid, tables.Grid.id == Case.grid_id)
        .where(_scope(territory, place), conditions[figure])
        .order_by(Case.created_at, Case.id)
        .limit(limit)
    )
    return [CaseBehind(*row) for row in rows]


def unplaced_reports(
    session: Session, period: Period, territory: Territory, place: Place
) -> list[tuple[str, float | None, float | None]]:
    """Where the reports of the period that no grid covered were said to be (address, lat,
    lon): those still unplaced and those placed by hand since, as their history shows. They
    are the district's alone: a street, a community or their offices count none."""
    if place.kind != "district" or not territory.is_district:
        return []
    placed = select(tables.CaseEvent.case_id).where(tables.CaseEvent.action == "place")
    rows = session.execute(
        select(Case.address, Case.lat, Case.lon)
        .where(
            Case.created_at >= period.start,
            Case.created_at < period.end,
            or_(Case.grid_id.is_(None), Case.id.in_(placed)),
        )
        .order_by(Case.id)  # a place is named as its first report said it
    )
    return [(address, lat, lon) for address, lat, lon in rows]


def repeats(session: Session, period: Period, territory: Territory, place: Place) -> Repeats:
    """The place's reports of the period flagged as possible repeats, and the repeats
    merged (closed into the case they repeat) in the period."""
    reported = and_(Case.created_at >= period.start, Case.created_at < period.end)
    closed = and_(Case.closed_at >= period.start, Case.closed_at < period.end)
    flagged, merged = session.execute(
        select(
            func.count(Case.id).filter(reported, Case.repeat_of_id.is_not(None)),
            func.count(Case.id).filter(closed, Case.merged_into_id.is_not(None)),
        ).where(_scope(territory, place), or_(reported, closed))
    ).one()
    return Repeats(flagged, merged)
