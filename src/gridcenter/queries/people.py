"""Who a case can be handed to: staff and departments, found as one types."""

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from gridcenter.store import tables


@dataclass(frozen=True)
class AssigneeOption:
    code: str
    name: str
    detail: str  # role or level, to tell people apart


def search_assignees(session: Session, text: str, *, limit: int = 40) -> list[AssigneeOption]:
    pattern = f"%{text.strip().lower()}%"
    departments = session.execute(
        select(tables.Department.code, tables.Department.name, tables.Department.level)
        .where(
            or_(
                func.lower(tables.Department.code).like(pattern),
                func.lower(tables.Department.name).like(pattern),
            )
        )
        .order_by(tables.Department.name)
        .limit(limit)
    ).all()
    staff = session.execute(
        select(tables.Staff.code, tables.Staff.name, tables.Staff.role)
        .where(
            tables.Staff.active,
            or_(
                func.lower(tables.Staff.code).like(pattern),
                func.lower(tables.Staff.name).like(pattern),
                func.lower(tables.Staff.login).like(pattern),
            ),
        )
        .order_by(tables.Staff.name)
        .limit(limit)
    ).all()
    options = [
        AssigneeOption(code, name, f"{level} department") for code, name, level in departments
    ]
    options += [AssigneeOption(code, name, role.replace("_", " ")) for code, name, role in staff]
    return options[:limit]
