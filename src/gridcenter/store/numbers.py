"""Case numbers: drawn by the store, so that concurrent writers never take the same one."""

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from gridcenter.store import tables


def case_numbers(session: Session, count: int) -> list[int]:
    """`count` new case numbers, in order, that no other writer can take: drawn from
    PostgreSQL's sequence, or the next ones after the largest on SQLite, where a write
    transaction holds the store alone from its start (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        drawn = session.scalars(
            text(
                "SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, :n)"
            ),
            {"n": count},
        )
        return sorted(drawn)
    first = (session.scalar(select(func.max(tables.Case.id))) or 0) + 1
    return list(range(first, first + count))
