"""Who did what, when, from where and why: case histories and every other change."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from gridcenter.domain.access import Territory
from gridcenter.queries.scope import in_territory
from gridcenter.store import tables


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str
    channel: str
    action: str
    subject: str
    from_value: str | None
    to_value: str | None
    reason: str | None


def audit_trail(
    session: Session,
    territory: Territory,
    *,
    case_code: str | None = None,
    operator: str | None = None,
    since: datetime | None = None,
    limit: int = 200,
) -> list[AuditLine]:
    """The newest changes first; a street office sees its own cases' histories only."""
    cases = (
        select(tables.CaseEvent, tables.Case.code)
        .join(tables.Case, tables.Case.id == tables.CaseEvent.case_id)
        .where(in_territory(territory, tables.Case.street_id, tables.Case.community_id))
    )
    others = select(tables.AuditEvent)
    if case_code:
        cases = cases.where(tables.Case.code == case_code)
        others = others.where(
            tables.AuditEvent.subject_kind == "case", tables.AuditEvent.subject_ref == case_code
        )
    if operator:
        cases = cases.where(_done_by(tables.CaseEvent.actor, operator))
        others = others.where(_done_by(tables.AuditEvent.actor, operator))
    if since:
        cases = cases.where(tables.CaseEvent.at >= since)
        others = others.where(tables.AuditEvent.at >= since)
    lines = [
        AuditLine(
            e.at, e.actor, e.channel, e.action, f"case {code}", e.from_value, e.to_value, e.reason
        )
        for e, code in session.execute(
            cases.order_by(tables.CaseEvent.at.desc(), tables.CaseEvent.id.desc()).limit(limit)
        )
    ]
    if territory.is_district:
        lines += [
            AuditLine(
                e.at,
                e.actor,
                e.channel,
                e.action,
                f"{e.subject_kind} {e.subject_ref}",
                e.from_value,
                e.to_value,
                e.reason,
            )
            for e in session.scalars(
                others.order_by(tables.AuditEvent.at.desc(), tables.AuditEvent.id.desc()).limit(
                    limit
                )
            )
        ]
    lines.sort(key=lambda line: line.at, reverse=True)
    return lines[:limit]


def _done_by(actor: Any, login: str) -> ColumnElement[bool]:
    """Rows `login` did: as itself, acting as another account, or acted as by another."""
    escaped = login.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(
        actor == login,
        actor.like(f"{escaped} acting as %", escape="\\"),
        actor.like(f"% acting as {escaped}", escape="\\"),
    )
