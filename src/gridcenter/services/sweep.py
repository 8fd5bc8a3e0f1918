"""The overdue sweep: warnings, overdue alerts and supervision, once per case and deadline."""

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update

from gridcenter.clock import Clock
from gridcenter.domain.alerts import (
    OverduePolicy,
    TimerDecision,
    TimerFacts,
    next_timer_check,
    timer_alerts,
)
from gridcenter.domain.errors import Refused
from gridcenter.domain.levels import Level
from gridcenter.queries.cases import OPEN
from gridcenter.services import cases as case_service
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.alerts import raise_alerts
from gridcenter.store.mapping import limits_of, state_of
from gridcenter.store.tallies import advance_late_mark


def overdue_sweep(ctx: Context, at: datetime, policy: OverduePolicy) -> str:
    """Raise what each case's clock calls for at `at`; escalate where the policy says so.

    Cases that only get alerts are settled in one transaction; each case that goes up a
    level gets its alerts, its timer stage and its escalation in a transaction of its own,
    so a sweep cut off in between leaves the escalation owed, never lost."""
    escalate: list[tuple[int, int, TimerDecision, datetime | None, float]] = []
    with ctx.db.write() as session:  # short: case writers wait while the mark moves
        advance_late_mark(session, at)  # the board's late counts, as of this sweep
    with ctx.db.write() as session:
        due = session.execute(
            select(tables.Case, tables.Category)
            .join(tables.Category, tables.Category.id == tables.Case.category_id)
            .where(OPEN, tables.Case.parked_at.is_(None), tables.Case.alert_due_at <= at)
        ).all()
        drafts = []
        stages: list[dict[str, Any]] = []
        for case, category in due:
            assert case.id is not None and case.deadline is not None
            state = state_of(case, limits_of(category), None)
            facts = TimerFacts(
                case_id=case.id,
                code=case.code,
                title=case.title,
                level=Level(case.level),
                step=case.step,
                deadline=case.deadline,
                warn_at=case.warn_at,
                used_share=ctx.loop.used_share(state, at) or 0.0,
                stage=case.alert_stage,
                street_id=case.street_id,
                community_id=case.community_id,
                grid_id=case.grid_id,
            )
            decision = timer_alerts(facts, at, policy)
            supervise_at = ctx.loop.share_reached_at(state, policy.supervise_at_share)
            next_check = next_timer_check(decision.stage, case.warn_at, case.deadline, supervise_at)
            if decision.escalate:
                escalate.append((case.id, case.version, decision, next_check, facts.used_share))
                continue
            drafts += decision.drafts
            stages.append({"case": case.id, "stage": decision.stage, "due": next_check})
        if stages:  # one executemany, not a statement per case
            session.connection().execute(
                update(tables.Case.__table__)  # type: ignore[arg-type]
                .where(tables.Case.__table__.c.id == bindparam("case"))  # type: ignore[attr-defined]
                .values(alert_stage=bindparam("stage"), alert_due_at=bindparam("due")),
                stages,
            )
        raised = raise_alerts(session, drafts, at)
    escalated = 0
    job = Context(ctx.db, ctx.loop, Clock(at), ctx.actor)
    for case_id, version, decision, next_check, share in escalate:
        reason = f"overdue sweep: still open at {share:.1f}x its time limit"
        try:
            moved = case_service.escalate_overdue(
                job, case_id, version, decision, next_check, reason
            )
        except Refused:
            continue  # the rules refuse it now: the next sweep looks at the case again
        if moved is not None:
            escalated += 1
            raised += moved
    return f"{len(due)} cases checked, {raised} alerts raised, {escalated} escalated"
