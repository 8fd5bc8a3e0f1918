"""What the change log says moved since a console last read it."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gridcenter.domain.changes import ChangeKind
from gridcenter.store import tables


@dataclass(frozen=True)
class ChangeSeen:
    id: int
    kind: str  # a ChangeKind, or a kind this version does not know
    grid_id: int | None  # the grid of the case it names, for a change to a case


def newest_change(session: Session) -> int:
    """The newest change id this session's transaction sees (0 in an empty store)."""
    return session.scalar(select(func.max(tables.ChangeLog.id))) or 0


def changes_since(session: Session, after: int, limit: int) -> list[ChangeSeen]:
    """The changes after `after` in commit order, at most `limit`, each with its case's grid:
    one statement."""
    log, case = tables.ChangeLog, tables.Case
    rows = session.execute(
        select(log.id, log.kind, case.grid_id)
        .outerjoin(case, (log.kind == ChangeKind.CASE) & (case.code == log.ref))
        .where(log.id > after)
        .order_by(log.id)
        .limit(limit)
    )
    return [ChangeSeen(*row) for row in rows]
