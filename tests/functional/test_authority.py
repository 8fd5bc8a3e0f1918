"""The level decides who holds a case, as the accounts concerned act: a street office, a
district supervisor, a community operator."""

from dataclasses import replace

import pytest
from sqlalchemy import select

from gridcenter.domain.errors import Refused
from gridcenter.domain.periods import Period
from gridcenter.queries import assessment as q
from gridcenter.queries.cases import OPEN
from gridcenter.queries.people import department_candidate, refusal_for, staff_candidate
from gridcenter.services import cases as service
from gridcenter.services.accounts import actor_for
from gridcenter.services.context import Context
from gridcenter.store import tables
from tests.conftest import SHANGHAI
from tests.functional.helpers import fingerprint

GRID = "430199001001001"  # Taoyuan, Xiangjiang Street; Luo Xuejun (S0041) is its worker


def as_account(context: Context, login: str) -> Context:
    return replace(context, actor=actor_for(context.db, login, "local"))


def gas_leak(context: Context) -> str:
    """A gas smell reported and filed by the street office: level B by its category."""
    office = as_account(context, "xiangjiang")
    code = service.report_case(office, title="Gas smell", category="SEC-RSK-02", grid=GRID).code
    service.file_case(office, code)
    return code


def events(context: Context, code: str) -> list[tables.CaseEvent]:
    with context.db.read() as s:
        case_id = s.scalar(select(tables.Case.id).where(tables.Case.code == code))
        return list(
            s.scalars(
                select(tables.CaseEvent)
                .where(tables.CaseEvent.case_id == case_id)
                .order_by(tables.CaseEvent.id)
            )
        )


@pytest.mark.parametrize(
    ("to", "reason"),
    [
        (
            "C-GAS",
            "City Gas Group is a city department; a level-B case is held by the street office "
            r"or the street's departments \(a supervisor may override, with a reason\)",
        ),
        (
            "ST02-SAFE",
            "Yuelu Safety Office works for Yuelu Hill Street; case .* is in Xiangjiang Street",
        ),
        (
            "ST01-LAW",
            r"Xiangjiang Law Enforcement Team does not answer for Gas smell or leak \(SEC-RSK-02\)",
        ),
        ("S0041", "Luo Xuejun is on the team of grid .*; a level-B case is held by the street"),
    ],
)
def test_a_street_office_may_dispatch_only_to_the_holders_of_its_level(
    context: Context, to: str, reason: str
) -> None:
    code = gas_leak(context)
    office = as_account(context, "xiangjiang")
    before = fingerprint(context.db)
    with pytest.raises(Refused, match=reason):
        service.dispatch(office, code, to=to)
    assert fingerprint(context.db) == before
    service.dispatch(office, code, to="ST01-SAFE")  # the street's safety office lists it
    assert events(context, code)[-1].to_value == "Xiangjiang Safety Office"


def test_a_supervisors_override_is_recorded_and_counted_against_them(context: Context) -> None:
    code = gas_leak(context)
    office = as_account(context, "xiangjiang")
    service.dispatch(office, code, to="C-GAS", override="The gas main under the road is theirs")
    last = events(context, code)[-1]
    assert (last.action, last.actor, last.to_value) == ("dispatch", "xiangjiang", "City Gas Group")
    assert last.reason == (
        "off-list, overridden: The gas main under the road is theirs (City Gas Group is a city "
        "department; a level-B case is held by the street office or the street's departments)"
    )
    service.reassign(
        office, code, to="S0041", reason="The grid worker knows the house", override="Urgent"
    )
    assert events(context, code)[-1].reason.startswith("off-list, overridden: Urgent (Luo Xuejun")
    with context.db.read() as s:
        place = q.find_place(s, "district", None)
        assert place is not None
        month = Period.parse("2026-11", SHANGHAI)
        counted = {d.name: d for d in q.dispatchers(s, month, office.actor.territory, place)}
    assert (counted["xiangjiang"].dispatches, counted["xiangjiang"].off_list) == (1, 2)


def test_the_demo_holders_all_follow_the_rules(context: Context) -> None:
    with context.db.read() as s:
        for case in s.scalars(
            select(tables.Case).where(
                OPEN,
                (tables.Case.assignee_staff_id.is_not(None))
                | (tables.Case.assignee_department_id.is_not(None)),
            )
        ):
            if case.assignee_staff_id is not None:
                staff = s.get(tables.Staff, case.assignee_staff_id)
                assert staff is not None
                who = staff_candidate(s, staff)
            else:
                department = s.get(tables.Department, case.assignee_department_id)
                assert department is not None
                who = department_candidate(s, department)
            assert refusal_for(s, context.rules, case, who) is None, case.code
