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
            actor=ctx.actor.login,
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
