"""Alerts out to a real webhook receiver on 127.0.0.1: each exactly once, whatever happens."""

import hmac
import json
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from gridcenter.domain.alerts import AlertDraft, Kind, Severity
from gridcenter.integrations.webhooks import sign
from gridcenter.services.context import Context
from gridcenter.services.webhooks import add_webhook, deliver_due
from gridcenter.store import tables
from gridcenter.store.alerts import raise_alerts
from gridcenter.store.database import Database
from tests.conftest import NOW
from tests.functional.servers import WebhookReceiver


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver()
    server.start()
    yield server
    server.stop()


def alert(
    context: Context,
    key: str,
    kind: Kind = Kind.OVERDUE,
    severity: Severity = Severity.ALARM,
    street_id: int | None = 1,
) -> None:
    with context.db.write() as s:
        raise_alerts(
            s,
            [AlertDraft(kind, severity, f"Alert {key}", "case", key, key, street_id=street_id)],
            NOW,
        )


def deliveries(context: Context) -> list[tables.WebhookDelivery]:
    with context.db.read() as s:
        return list(s.scalars(select(tables.WebhookDelivery).order_by(tables.WebhookDelivery.id)))


def verify(secret: str, received: dict) -> bool:
    """The signature a receiver checks: the signing itself is held to the specification's
    test vector in tests/unit/test_webhook_signature.py."""
    headers = {k.lower(): v for k, v in received["headers"].items()}
    timestamp = int(headers["webhook-timestamp"])
    expected = sign(secret, headers["webhook-id"], timestamp, received["body"])
    return hmac.compare_digest(expected, headers["webhook-signature"])


def test_an_alert_is_delivered_once_signed(
    context: Context, receiver: WebhookReceiver, client: httpx.Client
) -> None:
    hook = add_webhook(context, receiver.url + "/hook", allow_private=True)
    alert(context, "k1")
    assert [d.status for d in deliveries(context)] == ["pending"]  # written with the alert
    report = deliver_due(context, client, NOW)
    assert report.delivered == 1
    deliver_due(context, client, NOW + timedelta(minutes=5))
    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert verify(hook.secret, got)
    headers = {k.lower(): v for k, v in got["headers"].items()}
    assert headers["webhook-id"] == headers["idempotency-key"]
    body = json.loads(got["body"])
    assert body["type"] == "alert.overdue" and body["data"]["title"] == "Alert k1"


def test_a_dead_endpoint_is_retried_with_the_same_id_until_it_answers(
    context: Context, receiver: WebhookReceiver, client: httpx.Client
) -> None:
    add_webhook(context, receiver.url, allow_private=True)
    alert(context, "k2")
    port = receiver.port
    receiver.stop()  # down for a while
    first = deliver_due(context, client, NOW)
    assert first.retrying == 1
    pending = deliveries(context)[0]
    assert pending.status == "pending" and pending.next_attempt_at > NOW
    assert deliver_due(context, client, NOW).retrying == 0  # not due yet
    receiver.port = port
    receiver.answers = [(503, {}), (200, {})]
    receiver.start()
    deliver_due(context, client, pending.next_attempt_at)
    later = deliveries(context)[0]
    deliver_due(context, client, later.next_attempt_at)
    assert [r["answered"] for r in receiver.received] == [503, 200]
    ids = {r["headers"]["webhook-id"] for r in receiver.received}
    assert ids == {pending.message_id}
    assert deliveries(context)[0].status == "delivered"
    deliver_due(context, client, later.next_attempt_at + timedelta(hours=2))
    assert len(receiver.accepted()) == 1


def test_retry_after_is_honoured(
    context: Context, receiver: WebhookReceiver, client: httpx.Client
) -> None:
    add_webhook(context, receiver.url, allow_private=True)
    alert(context, "k3")
    receiver.answers = [(429, {"retry-after": "120"})]
    deliver_due(context, client, NOW)
    assert deliveries(context)[0].next_attempt_at == NOW + timedelta(seconds=120)


def test_410_disables_the_subscription(
    context: Context, receiver: WebhookReceiver, client: httpx.Client
) -> None:
    hook = add_webhook(context, receiver.url, allow_private=True)
    alert(context, "k4")
    alert(context, "k5")
    receiver.answers = [(410, {})]
    report = deliver_due(context, client, NOW)
    assert report.disabled == 1 and len(receiver.received) == 1
    with context.db.read() as s:
        stored = s.get(tables.Webhook, hook.id)
    assert stored is not None and not stored.active and "410" in stored.disabled_reason
    assert {d.status for d in deliveries(context)} == {"dead"}
    alert(context, "k6")
    assert len(deliveries(context)) == 2  # nothing queued for a disabled subscription


def test_nothing_is_lost_or_doubled_across_a_sender_restart(
    context: Context, receiver: WebhookReceiver, client: httpx.Client
) -> None:
    add_webhook(context, receiver.url, allow_private=True)
    for n in range(5):
        alert(context, f"r{n}")
    context.db.dispose()  # the sender stops before delivering anything
    restarted = Context(Database(context.db.url), context.loop, context.clock, context.actor)
    assert deliver_due(restarted, client, NOW).delivered == 5
    assert deliver_due(restarted, client, NOW + timedelta(hours=1)).delivered == 0
    titles = sorted(json.loads(r["body"])["data"]["title"] for r in receiver.received)
    assert titles == [f"Alert r{n}" for n in range(5)]
    restarted.db.dispose()


def test_subscriptions_filter_by_kind_severity_and_street(
    context: Context, receiver: WebhookReceiver, client: httpx.Client
) -> None:
    add_webhook(
        context,
        receiver.url,
        kinds="overdue,risk",
        min_severity="warning",
        street="430199001",
        fmt="markdown",
        allow_private=True,
    )
    alert(context, "a", Kind.OVERDUE, Severity.ALARM, street_id=1)  # sent
    alert(context, "b", Kind.HANDOVER, Severity.ALARM, street_id=1)  # other kind
    alert(context, "c", Kind.OVERDUE, Severity.INFO, street_id=1)  # too mild
    alert(context, "d", Kind.OVERDUE, Severity.ALARM, street_id=2)  # other street
    deliver_due(context, client, NOW)
    assert len(receiver.received) == 1
    message = json.loads(receiver.received[0]["body"])
    assert message["msgtype"] == "markdown"
    assert message["markdown"]["content"].startswith("### ◆ ALARM: Alert a")
