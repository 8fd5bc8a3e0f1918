"""Department rows from checked entries: the one way departments enter the store, from the
demo seed and from an office's own file alike."""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gridcenter.domain.departments import DepartmentEntry
from gridcenter.store import tables
from gridcenter.store.history import Changed


def responsibilities(session: Session) -> dict[int, list[str]]:
    """Each department's responsibility list as a file writes it (`CODE` or `CODE@BC`)."""
    rows = session.execute(
        select(tables.DepartmentCategory.department_id, tables.Category.code)
        .add_columns(tables.DepartmentCategory.levels)
        .join(tables.Category, tables.Category.id == tables.DepartmentCategory.category_id)
        .order_by(tables.DepartmentCategory.department_id, tables.Category.code)
    )
    lists: dict[int, list[str]] = {}
    for department_id, code, levels in rows:
        lists.setdefault(department_id, []).append(code if levels == "ABCD" else f"{code}@{levels}")
    return lists


def _describe(department: tables.Department, street: str | None, handles: list[str]) -> str:
    where = f" of {street}" if street else ""
    phone = f", phone {department.phone}" if department.phone else ""
    listed = ";".join(handles) or "nothing"
    return f"{department.name}, {department.level}{where}{phone}, handles {listed}"


def put_departments(session: Session, entries: list[DepartmentEntry]) -> list[Changed]:
    """Add the departments new to the store and update the others by code (their lists
    replaced); what changed, department by department."""
    streets = {
        code: street_id
        for street_id, code in session.execute(select(tables.Street.id, tables.Street.code))
    }
    street_codes = {street_id: code for code, street_id in streets.items()}
    categories = dict(session.execute(select(tables.Category.code, tables.Category.id)).all())
    existing = {row.code: row for row in session.scalars(select(tables.Department))}
    lists = responsibilities(session) if existing else {}
    changes = []
    for entry in entries:
        department = existing.get(entry.code)
        before = None
        if department is None:
            department = tables.Department(
                code=entry.code, name=entry.name, level=entry.level.value
            )
            session.add(department)
        else:
            assert department.id is not None
            before = _describe(
                department,
                street_codes.get(department.street_id or 0),
                lists.get(department.id, []),
            )
        department.name = entry.name
        department.level = entry.level.value
        department.street_id = streets[entry.street] if entry.street else None
        department.phone = entry.phone
        handles = [str(line) for line in entry.handles]
        after = _describe(department, entry.street, handles)
        if after == before:
            continue
        session.flush()
        session.execute(
            delete(tables.DepartmentCategory).where(
                tables.DepartmentCategory.department_id == department.id
            )
        )
        for line in entry.handles:
            assert department.id is not None
            session.add(
                tables.DepartmentCategory(
                    department_id=department.id,
                    category_id=categories[line.category],
                    levels=line.levels,
                )
            )
        changes.append(Changed(entry.code, before, after))
    session.flush()
    return changes
