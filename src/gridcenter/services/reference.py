"""The district's reference data: departments with their responsibility lists, and the
categories' time limits; each change on the record with who and why."""

from dataclasses import dataclass

from sqlalchemy import select

from gridcenter.domain.access import Action
from gridcenter.domain.categories import LimitChange, apply_limits
from gridcenter.domain.departments import read_departments
from gridcenter.domain.errors import Refused
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.departments import put_departments
from gridcenter.store.history import audit, audit_changes
from gridcenter.store.people import within


@dataclass(frozen=True)
class DepartmentImport:
    added: int
    updated: int
    unchanged: int


def import_departments(
    ctx: Context, text: str, name: str, reason: str | None = None
) -> DepartmentImport:
    """Load a department file (code,name,level,street,phone,handles) whole or not at all:
    new codes added, known ones updated with their responsibility lists replaced. A street's
    account changes its street's departments only."""
    ctx.actor.require(Action.MANAGE_PEOPLE)
    territory = ctx.actor.territory
    with ctx.db.write() as session:
        streets = {
            street.code: within(territory, street.id, None)
            for street in session.scalars(select(tables.Street))
        }
        foreign = {
            department.code
            for department in session.scalars(select(tables.Department))
            if not within(territory, department.street_id, None)
        }
        categories = set(
            session.scalars(select(tables.Category.code).where(tables.Category.depth == "minor"))
        )
        entries = read_departments(text, name, streets, territory.is_district, categories, foreign)
        changes = put_departments(session, entries)
        audit_changes(
            session,
            changes,
            at=ctx.now(),
            actor=ctx.actor.signature,
            channel=ctx.actor.channel,
            subject_kind="department",
            reason=reason or f"imported from {name}",
        )
    added = sum(change.before is None for change in changes)
    return DepartmentImport(added, len(changes) - added, len(entries) - len(changes))


def set_category(ctx: Context, code: str, change: LimitChange, reason: str) -> bool:
    """Change a category's time limits (hours per step) or warning share. Cases already in a
    step keep the limit they started it with; the next step takes the new one."""
    ctx.actor.require(Action.SET_CATEGORIES)
    if not ctx.actor.territory.is_district:
        raise Refused("the categories are the district's: a district account changes them")
    if not reason.strip():
        raise Refused("a reason is needed")
    with ctx.db.write() as session:
        category = session.scalar(
            select(tables.Category).where(
                tables.Category.code == code.strip(), tables.Category.depth == "minor"
            )
        )
        if category is None:
            raise Refused(f"no category {code!r} (`categories list` shows them)")
        before = {field: getattr(category, field) for field in LimitChange.FIELDS}
        after = apply_limits(before, change)
        if after == before:
            return False
        for field, value in after.items():
            setattr(category, field, value)
        audit(
            session,
            at=ctx.now(),
            actor=ctx.actor.signature,
            channel=ctx.actor.channel,
            action="category_set",
            subject_kind="category",
            subject_ref=category.code,
            from_value=_limits_text(before),
            to_value=_limits_text(after),
            reason=reason,
        )
        return True


def _limits_text(limits: dict[str, float]) -> str:
    return ", ".join(f"{field} {value:g}" for field, value in limits.items())
