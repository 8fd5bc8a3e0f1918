"""The people who answer for grids: loaded from an office's file or typed one by one, each
change on the record with who and why, within the territory of whoever makes it."""

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridcenter.domain.access import Action
from gridcenter.domain.changes import ChangeKind
from gridcenter.domain.errors import Refused
from gridcenter.domain.masking import mask_phone
from gridcenter.domain.people import check_entry, read_staff
from gridcenter.queries.people import StaffLine, staff_lines
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.history import Changed, audit, audit_changes
from gridcenter.store.people import (
    describe,
    domain_units,
    put_staff,
    staff_units,
    stored_units,
    within,
)


@dataclass(frozen=True)
class StaffImport:
    added: int
    updated: int
    unchanged: int


def _record(ctx: Context, session: Session, changes: list[Changed], reason: str) -> None:
    now = ctx.now()
    audit_changes(
        session,
        changes,
        at=now,
        actor=ctx.actor.signature,
        channel=ctx.actor.channel,
        subject_kind="staff",
        reason=reason,
    )
    if changes:
        session.add(tables.ChangeLog(at=now, kind=ChangeKind.STAFF, ref=f"{len(changes)} people"))


def _logins(session: Session) -> dict[str, str]:
    rows = session.execute(
        select(tables.Staff.login, tables.Staff.code).where(tables.Staff.login.is_not(None))
    )
    return {login: code for login, code in rows}


def import_staff(ctx: Context, text: str, name: str, reason: str | None = None) -> StaffImport:
    """Load a staff file (code,name,role,unit,phone[,login]) whole or not at all: people new
    to the store are added, the others updated by code."""
    ctx.actor.require(Action.MANAGE_PEOPLE)
    territory = ctx.actor.territory
    with ctx.db.write() as session:
        units = stored_units(session)
        foreign = {
            person.code
            for person in session.scalars(select(tables.Staff))
            if not within(territory, person.street_id, person.community_id)
        }
        entries = read_staff(text, name, domain_units(units, territory), foreign, _logins(session))
        changes = put_staff(session, entries, units)
        _record(ctx, session, changes, reason or f"imported from {name}")
    added = sum(change.before is None for change in changes)
    return StaffImport(added, len(changes) - added, len(entries) - len(changes))


def _person(ctx: Context, session: Session, code: str) -> tables.Staff:
    person = session.scalar(select(tables.Staff).where(tables.Staff.code == code.strip()))
    if person is None:
        raise Refused(f"no staff {code!r}")
    if not within(ctx.actor.territory, person.street_id, person.community_id):
        raise Refused(f"staff {person.code} is outside the territory of {ctx.actor.login}")
    return person


def _put_one(
    ctx: Context,
    session: Session,
    fields: dict[str, str],
    reason: str | None,
) -> Changed | None:
    units = stored_units(session)
    entry = check_entry(**fields, units=domain_units(units, ctx.actor.territory))
    holder = _logins(session).get(entry.login or "")
    if holder is not None and holder != entry.code:
        raise Refused(f"login {entry.login} belongs to {holder}")
    changes = put_staff(session, [entry], units)
    _record(ctx, session, changes, reason or "")
    return changes[0] if changes else None


def add_staff(
    ctx: Context,
    code: str,
    *,
    name: str,
    role: str,
    unit: str,
    phone: str,
    login: str = "",
    reason: str | None = None,
) -> None:
    ctx.actor.require(Action.MANAGE_PEOPLE)
    with ctx.db.write() as session:
        if session.scalar(select(tables.Staff.id).where(tables.Staff.code == code.strip())):
            raise Refused(f"staff {code} exists already; change them with `staff set`")
        fields = {"code": code.strip(), "name": name, "role": role, "unit": unit}
        _put_one(ctx, session, {**fields, "phone": phone, "login": login}, reason)


def set_staff(
    ctx: Context,
    code: str,
    *,
    name: str | None = None,
    role: str | None = None,
    unit: str | None = None,
    phone: str | None = None,
    login: str | None = None,
    reason: str | None = None,
) -> bool:
    """Change what is given of one person; whether anything changed."""
    ctx.actor.require(Action.MANAGE_PEOPLE)
    with ctx.db.write() as session:
        person = _person(ctx, session, code)
        assert person.id is not None
        given = {"name": name, "role": role, "unit": unit, "phone": phone, "login": login}
        fields = {
            "code": person.code,
            "name": person.name,
            "role": person.role,
            "unit": staff_units(session)[person.id],
            "phone": person.phone or "",
            "login": person.login or "",
        } | {key: value for key, value in given.items() if value is not None}
        return _put_one(ctx, session, fields, reason) is not None


def set_active(ctx: Context, code: str, active: bool, reason: str) -> None:
    """Disable someone who left (they stay in the history and their cases keep their
    name), or enable them again. A reason is needed; someone still rostered for a shift
    that is not over is refused, so no post is left with a holder who is gone."""
    ctx.actor.require(Action.MANAGE_PEOPLE)
    if not reason.strip():
        raise Refused("a reason is needed")
    with ctx.db.write() as session:
        person = _person(ctx, session, code)
        if person.active == active:
            raise Refused(f"staff {person.code} is {'active' if active else 'disabled'} already")
        assert person.id is not None
        rostered = session.scalars(
            select(tables.DutyShift.id)
            .where(tables.DutyShift.staff_id == person.id, tables.DutyShift.ends_at > ctx.now())
            .order_by(tables.DutyShift.starts_at)
        ).all()
        if not active and rostered:
            shifts = ", ".join(map(str, rostered))
            raise Refused(
                f"{person.code} holds shifts {shifts}: hand them over first "
                "(gridcenter roster swap SHIFT --to PERSON --reason TEXT)"
            )
        unit = staff_units(session)[person.id]
        before = describe(person, unit)
        person.active = active
        _record(ctx, session, [Changed(person.code, before, describe(person, unit))], reason)


def list_staff(ctx: Context) -> tuple[list[StaffLine], bool]:
    """The staff of the actor's territory, and whether their phones are shown in full: to
    those who may reveal personal data, the showing recorded; masked for everyone else."""
    ctx.actor.require(Action.LOOK)
    if not ctx.actor.can(Action.REVEAL):
        with ctx.db.read() as session:
            lines = staff_lines(session, ctx.actor.territory)
        return [replace(line, phone=mask_phone(line.phone)) for line in lines], False
    with ctx.db.write() as session:
        lines = staff_lines(session, ctx.actor.territory)
        audit(
            session,
            at=ctx.now(),
            actor=ctx.actor.signature,
            channel=ctx.actor.channel,
            action="reveal",
            subject_kind="staff",
            subject_ref="list",
            to_value=f"phones of {len(lines)} staff",
        )
    return lines, True
