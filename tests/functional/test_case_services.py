"""Use cases against a real store: history, step clocks, versions, all or nothing."""

import threading
from collections.abc import Callable
from dataclasses import replace

import pytest
from sqlalchemy import select

from gridcenter.domain.access import Actor, Role
from gridcenter.domain.errors import Refused
from gridcenter.services import cases as service
from gridcenter.services.context import Context
from gridcenter.store import tables
from tests.functional.helpers import fingerprint, pick_case


def events_of(context: Context, code: str) -> list[tables.CaseEvent]:
    with context.db.read() as s:
        case_id = s.scalar(select(tables.Case.id).where(tables.Case.code == code))
        return list(
            s.scalars(
                select(tables.CaseEvent)
                .where(tables.CaseEvent.case_id == case_id)
                .order_by(tables.CaseEvent.id)
            )
        )


XIANGJIANG = select(tables.Street.id).where(tables.Street.code == "430199001").scalar_subquery()


def test_reassign_writes_the_case_its_history_and_the_change_signal(context: Context) -> None:
    code = pick_case(
        context.db,
        tables.Case.step == "dispatched",
        tables.Case.level == "B",
        tables.Case.street_id == XIANGJIANG,
        tables.Case.assignee_department_id.is_not(None),
    )
    mark = context.db.newest_change()
    # A street cadre of the case's street: the street office holds level-B cases.
    done = service.reassign(context, code, to="S0009", reason="The office will see to it")
    with context.db.read() as s:
        row = s.scalar(select(tables.Case).where(tables.Case.code == code))
    assert row is not None
    assert row.assignee_staff_id is not None and row.assignee_department_id is None
    assert row.version == done.version and row.updated_by == "chen.jie"
    last = events_of(context, code)[-1]
    assert (last.action, last.to_value, last.reason, last.actor) == (
        "reassign",
        "Tian Danbo",
        "The office will see to it",
        "chen.jie",
    )
    assert context.db.newest_change() > mark


def test_a_full_loop_through_the_store_keeps_step_records(context: Context) -> None:
    done = service.report_case(
        context,
        title="Rubbish heap by the school gate",
        category="URB-ENV-01",
        grid="430199001001001",
        source="hotline",
        reporter="Wang Fang",
        reporter_phone="13812345678",
    )
    code = done.code
    service.file_case(context, code)
    service.dispatch(context, code, to="S0041")  # the grid's own worker: a level-A case
    service.feed_back(context, code, result="Cleared by the sanitation team")
    with pytest.raises(Refused, match="someone else must verify"):
        service.verify(context, code, passed=True, note=None)
    checker = Context(
        context.db,
        context.loop,
        context.clock,
        context.actor.__class__("he.ping", context.actor.role),
    )
    service.verify(checker, code, passed=True, note=None)
    service.close(checker, code, satisfaction="satisfied")
    actions = [e.action for e in events_of(context, code)]
    assert actions == ["report", "file", "dispatch", "feed_back", "verify", "close"]
    with context.db.read() as s:
        case_id = s.scalar(select(tables.Case.id).where(tables.Case.code == code))
        steps = list(
            s.scalars(
                select(tables.CaseStep)
                .where(tables.CaseStep.case_id == case_id)
                .order_by(tables.CaseStep.id)
            )
        )
    assert [st.step for st in steps] == ["reported", "filed", "dispatched", "fed_back", "verified"]
    assert all(st.ended_at is not None for st in steps)


def test_a_stale_version_is_refused_with_who_changed_it(context: Context) -> None:
    code = pick_case(context.db, tables.Case.step == "dispatched")
    with context.db.read() as s:
        version = s.scalar(select(tables.Case.version).where(tables.Case.code == code))
    service.escalate(context, code, reason="first supervisor", expected_version=version)
    before = fingerprint(context.db)
    with pytest.raises(Refused, match=r"was changed by chen\.jie at"):
        service.reassign(context, code, to="D-URB", reason="second", expected_version=version)
    assert fingerprint(context.db) == before


@pytest.mark.parametrize(
    ("move", "message"),
    [
        (
            lambda c, code: service.reassign(c, code, to="Nobody Here", reason="x"),
            "no staff member",
        ),
        (lambda c, code: service.escalate(c, code, reason=""), "needs a reason"),
        (lambda c, code: service.close(c, code, satisfaction="satisfied"), "only a verified case"),
        (
            lambda c, code: service.close(c, code, satisfaction="great"),
            "'great' is not a valid satisfaction",
        ),
        (lambda c, code: service.file_case(c, code, category="NOPE"), "no category"),
    ],
)
def test_refusals_change_nothing(
    context: Context, move: Callable[[Context, str], object], message: str
) -> None:
    code = pick_case(context.db, tables.Case.step == "dispatched")
    before = fingerprint(context.db)
    with pytest.raises(Refused, match=message):
        move(context, code)
    assert fingerprint(context.db) == before


def test_parking_and_resuming_move_the_step_deadline(context: Context) -> None:
    code = pick_case(context.db, tables.Case.step == "dispatched", tables.Case.parked_at.is_(None))
    service.park(context, code, reason="waiting on a third party: the owner")
    later = Context(
        context.db,
        context.loop,
        context.clock.__class__(context.now().replace(day=27)),
        context.actor,
    )
    service.unpark(later, code)
    with context.db.read() as s:
        row = s.scalar(select(tables.Case).where(tables.Case.code == code))
        assert row is not None
        step = s.scalar(
            select(tables.CaseStep).where(
                tables.CaseStep.case_id == row.id, tables.CaseStep.ended_at.is_(None)
            )
        )
    assert step is not None and step.deadline == row.deadline and row.paused_s > 0


def test_concurrent_writers_wait_instead_of_failing(context: Context) -> None:
    """Many threads, each with its own engine, read-then-write at once: BEGIN IMMEDIATE."""
    from gridcenter.store.database import Database

    with context.db.read() as s:
        codes = list(
            s.scalars(
                select(tables.Case.code)
                .where(
                    tables.Case.step == "dispatched",
                    tables.Case.extension_reason.is_(None),
                    tables.Case.deadline > context.now(),  # asked for before the deadline
                )
                .order_by(tables.Case.id)
                .limit(6)
            )
        )
    errors: list[BaseException] = []

    def worker(code: str) -> None:
        db = Database(context.db.url)
        mine = Context(db, context.loop, context.clock, context.actor)
        try:
            for n in range(8):
                service.request_extension(mine, code, reason=f"round {n}")
                service.refuse_extension(mine, code, reason=f"round {n}")
        except BaseException as error:
            errors.append(error)
        finally:
            db.dispose()

    threads = [threading.Thread(target=worker, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for code in codes:
        assert [e.action for e in events_of(context, code)][-16:] == [
            "request_extension",
            "refuse_extension",
        ] * 8


def test_a_case_not_the_districts_is_handed_over_and_closed_with_its_history(
    context: Context,
) -> None:
    code = service.report_case(
        context, title="Streetlight out on Kaifu Road", address="1 Kaifu Road, Kaifu District"
    ).code
    with context.db.read() as s:
        assert s.scalar(select(tables.Case.grid_id).where(tables.Case.code == code)) is None
    done = service.hand_over_case(
        context, code, to="Kaifu district hotline", reason="The road is across the river"
    )
    with context.db.read() as s:
        row = s.scalar(select(tables.Case).where(tables.Case.code == code))
    assert row is not None and row.version == done.version
    assert (row.step, row.invalid, row.closed_at is not None) == ("closed", True, True)
    last = events_of(context, code)[-1]
    assert (last.action, last.from_value, last.to_value, last.reason, last.actor) == (
        "hand_over",
        "reported",
        "Kaifu district hotline",
        "The road is across the river",
        "chen.jie",
    )


def test_a_dispatched_case_or_an_operator_is_refused_a_hand_over(context: Context) -> None:
    dispatched = pick_case(context.db, tables.Case.step == "dispatched")
    reported = pick_case(context.db, tables.Case.step == "reported")
    operator = replace(context, actor=Actor("liu.min", Role.OPERATOR))
    before = fingerprint(context.db)
    with pytest.raises(Refused, match="only a reported or filed case can be handed over"):
        service.hand_over_case(context, dispatched, to="Kaifu district", reason="x")
    with pytest.raises(Refused, match="reassign"):
        service.hand_over_case(operator, reported, to="Kaifu district", reason="x")
    assert fingerprint(context.db) == before
