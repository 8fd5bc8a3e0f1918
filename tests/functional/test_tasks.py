"""Tasks pushed onto grids, on a real store: tracked to done, counted per department in the
assessment and the report beside the patrol hours, and refused outside the territory."""

import json
import os
from dataclasses import replace

import pytest
from sqlalchemy import select

from gridcenter.domain.access import Actor, Role, Territory
from gridcenter.domain.errors import Refused
from gridcenter.domain.periods import Period
from gridcenter.domain.tasks import DepartmentTasks, TaskState
from gridcenter.queries.tasks import task_lines
from gridcenter.report.document import layout
from gridcenter.report.formats import render
from gridcenter.services.assessment import assess, resolve_place
from gridcenter.services.context import Context
from gridcenter.services.fieldwork import ingest_field_records
from gridcenter.services.tasks import add_task, finish_task
from gridcenter.store import tables
from tests.conftest import NOW
from tests.functional.helpers import gridcenter_in_process
from tests.functional.test_fieldwork import patrol, team_member

TODAY = NOW.date()
NOVEMBER = Period.parse("2026-11", NOW.tzinfo)  # type: ignore[arg-type]


def community_of(context: Context, grid: str) -> tuple[str, Territory]:
    with context.db.read() as s:
        code, street, community = s.execute(
            select(tables.Community.code, tables.Grid.street_id, tables.Grid.community_id)
            .join(tables.Community, tables.Community.id == tables.Grid.community_id)
            .where(tables.Grid.code == grid)
        ).one()
    return code, Territory(street, community)


def test_tasks_are_tracked_to_done_and_counted_in_the_report(context: Context) -> None:
    grid, staff, _ = team_member(context)
    census = add_task(
        context, grid, department="ST01-LAW", title="Census form", due=TODAY, hours_estimate=6
    )
    add_task(context, grid, department="Xiangjiang Safety Office", title="Fire check", due=TODAY)
    ingest_field_records(context, [patrol("p-1", staff, grid, hours_ago=5, hours=3)])
    finish_task(context, census, 4.5)
    with pytest.raises(Refused, match=f"task {census} is done already"):
        finish_task(context, census, 1)
    with context.db.read() as s:
        listed = task_lines(s, Territory(), grid, False, TODAY)
        still_open = task_lines(s, Territory(), grid, True, TODAY)
    assert [(t.title, t.state, t.hours) for t in listed] == [
        ("Fire check", TaskState.OPEN, None),
        ("Census form", TaskState.DONE, 4.5),
    ]
    assert [t.title for t in still_open] == ["Fire check"]

    community, _ = community_of(context, grid)
    for place in (
        resolve_place(context, "community", community),
        resolve_place(context, "grid", grid),
    ):
        figures = assess(context, NOVEMBER, place)
        assert figures.tasks == [
            DepartmentTasks("Xiangjiang Law Enforcement Team", 1, 1, 4.5),
            DepartmentTasks("Xiangjiang Safety Office", 1, 0, 0.0),
        ]
        assert (figures.task_load.task_hours, figures.task_load.patrol_hours) == (4.5, 3.0)
        assert figures.task_load.share == pytest.approx(0.6)
    district = assess(context, NOVEMBER, resolve_place(context, "district", None))
    assert DepartmentTasks("Xiangjiang Law Enforcement Team", 1, 1, 4.5) in district.tasks
    report = render(layout(assess(context, NOVEMBER, place), NOW), "md")
    assert "## Tasks pushed onto grids" in report and "not residents' cases: 60.0%" in report
    assert "| Xiangjiang Law Enforcement Team | 1 | 1 | 4.5 |" in report

    other = resolve_place(context, "street", "430199004")  # the demo's tasks are in 430199002
    assert assess(context, NOVEMBER, other).tasks == []
    assert assess(context, NOVEMBER, other).task_load.share is None


def test_tasks_stay_inside_the_territory_of_whoever_records_them(context: Context) -> None:
    grid, _, _ = team_member(context)
    _, own_territory = community_of(context, grid)
    own = replace(context, actor=Actor("taoyuan", Role.OPERATOR, own_territory))
    task = add_task(own, grid, department="ST01-LAW", title="Census form", due=TODAY)
    with context.db.read() as s:
        elsewhere = s.scalar(
            select(tables.Grid.code)
            .where(tables.Grid.community_id != own_territory.community_id)
            .order_by(tables.Grid.code)
        )
        yuelu = s.scalar(select(tables.Street.id).where(tables.Street.code == "430199002"))
    with pytest.raises(Refused, match=f"grid {elsewhere} is outside the territory of taoyuan"):
        add_task(own, elsewhere, department="ST01-LAW", title="x", due=TODAY)
    street = replace(context, actor=Actor("yuelu", Role.SUPERVISOR, Territory(yuelu)))
    with pytest.raises(Refused, match=f"task {task} is outside the territory of yuelu"):
        finish_task(street, task, 2)
    with street.db.read() as s:
        seen = task_lines(s, street.actor.territory, None, False, TODAY)
    assert seen and task not in [line.id for line in seen]  # the demo's, not Taoyuan's
    viewer = replace(context, actor=Actor("tang.wen", Role.VIEWER))
    with pytest.raises(Refused, match="may not file"):
        finish_task(viewer, task, 2)
    with pytest.raises(Refused, match="serves another street"):
        add_task(own, grid, department="ST02-LAW", title="x", due=TODAY)
    with pytest.raises(Refused, match="--hours: give hours above 0"):
        finish_task(own, task, 0)
    with pytest.raises(Refused, match="is past"):
        add_task(own, grid, department="ST01-LAW", title="x", due=TODAY.replace(day=1))
    finish_task(own, task, 2)


def test_the_grids_task_commands(context: Context, demo_url: str) -> None:
    grid, _, _ = team_member(context)

    def run(operator: str, *args: str) -> tuple[int, str, str]:
        env = {
            **os.environ,
            "GRIDCENTER_DB": demo_url,
            "GRIDCENTER_NOW": NOW.isoformat(),
            "GRIDCENTER_OPERATOR": operator,
        }
        done = gridcenter_in_process("grids", "task", *args, env=env)
        return done.returncode, done.stdout, done.stderr

    add = ("add", grid, "--from", "ST01-LAW", "--title", "Census \x1b[2Jform", "--due")
    status, out, err = run("taoyuan", *add, "2026-11-27", "--hours-estimate", "6")
    assert status == 0 and out.startswith("task "), err
    task = out.split()[1]
    status, _, err = run("taoyuan", *add, "27 Nov")
    assert (status, err.strip()) == (1, "gridcenter: '27 Nov' is not a day such as 2026-12-15")
    status, out, _ = run("taoyuan", "list", "--open")
    assert status == 0 and "Census" in out and "\x1b" not in out
    status, _, err = run("yuelu", "done", task, "--hours", "3")
    assert status == 1 and "outside the territory of yuelu" in err
    assert run("taoyuan", "done", task, "--hours", "3")[:2] == (0, f"task {task} done in 3 hours\n")
    listed = json.loads(run("chen.jie", "list", grid, "--json")[1])
    assert [(t["title"], t["state"], t["hours"]) for t in listed] == [
        ("Census \x1b[2Jform", "done", 3.0)
    ]
