"""A grid as its team and its fieldwork show it: who answers for it, when it was last
patrolled, the hours walked this week, the visits this month and the visit rate."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from gridcenter.domain.access import Territory
from gridcenter.domain.fieldwork import FieldworkPolicy, patrol_gap, visit_rate
from gridcenter.queries.scope import in_territory
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
    team = [
        TeamMember(*row)
        for row in session.execute(
            select(tables.Staff.code, tables.Staff.name, tables.Staff.role, tables.Staff.phone)
            .join(tables.GridStaff, tables.GridStaff.staff_id == tables.Staff.id)
            .where(tables.GridStaff.grid_id == grid.id, tables.Staff.active)
            .order_by(tables.Staff.role, tables.Staff.code)
        )
    ]
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
        patrol_hours_this_week=round(max(hours, 0.0), 2),
        visits_this_month=visits or 0,
        households_visited=visited or 0,
        visit_rate=visit_rate(visited or 0, grid.households),
    )
