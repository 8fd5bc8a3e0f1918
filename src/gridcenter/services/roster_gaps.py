"""Roster gaps and handovers: a post with nobody on duty must be visible at once."""

from datetime import datetime, timedelta

from sqlalchemy import select

from gridcenter.domain.alerts import AlertDraft, Kind, Period, Severity, uncovered
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.alerts import raise_alerts, resolve


def roster_check(ctx: Context, at: datetime, lookahead: timedelta, notice: timedelta) -> str:
    """Alerts for the posts nobody holds within `lookahead`, and for handovers within
    `notice`; settled once the gap is filled or the handover is past."""
    horizon = at + lookahead
    tz = ctx.timezone
    with ctx.db.write() as session:
        posts = list(session.scalars(select(tables.DutyPost).order_by(tables.DutyPost.id)))
        shifts = session.execute(
            select(tables.DutyShift, tables.Staff.name)
            .join(tables.Staff, tables.Staff.id == tables.DutyShift.staff_id)
            .where(tables.DutyShift.ends_at > at, tables.DutyShift.starts_at < horizon)
        ).all()
        closures = list(
            session.scalars(
                select(tables.PostClosure).where(
                    tables.PostClosure.ends_at > at, tables.PostClosure.starts_at < horizon
                )
            )
        )
        drafts = []
        live_keys = []
        for post in posts:
            mine = [Period(s.starts_at, s.ends_at) for s, _ in shifts if s.post_id == post.id]
            closed = [Period(c.starts_at, c.ends_at) for c in closures if c.post_id == post.id]
            for gap in uncovered(mine, closed, at, horizon):
                key = f"gap:{post.id}:{gap.starts_at.isoformat()}"
                live_keys.append(key)
                now_open = gap.starts_at <= at
                begins = "now" if now_open else f"from {gap.starts_at.astimezone(tz):%a %H:%M}"
                drafts.append(
                    AlertDraft(
                        Kind.ROSTER_GAP,
                        Severity.ALARM if now_open else Severity.WARNING,
                        f"Nobody on duty at {post.name} {begins}"
                        f" until {gap.ends_at.astimezone(tz):%a %H:%M}",
                        "post",
                        post.code,
                        key,
                        street_id=post.street_id,
                    )
                )
            for shift, name in shifts:
                if shift.post_id == post.id and at < shift.starts_at <= at + notice:
                    drafts.append(
                        AlertDraft(
                            Kind.HANDOVER,
                            Severity.INFO,
                            f"Handover at {post.name} {shift.starts_at.astimezone(tz):%H:%M}: "
                            f"{name} takes over",
                            "post",
                            post.code,
                            f"handover:{shift.id}",
                            street_id=post.street_id,
                        )
                    )
        raised = raise_alerts(session, drafts, at)
        settled = resolve(
            session,
            at,
            tables.Alert.kind == Kind.ROSTER_GAP.value,
            tables.Alert.dedup_key.not_in(live_keys) if live_keys else tables.Alert.id.is_not(None),
        )
        settled += resolve(
            session,
            at,
            tables.Alert.kind == Kind.HANDOVER.value,
            tables.Alert.raised_at < at - notice,
        )
    return f"{raised} roster alerts raised, {settled} settled"
