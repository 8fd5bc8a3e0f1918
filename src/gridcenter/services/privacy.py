"""Residents' personal data: masked everywhere, revealed only on purpose, and on the record."""

from dataclasses import dataclass

from sqlalchemy import select

from gridcenter.domain.access import Action
from gridcenter.domain.errors import Refused
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.history import audit


@dataclass(frozen=True)
class Contact:
    reporter: str
    phone: str
    id_number: str


def reveal_contact(ctx: Context, code: str, reason: str | None = None) -> Contact:
    """The reporter's contact in full, for those allowed; the reveal itself is recorded."""
    ctx.actor.require(Action.REVEAL)
    with ctx.db.write() as session:
        case = session.scalar(select(tables.Case).where(tables.Case.code == code.strip()))
        if case is None:
            raise Refused(f"no case {code!r}")
        ctx.actor.require_territory(case.street_id, case.community_id, f"case {case.code}")
        audit(
            session,
            at=ctx.now(),
            actor=ctx.actor.signature,
            channel=ctx.actor.channel,
            action="reveal",
            subject_kind="case",
            subject_ref=case.code,
            to_value="reporter contact",
            reason=reason,
        )
        return Contact(
            case.reporter or "", case.reporter_phone or "", case.reporter_id_number or ""
        )


def reveal_duty_phone(ctx: Context, post_code: str) -> tuple[str, str]:
    """Who holds a duty post now and their full phone number, for those allowed to reveal
    personal data; the reveal is recorded like a case's."""
    ctx.actor.require(Action.REVEAL)
    now = ctx.now()
    with ctx.db.write() as session:
        post = session.scalar(select(tables.DutyPost).where(tables.DutyPost.code == post_code))
        if post is None:
            raise Refused(f"no duty post {post_code!r}")
        if post.street_id is not None:
            ctx.actor.require_territory(post.street_id, -1, f"post {post.name}")
        staff = session.scalar(
            select(tables.Staff)
            .join(tables.DutyShift, tables.DutyShift.staff_id == tables.Staff.id)
            .where(
                tables.DutyShift.post_id == post.id,
                tables.DutyShift.starts_at <= now,
                tables.DutyShift.ends_at > now,
            )
        )
        if staff is None:
            raise Refused(f"nobody is on duty at {post.name} now")
        audit(
            session,
            at=now,
            actor=ctx.actor.signature,
            channel=ctx.actor.channel,
            action="reveal",
            subject_kind="post",
            subject_ref=post.code,
            to_value=f"duty phone of {staff.code}",
        )
        return staff.name, staff.phone or ""
