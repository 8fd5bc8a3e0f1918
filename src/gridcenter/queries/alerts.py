"""The alert desk: every open alert of a territory, filtered and sorted as asked."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, or_, select
from sqlalchemy.orm import Session

from gridcenter.domain.access import Territory
from gridcenter.domain.alerts import Severity
from gridcenter.queries.scope import in_territory
from gridcenter.store import tables

DESK_LIMIT = 1000  # more than any operator reads; the screen says when it is cut


@dataclass(frozen=True)
class DeskFilter:
    severity: Severity | None = None
    kind: str | None = None
    street: str | None = None  # a street's name
    text: str = ""
    by_time: bool = False  # newest first; else by severity, then newest


@dataclass(frozen=True)
class DeskAlert:
    id: int
    kind: str
    severity: str
    title: str
    raised_at: datetime
    acknowledged_by: str | None
    street: str | None
    grid: str | None
    grid_id: int | None
    case_code: str | None


def alerts_in_scope(territory: Territory) -> ColumnElement[bool]:
    """The alerts an operator sees: their territory's, and those of no street (district-wide
    ones, such as a missed job)."""
    scope = in_territory(territory, tables.Alert.street_id, tables.Alert.community_id)
    if territory.is_district:
        return scope
    return or_(scope, tables.Alert.street_id.is_(None))


def alert_desk(session: Session, territory: Territory, wanted: DeskFilter) -> list[DeskAlert]:
    alert, street, grid, case_ = tables.Alert, tables.Street, tables.Grid, tables.Case
    rank = case(
        (alert.severity == Severity.ALARM.value, 0),
        (alert.severity == Severity.WARNING.value, 1),
        else_=2,
    )
    query = (
        select(
            alert.id,
            alert.kind,
            alert.severity,
            alert.title,
            alert.raised_at,
            alert.acknowledged_by,
            street.name,
            grid.name,
            alert.grid_id,
            case_.code,
        )
        .outerjoin(street, street.id == alert.street_id)
        .outerjoin(grid, grid.id == alert.grid_id)
        .outerjoin(case_, case_.id == alert.case_id)
        .where(alert.resolved_at.is_(None), alerts_in_scope(territory))
    )
    if wanted.severity is not None:
        query = query.where(alert.severity == wanted.severity.value)
    if wanted.kind:
        query = query.where(alert.kind == wanted.kind)
    if wanted.street:
        query = query.where(street.name == wanted.street)
    if wanted.text.strip():
        query = query.where(alert.title.icontains(wanted.text.strip(), autoescape=True))
    order = (
        (alert.raised_at.desc(),)
        if wanted.by_time
        else (alert.acknowledged_at.is_not(None), rank, alert.raised_at.desc())
    )
    rows = session.execute(query.order_by(*order, alert.id.desc()).limit(DESK_LIMIT))
    return [DeskAlert(*row) for row in rows]


def alert_kinds(session: Session) -> list[str]:
    """Every kind of alert the store holds, for filters and for refusing a wrong one."""
    return list(session.scalars(select(tables.Alert.kind).distinct().order_by(tables.Alert.kind)))


@dataclass(frozen=True)
class AlertDetail:
    id: int
    kind: str
    severity: str
    title: str
    body: str
    raised_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    subject_kind: str
    subject_ref: str
    case_code: str | None


def alert_detail(session: Session, territory: Territory, alert_id: int) -> AlertDetail | None:
    """One alert with its report, or None when it is not in the territory (or gone)."""
    alert, case_ = tables.Alert, tables.Case
    row = session.execute(
        select(
            alert.id,
            alert.kind,
            alert.severity,
            alert.title,
            alert.body,
            alert.raised_at,
            alert.acknowledged_by,
            alert.acknowledged_at,
            alert.subject_kind,
            alert.subject_ref,
            case_.code,
        )
        .outerjoin(case_, case_.id == alert.case_id)
        .where(alert.id == alert_id, alerts_in_scope(territory))
    ).first()
    return AlertDetail(*row) if row else None


def desk_choices(session: Session, territory: Territory) -> tuple[list[str], list[str]]:
    """The kinds and the streets an operator can filter the desk by."""
    streets = select(tables.Street.name).order_by(tables.Street.name)
    if territory.street_id is not None:
        streets = streets.where(tables.Street.id == territory.street_id)
    return alert_kinds(session), list(session.scalars(streets))
