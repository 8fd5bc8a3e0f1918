"""Who a case can be handed to: staff and departments, found as one types."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from gridcenter.domain.access import Territory
from gridcenter.domain.authority import (
    Candidate,
    CasePlace,
    CaseRules,
    Department,
    holder_refusal,
)
from gridcenter.domain.levels import Level
from gridcenter.queries.scope import in_territory
from gridcenter.store import tables
from gridcenter.store.departments import responsibilities
from gridcenter.store.people import staff_units
from gridcenter.store.seeding import read_case_rules


@dataclass(frozen=True)
class AssigneeOption:
    code: str
    name: str
    detail: str  # role or level, to tell people apart
    refusal: str | None = None  # why the case's rules refuse them: not a choice, a reason


def search_assignees(
    session: Session,
    text: str,
    *,
    case_code: str | None = None,
    now: datetime | None = None,
    limit: int = 40,
    rules: CaseRules | None = None,
) -> list[AssigneeOption]:
    """People and departments matching `text` (a name, code or login; for people also the
    name of a grid or community they answer for). For a case: only those the rules of its
    level allow (`rules`, the policy's by default), its own grid's team first, each person
    with duty status and open cases."""
    pattern = f"%{text.strip().lower()}%"
    case = (
        session.scalar(select(tables.Case).where(tables.Case.code == case_code))
        if case_code
        else None
    )
    departments = select(
        tables.Department.code, tables.Department.name, tables.Department.level
    ).where(
        or_(
            func.lower(tables.Department.code).like(pattern),
            func.lower(tables.Department.name).like(pattern),
        )
    )
    if case is not None:
        departments = departments.where(
            or_(
                tables.Department.street_id.is_(None), tables.Department.street_id == case.street_id
            )
        )
    grid_names = (
        select(tables.GridStaff.staff_id)
        .join(tables.Grid, tables.Grid.id == tables.GridStaff.grid_id)
        .join(tables.Community, tables.Community.id == tables.Grid.community_id)
        .where(
            or_(
                func.lower(tables.Grid.name).like(pattern),
                func.lower(tables.Community.name).like(pattern),
            )
        )
    )
    open_cases = (
        select(func.count())
        .where(tables.Case.assignee_staff_id == tables.Staff.id, tables.Case.step != "closed")
        .scalar_subquery()
    )
    staff = select(
        tables.Staff.id, tables.Staff.code, tables.Staff.name, tables.Staff.role, open_cases
    ).where(
        tables.Staff.active,
        or_(
            func.lower(tables.Staff.code).like(pattern),
            func.lower(tables.Staff.name).like(pattern),
            func.lower(tables.Staff.login).like(pattern),
            tables.Staff.id.in_(grid_names),
        ),
    )
    team: set[int] = set()
    on_duty: set[int] = set()
    if case is not None:
        staff = staff.where(
            or_(tables.Staff.street_id.is_(None), tables.Staff.street_id == case.street_id)
        )
        team = set(
            session.scalars(
                select(tables.GridStaff.staff_id).where(tables.GridStaff.grid_id == case.grid_id)
            )
        )
    if now is not None:
        on_duty = set(
            session.scalars(
                select(tables.DutyShift.staff_id).where(
                    tables.DutyShift.starts_at <= now, tables.DutyShift.ends_at > now
                )
            )
        )
    # For a case, everyone of its street is judged: the rules, not the alphabet, say who is left.
    allowed = _holders(session, case, rules or read_case_rules()) if case is not None else None
    if allowed is None:
        people = list(session.execute(staff.order_by(tables.Staff.name).limit(limit * 4)))
    else:
        people = [
            row
            for row in session.execute(staff)
            if allowed(staff_candidate(session, _row(session, row.id)))
        ]
    # The case's own grid team first, then everyone else by name.
    people.sort(key=lambda row: (row.id not in team, row.name))
    options = []
    for row in people[:limit]:
        notes = [row.role.replace("_", " ")]
        if row.id in team:
            notes.append("this grid's team")
        if row.id in on_duty:
            notes.append("on duty")
        notes.append(f"{row[4]} open")
        options.append(AssigneeOption(row.code, row.name, ", ".join(notes)))
    found = session.execute(departments.order_by(tables.Department.name).limit(limit)).all()
    if allowed is not None:
        found = [
            row
            for row in found
            if allowed(department_candidate(session, _department_row(session, row.code)))
        ]
    options += [AssigneeOption(code, name, f"{level} department") for code, name, level in found]
    if case is not None and not options and text.strip():
        return _refused(session, case, text.strip(), rules or read_case_rules())
    return options[:limit]


def _refused(
    session: Session, case: tables.Case, code: str, rules: CaseRules
) -> list[AssigneeOption]:
    """The one person or department whose code was typed, with the rule that keeps them
    from holding the case: the picker says why instead of "no one"."""
    lowered = code.lower()
    staff = session.scalar(select(tables.Staff).where(func.lower(tables.Staff.code) == lowered))
    department = session.scalar(
        select(tables.Department).where(func.lower(tables.Department.code) == lowered)
    )
    if staff is not None:
        who, option = staff_candidate(session, staff), (staff.code, staff.name, staff.role)
    elif department is not None:
        who = department_candidate(session, department)
        option = (department.code, department.name, f"{department.level} department")
    else:
        return []
    refusal = refusal_for(session, rules, case, who)
    return [AssigneeOption(*option, refusal=refusal)] if refusal else []


@dataclass(frozen=True)
class StaffLine:
    code: str
    name: str
    role: str
    unit: str  # as a staff file writes it
    phone: str
    login: str | None
    active: bool


def staff_lines(session: Session, territory: Territory) -> list[StaffLine]:
    """The staff of a territory (a street's account sees its street's people), by code."""
    units = staff_units(session)
    rows = session.scalars(
        select(tables.Staff)
        .where(in_territory(territory, tables.Staff.street_id, tables.Staff.community_id))
        .order_by(tables.Staff.code)
    )
    return [
        StaffLine(
            person.code,
            person.name,
            person.role,
            units[person.id],
            person.phone or "",
            person.login,
            person.active,
        )
        for person in rows
        if person.id is not None
    ]


@dataclass(frozen=True)
class ShiftLine:
    id: int
    post: str
    post_name: str
    person: str
    name: str
    starts: datetime
    ends: datetime


def roster_lines(
    session: Session, territory: Territory, starts: datetime, ends: datetime
) -> list[ShiftLine]:
    """The shifts of a territory's posts that overlap a stretch of time (a local day), by
    post and start."""
    post, shift = tables.DutyPost, tables.DutyShift
    rows = session.execute(
        select(shift.id, post.code, post.name, tables.Staff.code, tables.Staff.name)
        .add_columns(shift.starts_at, shift.ends_at)
        .join(post, post.id == shift.post_id)
        .join(tables.Staff, tables.Staff.id == shift.staff_id)
        .where(
            shift.starts_at < ends,
            shift.ends_at > starts,
            in_territory(territory, post.street_id, post.community_id),
        )
        .order_by(post.code, shift.starts_at)
    )
    return [ShiftLine(*row) for row in rows]


@dataclass(frozen=True)
class DepartmentLine:
    code: str
    name: str
    level: str
    street: str | None
    phone: str
    handles: tuple[str, ...]  # `CODE` or `CODE@BC`, as a department file writes them


def department_lines(session: Session, territory: Territory) -> list[DepartmentLine]:
    """The departments serving a territory: its street's own and the district's and city's."""
    lists = responsibilities(session)
    street = tables.Street
    query = select(tables.Department, street.code).outerjoin(
        street, street.id == tables.Department.street_id
    )
    if not territory.is_district:  # a community's account is served by its street's
        query = query.where(
            or_(
                tables.Department.street_id.is_(None),
                tables.Department.street_id == territory.street_id,
            )
        )
    rows = session.execute(query.order_by(tables.Department.code))
    return [
        DepartmentLine(
            department.code,
            department.name,
            department.level,
            street_code,
            department.phone or "",
            tuple(lists.get(department.id or 0, [])),
        )
        for department, street_code in rows
    ]


def next_to_load(session: Session) -> str:
    """What a new store (`gridcenter init`) lacks first, said as the command that loads it;
    empty once it has a territory, staff and a roster."""
    if session.scalar(select(tables.Grid.id).limit(1)) is None:
        return "This store has no territory yet: gridcenter territory import FILE.geojson"
    if session.scalar(select(tables.Staff.id).limit(1)) is None:
        return "No staff yet: gridcenter departments import FILE.csv, then staff import FILE.csv"
    if session.scalar(select(tables.DutyShift.id).limit(1)) is None:
        return "No duty roster yet: gridcenter roster post CODE, then roster import FILE.csv"
    return ""


def _row(session: Session, staff_id: int) -> tables.Staff:
    staff = session.get(tables.Staff, staff_id)
    assert staff is not None
    return staff


def _department_row(session: Session, code: str) -> tables.Department:
    department = session.scalar(select(tables.Department).where(tables.Department.code == code))
    assert department is not None
    return department


def _holders(session: Session, case: tables.Case, rules: CaseRules) -> Callable[[Candidate], bool]:
    """Whether the rules let someone hold the case, the case's facts read once."""
    place, names = case_place(session, case), street_names(session)
    return lambda who: holder_refusal(rules, place, who, names) is None


def _department(session: Session, department: tables.Department) -> Department:
    listed = tables.DepartmentCategory
    handles = session.execute(
        select(tables.Category.code, listed.levels)
        .join(listed, listed.category_id == tables.Category.id)
        .where(listed.department_id == department.id)
    )
    return Department(department.name, department.level, department.street_id, dict(handles.all()))


def department_candidate(session: Session, department: tables.Department) -> Candidate:
    return Candidate(department.name, _department(session, department), is_department=True)


def staff_candidate(session: Session, staff: tables.Staff) -> Candidate:
    """A person as a possible holder: a department member takes their department's rules."""
    home = session.get(tables.Department, staff.department_id) if staff.department_id else None
    grids = session.scalars(
        select(tables.GridStaff.grid_id).where(tables.GridStaff.staff_id == staff.id)
    )
    return Candidate(
        staff.name,
        _department(session, home) if home else None,
        role=staff.role,
        street_id=staff.street_id,
        community_id=staff.community_id,
        grid_ids=frozenset(grids),
    )


def case_place(session: Session, case: tables.Case) -> CasePlace:
    category = session.get(tables.Category, case.category_id)
    grid = session.get(tables.Grid, case.grid_id) if case.grid_id is not None else None
    assert category is not None
    return CasePlace(
        code=case.code,
        level=Level(case.level),
        grid_id=case.grid_id,
        grid=grid.name if grid else "(none yet)",
        community_id=case.community_id,
        street_id=case.street_id,
        category_code=category.code,
        category=category.name,
    )


def street_names(session: Session) -> dict[int, str]:
    return {i: name for i, name in session.execute(select(tables.Street.id, tables.Street.name))}


def refusal_for(
    session: Session, rules: CaseRules, case: tables.Case, who: Candidate
) -> str | None:
    """Why the rules keep `who` from holding the case; None when they may."""
    return holder_refusal(rules, case_place(session, case), who, street_names(session))
