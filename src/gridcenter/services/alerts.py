"""Alert use cases."""

from sqlalchemy import select

from gridcenter.domain.access import Action
from gridcenter.domain.alerts import manual_warning
from gridcenter.domain.changes import ChangeKind
from gridcenter.domain.errors import Refused
from gridcenter.queries.places import grid_by_code
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.alerts import raise_alerts
from gridcenter.store.history import audit


def acknowledge(ctx: Context, alert_id: int, note: str = "") -> str:
    """Mark an alert as seen by the acting operator, with an optional note; returns its
    title."""
    ctx.actor.require(Action.ACKNOWLEDGE)
    now = ctx.now()
    with ctx.db.write() as session:
        alert = session.scalar(
            select(tables.Alert).where(tables.Alert.id == alert_id).with_for_update()
        )
        if alert is None:
            raise Refused(f"no alert {alert_id}")
        if alert.street_id is not None and not ctx.actor.territory.is_district:
            ctx.actor.require_territory(
                alert.street_id, alert.community_id or -1, f"alert {alert_id}"
            )
        if alert.acknowledged_at is not None:
            at = alert.acknowledged_at.astimezone(ctx.timezone).strftime("%H:%M")
            raise Refused(
                f"alert {alert_id} was already acknowledged by {alert.acknowledged_by} at {at}"
            )
        alert.acknowledged_at = now
        alert.acknowledged_by = ctx.actor.signature
        audit(
            session,
            at=now,
            actor=ctx.actor.signature,
            channel=ctx.actor.channel,
            action="acknowledge",
            subject_kind="alert",
            subject_ref=str(alert_id),
            to_value=alert.title[:200],
            reason=note.strip() or None,
        )
        session.add(tables.ChangeLog(at=now, kind=ChangeKind.ALERT, ref=str(alert_id)))
        return alert.title


def raise_by_hand(ctx: Context, *, grid: str, severity: str, text: str) -> str:
    """A manual warning for a grid of the actor's territory (a grid worker calling one in):
    on the board and out to the webhooks like any alert; returns its title."""
    ctx.actor.require(Action.FILE)
    now = ctx.now()
    with ctx.db.write() as session:
        found = grid_by_code(session, grid)
        if found is None:
            raise Refused(f"no grid {grid.strip()!r}")
        ctx.actor.require_territory(found.street_id, found.community_id, f"grid {found.code}")
        draft = manual_warning(
            severity=severity,
            text=text,
            grid_code=found.code,
            grid_name=found.name,
            by=ctx.actor.signature,
            now=now,
            street_id=found.street_id,
            community_id=found.community_id,
            grid_id=found.id,
        )
        raise_alerts(session, [draft], now)
        return draft.title
