"""Case listings and a case's full record."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, literal_column, or_, select, true
from sqlalchemy.orm import Session

from gridcenter.domain.access import Territory
from gridcenter.domain.levels import Level
from gridcenter.domain.loop import ClosedLoop, StepPlan
from gridcenter.domain.masking import mask_name, mask_phone
from gridcenter.domain.reports import Earlier, Point
from gridcenter.queries.scope import in_territory
from gridcenter.store import tables
from gridcenter.store.mapping import limits_of, state_of

# Written out, not bound: a partial index over open cases (WHERE step <> 'closed') covers a
# query only when the query spells that very condition; SQLite re-checks a bound value in
# the table, row by row.
OPEN = tables.Case.step != literal_column("'closed'")
UNPLACED = "(no grid)"  # what a listing shows for the grid of a case no grid covers yet


@dataclass(frozen=True)
class CaseRow:
    code: str
    title: str
    level: str
    step: str
    category: str
    grid: str
    assignee: str
    deadline: datetime | None
    parked: bool
    urgent: bool
    version: int

    def time_left(self, now: datetime) -> float | None:
        return None if self.deadline is None else (self.deadline - now).total_seconds()

    def overdue(self, now: datetime) -> bool:
        left = self.time_left(now)
        return left is not None and left < 0 and not self.parked


def held_by(territory: Territory) -> ColumnElement[bool]:
    """A department's account sees the cases its department holds (or a member of it)."""
    department = territory.department_id
    if department is None:
        return true()
    members = select(tables.Staff.id).where(tables.Staff.department_id == department)
    return or_(
        tables.Case.assignee_department_id == department,
        tables.Case.assignee_staff_id.in_(members),
    )


def case_rows() -> Select:
    return (
        select(
            tables.Case.code,
            tables.Case.title,
            tables.Case.level,
            tables.Case.step,
            tables.Category.name,
            func.coalesce(tables.Grid.name, UNPLACED),
            func.coalesce(tables.Staff.name, tables.Department.name, ""),
            tables.Case.deadline,
            tables.Case.parked_at.is_not(None),
            tables.Case.urgent,
            tables.Case.version,
        )
        .join(tables.Category, tables.Category.id == tables.Case.category_id)
        .outerjoin(tables.Grid, tables.Grid.id == tables.Case.grid_id)
        .outerjoin(tables.Staff, tables.Staff.id == tables.Case.assignee_staff_id)
        .outerjoin(tables.Department, tables.Department.id == tables.Case.assignee_department_id)
    )


def open_cases(
    session: Session,
    territory: Territory,
    now: datetime,
    *,
    level: Level | None = None,
    overdue: bool = False,
    grid_id: int | None = None,
    unplaced: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[CaseRow]:
    """Open cases, the most urgent first: overdue, then least time left. `unplaced`: only
    those no grid covers yet (the district's alone: no street's territory holds them)."""
    query = case_rows().where(
        OPEN,
        in_territory(territory, tables.Case.street_id, tables.Case.community_id),
        held_by(territory),
    )
    if unplaced:
        query = query.where(tables.Case.grid_id.is_(None))
    if level is not None:
        query = query.where(tables.Case.level == level.value)
    if grid_id is not None:
        query = query.where(tables.Case.grid_id == grid_id)
    if overdue:
        query = query.where(tables.Case.deadline < now, tables.Case.parked_at.is_(None))
    query = query.order_by(tables.Case.deadline, tables.Case.id).limit(limit).offset(offset)
    return [CaseRow(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    actor: str
    channel: str
    action: str
    from_value: str | None
    to_value: str | None
    reason: str | None


@dataclass(frozen=True)
class StepLine:
    step: str
    started_at: datetime | None
    deadline: datetime | None
    ended_at: datetime | None
    projected: bool
    original_deadline: datetime | None = None  # before any extension

    @property
    def extended(self) -> bool:
        return (
            self.deadline is not None
            and self.original_deadline is not None
            and self.deadline > self.original_deadline
        )


@dataclass(frozen=True)
class CoHandler:
    """A department co-handling the case's current step: its deadline and its answer."""

    name: str
    deadline: datetime | None
    answered_at: datetime | None


@dataclass(frozen=True)
class CaseDetail:
    row: CaseRow
    description: str
    address: str
    source: str
    reporter: str
    reporter_phone: str  # masked
    street: str  # "" for a case no grid covers yet
    community: str
    grid_code: str
    category_code: str
    created_at: datetime
    updated_at: datetime
    updated_by: str
    parked_reason: str | None
    extension_reason: str | None
    rework_count: int
    satisfaction: str | None
    used_share: float | None
    time_left_s: float | None
    overdue: bool
    steps: list[StepLine]
    history: list[HistoryLine]
    co_handlers: list[CoHandler] = field(default_factory=list)
    point: tuple[float, float] | None = None  # where it was reported (lat, lon)
    repeat_of: str | None = None  # the open case it may repeat, flagged when reported
    merged_into: str | None = None  # the case this repeat was merged into
    merged: list["MergedReport"] = field(default_factory=list)  # repeats merged into it


@dataclass(frozen=True)
class MergedReport:
    """A repeat merged into a case: its code and reporter, kept with the case it joined."""

    code: str
    reporter: str  # masked as the case's own reporter is
    reporter_phone: str  # masked
    source: str


def case_detail(
    session: Session,
    territory: Territory,
    loop: ClosedLoop,
    code: str,
    now: datetime,
    *,
    names_shown: bool = False,
) -> CaseDetail | None:
    """Everything about one case, or None when it does not exist in the territory. The
    reporter's name is masked unless `names_shown` (a role that may reveal personal data);
    the phone always is (a reveal shows it, and is recorded)."""
    case = session.scalar(
        select(tables.Case).where(
            tables.Case.code == code.strip(),
            in_territory(territory, tables.Case.street_id, tables.Case.community_id),
            held_by(territory),
        )
    )
    if case is None:
        return None
    row = CaseRow(*session.execute(case_rows().where(tables.Case.id == case.id)).one())
    category = session.get(tables.Category, case.category_id)
    grid = session.get(tables.Grid, case.grid_id) if case.grid_id else None
    community = session.get(tables.Community, case.community_id) if case.community_id else None
    street = session.get(tables.Street, case.street_id) if case.street_id else None
    assert category is not None
    state = state_of(case, limits_of(category), None)
    done = [
        StepLine(s.step, s.started_at, s.deadline, s.ended_at, False, s.original_deadline)
        for s in session.scalars(
            select(tables.CaseStep)
            .where(tables.CaseStep.case_id == case.id)
            .order_by(tables.CaseStep.id)
        )
    ]
    ahead: list[StepPlan] = loop.plan(state)[1:]
    steps = done + [StepLine(p.step.value, None, p.deadline, None, True) for p in ahead]
    history = [
        HistoryLine(e.at, e.actor, e.channel, e.action, e.from_value, e.to_value, e.reason)
        for e in session.scalars(
            select(tables.CaseEvent)
            .where(tables.CaseEvent.case_id == case.id)
            .order_by(tables.CaseEvent.id)
        )
    ]
    joint = tables.CaseCohandler
    co_handlers = [
        CoHandler(*line)
        for line in session.execute(
            select(tables.Department.name, joint.deadline, joint.answered_at)
            .join(tables.Department, tables.Department.id == joint.department_id)
            .where(joint.case_id == case.id, joint.started_at == case.step_started_at)
            .order_by(joint.id)
        )
    ]
    return CaseDetail(
        co_handlers=co_handlers if case.step == "dispatched" else [],
        row=row,
        description=case.description,
        address=case.address,
        source=case.source,
        reporter=(case.reporter or "") if names_shown else mask_name(case.reporter),
        reporter_phone=mask_phone(case.reporter_phone),
        street=street.name if street else "",
        community=community.name if community else "",
        grid_code=grid.code if grid else "",
        category_code=category.code,
        created_at=case.created_at,
        updated_at=case.updated_at,
        updated_by=case.updated_by,
        parked_reason=case.parked_reason,
        extension_reason=case.extension_reason,
        rework_count=case.rework_count,
        satisfaction=case.satisfaction,
        used_share=loop.used_share(state, now),
        time_left_s=loop.time_left(state, now),
        overdue=loop.is_overdue(state, now),
        steps=steps,
        history=history,
        point=None if case.lat is None or case.lon is None else (case.lat, case.lon),
        repeat_of=_code_of(session, case.repeat_of_id),
        merged_into=_code_of(session, case.merged_into_id),
        merged=[
            MergedReport(
                other.code,
                (other.reporter or "") if names_shown else mask_name(other.reporter),
                mask_phone(other.reporter_phone),
                other.source,
            )
            for other in session.scalars(
                select(tables.Case)
                .where(tables.Case.merged_into_id == case.id)
                .order_by(tables.Case.id)
            )
        ],
    )


def _code_of(session: Session, case_id: int | None) -> str | None:
    return (
        None
        if case_id is None
        else session.scalar(select(tables.Case.code).where(tables.Case.id == case_id))
    )


def open_repeats(
    session: Session, territory: Territory, category_id: int, since: datetime
) -> list[Earlier]:
    """The territory's open cases of a category reported since then: what a new report of
    it may repeat (domain/reports.py decides which, by grid and distance)."""
    rows = session.execute(
        select(
            tables.Case.code,
            tables.Case.grid_id,
            tables.Case.category_id,
            tables.Case.created_at,
            tables.Case.lat,
            tables.Case.lon,
        ).where(
            OPEN,
            tables.Case.category_id == category_id,
            tables.Case.created_at >= since,
            in_territory(territory, tables.Case.street_id, tables.Case.community_id),
        )
    )
    return [
        Earlier(code, grid_id, kind, at, None if lat is None or lon is None else Point(lat, lon))
        for code, grid_id, kind, at, lat, lon in rows
    ]
