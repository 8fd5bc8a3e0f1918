"""Alerts out to webhooks, by the Standard Webhooks conventions.

Every delivery carries a `webhook-id` that stays the same across retries (and
doubles as the idempotency key), a timestamp, and an HMAC-SHA256 signature
with the subscription's secret. The outbox row decides what is sent; the
answer decides what happens next: 2xx delivered, 410 disables the
subscription, 429 and 5xx back off (honouring Retry-After), and a delivery
that keeps failing is given up and shown as failing.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from gridcenter.integrations.http import (
    AddressRefused,
    Pinned,
    RemoteError,
    pin,
    retry_after,
    through_each,
)

MAX_ATTEMPTS = 12
FIRST_BACKOFF = timedelta(seconds=10)
LONGEST_BACKOFF = timedelta(hours=1)
SYMBOLS = {"alarm": "◆ ALARM", "warning": "! WARNING", "info": "i INFO"}


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


@dataclass(frozen=True)
class AlertMessage:
    id: int
    kind: str
    severity: str
    title: str
    body: str
    subject: str
    raised_at: datetime


def payload(alert: AlertMessage, fmt: str, timezone: ZoneInfo) -> bytes:
    if fmt == "markdown":
        when = alert.raised_at.astimezone(timezone).strftime("%Y-%m-%d %H:%M")
        lines = [
            f"### {SYMBOLS.get(alert.severity, alert.severity)}: {alert.title}",
            f"> {alert.kind.replace('_', ' ')} · {alert.subject} · {when}",
        ]
        if alert.body:
            lines += ["", alert.body]
        document = {"msgtype": "markdown", "markdown": {"content": "\n".join(lines)}}
    else:
        document = {
            "type": f"alert.{alert.kind}",
            "timestamp": alert.raised_at.isoformat(),
            "data": {
                "id": alert.id,
                "kind": alert.kind,
                "severity": alert.severity,
                "title": alert.title,
                "body": alert.body,
                "subject": alert.subject,
                "raised_at": alert.raised_at.isoformat(),
            },
        }
    return json.dumps(document, ensure_ascii=False).encode()


@dataclass(frozen=True)
class Attempt:
    """What one delivery attempt came to."""

    delivered: bool
    gone: bool  # 410: the endpoint says never again
    retry_in: timedelta | None  # when to try again; None when not to
    status_code: int | None
    error: str


def send(
    client: httpx.Client,
    url: str,
    secret: str,
    message_id: str,
    body: bytes,
    attempts: int,
    allow_private: bool = False,
) -> Attempt:
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
        "idempotency-key": message_id,
    }
    backoff = min(FIRST_BACKOFF * (2 ** max(attempts - 1, 0)), LONGEST_BACKOFF)
    try:
        targets = pin(url, allow_private)
    except AddressRefused as refused:  # no connection tried; trying again will not help
        return Attempt(False, False, None, None, str(refused)[:300])
    except RemoteError as error:  # the name does not resolve now: perhaps later
        return Attempt(False, False, backoff, None, str(error)[:300])

    def post(target: Pinned) -> httpx.Response:
        return client.post(
            target.url,
            content=body,
            headers={**headers, **target.headers},
            extensions=target.extensions,
        )

    try:
        response = through_each(targets, post)
    except httpx.HTTPError as error:
        return Attempt(False, False, backoff, None, f"{type(error).__name__}: {error}"[:300])
    code = response.status_code
    if 200 <= code < 300:
        return Attempt(True, False, None, code, "")
    if code == 410:
        return Attempt(False, True, None, code, "410 Gone: the endpoint asked to stop")
    wait = retry_after(response)
    if wait is not None:
        backoff = min(max(timedelta(seconds=wait), FIRST_BACKOFF), LONGEST_BACKOFF)
    return Attempt(False, False, backoff, code, f"answered {code}")
