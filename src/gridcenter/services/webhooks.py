"""Webhook subscriptions and the delivery of their outbox."""

from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy import select, update

from gridcenter.domain.access import Action
from gridcenter.domain.alerts import Kind, Severity
from gridcenter.domain.changes import ChangeKind
from gridcenter.domain.errors import Refused, not_valid
from gridcenter.integrations.http import public_url, refuse_endpoint
from gridcenter.integrations.webhooks import (
    MAX_ATTEMPTS,
    AlertMessage,
    Attempt,
    new_secret,
    payload,
    send,
)
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.history import audit

BATCH = 50


def add_webhook(
    ctx: Context,
    url: str,
    *,
    kinds: str = "",
    min_severity: str = "info",
    street: str | None = None,
    fmt: str = "json",
    allow_private: bool = False,
) -> tables.Webhook:
    ctx.actor.require(Action.ADMINISTER)
    refuse_endpoint(url, allow_private)
    if fmt not in ("json", "markdown"):
        raise not_valid("format", fmt, ("json", "markdown"))
    min_severity = Severity.parse(min_severity).value
    chosen = [Kind.parse(kind).value for kind in kinds.split(",") if kind.strip()]
    now = ctx.now()
    with ctx.db.write() as session:
        street_id = None
        if street:
            found = session.scalar(select(tables.Street).where(tables.Street.code == street))
            if found is None:
                raise Refused(f"no street {street!r}")
            street_id = found.id
        hook = tables.Webhook(
            url=url,
            kinds=",".join(chosen),
            min_severity=min_severity,
            street_id=street_id,
            format=fmt,
            secret=new_secret(),
            created_at=now,
            allow_private=allow_private,
        )
        session.add(hook)
        session.flush()
        audit(
            session,
            at=now,
            actor=ctx.actor.signature,
            channel=ctx.actor.channel,
            action="webhook_add",
            subject_kind="webhook",
            subject_ref=str(hook.id),
            to_value=f"{public_url(url)} kinds={hook.kinds or 'all'} >= {min_severity}"
            + (" private allowed" if allow_private else ""),
        )
        session.expunge(hook)
        return hook


def remove_webhook(ctx: Context, hook_id: int) -> None:
    ctx.actor.require(Action.ADMINISTER)
    with ctx.db.write() as session:
        hook = session.get(tables.Webhook, hook_id)
        if hook is None:
            raise Refused(f"no webhook {hook_id}")
        hook.active = False
        hook.disabled_reason = f"removed by {ctx.actor.signature}"
        audit(
            session,
            at=ctx.now(),
            actor=ctx.actor.signature,
            channel=ctx.actor.channel,
            action="webhook_remove",
            subject_kind="webhook",
            subject_ref=str(hook_id),
            from_value=hook.url,
        )
        session.execute(
            update(tables.WebhookDelivery)
            .where(
                tables.WebhookDelivery.webhook_id == hook_id,
                tables.WebhookDelivery.status == "pending",
            )
            .values(status="dead", last_error="subscription removed")
        )


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    given_up: int = 0
    disabled: int = 0

    def summary(self) -> str:
        return (
            f"{self.delivered} delivered, {self.retrying} to retry, "
            f"{self.given_up} given up, {self.disabled} subscriptions disabled"
        )


def deliver_due(ctx: Context, client: httpx.Client, now: datetime) -> DeliveryReport:
    """Send every delivery that is due, oldest first; record each answer."""
    report = DeliveryReport()
    with ctx.db.read() as session:
        due = session.execute(
            select(tables.WebhookDelivery, tables.Webhook, tables.Alert)
            .join(tables.Webhook, tables.Webhook.id == tables.WebhookDelivery.webhook_id)
            .join(tables.Alert, tables.Alert.id == tables.WebhookDelivery.alert_id)
            .where(
                tables.WebhookDelivery.status == "pending",
                tables.WebhookDelivery.next_attempt_at <= now,
                tables.Webhook.active,
            )
            .order_by(tables.WebhookDelivery.id)
            .limit(BATCH)
        ).all()
        session.expunge_all()
    gone: set[int] = set()
    for delivery, hook, alert in due:
        if hook.id in gone:
            continue
        message = AlertMessage(
            alert.id or 0,
            alert.kind,
            alert.severity,
            alert.title,
            alert.body,
            f"{alert.subject_kind} {alert.subject_ref}",
            alert.raised_at,
        )
        body = payload(message, hook.format, ctx.timezone)
        attempt = send(
            client,
            hook.url,
            hook.secret,
            delivery.message_id,
            body,
            delivery.attempts + 1,
            hook.allow_private,
        )
        _record(ctx, delivery.id or 0, hook.id or 0, attempt, now, report)
        if attempt.gone:
            gone.add(hook.id or 0)
    return report


def _record(
    ctx: Context,
    delivery_id: int,
    hook_id: int,
    attempt: Attempt,
    now: datetime,
    report: DeliveryReport,
) -> None:
    with ctx.db.write() as session:
        delivery = session.get(tables.WebhookDelivery, delivery_id)
        assert delivery is not None
        delivery.attempts += 1
        delivery.last_status_code = attempt.status_code
        delivery.last_error = attempt.error
        if attempt.delivered:
            delivery.status = "delivered"
            delivery.delivered_at = now
            report.delivered += 1
        elif attempt.gone:
            hook = session.get(tables.Webhook, hook_id)
            assert hook is not None
            hook.active = False
            hook.disabled_reason = attempt.error
            session.execute(
                update(tables.WebhookDelivery)
                .where(
                    tables.WebhookDelivery.webhook_id == hook_id,
                    tables.WebhookDelivery.status == "pending",
                )
                .values(status="dead", last_error=attempt.error)
            )
            report.disabled += 1
        elif delivery.attempts >= MAX_ATTEMPTS or attempt.retry_in is None:
            delivery.status = "dead"
            report.given_up += 1
        else:
            delivery.next_attempt_at = now + attempt.retry_in
            report.retrying += 1
        session.add(tables.ChangeLog(at=now, kind=ChangeKind.WEBHOOK, ref=str(delivery_id)))
