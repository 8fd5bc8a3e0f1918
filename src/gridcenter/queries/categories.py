"""The category taxonomy as people pick from it."""

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from gridcenter.store import tables


@dataclass(frozen=True)
class CategoryLine:
    code: str
    name: str
    major: str
    level: str
    kind: str
    urgent: bool
    file_h: float
    dispatch_h: float
    handle_h: float
    verify_h: float
    close_h: float
    warn_share: float


def minor_categories(session: Session) -> list[CategoryLine]:
    """Every category a case can be filed under, in code order, with its time limits."""
    category, major = tables.Category, aliased(tables.Category)
    rows = session.execute(
        select(
            category.code,
            category.name,
            func.coalesce(major.name, ""),
            category.default_level,
            category.kind,
            category.urgent,
            category.file_h,
            category.dispatch_h,
            category.handle_h,
            category.verify_h,
            category.close_h,
            category.warn_share,
        )
        .outerjoin(major, major.id == category.parent_id)
        .where(category.depth == "minor")
        .order_by(category.code)
    )
    return [CategoryLine(*row) for row in rows]


def categories_named(session: Session, text: str) -> list[tables.Category]:
    """The minor categories whose code or name is `text` (any case)."""
    wanted = text.strip().lower()
    return list(
        session.scalars(
            select(tables.Category)
            .where(
                tables.Category.depth == "minor",
                or_(
                    func.lower(tables.Category.code) == wanted,
                    func.lower(tables.Category.name) == wanted,
                ),
            )
            .order_by(tables.Category.code)
        )
    )
