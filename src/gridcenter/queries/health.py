"""Is anything failing on the way in or out? A line for the console and the CLI."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gridcenter.store import tables


@dataclass(frozen=True)
class Health:
    failing_deliveries: int
    failing_sources: int
    intake_problems: int  # records set aside by intake, not yet looked at

    def summary(self) -> str:
        parts = []
        if self.failing_deliveries:
            parts.append(f"{self.failing_deliveries} webhook deliveries failing")
        if self.failing_sources:
            parts.append(f"{self.failing_sources} intake sources failing")
        if self.intake_problems:
            parts.append(f"{self.intake_problems} intake records set aside")
        return " · ".join(parts)


def active_sources(session: Session) -> list[int]:
    """The intake sources read on each run."""
    return list(session.scalars(select(tables.IntakeSource.id).where(tables.IntakeSource.active)))


def integration_health(session: Session) -> Health:
    failing = session.scalar(
        select(func.count())
        .select_from(tables.WebhookDelivery)
        .where(tables.WebhookDelivery.status != "delivered", tables.WebhookDelivery.attempts > 0)
    )
    sources = session.scalar(
        select(func.count())
        .select_from(tables.IntakeSource)
        .where(tables.IntakeSource.active, tables.IntakeSource.last_status == "failed")
    )
    problems = session.scalar(select(func.count()).select_from(tables.IntakeProblem))
    return Health(failing or 0, sources or 0, problems or 0)
