"""Patrols and household visits in from a field app, the grid's figures, and the alert for a
grid nobody patrols, on a real store."""

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gridcenter.domain.access import Actor, Role, Territory
from gridcenter.domain.alerts import Kind
from gridcenter.domain.errors import Refused
from gridcenter.domain.fieldwork import FieldworkPolicy
from gridcenter.domain.periods import Period
from gridcenter.queries import assessment as q
from gridcenter.queries.dashboard import grid_places
from gridcenter.queries.fieldwork import grid_fieldwork, team_workload
from gridcenter.services.assessment import assess
from gridcenter.services.context import Context
from gridcenter.services.fieldwork import ingest_field_records, overloads, patrol_gaps
from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.conftest import NOW
from tests.functional.test_cli import gridcenter

POLICY = FieldworkPolicy()


def team_member(context: Context) -> tuple[str, str, int]:
    """A grid of the demo, the code of someone on its team, and its street."""
    with context.db.read() as s:
        grid, staff, street = s.execute(
            select(tables.Grid.code, tables.Staff.code, tables.Grid.street_id)
            .join(tables.GridStaff, tables.GridStaff.grid_id == tables.Grid.id)
            .join(tables.Staff, tables.Staff.id == tables.GridStaff.staff_id)
            .order_by(tables.Grid.code)
        ).first()
    return grid, staff, street


def patrol(record: str, staff: str, grid: str, hours_ago: float, hours: float = 2) -> str:
    end = NOW - timedelta(hours=hours_ago)
    return json.dumps(
        {
            "id": record,
            "type": "patrol",
            "staff": staff,
            "grid": grid,
            "start": (end - timedelta(hours=hours)).isoformat(),
            "end": end.isoformat(),
            "track": [[28.15, 112.85, end.isoformat()]],
        }
    )


def visit(record: str, staff: str, grid: str, household: str, needs: list[str]) -> str:
    return json.dumps(
        {
            "id": record,
            "type": "visit",
            "staff": staff,
            "grid": grid,
            "household": household,
            "at": (NOW - timedelta(hours=1)).isoformat(),
            "needs": needs,
        }
    )


def unpatrolled_alerts(context: Context, grid: str) -> list[tables.Alert]:
    with context.db.read() as s:
        return list(
            s.scalars(
                select(tables.Alert).where(
                    tables.Alert.kind == Kind.UNPATROLLED.value, tables.Alert.subject_ref == grid
                )
            )
        )


def test_a_batch_sent_twice_counts_once_and_a_bad_line_is_set_aside(context: Context) -> None:
    grid, staff, _ = team_member(context)
    batch = [
        patrol("p-1", staff, grid, hours_ago=3),
        visit("v-1", staff, grid, "H-1", ["The stair light on floor 3 is out"]),
        '{"id": "x", "type": "patrol"}',
        visit("v-2", staff, grid, "H-2", []),
    ]
    first = ingest_field_records(context, batch, open_cases=True)
    assert (first.patrols, first.visits, first.already) == (1, 2, 0)
    assert first.rejected == ["line 3: staff must be a non-empty text"]
    assert len(first.cases) == 1
    again = ingest_field_records(context, batch, open_cases=True)
    assert (again.patrols, again.visits, again.already, again.cases) == (0, 0, 3, [])
    with context.db.read() as s:
        case = s.scalar(select(tables.Case).where(tables.Case.code == first.cases[0]))
        linked = s.scalar(
            select(tables.FieldVisit.case_id).where(tables.FieldVisit.record_id == "v-1")
        )
    assert case is not None and case.source == "patrol" and linked == case.id
    assert case.title == "The stair light on floor 3 is out"

    with context.db.read() as s:
        shown = grid_fieldwork(s, Territory(), grid, NOW, context.timezone, POLICY)
    assert shown is not None
    assert shown.patrol_hours_this_week == 2 and shown.visits_this_month == 2
    assert shown.households_visited == 2 and not shown.unpatrolled
    assert shown.visit_rate == pytest.approx(2 / shown.households)
    assert staff in [member.code for member in shown.team]


def test_a_grid_nobody_patrols_raises_its_alert_once_per_gap(context: Context) -> None:
    grid, staff, _ = team_member(context)
    job = context.as_job()
    assert patrol_gaps(job, NOW, POLICY).startswith("no patrol on record")
    ingest_field_records(context, [patrol("p-old", staff, grid, hours_ago=50)])
    patrol_gaps(job, NOW, POLICY)
    patrol_gaps(job, NOW + timedelta(minutes=15), POLICY)  # the job again: no second alert
    alerts = unpatrolled_alerts(context, grid)
    assert len(alerts) == 1 and "not patrolled for 48 hours" in alerts[0].title
    assert alerts[0].resolved_at is None

    ingest_field_records(context, [patrol("p-new", staff, grid, hours_ago=1)])
    assert all(alert.resolved_at is not None for alert in unpatrolled_alerts(context, grid))
    patrol_gaps(job, NOW, POLICY)
    assert len(unpatrolled_alerts(context, grid)) == 1  # patrolled: no new alert
    patrol_gaps(job, NOW + timedelta(hours=50), POLICY)  # a new gap: a new alert
    assert len(unpatrolled_alerts(context, grid)) == 2


def test_fieldwork_is_heard_only_inside_the_senders_territory(context: Context) -> None:
    grid, staff, street = team_member(context)
    with context.db.read() as s:
        other = s.scalar(select(tables.Street.id).where(tables.Street.id != street))
    outsider = replace(context, actor=Actor("other", Role.OPERATOR, Territory(street_id=other)))
    report = ingest_field_records(outsider, [patrol("p-out", staff, grid, hours_ago=1)])
    assert report.patrols == 0
    assert report.rejected == [f"line 1: no grid '{grid}' in the territory of other"]
    with context.db.read() as s:
        stranger = s.scalar(
            select(tables.Staff.code).where(tables.Staff.street_id == other, tables.Staff.active)
        )
    assert stranger is not None
    report = ingest_field_records(context, [patrol("p-far", stranger, grid, hours_ago=1)])
    assert report.rejected == [f"line 1: {stranger} does not serve the street of grid {grid}"]
    viewer = replace(context, actor=Actor("v", Role.VIEWER))
    with pytest.raises(Refused, match="may not send patrols and household visits"):
        ingest_field_records(viewer, [patrol("p-v", staff, grid, hours_ago=1)])
    with outsider.db.read() as s:
        assert (
            grid_fieldwork(s, outsider.actor.territory, grid, NOW, context.timezone, POLICY) is None
        )


def test_the_cli_ingests_and_shows_a_grid(context: Context, demo_url: str, tmp_path: Path) -> None:
    grid, staff, _ = team_member(context)
    batch = tmp_path / "field.jsonl"
    batch.write_text(patrol("p-cli", staff, grid, hours_ago=2) + "\nnot json\n")
    sent = gridcenter(demo_url, "field", "ingest", str(batch))
    assert sent.returncode == 4
    assert sent.stdout.startswith("1 patrols and 0 visits stored")
    assert sent.stderr == "gridcenter: skipped line 2: not JSON (Expecting value)\n"
    shown = json.loads(gridcenter(demo_url, "grids", "show", grid, "--json").stdout)
    assert shown["code"] == grid and shown["patrol_hours_this_week"] == 2
    assert datetime.fromisoformat(shown["last_patrol_at"]) == NOW - timedelta(hours=2)
    assert {"team", "visits_this_month", "households", "visit_rate"} <= shown.keys()
    assert shown["team"][0]["phone"].isdigit()  # a grid worker's duty phone is published


def test_an_overloaded_person_is_alerted_to_their_grid_chief_once(context: Context) -> None:
    _, staff, _ = team_member(context)
    with context.db.write() as s:
        person = s.scalar(select(tables.Staff).where(tables.Staff.code == staff))
        assert person is not None
        held = s.scalar(
            select(func.count()).where(
                tables.Case.assignee_staff_id == person.id, tables.Case.step != "closed"
            )
        )
        others = list(
            s.scalars(
                select(tables.Case)
                .where(tables.Case.step == "dispatched", tables.Case.assignee_staff_id != person.id)
                .limit(3)
            )
        )
        for case in others:  # three more open cases on the same person
            case.assignee_staff_id = person.id
    job = context.as_job()
    at_limit = FieldworkPolicy(open_cases_limit=held + 3)
    overloads(job, NOW, at_limit)
    assert not overload_alerts(context, staff)  # at the limit is not over it
    over = FieldworkPolicy(open_cases_limit=held + 2)
    overloads(job, NOW, over)
    overloads(job, NOW + timedelta(minutes=15), over)  # still over: no second alert
    alerts = overload_alerts(context, staff)
    assert len(alerts) == 1 and f"holds {held + 3} open cases" in alerts[0].title
    assert alerts[0].body.startswith("For grid chief") or "no grid chief" in alerts[0].body
    overloads(job, NOW + timedelta(minutes=30), at_limit)  # under again: settled
    assert overload_alerts(context, staff)[0].resolved_at is not None
    with context.db.read() as s:
        loads = team_workload(s, Territory(), NOW, context.timezone)
    assert loads[0].code == staff and loads[0].open_cases == held + 3


def overload_alerts(context: Context, staff: str) -> list[tables.Alert]:
    with context.db.read() as s:
        return list(
            s.scalars(
                select(tables.Alert).where(
                    tables.Alert.kind == Kind.OVERLOAD.value, tables.Alert.subject_ref == staff
                )
            )
        )


def test_the_contact_card_publishes_duty_phones(context: Context, demo_url: str) -> None:
    grid, _, _ = team_member(context)
    card = json.loads(gridcenter(demo_url, "grids", "contacts", grid, "--json").stdout)
    assert card[0]["grid"] == grid and card[0]["team"]
    phone = card[0]["team"][0]["phone"]
    assert phone.isdigit()  # a grid worker's duty phone, published to residents
    refused = gridcenter(demo_url, "grids", "contacts")
    assert refused.returncode == 1
    assert refused.stderr == "gridcenter: name a grid, or a community with --community\n"


def test_the_assessment_gives_patrol_coverage_and_visit_rate_per_place(
    context: Context,
) -> None:
    grid, staff, _ = team_member(context)
    ingest_field_records(
        context,
        [
            patrol("p-a", staff, grid, hours_ago=3, hours=2),
            patrol("p-b", staff, grid, hours_ago=30, hours=1.5),
            visit("v-a", staff, grid, "H-1", []),
            visit("v-b", staff, grid, "H-1", []),  # the same household again
            visit("v-c", staff, grid, "H-2", []),
        ],
    )
    with context.db.read() as s:
        community_id, households = s.execute(
            select(tables.Grid.community_id, tables.Grid.households).where(tables.Grid.code == grid)
        ).one()
        in_community = s.scalar(
            select(func.count()).where(tables.Grid.community_id == community_id)
        )
        community = q.place_of(s, "community", community_id)
    period = Period.containing("month", NOW.date(), context.timezone)
    figures = assess(context, period, community).fieldwork
    whole, grids_below = figures[0], {f.place: f for f in figures[1:]}
    assert whole.place == community.name and whole.grids == in_community == len(grids_below)
    assert (whole.grids_patrolled, whole.patrol_hours, whole.households_visited) == (1, 3.5, 2)
    assert whole.patrol_coverage == pytest.approx(1 / in_community)
    with context.db.read() as s:
        name = s.scalar(select(tables.Grid.name).where(tables.Grid.code == grid))
    mine = grids_below[name]
    assert (mine.grids, mine.grids_patrolled, mine.patrol_coverage) == (1, 1, 1.0)
    assert mine.visit_rate == pytest.approx(2 / households)


def test_an_id_is_one_record_and_every_batch_is_on_the_record(context: Context) -> None:
    grid, staff, _ = team_member(context)
    first = ingest_field_records(context, [visit("v-x", staff, grid, "H-1", [])])
    assert first.visits == 1
    with context.db.read() as s:
        other_grid = (
            s.scalar(
                select(tables.Grid.code)
                .join(tables.GridStaff, tables.GridStaff.grid_id == tables.Grid.id)
                .join(tables.Staff, tables.Staff.id == tables.GridStaff.staff_id)
                .where(tables.Staff.code == staff, tables.Grid.code != grid)
            )
            or grid
        )
    again = ingest_field_records(
        context,
        [
            visit("v-x", staff, grid, "H-1", []),  # sent before: counted once
            patrol("p-y", staff, grid, hours_ago=1),
            patrol("p-y", staff, grid, hours_ago=2),  # the same id twice in one batch
        ],
    )
    assert (again.already, again.patrols) == (1, 1)
    assert again.rejected == ["line 3: id 'p-y' is on line 2 already"]
    if other_grid != grid:  # the same id for another grid: refused, the first one kept
        moved = ingest_field_records(context, [visit("v-x", staff, other_grid, "H-1", [])])
        assert moved.rejected == ["line 1: id 'v-x' names another record"]
    with context.db.read() as s:
        batches = s.scalars(
            select(tables.AuditEvent.subject_ref).where(
                tables.AuditEvent.action == "fieldwork_ingest"
            )
        ).all()
    assert batches == ["0 patrols, 1 visits", "1 patrols, 0 visits"]


def test_a_slow_sender_holds_no_lock_while_its_lines_arrive(context: Context) -> None:
    grid, staff, _ = team_member(context)
    other = Context(Database(context.db.url), context.loop, context.clock, context.actor)

    def arriving() -> Iterator[str]:
        yield patrol("p-slow", staff, grid, hours_ago=1)
        # Another writer while the batch is still coming: it must not wait for the batch.
        ingest_field_records(other, [patrol("p-other", staff, grid, hours_ago=2)])
        yield visit("v-slow", staff, grid, "H-9", [])

    try:
        report = ingest_field_records(context, arriving())
    finally:
        other.db.dispose()
    assert (report.patrols, report.visits, report.rejected) == (1, 1, [])


def test_the_board_shows_a_grid_nobody_patrols_until_it_is_patrolled(context: Context) -> None:
    grid, staff, _ = team_member(context)

    def patrolled() -> bool:
        with context.db.read() as s:
            place = next(p for p in grid_places(s, Territory()) if p.code == grid)
        return place.patrolled

    ingest_field_records(context, [patrol("p-once", staff, grid, hours_ago=50)])
    assert patrolled()
    patrol_gaps(context.as_job(), NOW, POLICY)
    assert not patrolled()
    ingest_field_records(context, [patrol("p-again", staff, grid, hours_ago=1)])
    assert patrolled()


def test_grids_list_keeps_to_the_territory_and_its_filters(context: Context, demo_url: str) -> None:
    grid, staff, _ = team_member(context)
    with context.db.read() as s:
        community_code, community_name = s.execute(
            select(tables.Community.code, tables.Community.name)
            .join(tables.Grid, tables.Grid.community_id == tables.Community.id)
            .where(tables.Grid.code == grid)
        ).one()
        in_community = s.scalar(
            select(func.count())
            .select_from(tables.Grid)
            .join(tables.Community, tables.Community.id == tables.Grid.community_id)
            .where(tables.Community.code == community_code)
        )
        unstaffed = s.scalar(
            select(func.count())
            .select_from(tables.Grid)
            .where(~tables.Grid.id.in_(select(tables.GridStaff.grid_id)))
        )
    listed = json.loads(
        gridcenter(demo_url, "grids", "list", "--community", community_code, "--json").stdout
    )
    assert len(listed) == in_community and {g["community"] for g in listed} == {community_name}
    by_name = gridcenter(demo_url, "grids", "list", "--community", community_name, "--json")
    assert json.loads(by_name.stdout) == listed
    nobody = json.loads(gridcenter(demo_url, "grids", "list", "--unstaffed", "--json").stdout)
    assert len(nobody) == unstaffed and not any(g["staffed"] for g in nobody)
    elsewhere = gridcenter(demo_url, "--operator", "yuelu", "grids", "list", "--json")
    assert grid not in {g["code"] for g in json.loads(elsewhere.stdout)}  # another street's
    unknown = gridcenter(demo_url, "grids", "list", "--community", "nowhere")
    assert unknown.returncode == 1
    assert unknown.stderr == "gridcenter: no community 'nowhere' in your territory\n"
    ingest_field_records(context, [patrol("p-l", staff, grid, hours_ago=60)])
    patrol_gaps(context.as_job(), NOW, POLICY)
    gap = json.loads(gridcenter(demo_url, "grids", "list", "--unpatrolled", "--json").stdout)
    assert grid in {g["code"] for g in gap} and not any(g["patrolled"] for g in gap)
