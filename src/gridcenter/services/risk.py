"""Periodic risk warnings: monthly, quarterly and yearly, per street and for the district."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gridcenter.domain.alerts import (
    AlertDraft,
    Kind,
    RiskFigures,
    risk_report,
    severity_of_trend,
)
from gridcenter.domain.periods import Period
from gridcenter.queries.cases import OPEN
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.alerts import raise_alerts


@dataclass
class _Tally:
    total: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    places: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)
    overdue: int = 0
    severe: int = 0

    def figures(self) -> RiskFigures:
        return RiskFigures(
            self.total,
            dict(self.kinds),
            dict(self.categories),
            dict(self.places),
            dict(self.sources),
            self.overdue,
            self.severe,
        )


def _tallies(session: Session, start: datetime, end: datetime) -> dict[int | None, _Tally]:
    """Per street (and None for the whole district), counted by the database in one query."""
    # Labelled, so GROUP BY names the same expressions PostgreSQL sees in the select list.
    severe = tables.Case.level.in_(("C", "D")).label("severe")
    late = (OPEN & (tables.Case.deadline < end)).label("late")
    columns = (
        tables.Case.street_id,
        tables.Category.kind,
        tables.Category.name,
        tables.Grid.name.label("grid"),
        tables.Case.source,
        severe,
        late,
    )
    rows = session.execute(
        select(*columns, func.count())
        .join(tables.Category, tables.Category.id == tables.Case.category_id)
        .join(tables.Grid, tables.Grid.id == tables.Case.grid_id)
        .where(tables.Case.created_at >= start, tables.Case.created_at < end)
        .group_by(*columns)
    )
    tallies: dict[int | None, _Tally] = {}
    for street_id, kind, category, grid, source, severe, overdue, n in rows:
        for key in (street_id, None):
            tally = tallies.setdefault(key, _Tally())
            tally.total += n
            tally.kinds[kind] += n
            tally.categories[category] += n
            tally.places[grid] += n
            tally.sources[source] += n
            tally.severe += n if severe else 0
            tally.overdue += n if overdue else 0
    return tallies


def risk_warnings(ctx: Context, at: datetime, period: str) -> str:
    current_period = Period.last_complete(period, at.astimezone(ctx.timezone))
    name = current_period.name
    before_period = current_period.shifted(-1)
    with ctx.db.write() as session:
        now = _tallies(session, current_period.start, current_period.end)
        before = _tallies(session, before_period.start, before_period.end)
        streets = dict(session.execute(select(tables.Street.id, tables.Street.name)).all())
        district = session.scalar(select(tables.District.name)) or "the district"
        drafts = []
        for street_id in [None, *sorted(streets)]:
            scope = district if street_id is None else streets[street_id]
            current = now.get(street_id, _Tally()).figures()
            previous = before.get(street_id, _Tally()).figures()
            drafts.append(
                AlertDraft(
                    Kind.RISK,
                    severity_of_trend(current, previous),
                    f"{period.capitalize()} risk warning {name}: {scope}, {current.total} cases",
                    "district" if street_id is None else "street",
                    scope,
                    f"risk:{period}:{name}:{street_id or 'district'}",
                    body=risk_report(scope, f"{period} {name}", current, previous),
                    street_id=street_id,
                )
            )
        raised = raise_alerts(session, drafts, at)
    return f"{raised} {period} risk warnings for {name}"
