"""Every assessment figure against a small set of cases worked out by hand.

March 2025 holds no demo cases, so the nine cases below are all there is in
that period. Times are local (Asia/Shanghai); March 3rd 2025 is a Monday;
working hours are 08:30-12:00 and 14:00-17:30; the category is "Neighbour
dispute" (file 2 h, dispatch 4 h, handle 24 h, verify 16 h, close 24 h of
working time).

  C1 G1 patrol by Luo Xuejun: the whole loop on 3 March, satisfied.
  C2 G1 hotline: handled on 20 March, far past its handling deadline; dissatisfied.
  C3 G1 hotline: fails its first check (rework), then closed; neutral.
  C4 G1 patrol by Luo Xuejun: dismissed as an invalid report.
  C5 G2 (another street) hotline: dispatched on 10 March, never fed back: overdue at the end.
  C6 G1 hotline: dispatched, then parked: its clock is stopped, so it is not overdue.
  C7 G1 hotline: dispatched to one department, reassigned to another, closed, not rated.
  C8 G1 hotline: closed, reopened after closing, dispatched again and closed again; satisfied.
  C9 G3 (a third street) hotline: reported on 31 March at 16:00 and extended: not yet due.
"""

import csv
import io
import os
import subprocess
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gridcenter.domain.access import Actor, Role, Territory
from gridcenter.domain.errors import Refused
from gridcenter.domain.periods import Period
from gridcenter.queries import assessment as q
from gridcenter.queries.cases import case_detail
from gridcenter.report.document import layout
from gridcenter.report.formats import render
from gridcenter.services import cases as service
from gridcenter.services.assessment import assess, resolve_place
from gridcenter.services.context import Context
from gridcenter.store import tables
from tests.functional.helpers import fingerprint, gridcenter_in_process

TZ = ZoneInfo("Asia/Shanghai")
G1, G2, G3 = "430199001001001", "430199002001001", "430199003001001"
CATEGORY = "SEC-DSP-01"
MARCH = Period.parse("2025-03", TZ)
DISTRICT = Territory()
WORKER = "luo.xuejun"


def tallies(
    session: Session,
    period: Period,
    territory: Territory,
    place: q.Place,
    bys: Sequence[str] = (),
    now: datetime | None = None,
) -> q.Breakdown:
    """The tallies read on one connection, one statement after another."""
    counts = q.tally_counts(period, territory, place, bys, now).values()
    return q.add_up(bys, [(count, session.execute(count.statement).all()) for count in counts])


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=TZ)


class Desk:
    """Runs the fixture's actions at the times the story gives."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def at(self, day: int, hour: int, minute: int = 0, actor: str = "chen.jie") -> Context:
        self.ctx.clock.frozen = _at(day, hour, minute)
        return replace(self.ctx, actor=Actor(actor, Role.ADMIN))

    def handler(self, day: int, hour: int, minute: int = 0) -> Context:
        """The assignee feeding back: not the one who verifies."""
        return self.at(day, hour, minute, actor="zhou.hui")

    def report(self, day: int, hour: int, grid: str, source: str = "hotline", by: str = "") -> str:
        ctx = self.at(day, hour, actor=by or "liu.min")
        return service.report_case(
            ctx, title="Quarrel over a shared corridor", category=CATEGORY, grid=grid, source=source
        ).code

    def to_closing(self, code: str, day: int, dept: str, rating: str) -> None:
        """File at 09:10, dispatch 09:20, feed back 10:00, verify 10:30, close 11:00."""
        service.file_case(self.at(day, 9, 10), code)
        service.dispatch(self.at(day, 9, 20), code, to=dept)
        service.feed_back(self.handler(day, 10), code, result="Talked both sides round")
        service.verify(self.at(day, 10, 30), code, passed=True, note=None)
        service.close(self.at(day, 11), code, satisfaction=rating)


@pytest.fixture
def march(context: Context) -> dict[str, str]:
    return build_march(context)


def build_march(context: Context) -> dict[str, str]:
    with context.db.write() as s:
        s.execute(update(tables.Staff).where(tables.Staff.code == "S0041").values(login=WORKER))
        # In this story neighbour disputes are the street's (level B), and the streets' law
        # teams and the Xiangjiang safety office answer for them: the dispatches are lawful.
        s.execute(
            update(tables.Category)
            .where(tables.Category.code == CATEGORY)
            .values(default_level="B")
        )
        category_id = s.scalar(select(tables.Category.id).where(tables.Category.code == CATEGORY))
        for department in ("ST01-LAW", "ST01-SAFE", "ST02-LAW"):
            department_id = s.scalar(
                select(tables.Department.id).where(tables.Department.code == department)
            )
            s.add(tables.DepartmentCategory(department_id=department_id, category_id=category_id))
    desk = Desk(context)
    codes: dict[str, str] = {}

    codes["C1"] = c = desk.report(3, 9, G1, "patrol", by=WORKER)
    service.file_case(desk.at(3, 9, 30), c)
    service.dispatch(desk.at(3, 10), c, to="ST01-LAW")
    service.feed_back(desk.handler(3, 11), c, result="Done")
    service.verify(desk.at(3, 11, 30), c, passed=True, note=None)
    service.close(desk.at(3, 14, 30), c, satisfaction="satisfied")

    codes["C2"] = c = desk.report(4, 9, G1)
    service.file_case(desk.at(4, 9, 10), c)
    service.dispatch(desk.at(4, 9, 20), c, to="ST01-SAFE")
    service.feed_back(desk.handler(20, 10), c, result="Done at last")
    service.verify(desk.at(20, 11), c, passed=True, note=None)
    service.close(desk.at(21, 9), c, satisfaction="dissatisfied")

    codes["C3"] = c = desk.report(5, 9, G1)
    service.file_case(desk.at(5, 9, 10), c)
    service.dispatch(desk.at(5, 9, 20), c, to="ST01-LAW")
    service.feed_back(desk.handler(5, 10), c, result="Done")
    service.verify(desk.at(5, 10, 30), c, passed=False, note="Still quarrelling")
    service.feed_back(desk.handler(5, 11), c, result="Done again")
    service.verify(desk.at(5, 11, 15), c, passed=True, note=None)
    service.close(desk.at(6, 9), c, satisfaction="neutral")

    codes["C4"] = c = desk.report(6, 9, G1, "patrol", by=WORKER)
    service.dismiss(desk.at(6, 9, 30), c, reason="Same as C1")

    codes["C5"] = c = desk.report(10, 9, G2)
    service.file_case(desk.at(10, 9, 10), c)
    service.dispatch(desk.at(10, 10), c, to="ST02-LAW")

    codes["C6"] = c = desk.report(11, 9, G1)
    service.file_case(desk.at(11, 9, 10), c)
    service.dispatch(desk.at(11, 10), c, to="ST01-LAW")
    service.park(desk.at(11, 11), c, reason="Awaiting a court ruling")

    codes["C7"] = c = desk.report(12, 9, G1)
    service.file_case(desk.at(12, 9, 10), c)
    service.dispatch(desk.at(12, 9, 20), c, to="ST01-LAW")
    service.reassign(desk.at(12, 10), c, to="ST01-SAFE", reason="A safety matter")
    service.feed_back(desk.handler(13, 9), c, result="Done")
    service.verify(desk.at(13, 9, 30), c, passed=True, note=None)
    service.close(desk.at(13, 10), c, satisfaction="not_rated")

    codes["C8"] = c = desk.report(14, 9, G1)
    desk.to_closing(c, 14, "ST01-LAW", "satisfied")
    service.reopen(desk.at(17, 9), c, reason="The quarrel started again")
    service.dispatch(desk.at(17, 9, 30), c, to="ST01-LAW")
    service.feed_back(desk.handler(17, 10), c, result="Done")
    service.verify(desk.at(17, 10, 30), c, passed=True, note=None)
    service.close(desk.at(17, 11), c, satisfaction="satisfied")

    codes["C9"] = c = desk.report(31, 16, G3)
    service.request_extension(desk.at(31, 16, 10), c, reason="The reporter is away")
    service.grant_extension(
        desk.at(31, 16, 30), c, until=datetime(2025, 4, 3, 17, tzinfo=TZ), reason="Fine"
    )
    return codes


def _district(context: Context) -> q.Place:
    with context.db.read() as s:
        place = q.find_place(s, "district", None)
    assert place is not None
    return place


def test_the_district_figures_are_the_hand_counts(context: Context, march: dict[str, str]) -> None:
    with context.db.read() as s:
        whole = tallies(s, MARCH, DISTRICT, _district(context))[None][None]
    assert (whole.reported, whole.invalid, whole.valid) == (9, 1, 8)
    assert whole.by_source == {"patrol": 2, "hotline": 7}
    assert (whole.filed, whole.dispatched, whole.closed) == (7, 8, 5)  # C8 dispatched twice
    assert whole.completion_rate == pytest.approx(5 / 8)  # C1 C2 C3 C7 C8 of the valid 8
    # Due: the 5 closed and C5 overdue at the end; C6 is parked and C9 not yet due.
    assert (whole.due, whole.on_time, whole.overdue) == (6, 4, 1)
    assert whole.on_time_rate == pytest.approx(4 / 6)  # C2 closed late; C5 still open
    assert (whole.verified, whole.rework) == (7, 1)  # C3 and C8 were checked twice
    assert whole.rework_rate == pytest.approx(1 / 7)
    assert (whole.rated, whole.satisfied) == (4, 2)  # C7 not rated
    assert whole.satisfaction_rate == pytest.approx(0.5)
    assert (whole.extensions, whole.parked, whole.reopened) == (1, 1, 1)
    assert whole.overrun_steps == 2  # C2's handling and C5's, still running


def test_the_overrun_multiple_is_time_taken_over_time_allowed(
    context: Context, march: dict[str, str]
) -> None:
    with context.db.read() as s:
        whole = tallies(s, MARCH, DISTRICT, _district(context))[None][None]
        steps = {
            code: s.execute(
                select(tables.CaseStep.started_at, tables.CaseStep.deadline)
                .join(tables.Case)
                .where(tables.Case.code == code, tables.CaseStep.step == "dispatched")
            ).one()
            for code in (march["C2"], march["C5"])
        }
    c2_start, c2_deadline = steps[march["C2"]]
    c5_start, c5_deadline = steps[march["C5"]]
    c2 = (_at(20, 10) - c2_start) / (c2_deadline - c2_start)
    c5 = (MARCH.end - c5_start) / (c5_deadline - c5_start)
    assert c2 > 3 and c5 > 5
    assert whole.overrun_multiple == pytest.approx((c2 + c5) / 2, rel=1e-6)


def test_a_running_period_is_counted_up_to_now(context: Context, march: dict[str, str]) -> None:
    place = _district(context)
    with context.db.read() as s:
        early = tallies(s, MARCH, DISTRICT, place, now=_at(12, 12))[None][None]
        later = tallies(s, MARCH, DISTRICT, place, now=_at(24, 12))[None][None]
    # On the 12th at noon only C2 is overdue (its 24 working hours of handling ran out on
    # Friday the 7th at 14:20); C5's handling, dispatched on the 10th, is not due yet.
    assert (early.closed, early.overdue, early.due) == (2, 1, 3)  # C1 and C3 closed
    # On the 24th C2 is closed (late) and C5 has run out.
    assert (later.closed, later.overdue, later.due, later.on_time) == (5, 1, 6, 4)


def test_streets_cover_the_edge_cases(context: Context, march: dict[str, str]) -> None:
    with context.db.read() as s:
        place = _district(context)
        counted = tallies(s, MARCH, DISTRICT, place, ["street"])
        rows = {b.place.name: b.tally for b in q.children(s, DISTRICT, place, counted)}
    assert list(rows) == [
        "Xiangjiang Street",
        "Yuelu Hill Street",
        "Meixi Lake Street",
        "Wangyue Street",
    ]
    assert rows["Xiangjiang Street"].on_time_rate == pytest.approx(4 / 5)
    assert rows["Yuelu Hill Street"].on_time_rate == 0.0  # all overdue
    assert rows["Meixi Lake Street"].due == 0
    assert rows["Meixi Lake Street"].on_time_rate is None  # nothing due: no rate at all
    assert rows["Wangyue Street"].reported == 0  # nothing happened there, still listed


def test_several_breakdowns_at_once_are_each_the_breakdown_alone(
    context: Context, march: dict[str, str]
) -> None:
    bys = ["street", "category", "department", "person"]
    with context.db.read() as s:
        place = _district(context)
        together = tallies(s, MARCH, DISTRICT, place, bys)
        alone = {by: tallies(s, MARCH, DISTRICT, place, [by])[by] for by in bys}
    for by in bys:
        assert together[by] == alone[by], by
    # the fixture spreads over three streets and four departments
    assert (len(together["street"]), len(together["department"])) == (3, 4)
    # and each breakdown adds up to the whole
    whole = together[None][None]
    assert sum(t.reported for t in together["street"].values()) == whole.reported == 9
    assert sum(t.closed for t in together["department"].values()) == whole.closed == 5


def test_a_steps_90th_percentile_is_the_value_at_its_rank(
    context: Context, march: dict[str, str]
) -> None:
    """Twenty handling steps in a month of their own, taking 0 to 19 minutes (one paused for
    longer than it ran, which counts as no time): the 90th percentile is the 18th of them,
    17 minutes, not the slowest; the other steps have no time at all."""
    month = Period.parse("2020-01", TZ)
    start = datetime(2020, 1, 6, 9, tzinfo=TZ)
    with context.db.write() as s:
        case_id = s.scalar(select(tables.Case.id).limit(1))
        for minutes in [*range(1, 20), 0]:
            paused = 600.0 if minutes == 0 else 0.0  # ran 5 minutes, paused for 10
            took = 5 if minutes == 0 else minutes
            s.add(
                tables.CaseStep(
                    case_id=case_id,
                    step="dispatched",
                    started_at=start,
                    ended_at=start + timedelta(minutes=took),
                    paused_s=paused,
                )
            )
    with context.db.read() as s:
        steps = {row.step: row for row in q.step_durations(s, month, DISTRICT, _district(context))}
    handled = steps["dispatched"]
    assert handled.count == 20
    assert handled.p90_s == pytest.approx(17 * 60, abs=0.01)  # SQLite's day fractions
    assert handled.mean_s == pytest.approx(sum(range(20)) / 20 * 60)
    assert (steps["filed"].count, steps["filed"].p90_s) == (0, None)


def test_lateness_is_measured_against_the_original_deadline(
    context: Context, march: dict[str, str]
) -> None:
    """Extended after the fact, a case 401% over its limit used to count 100% on time: a
    late request is now refused, and one in time does not excuse the lateness."""
    with context.db.read() as s:
        before = tallies(s, MARCH, DISTRICT, _district(context))[None][None]
    desk = Desk(context)
    late = desk.report(24, 9, G1)
    service.file_case(desk.at(24, 9, 10), late)
    service.dispatch(desk.at(24, 9, 20), late, to="ST01-LAW")  # 24 working hours: 27 Mar 14:20
    untouched = fingerprint(context.db)
    with pytest.raises(Refused, match=r"was due at 14:20 on 27 Mar 2025 \(dispatched\); an ex"):
        service.request_extension(desk.handler(28, 16), late, reason="Parts on order")
    assert fingerprint(context.db) == untouched

    extended = desk.report(24, 9, G1)
    service.file_case(desk.at(24, 9, 10), extended)
    service.dispatch(desk.at(24, 9, 20), extended, to="ST01-LAW")
    service.request_extension(desk.handler(25, 9), extended, reason="Parts on order")
    until = datetime(2025, 4, 10, 17, tzinfo=TZ)
    service.grant_extension(desk.at(25, 10), extended, until=until, reason=None)
    service.feed_back(desk.handler(28, 16), extended, result="Done, a day late")
    service.verify(desk.at(28, 16, 30), extended, passed=True, note=None)
    service.close(desk.at(28, 17), extended, satisfaction="satisfied")

    stopped = desk.report(25, 9, G1)
    service.file_case(desk.at(25, 9, 10), stopped)
    service.dispatch(desk.at(25, 9, 20), stopped, to="ST01-LAW")
    service.park(desk.at(25, 10), stopped, reason="season-bound work", note="frost")
    service.unpark(desk.at(26, 10), stopped)
    service.feed_back(desk.handler(26, 11), stopped, result="Done")
    service.verify(desk.at(26, 11, 30), stopped, passed=True, note=None)
    service.close(desk.at(26, 14, 30), stopped, satisfaction="satisfied")

    with context.db.read() as s:
        whole = tallies(s, MARCH, DISTRICT, _district(context))[None][None]
        detail = case_detail(s, DISTRICT, context.loop, extended, desk.ctx.now())
    assert detail is not None
    handling = next(step for step in detail.steps if step.step == "dispatched")
    assert handling.extended and handling.deadline == until
    assert handling.original_deadline == datetime(2025, 3, 27, 14, 20, tzinfo=TZ)
    # The extended case closed after its original deadline: due, not on time; the late one
    # is overdue at the end; the parked one closed on time.
    assert whole.closed == before.closed + 2
    assert (whole.due, whole.on_time) == (before.due + 3, before.on_time + 1)
    assert (whole.extensions, whole.extended) == (before.extensions + 1, 1)
    assert whole.late_requests == before.late_requests + 1 == 1  # the refused one, audited
    assert whole.extension_share == pytest.approx(1 / whole.closed)
    # The parked case's handling step stopped for a day of the 25 hours it took.
    assert whole.parked_s - before.parked_s == pytest.approx(24 * 3600)
    assert whole.parked_share == pytest.approx(whole.parked_s / whole.step_s)


def test_step_times_workers_dispatchers_and_departments(
    context: Context, march: dict[str, str]
) -> None:
    place = _district(context)
    with context.db.read() as s:
        steps = {row.step: row for row in q.step_durations(s, MARCH, DISTRICT, place)}
        workers = {w.name: w for w in q.workers(s, MARCH, DISTRICT, place)}
        dispatchers = q.dispatchers(s, MARCH, DISTRICT, place)
        departments = {d.name: d for d in q.departments(s, MARCH, DISTRICT, place)}
    # Filed steps, in minutes: C1 30, C2 10, C3 10, C5 50, C6 50, C7 10, C8 10 and 30 (reopened).
    filed = steps["filed"]
    assert filed.count == 8
    assert filed.mean_s == pytest.approx(25 * 60)
    assert filed.p90_s == pytest.approx(50 * 60)
    luo = workers["Luo Xuejun"]
    assert (luo.reports, luo.valid, luo.invalid, luo.per_month, luo.meets_bar) == (
        2,
        1,
        1,
        2.0,
        False,
    )
    assert sum(w.reports for w in workers.values()) == 2
    # Eight dispatches by chen.jie; C7's went to the wrong owner first.
    assert [(d.name, d.dispatches, d.right_first_time) for d in dispatchers] == [("chen.jie", 8, 7)]
    law = departments["Xiangjiang Law Enforcement Team"]
    safety = departments["Xiangjiang Safety Office"]
    yuelu = departments["Yuelu Law Enforcement Team"]
    assert (law.due, law.on_time, law.returned) == (5, 5, 1)  # C1, C3 twice, C8 twice; C7 back
    assert (safety.due, safety.on_time, safety.returned) == (2, 1, 0)  # C2 late, C7 on time
    assert (yuelu.due, yuelu.on_time) == (1, 0)  # C5


def test_ranked_tables_and_the_cases_behind_a_number(
    context: Context, march: dict[str, str]
) -> None:
    from gridcenter.domain.assessment import MEASURE, Behind, ranked

    place = _district(context)
    with context.db.read() as s:
        streets = q.named(s, "street", tallies(s, MARCH, DISTRICT, place, ["street"])["street"])
        late = q.cases_behind(s, MARCH, DISTRICT, place, Behind.LATE)
        invalid = q.cases_behind(s, MARCH, DISTRICT, place, Behind.INVALID)
    on_time = ranked(streets, MEASURE["on_time"], least=1)
    assert [(r.label, r.value) for r in on_time] == [
        ("Xiangjiang Street", pytest.approx(0.8)),
        ("Yuelu Hill Street", 0.0),
    ]
    assert [row.code for row in late] == [march["C2"]]
    assert [row.code for row in invalid] == [march["C4"]]


def test_a_street_office_sees_only_its_street(context: Context, march: dict[str, str]) -> None:
    with context.db.read() as s:
        street = s.scalar(select(tables.Street.id).where(tables.Street.code == "430199002"))
        yuelu = Territory(street_id=street)
        whole = tallies(s, MARCH, yuelu, _district(context))[None][None]
        counted = tallies(s, MARCH, yuelu, _district(context), ["street"])
        names = [b.place.name for b in q.children(s, yuelu, _district(context), counted)]
    assert (whole.reported, whole.overdue) == (1, 1)
    assert names == ["Yuelu Hill Street"]


def test_the_risk_map_counts_what_march_added(context: Context) -> None:
    place = _district(context)
    now = context.now()
    with context.db.read() as s:
        before = {g.code: g.risk for g in q.risk_map(s, MARCH, DISTRICT, place, now)}
    build_march(context)
    context.clock.frozen = now
    with context.db.read() as s:
        after = {g.code: g.risk for g in q.risk_map(s, MARCH, DISTRICT, place, now)}
    assert len(after) == 257
    g1, g2 = after[G1], after[G2]
    assert g1.open - before[G1].open == 1  # C6, parked: open but not overdue
    assert g1.overdue == before[G1].overdue
    assert (g1.rework, g1.repeats) == (1, 6)  # seven dispute reports from G1 in March
    assert (g2.open - before[G2].open, g2.overdue - before[G2].overdue) == (1, 1)  # C5


def _report(url: str, *args: str, operator: str = "chen.jie") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GRIDCENTER_DB": url, "GRIDCENTER_OPERATOR": operator}
    env["GRIDCENTER_NOW"] = "2026-11-20T10:00:00+08:00"
    return gridcenter_in_process("report", *args, env=env)


def test_the_report_writes_the_same_figures_in_every_format(
    demo_url: str, context: Context, march: dict[str, str], tmp_path: Path
) -> None:
    md = _report(demo_url, "--period", "2025-03")
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# Assessment: Yuehu District, 2025-03")
    assert "| Completion | 62.5% | 5 of 8 closed |" in md.stdout
    assert "| On-time closure | 66.7% | 4 of 6 due |" in md.stdout
    assert "| Satisfaction | 50.0% | 2 of 4 rated |" in md.stdout
    assert "| Yuelu Hill Street | 1 | 0 | 0.0% | 0.0% | 1 | - | - |" in md.stdout
    assert "| Luo Xuejun | 2 | 1 | 1 | 2.0 | no |" in md.stdout

    sheet = _report(demo_url, "--period", "2025-03", "--format", "csv")
    assert sheet.returncode == 0, sheet.stderr
    rows = list(csv.reader(io.StringIO(sheet.stdout)))
    assert ["headline", "Rework rate", "14.3%", "1 of 7 checks"] in rows
    assert ["dispatchers", "chen.jie", "8", "7", "87.5%", "0", "0"] in rows

    page = tmp_path / "march.html"
    written = _report(demo_url, "--period", "2025-03", "--format", "html", "-o", str(page))
    assert written.returncode == 0, written.stderr
    text = page.read_text("utf-8")
    assert "@media print" in text and "<td>On-time closure</td>" in text
    checker = _TagBalance()
    checker.feed(text)
    assert checker.open == [], "every tag the report opens, it closes"


def test_a_street_report_and_what_is_refused(demo_url: str, march: dict[str, str]) -> None:
    street = _report(demo_url, "--period", "2025-03", "--street", "430199002")
    assert street.returncode == 0, street.stderr
    assert "# Assessment: Yuelu Hill Street, 2025-03" in street.stdout
    assert "| Overdue at end | 1 |" in street.stdout
    # A street office reporting on another street is refused; its default is its own street.
    other = _report(demo_url, "--street", "430199002", operator="xiangjiang")
    assert other.returncode == 1 and "outside your territory" in other.stderr
    own = _report(demo_url, "--period", "2025-03", operator="xiangjiang")
    assert own.returncode == 0 and "# Assessment: Xiangjiang Street, 2025-03" in own.stdout
    for args, message in [
        (("--period", "last month"), "cannot read period"),
        (("--format", "pdf"), "'pdf' is not a valid format: md, csv, html"),
        (("--street", "999"), "no street '999'"),
        (("--street", "430199001", "--grid", G1), "at most one of"),
    ]:
        result = _report(demo_url, *args)
        assert result.returncode == 1 and message in result.stderr, (args, result.stderr)


class _TagBalance(HTMLParser):
    VOID = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()


def test_reports_no_grid_covered_and_repeats_in_the_assessment(context: Context) -> None:
    month = Period.parse("2026-11", TZ)  # the month the fixture's clock is in
    district = _district(context)
    before = assess(context, month, district, top=100)
    lane = "No. 9 Riverside Lane, by the old ferry"
    first = service.report_case(context, title="Blocked drain", address=lane)
    again = service.report_case(
        context, title="Drain again", address="  no. 9 riverside lane,by the OLD ferry"
    )
    assert (first.grid, again.grid) == (None, None)
    # Placed by hand, it still came in where no grid covered it.
    service.place_case(context, first.code, grid=G1, reason="the lane is in G1")
    heap = service.report_case(context, title="Rubbish heap", category=CATEGORY, grid=G2)
    repeat = service.report_case(context, title="Heap again", category=CATEGORY, grid=G2)
    assert repeat.repeat_of == heap.code
    service.merge_case(context, repeat.code, into=heap.code, reason="the same heap")

    after = assess(context, month, district, top=100)
    assert after.unplaced_total - before.unplaced_total == 2
    rows = {p.where: p.reports for p in after.unplaced}
    assert rows["No. 9 Riverside Lane, by the old ferry"] == 2
    assert after.repeats.flagged - before.repeats.flagged == 1
    assert after.repeats.merged - before.repeats.merged == 1
    text = render(layout(after, context.now()), "md")
    assert "## Reports no grid covered, and repeats" in text
    assert f"{after.unplaced_total} reports came in where no grid covered them" in text

    with context.db.read() as s:
        street = s.scalar(select(tables.Street.id).where(tables.Street.code == "430199002"))
    office = replace(context, actor=Actor("street.desk", Role.SUPERVISOR, Territory(street)))
    place = resolve_place(office, "district", None)
    seen = assess(office, month, place)
    assert (seen.unplaced_total, seen.unplaced) == (0, [])
    assert seen.repeats.flagged >= 1 and seen.repeats.merged >= 1  # G2 is in this street
    assert "counted in its report" in render(layout(seen, context.now()), "md")
