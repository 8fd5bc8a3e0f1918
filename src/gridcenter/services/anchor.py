"""The hourly anchor: where the history chains stand, sent out to be kept away from the store.

It goes out as an alert of the kind `audit_anchor`, settled as it is raised (nobody
acts on it), through the webhook outbox: only subscriptions that name the kind get it,
signed and retried like any alert. `audit verify --anchor` checks the chains against it."""

from datetime import datetime

from gridcenter.domain.alerts import AlertDraft, Kind, Severity
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.alerts import raise_alerts, resolve
from gridcenter.store.history import anchor_line, chain_marks


def audit_anchor(ctx: Context, at: datetime) -> str:
    with ctx.db.write() as session:  # a write: the chains cannot move while they are read
        marks = chain_marks(session)
        key = f"anchor:{at.isoformat()}"
        events = marks["case_event"].rows
        others = marks["audit_event"].rows
        draft = AlertDraft(
            Kind.AUDIT_ANCHOR,
            Severity.INFO,
            f"History anchor: {events} case events, {others} audit events",
            "district",
            "history",
            key,
            body=anchor_line(marks, at),
        )
        raised = raise_alerts(session, [draft], at)
        resolve(session, at, tables.Alert.dedup_key == key)
    return f"anchored {events} case events and {others} audit events" if raised else "anchored"
