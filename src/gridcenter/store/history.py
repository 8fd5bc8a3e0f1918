"""History that cannot be rewritten: every row is sealed into a hash chain, and the
database itself refuses to update or delete a history row.

Appending locks the chain's head row (SELECT ... FOR UPDATE, and SQLite's
write lock), so concurrent writers never fork the chain.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from gridcenter.store import tables

CHAINED = {
    "case_event": (
        tables.CaseEvent,
        ("case_id", "at", "actor", "channel", "action", "from_value", "to_value", "reason"),
    ),
    "audit_event": (
        tables.AuditEvent,
        (
            "at",
            "actor",
            "channel",
            "action",
            "subject_kind",
            "subject_ref",
            "from_value",
            "to_value",
            "reason",
        ),
    ),
}


def _text(value: Any) -> str:
    if value is None:
        return "\x00"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)


def seal(prev_hash: str, fields: tuple[str, ...], row: dict[str, Any]) -> str:
    content = "\x1f".join(_text(row.get(name)) for name in fields)
    return hashlib.sha256(f"{prev_hash}\x1e{content}".encode()).hexdigest()


def append(session: Session, chain: str, rows: Iterable[dict[str, Any]]) -> None:
    """Seal and insert history rows, in order, at the end of their chain."""
    rows = list(rows)
    if not rows:
        return
    table, fields = CHAINED[chain]
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    session.execute(
        dialect.insert(tables.ChainHead)
        .values(name=chain, last_hash="")
        .on_conflict_do_nothing(index_elements=["name"])
    )
    head = session.scalar(
        select(tables.ChainHead).where(tables.ChainHead.name == chain).with_for_update()
    )
    assert head is not None
    previous = head.last_hash
    for row in rows:
        row["prev_hash"] = previous
        row["hash"] = previous = seal(previous, fields, row)
    session.connection().execute(insert(table.__table__), rows)  # type: ignore[attr-defined]
    head.last_hash = previous


def audit(
    session: Session,
    *,
    at: datetime,
    actor: str,
    channel: str,
    action: str,
    subject_kind: str,
    subject_ref: str,
    from_value: str | None = None,
    to_value: str | None = None,
    reason: str | None = None,
) -> None:
    append(
        session,
        "audit_event",
        [
            {
                "at": at,
                "actor": actor,
                "channel": channel,
                "action": action,
                "subject_kind": subject_kind,
                "subject_ref": subject_ref,
                "from_value": from_value,
                "to_value": to_value,
                "reason": reason,
            }
        ],
    )


@dataclass(frozen=True)
class Broken:
    chain: str
    row_id: int
    problem: str


def verify(session: Session) -> tuple[int, list[Broken]]:
    """Walk every chain from its start: how many rows, and where it is broken."""
    checked = 0
    broken: list[Broken] = []
    for chain, (table, fields) in CHAINED.items():
        previous = ""
        columns = [table.id, table.prev_hash, table.hash, *[getattr(table, f) for f in fields]]
        for row in session.execute(select(*columns).order_by(table.id)).mappings():
            checked += 1
            values = dict(row)
            if values["prev_hash"] != previous:
                broken.append(Broken(chain, values["id"], "a row before it is missing or changed"))
            elif seal(previous, fields, values) != values["hash"]:
                broken.append(Broken(chain, values["id"], "its content was changed"))
            previous = values["hash"]
        head = session.get(tables.ChainHead, chain)
        if head is not None and head.last_hash != previous:
            broken.append(Broken(chain, 0, "rows at the end of the chain are missing"))
    return checked, broken


def protect(connection: Connection) -> None:
    """Have the database refuse updates and deletes of history rows."""
    if connection.dialect.name == "sqlite":
        for table in CHAINED:
            for verb in ("UPDATE", "DELETE"):
                connection.execute(
                    text(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON "
                        f"{table} BEGIN SELECT RAISE(ABORT, 'history is append-only'); END"
                    )
                )
        return
    connection.execute(
        text(
            "CREATE OR REPLACE FUNCTION gridcenter_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'history is append-only'; END; $$ LANGUAGE plpgsql"
        )
    )
    for table in CHAINED:
        connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"))
        connection.execute(
            text(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION gridcenter_append_only()"
            )
        )
