"""Fieldwork in: patrols and household visits from field apps; a grid nobody patrols
raises its alert, once per grid and gap."""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gridcenter.domain.access import Action, serves
from gridcenter.domain.alerts import AlertDraft, Kind, Severity
from gridcenter.domain.changes import ChangeKind
from gridcenter.domain.errors import Refused
from gridcenter.domain.fieldwork import (
    FieldRecord,
    FieldworkPolicy,
    Patrol,
    Visit,
    parse_field_record,
)
from gridcenter.queries.scope import in_territory
from gridcenter.services import cases as case_service
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.alerts import raise_alerts, resolve
from gridcenter.store.history import audit

PATROL_GAP = "patrol-gap"


@dataclass
class FieldReport:
    patrols: int = 0
    visits: int = 0
    already: int = 0  # records stored before (a batch sent again)
    cases: list[str] = field(default_factory=list)  # opened for visits' needs
    rejected: list[str] = field(default_factory=list)  # lines set aside, with the reason
    unopened: list[str] = field(default_factory=list)  # visits stored without their case


def _parse_batch(
    lines: Iterable[bytes | str], now: datetime, report: FieldReport
) -> list[tuple[int, FieldRecord]]:
    """Every good line, numbered; the bad ones set aside in the report. Read whole before
    the store is touched: a slow sender holds no lock."""
    records: list[tuple[int, FieldRecord]] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = parse_field_record(line, now)
        except ValueError as error:
            report.rejected.append(f"line {number}: {error}")
            continue
        if record.id in first_line:
            report.rejected.append(
                f"line {number}: id {record.id!r} is on line {first_line[record.id]} already"
            )
            continue
        first_line[record.id] = number
        records.append((number, record))
    return records


def ingest_field_records(
    ctx: Context, lines: Iterable[bytes | str], open_cases: bool = False
) -> FieldReport:
    """Store every good record once; set each bad line aside with its reason. A record is
    heard for a grid of the sender's territory, from someone who serves the grid's street.
    With `open_cases`, a new visit that records needs opens a case (channel patrol,
    credited to the visitor) linked to the visit."""
    ctx.actor.require(Action.SEND_FIELDWORK)
    report = FieldReport()
    now = ctx.now()
    records = _parse_batch(lines, now, report)
    needing: list[tuple[int, Visit]] = []
    with ctx.db.write() as session:
        scope = in_territory(ctx.actor.territory, tables.Grid.street_id, tables.Grid.community_id)
        grids = {
            code: (grid_id, street_id)
            for code, grid_id, street_id in session.execute(
                select(tables.Grid.code, tables.Grid.id, tables.Grid.street_id).where(scope)
            )
        }
        staff = {
            code: (staff_id, street_id)
            for code, staff_id, street_id in session.execute(
                select(tables.Staff.code, tables.Staff.id, tables.Staff.street_id).where(
                    tables.Staff.active
                )
            )
        }
        stored = _stored(session, [record for _, record in records])
        for number, record in records:
            if record.grid not in grids:
                reason = f"no grid {record.grid!r} in the territory of {ctx.actor.login}"
            elif record.staff not in staff:
                reason = f"no active staff member {record.staff!r}"
            elif not serves(staff[record.staff][1], grids[record.grid][1]):
                reason = f"{record.staff} does not serve the street of grid {record.grid}"
            else:
                reason = ""
            if reason:
                report.rejected.append(f"line {number}: {reason}")
                continue
            (grid_id, _), (staff_id, _) = grids[record.grid], staff[record.staff]
            before = stored.get((type(record), record.id))
            if before is not None:
                if before == (staff_id, grid_id):
                    report.already += 1
                else:  # the same id from another app, or a forgery: neither is kept
                    report.rejected.append(f"line {number}: id {record.id!r} names another record")
                continue
            if isinstance(record, Patrol):
                session.add(_patrol_row(record, grid_id, staff_id, now))
                # The grid is patrolled again: its gap alert, if any, is settled.
                resolve(session, now, tables.Alert.dedup_key.startswith(f"{PATROL_GAP}:{grid_id}:"))
                report.patrols += 1
            else:
                row = _visit_row(record, grid_id, staff_id, now)
                session.add(row)
                session.flush()
                assert row.id is not None
                if record.needs:
                    needing.append((row.id, record))
                report.visits += 1
        if report.patrols or report.visits:
            stored_now = report.patrols + report.visits
            session.add(tables.ChangeLog(at=now, kind=ChangeKind.FIELDWORK, ref=f"{stored_now}"))
            audit(
                session,
                at=now,
                actor=ctx.actor.signature,
                channel=ctx.actor.channel,
                action="fieldwork_ingest",
                subject_kind="fieldwork",
                subject_ref=f"{report.patrols} patrols, {report.visits} visits",
                reason=f"{len(report.rejected)} lines set aside" if report.rejected else None,
            )
    if open_cases:
        for visit_id, visit in needing:
            try:
                report.cases.append(_open_case(ctx, visit_id, visit))
            except Refused as refused:  # the visit stays stored; the case can be reported
                report.unopened.append(f"visit {visit.id}: stored, but no case ({refused})")
    return report


# Record ids looked up at once, this many to a statement (under SQLite's bound limit).
LOOKUP = 5_000


def _stored(
    session: Session, records: list[FieldRecord]
) -> dict[tuple[type, str], tuple[int, int]]:
    """Who and where each record id of the batch was stored for, of those already stored."""
    found: dict[tuple[type, str], tuple[int, int]] = {}
    for kind, table in ((Patrol, tables.FieldPatrol), (Visit, tables.FieldVisit)):
        ids = [record.id for record in records if isinstance(record, kind)]
        for start in range(0, len(ids), LOOKUP):
            rows = session.execute(
                select(table.record_id, table.staff_id, table.grid_id).where(
                    table.record_id.in_(ids[start : start + LOOKUP])
                )
            )
            found.update({(kind, record_id): (staff, grid) for record_id, staff, grid in rows})
    return found


def _patrol_row(patrol: Patrol, grid_id: int, staff_id: int, now: datetime) -> tables.FieldPatrol:
    track = [[lat, lon, at.isoformat()] for lat, lon, at in patrol.track]
    return tables.FieldPatrol(
        record_id=patrol.id,
        staff_id=staff_id,
        grid_id=grid_id,
        started_at=patrol.start,
        ended_at=patrol.end,
        track=json.dumps(track),
        received_at=now,
    )


def _visit_row(visit: Visit, grid_id: int, staff_id: int, now: datetime) -> tables.FieldVisit:
    return tables.FieldVisit(
        record_id=visit.id,
        staff_id=staff_id,
        grid_id=grid_id,
        household=visit.household,
        at=visit.at,
        note=visit.note,
        needs=json.dumps(list(visit.needs), ensure_ascii=False),
        received_at=now,
    )


def _open_case(ctx: Context, visit_id: int, visit: Visit) -> str:
    """The case for a visit's needs, linked to the visit."""
    description = "\n".join(
        [f"Needs recorded on a household visit ({visit.id}):", *visit.needs]
        + ([f"Note: {visit.note}"] if visit.note else [])
    )
    done = case_service.report_case(
        ctx,
        title=visit.needs[0][:120],
        source="patrol",
        grid=visit.grid,
        description=description,
        reporter=visit.staff,
    )
    with ctx.db.write() as session:
        row = session.get(tables.FieldVisit, visit_id)
        case_id = session.scalar(select(tables.Case.id).where(tables.Case.code == done.code))
        assert row is not None and case_id is not None
        row.case_id = case_id
    return done.code


def patrol_gaps(ctx: Context, at: datetime, policy: FieldworkPolicy) -> str:
    """An alert for each grid nobody has patrolled within the policy's gap: once per grid
    and gap (the key names the newest patrol received, so the next gap is a new alert).
    Until the first patrol arrives the district does not record fieldwork here, and
    nothing is raised."""
    since = at - policy.patrol_gap
    hours = round(policy.patrol_gap.total_seconds() / 3600)
    with ctx.db.write() as session:
        if session.scalar(select(tables.FieldPatrol.id).limit(1)) is None:
            return "no patrol on record yet: fieldwork is not sent here"
        last = (
            select(
                tables.FieldPatrol.grid_id,
                func.max(tables.FieldPatrol.ended_at).label("ended_at"),
                func.max(tables.FieldPatrol.id).label("patrol_id"),
            )
            .group_by(tables.FieldPatrol.grid_id)
            .subquery()
        )
        rows = session.execute(
            select(
                tables.Grid.id,
                tables.Grid.code,
                tables.Grid.name,
                tables.Grid.street_id,
                tables.Grid.community_id,
                last.c.ended_at,
                last.c.patrol_id,
            )
            .outerjoin(last, last.c.grid_id == tables.Grid.id)
            .where((last.c.ended_at.is_(None)) | (last.c.ended_at < since))
        ).all()
        drafts = [
            AlertDraft(
                Kind.UNPATROLLED,
                Severity.WARNING,
                f"Grid {code} {name}: not patrolled for {hours} hours"
                if ended_at is not None
                else f"Grid {code} {name}: no patrol on record",
                "grid",
                code,
                f"{PATROL_GAP}:{grid_id}:{patrol_id or 'never'}",
                street_id=street_id,
                community_id=community_id,
                grid_id=grid_id,
            )
            for grid_id, code, name, street_id, community_id, ended_at, patrol_id in rows
        ]
        raised = raise_alerts(session, drafts, at)
    return f"{raised} grids newly unpatrolled of {len(drafts)} without a patrol in {hours} h"


def overloads(ctx: Context, at: datetime, policy: FieldworkPolicy) -> str:
    """An alert to the grid chief of each person on a grid team who holds more open cases
    than the policy's limit: once while they stay over it, settled when they are under."""
    limit = policy.open_cases_limit
    with ctx.db.write() as session:
        over = session.execute(
            select(
                tables.Staff.id,
                tables.Staff.code,
                tables.Staff.name,
                func.count(tables.Case.id),
            )
            .join(tables.Case, tables.Case.assignee_staff_id == tables.Staff.id)
            .where(
                tables.Case.step != "closed",
                tables.Staff.id.in_(select(tables.GridStaff.staff_id)),
            )
            .group_by(tables.Staff.id, tables.Staff.code, tables.Staff.name)
            .having(func.count(tables.Case.id) > limit)
        ).all()
        refs = {code for _, code, _, _ in over}
        settled = resolve(
            session,
            at,
            tables.Alert.kind == Kind.OVERLOAD.value,
            tables.Alert.subject_ref.not_in(refs),  # an empty set excludes nobody
        )
        alerted = set(
            session.scalars(
                select(tables.Alert.subject_ref).where(
                    tables.Alert.kind == Kind.OVERLOAD.value, tables.Alert.resolved_at.is_(None)
                )
            )
        )
        drafts = [
            _overload_alert(session, staff_id, code, name, held, limit, at)
            for staff_id, code, name, held in over
            if code not in alerted
        ]
        raised = raise_alerts(session, drafts, at)
    return (
        f"{raised} people newly overloaded, {len(over)} over {limit} open cases, {settled} settled"
    )


def _overload_alert(
    session: Session, staff_id: int, code: str, name: str, held: int, limit: int, at: datetime
) -> AlertDraft:
    """Addressed to the grid chief of the person's first grid, in that grid's community."""
    grid = session.execute(
        select(tables.Grid.id, tables.Grid.code, tables.Grid.street_id, tables.Grid.community_id)
        .join(tables.GridStaff, tables.GridStaff.grid_id == tables.Grid.id)
        .where(tables.GridStaff.staff_id == staff_id)
        .order_by(tables.Grid.code)
    ).first()
    assert grid is not None  # only people on a grid team are counted
    grid_id, grid_code, street_id, community_id = grid
    chief = session.execute(
        select(tables.Staff.code, tables.Staff.name)
        .where(
            tables.Staff.active,
            tables.Staff.role == "grid_chief",
            (tables.Staff.community_id == community_id)
            | tables.Staff.id.in_(
                select(tables.GridStaff.staff_id).where(tables.GridStaff.grid_id == grid_id)
            ),
        )
        .order_by(tables.Staff.code)
    ).first()
    to = f"grid chief {chief[1]} ({chief[0]})" if chief else "the community (no grid chief)"
    return AlertDraft(
        Kind.OVERLOAD,
        Severity.WARNING,
        f"{name} ({code}) holds {held} open cases, over the limit of {limit}",
        "staff",
        code,
        f"overload:{staff_id}:{at.isoformat()}",
        body=f"For {to}: {name} of grid {grid_code} holds {held} open cases; "
        "reassign some or ask the departments that pushed them.",
        street_id=street_id,
        community_id=community_id,
    )
