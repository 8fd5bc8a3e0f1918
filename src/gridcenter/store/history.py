"""History that cannot be rewritten: every row is sealed into a hash chain, and the
database itself refuses to update or delete a history row.

Appending locks the chain's head row (SELECT ... FOR UPDATE, and SQLite's
write lock), so concurrent writers never fork the chain.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from gridcenter.domain.replay import HistoryEvent, mismatches, replay
from gridcenter.store import tables
from gridcenter.store.tables import SEAL

BATCH = 10_000  # rows read at a time when walking a whole table

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


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def seal(prev_hash: str, fields: tuple[str, ...], row: dict[str, Any], version: int = SEAL) -> str:
    """The hash of a history row after `prev_hash`, by the rule `version` (see tables.SEAL)."""
    if version == 1:
        content = "\x1f".join(_text(row.get(name)) for name in fields)
        return hashlib.sha256(f"{prev_hash}\x1e{content}".encode()).hexdigest()
    values = [version, prev_hash, *(_json(row.get(name)) for name in fields)]
    encoded = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


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
        row["seal"] = SEAL
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
class Changed:
    """A row a load added or changed, as the history records it."""

    code: str
    before: str | None  # None: added
    after: str


def audit_changes(
    session: Session,
    changes: Iterable[Changed],
    *,
    at: datetime,
    actor: str,
    channel: str,
    subject_kind: str,
    reason: str | None,
) -> None:
    """One history row per changed row: `KIND_add` or `KIND_set`, before and after, all
    sealed and inserted in one pass (a row at a time held the write lock for minutes on a
    large staff file)."""
    append(
        session,
        "audit_event",
        (
            {
                "at": at,
                "actor": actor,
                "channel": channel,
                "action": f"{subject_kind}_{'add' if change.before is None else 'set'}",
                "subject_kind": subject_kind,
                "subject_ref": change.code,
                "from_value": change.before,
                "to_value": change.after,
                "reason": reason,
            }
            for change in changes
        ),
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
        columns = [
            table.id,
            table.prev_hash,
            table.hash,
            table.seal,
            *[getattr(table, f) for f in fields],
        ]
        for row in session.execute(select(*columns).order_by(table.id)).mappings():
            checked += 1
            values = dict(row)
            if values["prev_hash"] != previous:
                broken.append(Broken(chain, values["id"], "a row before it is missing or changed"))
            elif seal(previous, fields, values, values["seal"]) != values["hash"]:
                broken.append(Broken(chain, values["id"], "its content was changed"))
            previous = values["hash"]
        head = session.get(tables.ChainHead, chain)
        if head is not None and head.last_hash != previous:
            broken.append(Broken(chain, 0, "rows at the end of the chain are missing"))
    return checked, broken


def verify_cases(session: Session) -> tuple[int, list[Broken]]:
    """Hold every case to the replay of its history (domain/replay.py): how many cases,
    and which differ. Both are read in case order, side by side, a batch at a time."""
    cases = session.execute(
        select(
            tables.Case.id,
            tables.Case.code,
            tables.Case.step,
            tables.Case.level,
            tables.Case.version,
            tables.Category.default_level,
        )
        .join(tables.Category, tables.Category.id == tables.Case.category_id)
        .order_by(tables.Case.id)
        .execution_options(yield_per=BATCH)
    )
    events = session.execute(
        select(
            tables.CaseEvent.case_id,
            tables.CaseEvent.action,
            tables.CaseEvent.from_value,
            tables.CaseEvent.to_value,
        )
        .order_by(tables.CaseEvent.case_id, tables.CaseEvent.id)
        .execution_options(yield_per=BATCH)
    )
    histories = groupby(events, key=lambda row: row.case_id)
    pending = next(histories, None)
    checked = 0
    broken: list[Broken] = []
    for case in cases:
        checked += 1
        while pending is not None and pending[0] < case.id:
            pending = next(histories, None)
        history: list[HistoryEvent] = []
        if pending is not None and pending[0] == case.id:
            history = [HistoryEvent(e.action, e.from_value, e.to_value) for e in pending[1]]
            pending = next(histories, None)
        found = mismatches(
            replay(history),
            step=case.step,
            level=case.level,
            version=case.version,
            default_level=case.default_level,
        )
        if found:
            broken.append(Broken("cases", case.id, f"case {case.code}: " + "; ".join(found)))
    return checked, broken


@dataclass(frozen=True)
class ChainMark:
    """Where a chain stood: how many rows, its newest row and that row's hash."""

    rows: int
    last_id: int
    hash: str


def chain_marks(session: Session) -> dict[str, ChainMark]:
    marks = {}
    for chain, (table, _) in CHAINED.items():
        rows, last_id = session.execute(select(func.count(), func.max(table.id))).one()
        last_hash = session.scalar(select(table.hash).where(table.id == last_id)) if rows else ""
        marks[chain] = ChainMark(rows, last_id or 0, last_hash or "")
    return marks


def anchor_line(marks: dict[str, ChainMark], at: datetime) -> str:
    """One line of an anchor file: the chains' marks as of `at`, in JSON."""
    chains = {name: asdict(mark) for name, mark in marks.items()}
    return json.dumps({"anchored_at": at.astimezone(UTC).isoformat(), "chains": chains})


def read_anchor_line(line: str) -> tuple[str, dict[str, ChainMark]]:
    """When an anchor was taken and its marks; ValueError for a line that is not one."""
    try:
        data = json.loads(line)
        marks = {
            name: ChainMark(int(mark["rows"]), int(mark["last_id"]), str(mark["hash"]))
            for name, mark in data["chains"].items()
        }
        return str(data["anchored_at"]), marks
    except (ValueError, KeyError, TypeError, AttributeError) as error:  # JSONDecodeError too
        raise ValueError(f"not an anchor line ({type(error).__name__})") from None


def check_anchor(session: Session, at: str, marks: dict[str, ChainMark]) -> list[Broken]:
    """What changed in the chains before an anchor taken at `at`: rows rewritten (and
    sealed again), removed, or cut off at the end."""
    broken = []
    for chain, mark in marks.items():
        if chain not in CHAINED:
            broken.append(Broken(chain, 0, f"the anchor of {at} names an unknown chain"))
            continue
        table, _ = CHAINED[chain]
        if mark.rows == 0:
            continue
        stored = session.scalar(select(table.hash).where(table.id == mark.last_id))
        rows = session.scalar(select(func.count()).where(table.id <= mark.last_id))
        if stored is None:
            problem = f"row {mark.last_id}, the newest at the anchor of {at}, is gone"
        elif stored != mark.hash:
            problem = f"rows up to the anchor of {at} were rewritten and sealed again"
        elif rows != mark.rows:
            problem = f"{mark.rows} rows at the anchor of {at}, {rows} now"
        else:
            continue
        broken.append(Broken(chain, mark.last_id, problem))
    return broken


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
