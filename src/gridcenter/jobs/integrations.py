"""The integration jobs: Open311 intake from every active source, and webhook delivery."""

import logging
from datetime import UTC, datetime

import httpx

from gridcenter.jobs.policy import Policy
from gridcenter.queries.health import active_sources
from gridcenter.services.context import Context
from gridcenter.services.intake import sync_source
from gridcenter.services.webhooks import deliver_due

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


log = logging.getLogger(__name__)


def http_client() -> httpx.Client:
    # No proxy from the environment: a proxy would connect past the address check
    # (integrations/http.py), and no redirect to an unchecked address.
    return httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False)


def open311_intake(ctx: Context, at: datetime, policy: Policy) -> str:
    with ctx.db.read() as session:
        sources = active_sources(session)
    reports = []
    with http_client() as client:
        for source_id in sources:
            # A source that fails is recorded and the run goes on to the next one.
            try:
                report = sync_source(ctx, source_id, client)
            except Exception as error:
                log.exception("intake source %s failed", source_id)
                reports.append(f"source {source_id}: failed ({type(error).__name__})")
                continue
            reports.append(f"source {source_id}: {report.summary()}")
    return "; ".join(reports) or "no intake sources"


def webhook_delivery(ctx: Context, at: datetime, policy: Policy) -> str:
    # Delivery runs on real time whatever clock the rest runs on: back-off is about the wire.
    with http_client() as client:
        return deliver_due(ctx, client, datetime.now(UTC)).summary()
