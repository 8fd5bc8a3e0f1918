"""A grid as its team and its fieldwork show it: who answers for it, when it was last
patrolled, the hours walked this week, the visits this month and the visit rate."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, literal, select
from sqlalchemy.orm import Session

from gridcenter.domain.access import Territory
from gridcenter.domain.fieldwork import (
    FieldworkFigures,
    FieldworkPolicy,
    patrol_gap,
    visit_rate,
)
from gridcenter.domain.periods import Period
from gridcenter.queries.assessment import BELOW, GROUPINGS, Place
from gridcenter.queries.scope import in_territory
from gridcenter.queries.sql import seconds_between
from gridcenter.store import tables


@dataclass(frozen=True)
class TeamMember:
    code: str
    name: str
    role: str
    phone: str | None


@dataclass(frozen=True)
class GridFieldwork:
    code: str
    name: str
    community: str
    street: str
    kind: str
    households: int
    population: int
    team: list[TeamMember]
    last_patrol_at: datetime | None
    unpatrolled: bool
    patrol_hours_this_week: float
    visits_this_month: int
    households_visited: int  # in the policy's window
    visit_rate: float | None


def _week_start(now: datetime, zone: ZoneInfo) -> datetime:
    local = now.astimezone(zone)
    monday = local - timedelta(days=local.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)


def _month_start(now: datetime, zone: ZoneInfo) -> datetime:
    return now.astimezone(zone).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _teams(session: Session, grid_ids: list[int]) -> dict[int, list[TeamMember]]:
    """The active people answering for each grid, by role."""
    members: dict[int, list[TeamMember]] = {grid_id: [] for grid_id in grid_ids}
    for grid_id, *member in session.execute(
        select(
            tables.GridStaff.grid_id,
            tables.Staff.code,
            tables.Staff.name,
            tables.Staff.role,
            tables.Staff.phone,
        )
        .join(tables.Staff, tables.Staff.id == tables.GridStaff.staff_id)
        .where(tables.GridStaff.grid_id.in_(grid_ids), tables.Staff.active)
        .order_by(tables.Staff.role, tables.Staff.code)
    ):
        members[grid_id].append(TeamMember(*member))
    return members


def _hours_since(start: datetime, end: datetime, since: datetime, now: datetime) -> float:
    """The hours of a patrol walked between `since` and `now`: a patrol across Monday
    midnight counts for the part walked this week."""
    return max((min(end, now) - max(start, since)).total_seconds() / 3600, 0.0)


def grid_fieldwork(
    session: Session,
    territory: Territory,
    code: str,
    now: datetime,
    zone: ZoneInfo,
    policy: FieldworkPolicy,
) -> GridFieldwork | None:
    """The grid named by `code` inside the territory, or None (outside reads as absent)."""
    found = session.execute(
        select(tables.Grid, tables.Community.name, tables.Street.name)
        .join(tables.Community, tables.Community.id == tables.Grid.community_id)
        .join(tables.Street, tables.Street.id == tables.Grid.street_id)
        .where(
            tables.Grid.code == code.strip(),
            in_territory(territory, tables.Grid.street_id, tables.Grid.community_id),
        )
    ).first()
    if found is None:
        return None
    grid, community, street = found
    team = _teams(session, [grid.id])[grid.id]
    last = session.scalar(
        select(func.max(tables.FieldPatrol.ended_at)).where(tables.FieldPatrol.grid_id == grid.id)
    )
    week = _week_start(now, zone)
    walked = session.execute(
        select(tables.FieldPatrol.started_at, tables.FieldPatrol.ended_at).where(
            tables.FieldPatrol.grid_id == grid.id,
            tables.FieldPatrol.ended_at > week,
            tables.FieldPatrol.started_at <= now,
        )
    ).all()
    # A patrol across Monday midnight counts for the part walked this week.
    hours = sum((min(end, now) - max(start, week)).total_seconds() / 3600 for start, end in walked)
    visits = session.scalar(
        select(func.count()).where(
            tables.FieldVisit.grid_id == grid.id,
            tables.FieldVisit.at >= _month_start(now, zone),
            tables.FieldVisit.at <= now,
        )
    )
    visited = session.scalar(
        select(func.count(distinct(tables.FieldVisit.household))).where(
            tables.FieldVisit.grid_id == grid.id,
            tables.FieldVisit.at > now - policy.visit_window,
            tables.FieldVisit.at <= now,
        )
    )
    return GridFieldwork(
        code=grid.code,
        name=grid.name,
        community=community,
        street=street,
        kind=grid.kind,
        households=grid.households,
        population=grid.population,
        team=team,
        last_patrol_at=last,
        unpatrolled=patrol_gap(last, now, policy.patrol_gap),
        patrol_hours_this_week=round(hours, 2),
        visits_this_month=visits or 0,
        households_visited=visited or 0,
        visit_rate=visit_rate(visited or 0, grid.households),
    )


@dataclass(frozen=True)
class PersonLoad:
    code: str
    name: str
    role: str
    grids: int  # how many grids of the territory they answer for
    open_cases: int
    patrol_hours_this_week: float
    visits_this_month: int


def team_workload(
    session: Session, territory: Territory, now: datetime, zone: ZoneInfo
) -> list[PersonLoad]:
    """Everyone on a grid team of the territory, most open cases first: what each holds,
    walks and visits."""
    week, month = _week_start(now, zone), _month_start(now, zone)
    grids = (
        select(tables.GridStaff.staff_id, func.count().label("n"))
        .join(tables.Grid, tables.Grid.id == tables.GridStaff.grid_id)
        .where(in_territory(territory, tables.Grid.street_id, tables.Grid.community_id))
        .group_by(tables.GridStaff.staff_id)
        .subquery()
    )
    held = (
        select(tables.Case.assignee_staff_id.label("staff_id"), func.count().label("n"))
        .where(tables.Case.step != "closed", tables.Case.assignee_staff_id.is_not(None))
        .group_by(tables.Case.assignee_staff_id)
        .subquery()
    )
    visits = (
        select(tables.FieldVisit.staff_id, func.count().label("n"))
        .where(tables.FieldVisit.at >= month, tables.FieldVisit.at <= now)
        .group_by(tables.FieldVisit.staff_id)
        .subquery()
    )
    rows = session.execute(
        select(
            tables.Staff.id,
            tables.Staff.code,
            tables.Staff.name,
            tables.Staff.role,
            grids.c.n,
            func.coalesce(held.c.n, 0),
            func.coalesce(visits.c.n, 0),
        )
        .join(grids, grids.c.staff_id == tables.Staff.id)
        .outerjoin(held, held.c.staff_id == tables.Staff.id)
        .outerjoin(visits, visits.c.staff_id == tables.Staff.id)
        .where(tables.Staff.active)
    ).all()
    walked: dict[int, float] = {}
    for staff_id, start, end in session.execute(
        select(
            tables.FieldPatrol.staff_id, tables.FieldPatrol.started_at, tables.FieldPatrol.ended_at
        ).where(tables.FieldPatrol.ended_at > week, tables.FieldPatrol.started_at <= now)
    ):
        walked[staff_id] = walked.get(staff_id, 0.0) + _hours_since(start, end, week, now)
    loads = [
        PersonLoad(code, name, role, n_grids, n_open, round(walked.get(sid, 0.0), 2), n_visits)
        for sid, code, name, role, n_grids, n_open, n_visits in rows
    ]
    return sorted(loads, key=lambda load: (-load.open_cases, load.code))


@dataclass(frozen=True)
class ContactCard:
    """A grid's published card: who answers for it, in what role, at which phone."""

    grid: str
    name: str
    community: str
    team: list[TeamMember]


def contact_cards(
    session: Session, territory: Territory, grid: str | None = None, community: str | None = None
) -> list[ContactCard]:
    """The cards of one grid, or of every grid of a community, inside the territory."""
    query = (
        select(tables.Grid.id, tables.Grid.code, tables.Grid.name, tables.Community.name)
        .join(tables.Community, tables.Community.id == tables.Grid.community_id)
        .where(in_territory(territory, tables.Grid.street_id, tables.Grid.community_id))
        .order_by(tables.Grid.code)
    )
    if grid is not None:
        query = query.where(tables.Grid.code == grid.strip())
    if community is not None:
        query = query.where(tables.Community.code == community.strip())
    grids = session.execute(query).all()
    members = _teams(session, [grid_id for grid_id, *_ in grids])
    return [
        ContactCard(code, name, community_name, members[grid_id])
        for grid_id, code, name, community_name in grids
    ]


def fieldwork_figures(
    session: Session, period: Period, territory: Territory, place: Place
) -> list[FieldworkFigures]:
    """The place's fieldwork over the period, then that of each place one level down
    (streets of the district, communities of a street, grids of a community)."""
    grid = tables.Grid
    inside = [in_territory(territory, grid.street_id, grid.community_id)]
    if place.kind != "district":
        column = {"street": grid.street_id, "community": grid.community_id, "grid": grid.id}
        inside.append(column[place.kind] == place.id)
    below = BELOW.get(place.kind)
    key = {"street": grid.street_id, "community": grid.community_id, "grid": grid.id}.get(
        below or "", literal(0)
    )
    patrols = (
        select(
            tables.FieldPatrol.grid_id,
            func.sum(
                seconds_between(tables.FieldPatrol.ended_at, tables.FieldPatrol.started_at)
            ).label("seconds"),
        )
        .where(
            tables.FieldPatrol.ended_at >= period.start, tables.FieldPatrol.ended_at < period.end
        )
        .group_by(tables.FieldPatrol.grid_id)
        .subquery()
    )
    visited = (
        select(
            tables.FieldVisit.grid_id, func.count(distinct(tables.FieldVisit.household)).label("n")
        )
        .where(tables.FieldVisit.at >= period.start, tables.FieldVisit.at < period.end)
        .group_by(tables.FieldVisit.grid_id)
        .subquery()
    )
    rows = session.execute(
        select(
            key.label("key"),
            func.count(grid.id),
            func.count(patrols.c.grid_id),
            func.coalesce(func.sum(patrols.c.seconds), 0),
            func.coalesce(func.sum(grid.households), 0),
            func.coalesce(func.sum(visited.c.n), 0),
        )
        .outerjoin(patrols, patrols.c.grid_id == grid.id)
        .outerjoin(visited, visited.c.grid_id == grid.id)
        .where(*inside)
        .group_by(key)
    ).all()
    figures = {
        row[0]: (int(row[1]), int(row[2]), float(row[3]) / 3600, int(row[4]), int(row[5]))
        for row in rows
    }
    whole = [sum(column) for column in zip(*figures.values(), strict=True)] or [0] * 5
    result = [FieldworkFigures(place.name, *_figures(whole))]
    if below is not None:
        table = GROUPINGS[below][1]
        names = session.execute(
            select(table.id, table.name).where(table.id.in_(figures)).order_by(table.code)
        )
        result += [FieldworkFigures(name, *_figures(figures[i])) for i, name in names]
    return result


def _figures(values: Sequence[float]) -> tuple[int, int, float, int, int]:
    grids, patrolled, hours, households, visited = values
    return int(grids), int(patrolled), round(hours, 1), int(households), int(visited)
