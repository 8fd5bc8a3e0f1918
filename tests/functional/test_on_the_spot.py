"""On-the-spot disposal: a grid worker reports a small matter and handles it in one step;
the level-A case waits, fed back, for someone else to verify it. Both engines."""

import pytest
from sqlalchemy import select

from gridcenter.domain.access import Actor
from gridcenter.domain.errors import Refused
from gridcenter.domain.reports import Point
from gridcenter.services import cases as service
from gridcenter.services.context import Context
from gridcenter.store import tables
from tests.functional.helpers import fingerprint

TAOYUAN_01 = "430199001001001"  # Luo Xuejun (S0041) is its grid worker


def as_(context: Context, login: str) -> Context:
    return Context(context.db, context.loop, context.clock, Actor(login, context.actor.role))


def test_a_case_handled_on_the_spot_waits_for_someone_else_to_verify_it(
    context: Context,
) -> None:
    mark = context.db.newest_change()
    done = service.report_on_the_spot(
        context,
        title="Rubbish bags by the gate",
        category="rubbish heap",
        handled=" Bagged and taken to the collection point ",
        grid=TAOYUAN_01,
        reporter="S0041",
    )
    assert done.grid == TAOYUAN_01 and "handled on the spot by Luo Xuejun" in done.summary
    with context.db.read() as s:
        row = s.scalar(select(tables.Case).where(tables.Case.code == done.code))
        worker = s.scalar(select(tables.Staff).where(tables.Staff.code == "S0041"))
        assert row is not None and worker is not None
        events = list(
            s.scalars(
                select(tables.CaseEvent)
                .where(tables.CaseEvent.case_id == row.id)
                .order_by(tables.CaseEvent.id)
            )
        )
        steps = list(
            s.scalars(
                select(tables.CaseStep.step)
                .where(tables.CaseStep.case_id == row.id)
                .order_by(tables.CaseStep.id)
            )
        )
    assert (row.step, row.level, row.source, row.version) == ("fed_back", "A", "patrol", 4)
    assert row.assignee_staff_id == worker.id and row.reporter_staff_id == worker.id
    assert [(e.action, e.actor, e.to_value, e.reason) for e in events] == [
        ("report", "chen.jie", "patrol", None),
        ("file", "chen.jie", "Rubbish heap level A", "handled on the spot by Luo Xuejun"),
        ("dispatch", "chen.jie", "Luo Xuejun", "on the spot"),
        ("feed_back", "chen.jie", "fed_back", "Bagged and taken to the collection point"),
    ]
    assert steps == ["reported", "filed", "dispatched", "fed_back"]
    assert context.db.newest_change() > mark
    # Whoever recorded it for the worker (who has no login) handled it: not theirs to check.
    with pytest.raises(Refused, match="someone else must verify it on site"):
        service.verify(context, done.code, passed=True, note=None)
    checker = as_(context, "he.ping")
    service.verify(checker, done.code, passed=True, note="Gate is clear")
    service.close(checker, done.code, satisfaction="satisfied")
    with context.db.read() as s:
        closed = s.scalar(select(tables.Case).where(tables.Case.code == done.code))
    assert closed is not None and (closed.step, closed.level, closed.grid_id) == (
        "closed",
        "A",
        row.grid_id,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"category": None}, "needs a category"),
        ({"category": "SEC-DSP-03"}, "SEC-DSP-03 is a level B category"),
        ({"handled": " "}, "say what was done on the spot"),
        ({"grid": None, "at": Point(28.30, 113.10)}, "no grid covers that place"),
        ({"reporter": "S0042"}, "Yang Fangwei is not on grid 430199001001001's team"),
        ({"reporter": None}, "Chen Jie is not on grid 430199001001001's team"),
    ],
)
def test_what_may_not_be_handled_on_the_spot_writes_nothing(
    context: Context, change: dict[str, object], message: str
) -> None:
    asked: dict[str, object] = {
        "title": "Rubbish bags by the gate",
        "category": "URB-ENV-01",
        "handled": "Bagged",
        "grid": TAOYUAN_01,
        "reporter": "S0041",
        **change,
    }
    before = fingerprint(context.db)
    with pytest.raises(Refused, match=message):
        service.report_on_the_spot(context, **asked)  # type: ignore[arg-type]
    assert fingerprint(context.db) == before
