"""The monthly stationing day: one reminder per community, with what it collected."""

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import func, select

from gridcenter.domain.alerts import AlertDraft, Kind, Severity
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.alerts import raise_alerts


def previous_stationing(at: datetime, day: int) -> datetime:
    """The same day and time one month earlier."""
    first = at.replace(day=1)
    before = (first - timedelta(days=1)).replace(day=1)
    return before.replace(day=min(day, 28))


def stationing_day(ctx: Context, at: datetime) -> str:
    local = at.astimezone(ctx.timezone)
    since = previous_stationing(local, local.day)
    with ctx.db.write() as session:
        communities = session.execute(
            select(tables.Community.id, tables.Community.name, tables.Community.street_id)
        ).all()
        counts: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for community_id, category, n in session.execute(
            select(tables.Case.community_id, tables.Category.name, func.count())
            .join(tables.Category, tables.Category.id == tables.Case.category_id)
            .where(tables.Case.created_at >= since, tables.Case.created_at < at)
            .group_by(tables.Case.community_id, tables.Category.name)
        ):
            counts[community_id].append((category, n))
        drafts = []
        for community_id, name, street_id in communities:
            issues = sorted(counts[community_id], key=lambda item: (-item[1], item[0]))
            total = sum(n for _, n in issues)
            body = "\n".join(f"  {category}: {n}" for category, n in issues) or "  no issues"
            drafts.append(
                AlertDraft(
                    Kind.STATIONING,
                    Severity.INFO,
                    f"Stationing day {local:%d %b}: {name} meeting, {total} issues since "
                    f"{since:%d %b}",
                    "community",
                    name,
                    f"stationing:{community_id}:{local:%Y-%m}",
                    body=f"Issues collected in {name} since {since:%Y-%m-%d}:\n{body}",
                    street_id=street_id,
                    community_id=community_id,
                )
            )
        raised = raise_alerts(session, drafts, at)
    return f"{raised} stationing reminders for {len(drafts)} communities"
