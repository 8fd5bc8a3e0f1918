"""Staff rows from checked entries: the one way people enter the store, from the demo seed
and from an office's own file alike."""

from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from gridcenter.domain.access import Territory
from gridcenter.domain.masking import mask_phone
from gridcenter.domain.people import StaffEntry, Unit, UnitKind
from gridcenter.store import tables
from gridcenter.store.history import Changed

CHUNK = 10_000  # ids named in one statement, well under SQLite's limit on parameters


@dataclass(frozen=True)
class StoredUnit:
    """A unit code and where it lies: the ids a person belonging to it is filed under."""

    kind: UnitKind
    street_id: int | None = None
    community_id: int | None = None
    department_id: int | None = None
    grid_id: int | None = None
    street_code: str | None = None


def stored_units(session: Session) -> dict[str, StoredUnit]:
    """Every code a person may belong to: the district, streets, communities, grids and
    departments."""
    streets = {row.id: row.code for row in session.scalars(select(tables.Street))}
    units: dict[str, StoredUnit] = {
        code: StoredUnit(UnitKind.DISTRICT)
        for code in session.scalars(select(tables.District.code))
    }
    for street_id, code in streets.items():
        units[code] = StoredUnit(UnitKind.STREET, street_id, street_code=code)
    for community in session.scalars(select(tables.Community)):
        units[community.code] = StoredUnit(
            UnitKind.COMMUNITY,
            community.street_id,
            community.id,
            street_code=streets[community.street_id],
        )
    for grid in session.scalars(select(tables.Grid)):
        units[grid.code] = StoredUnit(
            UnitKind.GRID,
            grid.street_id,
            grid.community_id,
            grid_id=grid.id,
            street_code=streets[grid.street_id],
        )
    for department in session.scalars(select(tables.Department)):
        units[department.code] = StoredUnit(
            UnitKind.DEPARTMENT,
            department.street_id,
            department_id=department.id,
            street_code=streets.get(department.street_id) if department.street_id else None,
        )
    return units


def within(territory: Territory, street_id: int | None, community_id: int | None) -> bool:
    """Whether something of a street and community (None: above them) lies in a territory:
    a street's account reaches its street's units, not the district's."""
    if territory.community_id is not None:
        return community_id == territory.community_id
    if territory.street_id is not None:
        return street_id == territory.street_id
    return True


def domain_units(
    units: dict[str, StoredUnit], territory: Territory = Territory()
) -> dict[str, Unit]:
    """The units as the staff rules see them, each marked inside `territory` or not."""
    return {
        code: Unit(
            unit.kind, unit.street_code, within(territory, unit.street_id, unit.community_id)
        )
        for code, unit in units.items()
    }


def staff_units(session: Session) -> dict[int, str]:
    """Each person's unit code as a staff file writes it (grids joined with `;`)."""
    grids: dict[int, list[str]] = {}
    rows = session.execute(
        select(tables.GridStaff.staff_id, tables.Grid.code)
        .join(tables.Grid, tables.Grid.id == tables.GridStaff.grid_id)
        .order_by(tables.GridStaff.staff_id, tables.Grid.code)
    )
    for staff_id, code in rows:
        grids.setdefault(staff_id, []).append(code)
    names = {
        "department": dict(
            session.execute(select(tables.Department.id, tables.Department.code)).all()
        ),
        "community": dict(
            session.execute(select(tables.Community.id, tables.Community.code)).all()
        ),
        "street": dict(session.execute(select(tables.Street.id, tables.Street.code)).all()),
    }
    district = session.scalar(select(tables.District.code)) or "district"
    units = {}
    for person in session.scalars(select(tables.Staff)):
        assert person.id is not None
        if person.id in grids:
            units[person.id] = ";".join(grids[person.id])
        elif person.department_id is not None:
            units[person.id] = names["department"][person.department_id]
        elif person.community_id is not None:
            units[person.id] = names["community"][person.community_id]
        elif person.street_id is not None:
            units[person.id] = names["street"][person.street_id]
        else:
            units[person.id] = district
    return units


def describe(person: tables.Staff, unit: str, new_phone: bool = False) -> str:
    """A person as the history records them; the phone masked, as history is widely read
    (`new_phone`: a number changed behind the same mask, which the history must still show)."""
    state = "active" if person.active else "disabled"
    login = f", login {person.login}" if person.login else ""
    phone = mask_phone(person.phone) + (" (a new number)" if new_phone else "")
    return f"{person.name}, {person.role} of {unit}, phone {phone}{login}, {state}"


def put_staff(
    session: Session, entries: list[StaffEntry], units: dict[str, StoredUnit]
) -> list[Changed]:
    """Add the people new to the store and update the others by code (their grids
    replaced); what changed, person by person. Unchanged people are left alone."""
    existing = {person.code: person for person in session.scalars(select(tables.Staff))}
    current = staff_units(session) if existing else {}
    changes = []
    changed: list[tuple[tables.Staff, StaffEntry]] = []
    for entry in entries:
        first = units[entry.units[0]]
        person = existing.get(entry.code)
        before, old_phone = None, None
        if person is None:
            person = tables.Staff(code=entry.code, name=entry.name, role=entry.role.value)
            session.add(person)
        else:
            assert person.id is not None
            before, old_phone = describe(person, current[person.id]), person.phone
        person.name = entry.name
        person.role = entry.role.value
        person.phone = entry.phone
        if entry.login is not None:
            person.login = entry.login or None
        person.street_id = first.street_id
        person.community_id = first.community_id
        person.department_id = first.department_id
        new_phone = before is not None and person.phone != old_phone
        after = describe(person, ";".join(entry.units))
        if after == before and not new_phone:
            continue
        if after == before:  # the same mask over another number
            after = describe(person, ";".join(entry.units), new_phone=True)
        changes.append(Changed(entry.code, before, after))
        changed.append((person, entry))
    session.flush()  # the new people's ids, all in one go
    _replace_grids(session, changed, units)
    return changes


def _replace_grids(
    session: Session, changed: list[tuple[tables.Staff, StaffEntry]], units: dict[str, StoredUnit]
) -> None:
    """The grids of changed people replaced in bulk, not person by person: a large staff
    file otherwise held the write lock for minutes."""
    ids = [person.id for person, _ in changed]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        session.execute(delete(tables.GridStaff).where(tables.GridStaff.staff_id.in_(chunk)))
    rows = [
        {"grid_id": grid_id, "staff_id": person.id}
        for person, entry in changed
        for code in entry.units
        if (grid_id := units[code].grid_id) is not None
    ]
    if rows:
        session.execute(insert(tables.GridStaff), rows)
