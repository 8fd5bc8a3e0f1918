"""What the change log says moved since a console last read it."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridcenter.store import tables


@dataclass(frozen=True)
class ChangeSeen:
    id: int
    kind: str
    grid_id: int | None  # the grid of the case it names, for a change to a case


def changes_since(session: Session, after: int, limit: int) -> list[ChangeSeen]:
    """The changes after `after` in commit order, at most `limit`, each with its case's grid:
    one statement."""
    log, case = tables.ChangeLog, tables.Case
    rows = session.execute(
        select(log.id, log.kind, case.grid_id)
        .outerjoin(case, (log.kind == "case") & (case.code == log.ref))
        .where(log.id > after)
        .order_by(log.id)
        .limit(limit)
    )
    return [ChangeSeen(*row) for row in rows]
