"""The duty roster: posts, and who holds each when; loaded from an office's file, added or
swapped one shift at a time, each change on the record with who and why."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridcenter.domain.access import Action
from gridcenter.domain.changes import ChangeKind
from gridcenter.domain.errors import Refused
from gridcenter.domain.people import parse_code, parse_name
from gridcenter.domain.roster import Shift, check_shift, clash, read_roster
from gridcenter.formatting import local
from gridcenter.services.accounts import resolve_territory
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.history import audit
from gridcenter.store.people import within


@dataclass(frozen=True)
class RosterImport:
    added: int
    changed: int
    unchanged: int


class _Roster:
    """The posts and people a roster may name, as the acting account sees them."""

    def __init__(self, ctx: Context, session: Session) -> None:
        self.ctx = ctx
        self.session = session
        territory = ctx.actor.territory
        self.posts = {post.code: post for post in session.scalars(select(tables.DutyPost))}
        self.mine = {
            code: within(territory, post.street_id, post.community_id)
            for code, post in self.posts.items()
        }
        self.people = {person.code: person for person in session.scalars(select(tables.Staff))}
        self.active = {code: person.active for code, person in self.people.items()}
        self.codes = {person.id: code for code, person in self.people.items()}
        self.post_codes = {post.id: code for code, post in self.posts.items()}

    def stored(self, starts: datetime, ends: datetime) -> list[tuple[tables.DutyShift, Shift]]:
        rows = self.session.scalars(
            select(tables.DutyShift).where(
                tables.DutyShift.starts_at < ends, tables.DutyShift.ends_at > starts
            )
        )
        return [
            (
                row,
                Shift(
                    self.post_codes[row.post_id],
                    self.codes[row.staff_id],
                    row.starts_at,
                    row.ends_at,
                    f"shift {row.id}",
                ),
            )
            for row in rows
        ]

    def describe(self, shift: Shift) -> str:
        person = self.people[shift.person]
        tz = self.ctx.timezone
        return (
            f"{shift.post}: {person.code} {person.name}, "
            f"{local(shift.starts, tz)} to {local(shift.ends, tz)}"
        )

    def record(
        self, action: str, row: tables.DutyShift, before: str | None, after: str, reason: str
    ) -> None:
        audit(
            self.session,
            at=self.ctx.now(),
            actor=self.ctx.actor.signature,
            channel=self.ctx.actor.channel,
            action=action,
            subject_kind="shift",
            subject_ref=str(row.id),
            from_value=before,
            to_value=after,
            reason=reason,
        )


def import_roster(ctx: Context, text: str, name: str, reason: str | None = None) -> RosterImport:
    """Load a roster file (post,person,start,end) whole or not at all. A shift of a post
    from the same start as a stored one replaces it."""
    ctx.actor.require(Action.MANAGE_PEOPLE)
    with ctx.db.write() as session:
        roster = _Roster(ctx, session)
        stored: list[tuple[tables.DutyShift, Shift]] = []

        def known(starts: datetime, ends: datetime) -> list[Shift]:
            stored.extend(roster.stored(starts, ends))
            return [shift for _, shift in stored]

        shifts = read_roster(text, name, ctx.timezone, roster.mine, roster.active, known)
        added = changed = 0
        for shift in shifts:
            old = next((row for row, known in stored if known.same_slot(shift)), None)
            person = roster.people[shift.person]
            if old is None:
                row = tables.DutyShift(
                    post_id=roster.posts[shift.post].id,
                    staff_id=person.id,
                    starts_at=shift.starts,
                    ends_at=shift.ends,
                )
                session.add(row)
                session.flush()
                roster.record(
                    "shift_add",
                    row,
                    None,
                    roster.describe(shift),
                    reason or f"imported from {name}",
                )
                added += 1
                continue
            before = roster.describe(
                Shift(shift.post, roster.codes[old.staff_id], old.starts_at, old.ends_at)
            )
            if old.staff_id == person.id and old.ends_at == shift.ends:
                continue
            old.staff_id, old.ends_at = person.id, shift.ends  # type: ignore[assignment]
            roster.record(
                "shift_set", old, before, roster.describe(shift), reason or f"imported from {name}"
            )
            changed += 1
        if added or changed:
            session.add(
                tables.ChangeLog(
                    at=ctx.now(), kind=ChangeKind.ROSTER, ref=f"{added + changed} shifts"
                )
            )
    return RosterImport(added, changed, len(shifts) - added - changed)


def add_shift(
    ctx: Context, post: str, person: str, start: str, end: str, reason: str | None = None
) -> int:
    """One shift more; its number."""
    ctx.actor.require(Action.MANAGE_PEOPLE)
    with ctx.db.write() as session:
        roster = _Roster(ctx, session)
        shift = check_shift(post, person, start, end, ctx.timezone, roster.mine, roster.active)
        why = clash(shift, [known for _, known in roster.stored(shift.starts, shift.ends)])
        if why:
            raise Refused(why)
        if any(known.same_slot(shift) for _, known in roster.stored(shift.starts, shift.ends)):
            raise Refused(f"post {post} has a shift from that start: swap its holder instead")
        row = tables.DutyShift(
            post_id=roster.posts[post].id,
            staff_id=roster.people[person].id,
            starts_at=shift.starts,
            ends_at=shift.ends,
        )
        session.add(row)
        session.flush()
        roster.record("shift_add", row, None, roster.describe(shift), reason or "")
        session.add(tables.ChangeLog(at=ctx.now(), kind=ChangeKind.ROSTER, ref=str(row.id)))
        assert row.id is not None
        return row.id


def swap_shift(ctx: Context, shift_id: int, to: str, reason: str) -> None:
    """Hand a shift to someone else (illness, a swap between colleagues); a reason needed."""
    ctx.actor.require(Action.MANAGE_PEOPLE)
    if not reason.strip():
        raise Refused("a reason is needed")
    with ctx.db.write() as session:
        roster = _Roster(ctx, session)
        row = session.get(tables.DutyShift, shift_id)
        if row is None:
            raise Refused(f"no shift {shift_id}: `roster list` shows their numbers")
        post = roster.post_codes[row.post_id]
        if not roster.mine[post]:
            raise Refused(f"post {post} is outside the territory of {ctx.actor.login}")
        if row.ends_at <= ctx.now():
            raise Refused(f"shift {shift_id} is over; the past roster stays as it was")
        before = Shift(post, roster.codes[row.staff_id], row.starts_at, row.ends_at)
        start, end = row.starts_at.isoformat(), row.ends_at.isoformat()
        after = check_shift(post, to.strip(), start, end, ctx.timezone, roster.mine, roster.active)
        if after.person == before.person:
            raise Refused(f"{after.person} holds shift {shift_id} already")
        others = [
            known
            for other, known in roster.stored(row.starts_at, row.ends_at)
            if other.id != row.id
        ]
        why = clash(after, others)
        if why:
            raise Refused(why)
        row.staff_id = roster.people[after.person].id  # type: ignore[assignment]
        roster.record("shift_swap", row, roster.describe(before), roster.describe(after), reason)
        session.add(tables.ChangeLog(at=ctx.now(), kind=ChangeKind.ROSTER, ref=str(row.id)))


def put_post(
    ctx: Context, code: str, name: str, place: str = "district", reason: str | None = None
) -> bool:
    """Add a duty post, or rename one and move it to `place` (`district`, a street or a
    community); whether it is new."""
    ctx.actor.require(Action.MANAGE_PEOPLE)
    code, name = parse_code(code, "post code"), parse_name(name)
    with ctx.db.write() as session:
        where = resolve_territory(session, place)
        if not within(ctx.actor.territory, where.street_id, where.community_id):
            raise Refused(f"{place} is outside the territory of {ctx.actor.login}")
        post = session.scalar(select(tables.DutyPost).where(tables.DutyPost.code == code))
        before = None
        if post is None:
            post = tables.DutyPost(code=code, name=name)
            session.add(post)
        else:
            if not within(ctx.actor.territory, post.street_id, post.community_id):
                raise Refused(f"post {code} is outside the territory of {ctx.actor.login}")
            before = f"{post.name} ({_place(session, post)})"
        post.name, post.street_id, post.community_id = name, where.street_id, where.community_id
        session.flush()
        after = f"{post.name} ({_place(session, post)})"
        if after != before:
            audit(
                session,
                at=ctx.now(),
                actor=ctx.actor.signature,
                channel=ctx.actor.channel,
                action="post_add" if before is None else "post_set",
                subject_kind="post",
                subject_ref=code,
                from_value=before,
                to_value=after,
                reason=reason,
            )
            session.add(tables.ChangeLog(at=ctx.now(), kind=ChangeKind.ROSTER, ref=code))
        return before is None


def _place(session: Session, post: tables.DutyPost) -> str:
    if post.community_id is not None:
        return session.get(tables.Community, post.community_id).code  # type: ignore[union-attr]
    if post.street_id is not None:
        return session.get(tables.Street, post.street_id).code  # type: ignore[union-attr]
    return "district"
