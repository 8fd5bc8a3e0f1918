"""The level decides who holds a case, as the accounts concerned act: a street office, a
district supervisor, a community operator."""

from dataclasses import replace

import pytest
from sqlalchemy import select

from gridcenter.domain.access import Territory
from gridcenter.domain.assessment import DepartmentDuty, Dispatcher
from gridcenter.domain.errors import Refused
from gridcenter.domain.levels import Level
from gridcenter.domain.periods import Period
from gridcenter.queries import assessment as q
from gridcenter.queries.cases import OPEN, case_detail, open_cases
from gridcenter.queries.dashboard import queue_page, running_out, territory_label
from gridcenter.queries.people import department_candidate, refusal_for, staff_candidate
from gridcenter.services import cases as service
from gridcenter.services.accounts import actor_for, add_account
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


def road_damage(context: Context, dispatcher: str = "chen.jie") -> str:
    """A damaged road in Taoyuan, a district matter (level C), dispatched to the district's
    urban management bureau by the district's supervisor."""
    district = as_account(context, dispatcher)
    code = service.report_case(
        district, title="Road caved in", category="URB-FAC-01", grid=GRID
    ).code
    service.file_case(district, code)
    service.dispatch(district, code, to="D-URB")
    return code


def bureau(context: Context) -> Context:
    """The demo's account of the district urban management bureau's desk (an operator)."""
    return as_account(context, "urb.desk")


def test_an_admin_binds_an_account_to_a_department(context: Context) -> None:
    admin = as_account(context, "admin")
    with pytest.raises(Refused, match="a department's account is an operator or a supervisor"):
        add_account(admin, "gas.desk", name="Gas desk", role="viewer", department="C-GAS")
    with pytest.raises(Refused, match="no department 'C-NOPE'"):
        add_account(admin, "gas.desk", name="Gas desk", role="operator", department="C-NOPE")
    add_account(admin, "gas.desk", name="Gas desk", role="supervisor", department="C-GAS")
    gas = actor_for(context.db, "gas.desk", "local")
    with context.db.read() as s:
        department = s.scalar(select(tables.Department.id).where(tables.Department.code == "C-GAS"))
    assert gas.territory == Territory(None, None, department)


def test_only_the_holding_department_records_its_feedback(context: Context) -> None:
    code = road_damage(context)
    desk = bureau(context)
    community = as_account(context, "taoyuan")
    before = fingerprint(context.db)
    with pytest.raises(
        Refused,
        match=f"case {code} is held by District Urban Management Bureau; only its own accounts "
        "record its feedback",
    ):
        service.feed_back(community, code, result="Typed in for the bureau")
    assert fingerprint(context.db) == before
    service.feed_back(desk, code, result="Resurfaced")
    assert events(context, code)[-1].actor == "urb.desk"


def test_a_departments_account_sees_and_moves_only_its_departments_cases(
    context: Context,
) -> None:
    mine = road_damage(context)
    desk = bureau(context)
    with context.db.read() as s:
        listed = open_cases(s, desk.actor.territory, context.now(), limit=500)
        other = s.scalar(
            select(tables.Case.code).where(
                tables.Case.step == "dispatched", tables.Case.assignee_department_id.is_(None)
            )
        )
        assert other is not None
        assert case_detail(s, desk.actor.territory, context.loop, other, context.now()) is None
    with context.db.read() as s:  # the console's queue and timers: the department's alone
        queue = queue_page(s, desk.actor.territory, Level.C)
        timers = running_out(s, desk.actor.territory, context.now())
        label = territory_label(s, desk.actor.territory)
    assert label == "my department: District Urban Management Bureau"  # the console's header
    assert mine in {row.code for row in listed} and mine in {row.code for row in queue}
    shown = [*listed, *queue, *timers.overdue, *timers.soon]
    assert {row.assignee for row in shown} == {"District Urban Management Bureau"}
    with pytest.raises(Refused, match=f"case {other} is not held by your department"):
        service.return_case(desk, other, reason="Not ours")


def test_a_return_goes_back_to_the_dispatcher_and_counts_against_them(context: Context) -> None:
    code = road_damage(context)
    desk = bureau(context)
    month = Period.parse("2026-11", SHANGHAI)

    def figures() -> tuple[dict[str, Dispatcher], dict[str, DepartmentDuty]]:
        with context.db.read() as s:
            place = q.find_place(s, "district", None)
            assert place is not None
            return (
                {d.name: d for d in q.dispatchers(s, month, Territory(), place)},
                {d.name: d for d in q.departments(s, month, Territory(), place)},
            )

    before, _ = figures()
    with pytest.raises(Refused, match="returning a case needs a reason"):
        service.return_case(desk, code, reason=" ")
    service.return_case(desk, code, reason="A gas main under the road: not ours to dig")
    with context.db.read() as s:
        row = s.scalar(select(tables.Case).where(tables.Case.code == code))
        assert row is not None
        assert (row.step, row.assignee_department_id) == ("filed", None)
    counted, departments = figures()
    last = events(context, code)[-1]
    assert (last.action, last.actor, last.from_value) == (
        "return",
        "urb.desk",
        "District Urban Management Bureau",
    )
    dispatcher = counted["chen.jie"]
    assert dispatcher.returned == before["chen.jie"].returned + 1 == 1
    assert dispatcher.right_first_time == before["chen.jie"].right_first_time - 1
    assert departments["District Urban Management Bureau"].returned == 1


def test_a_level_c_case_is_handled_jointly_each_part_by_its_own_department(
    context: Context,
) -> None:
    """A land dispute: the petitions bureau leads, the housing bureau co-handles; the lead's
    feedback waits for the housing bureau's part and carries it."""
    district = as_account(context, "chen.jie")
    admin = as_account(context, "admin")
    add_account(admin, "pet.desk", name="Petitions desk", role="operator", department="D-PET")
    add_account(admin, "hou.desk", name="Housing desk", role="operator", department="D-HOU")
    lead, partner = as_account(context, "pet.desk"), as_account(context, "hou.desk")
    code = service.report_case(
        district, title="Demolition quarrel", category="SEC-DSP-05", grid=GRID
    ).code
    service.file_case(district, code)
    with pytest.raises(Refused, match="District Market Regulation Bureau does not answer for"):
        service.dispatch(district, code, to="D-PET", with_=["D-MKT"])
    street = gas_leak(context)
    with pytest.raises(Refused, match=r"joint handling is for level-C cases; case .* is level B"):
        service.dispatch(as_account(context, "xiangjiang"), street, to="ST01-SAFE", with_=["C-GAS"])
    year = Period.parse("2026", SHANGHAI)

    def housing() -> DepartmentDuty:
        with context.db.read() as s:
            place = q.find_place(s, "district", None)
            assert place is not None
            duties = {d.name: d for d in q.departments(s, year, Territory(), place)}
        return duties.get("District Housing and Construction Bureau", DepartmentDuty("", 0, 0, 0))

    before = housing()
    service.dispatch(district, code, to="D-PET", with_=["D-HOU"])
    assert events(context, code)[-1].reason == (
        "jointly with District Housing and Construction Bureau"
    )
    with pytest.raises(Refused, match="waits for its co-handlers' parts: District Housing"):
        service.feed_back(lead, code, result="Settled at the meeting")
    with pytest.raises(Refused, match="has no part for your department"):
        service.record_part(lead, code, result="Ours is the lead")
    service.record_part(partner, code, result="Permits checked")
    with context.db.read() as s:
        detail = case_detail(s, Territory(), context.loop, code, context.now())
    assert detail is not None
    [joint] = detail.co_handlers
    assert (joint.name, joint.answered_at) == (
        "District Housing and Construction Bureau",
        context.now(),
    )
    service.feed_back(lead, code, result="Settled at the meeting")
    assert events(context, code)[-1].reason == (
        "Settled at the meeting (with District Housing and Construction Bureau: Permits checked)"
    )
    after = housing()
    assert (after.due, after.on_time) == (before.due + 1, before.on_time + 1)
