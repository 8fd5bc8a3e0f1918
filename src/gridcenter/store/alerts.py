"""Writing alerts: each draft is stored once, whoever raises it and however often."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gridcenter.domain.alerts import OPT_IN_KINDS, TIMER_KINDS, AlertDraft
from gridcenter.domain.changes import ChangeKind
from gridcenter.store import tables


def raise_alerts(session: Session, drafts: list[AlertDraft], now: datetime) -> int:
    """Insert the drafts whose de-duplication key is new (in one statement); returns how many.

    Webhook deliveries for the new ones are queued in the same transaction."""
    if not drafts:
        return 0
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    rows = [
        {
            "kind": draft.kind.value,
            "severity": draft.severity.value,
            "title": draft.title,
            "body": draft.body,
            "subject_kind": draft.subject_kind,
            "subject_ref": draft.subject_ref,
            "dedup_key": draft.dedup_key,
            "street_id": draft.street_id,
            "community_id": draft.community_id,
            "grid_id": draft.grid_id,
            "case_id": draft.case_id,
            "raised_at": now,
        }
        for draft in {draft.dedup_key: draft for draft in drafts}.values()
    ]
    statement = (
        dialect.insert(tables.Alert)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(tables.Alert.id, tables.Alert.dedup_key)
    )
    new = dict((key, alert_id) for alert_id, key in session.execute(statement, rows).all())
    if not new:
        return 0
    hooks = list(session.scalars(select(tables.Webhook).where(tables.Webhook.active)))
    for draft in drafts:
        if draft.dedup_key in new and hooks:
            _queue_deliveries(session, hooks, new[draft.dedup_key], draft, now)
    session.add(tables.ChangeLog(at=now, kind=ChangeKind.ALERT, ref=f"{len(new)} raised"))
    return len(new)


SEVERITY_ORDER = {"info": 0, "warning": 1, "alarm": 2}


def _queue_deliveries(
    session: Session, hooks: list[tables.Webhook], alert_id: int, draft: AlertDraft, now: datetime
) -> None:
    """The outbox: deliveries are written in the alert's own transaction, so none is lost."""
    for hook in hooks:
        kinds = {kind.strip() for kind in hook.kinds.split(",") if kind.strip()}
        if kinds and draft.kind.value not in kinds:
            continue
        if not kinds and draft.kind in OPT_IN_KINDS:
            continue
        if SEVERITY_ORDER[draft.severity.value] < SEVERITY_ORDER.get(hook.min_severity, 0):
            continue
        if hook.street_id is not None and draft.street_id != hook.street_id:
            continue
        session.add(
            tables.WebhookDelivery(
                webhook_id=hook.id,
                alert_id=alert_id,
                message_id=f"msg_{alert_id}_{hook.id}",
                next_attempt_at=now,
            )
        )


def resolve(session: Session, now: datetime, *conditions: object) -> int:
    """Mark open alerts that match as resolved; returns how many."""
    result = session.execute(
        update(tables.Alert)
        .where(tables.Alert.resolved_at.is_(None), *conditions)  # type: ignore[arg-type]
        .values(resolved_at=now)
    )
    return result.rowcount or 0


def resolve_case_timers(session: Session, case_id: int, now: datetime) -> int:
    """A case moved on or got a new deadline: its timer alerts are settled."""
    kinds = [kind.value for kind in TIMER_KINDS]
    return resolve(session, now, tables.Alert.case_id == case_id, tables.Alert.kind.in_(kinds))
