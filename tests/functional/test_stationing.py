"""The stationing day on record, on a real store: a meeting's issues become cases, the next
meeting hears what became of them, and only the community's own offices record it."""

import json
import os
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gridcenter.domain.access import Actor, Role, Territory
from gridcenter.domain.errors import Refused
from gridcenter.domain.stationing import MeetingRecord, Outcome
from gridcenter.queries.stationing import meeting_detail, meeting_lines
from gridcenter.services.context import Context
from gridcenter.services.stationing import (
    issue_to_case,
    link_issue,
    record_meeting,
    stationing_day,
)
from gridcenter.store import tables
from tests.conftest import NOW, SHANGHAI
from tests.functional.helpers import gridcenter_in_process

TAOYUAN = "430199001001"  # a community of Xiangjiang street, with an account of its own
OCTOBER = datetime(2026, 10, 28, 9, 30, tzinfo=SHANGHAI)


def meeting(issues: tuple[str, ...], at: datetime = OCTOBER, community: str = TAOYUAN):
    return MeetingRecord(community, "S0009", "S0010", ("S0013", "S0025"), issues, at, 23)


def community_cases(context: Context, *where: object) -> list[str]:
    with context.db.read() as s:
        community = s.scalar(select(tables.Community.id).where(tables.Community.code == TAOYUAN))
        return list(
            s.scalars(
                select(tables.Case.code)
                .where(tables.Case.community_id == community, *where)
                .order_by(tables.Case.code)
            )
        )


def first_grid(context: Context) -> str:
    with context.db.read() as s:
        return s.scalar(
            select(tables.Grid.code)
            .join(tables.Community, tables.Community.id == tables.Grid.community_id)
            .where(tables.Community.code == TAOYUAN)
            .order_by(tables.Grid.code)
        )


def territory_of(context: Context, community: str) -> Territory:
    with context.db.read() as s:
        row = s.execute(
            select(tables.Community.street_id, tables.Community.id).where(
                tables.Community.code == community
            )
        ).one()
    return Territory(*row)


def test_an_issue_becomes_a_case_and_the_next_meeting_hears_what_became_of_it(
    context: Context,
) -> None:
    code = record_meeting(
        context,
        meeting(("The light at gate 3 is broken", "Parking on the fire lane", "Dogs off lead")),
    )
    assert code == f"{TAOYUAN}-2026-10"
    opened = issue_to_case(context, code, 1, grid=first_grid(context))
    closed = community_cases(context, tables.Case.step == "closed", ~tables.Case.invalid)[0]
    link_issue(context, code, 2, closed)
    late = community_cases(
        context,
        tables.Case.step != "closed",
        tables.Case.parked_at.is_(None),
        tables.Case.deadline < NOW,
    )[0]
    link_issue(context, code, 3, late)
    with pytest.raises(Refused, match=r"linked to case .* already"):
        link_issue(context, code, 1, closed)
    with context.db.read() as s:
        case = s.scalar(select(tables.Case).where(tables.Case.code == opened))
    assert case is not None and case.source == "walk-in" and case.step == "reported"
    assert case.title == "The light at gate 3 is broken" and code in case.description

    november = record_meeting(context, meeting(("Noise at night",), at=NOW))
    with context.db.read() as s:
        shown = meeting_detail(s, Territory(), november, NOW)
    assert shown is not None and shown.previous == code
    assert [(i.case, i.outcome) for i in shown.previous_issues] == [
        (opened, Outcome.OPEN),
        (closed, Outcome.CLOSED),
        (late, Outcome.OVERDUE),
    ]
    assert [i.outcome for i in shown.issues] == [Outcome.NO_CASE]

    stationing_day(context.as_job(), datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI))
    with context.db.read() as s:
        body = s.scalar(
            select(tables.Alert.body).where(
                tables.Alert.kind == "stationing", tables.Alert.subject_ref == "Taoyuan Community"
            )
        )
    assert body is not None and "Last meeting's issues: 2 overdue, 1 closed" in body  # a week on


def counts(context: Context) -> tuple[int, ...]:
    with context.db.read() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(table)) or 0
            for table in (tables.StationingMeeting, tables.StationingIssue, tables.Case)
        )


def test_one_meeting_a_month_and_nothing_written_when_refused(context: Context) -> None:
    record_meeting(context, meeting(("Noise at night",)))
    before = counts(context)
    with pytest.raises(Refused, match="on record already"):
        record_meeting(context, meeting(("Again",), at=OCTOBER.replace(day=30)))
    unknown = replace(meeting(("x",), at=NOW), attendees=("S0013", "NOBODY"))
    with pytest.raises(Refused, match="no active staff member NOBODY"):
        record_meeting(context, unknown)
    with pytest.raises(Refused, match="once it was held"):
        record_meeting(context, meeting(("x",), at=datetime(2026, 12, 28, tzinfo=SHANGHAI)))
    with pytest.raises(Refused, match="has no issue 2"):
        issue_to_case(context, f"{TAOYUAN}-2026-10", 2)
    with pytest.raises(Refused, match="16 grids: say in which"):
        issue_to_case(context, f"{TAOYUAN}-2026-10", 1)
    assert counts(context) == before


def test_a_community_records_its_own_meeting_and_a_street_only_its_own(context: Context) -> None:
    own = replace(context, actor=Actor("taoyuan", Role.OPERATOR, territory_of(context, TAOYUAN)))
    code = record_meeting(own, meeting(("The light at gate 3 is broken",)))
    neighbour = "430199001002"
    with pytest.raises(Refused, match=f"community {neighbour} is outside the territory of taoyuan"):
        record_meeting(own, meeting(("x",), community=neighbour))

    with context.db.read() as s:
        yuelu_street = s.scalar(select(tables.Street.id).where(tables.Street.code == "430199002"))
    street = replace(context, actor=Actor("yuelu", Role.SUPERVISOR, Territory(yuelu_street)))
    with pytest.raises(Refused, match=f"community {TAOYUAN} is outside the territory of yuelu"):
        record_meeting(street, meeting(("x",), at=NOW))
    with pytest.raises(Refused, match=f"meeting {code} is outside the territory of yuelu"):
        issue_to_case(street, code, 1, grid=first_grid(context))
    with street.db.read() as s:
        seen = [line.code for line in meeting_lines(s, street.actor.territory, None, None)]
        assert seen and code not in seen  # the demo's meeting in Yuelu, not Taoyuan's
        assert meeting_detail(s, street.actor.territory, code, NOW) is None
    viewer = replace(context, actor=Actor("tang.wen", Role.VIEWER))
    with pytest.raises(Refused, match="may not file"):
        issue_to_case(viewer, code, 1, grid=first_grid(context))
    assert issue_to_case(own, code, 1, grid=first_grid(context))


def run(url: str, operator: str, *args: str) -> tuple[int, str, str]:
    env = {
        **os.environ,
        "GRIDCENTER_DB": url,
        "GRIDCENTER_NOW": NOW.isoformat(),
        "GRIDCENTER_OPERATOR": operator,
    }
    done = gridcenter_in_process(*args, env=env)
    return done.returncode, done.stdout, done.stderr


def test_the_cli_records_shows_and_refuses_as_the_wrong_account(
    context: Context, demo_url: str
) -> None:
    record = ("stationing", "record", "--community", TAOYUAN, "--convener", "S0009")
    status, out, err = run(
        demo_url,
        "taoyuan",
        *record,
        "--cadre",
        "S0010",
        "--attendee",
        "S0013",
        "--issue",
        "The light at gate 3 is broken",
        "--issue",
        "Parking \x1b[31mon the fire lane",
        "--at",
        "2026-10-28T09:30",
    )
    assert (status, out.strip()) == (0, f"meeting {TAOYUAN}-2026-10 recorded with 2 issues"), err
    code = f"{TAOYUAN}-2026-10"
    grid = first_grid(context)
    status, out, err = run(demo_url, "taoyuan", "stationing", "issue", code, "1", "--case")
    assert status == 1 and "16 grids" in err
    status, out, err = run(
        demo_url, "taoyuan", "stationing", "issue", code, "1", "--case", "--grid", grid
    )
    assert status == 0 and out.startswith(f"issue 1 of {code} is case "), err
    status, out, err = run(demo_url, "yuelu", "stationing", "show", code)
    assert (status, err.strip()) == (1, f"gridcenter: no meeting '{code}'")
    status, out, err = run(demo_url, "yuelu", *record, "--cadre", "S0010")
    assert status == 1 and "outside the territory of yuelu" in err
    status, out, _ = run(demo_url, "taoyuan", "stationing", "show", code)
    assert status == 0 and "\x1b" not in out and "Attendees: S0013" in out
    shown = json.loads(run(demo_url, "taoyuan", "stationing", "show", code, "--json")[1])
    assert [i["outcome"] for i in shown["issues"]] == ["open", "no case"]
    assert shown["issues"][1]["text"] == "Parking \x1b[31mon the fire lane"
    listing = ("stationing", "list", "--community", TAOYUAN, "--json")
    listed = json.loads(run(demo_url, "chen.jie", *listing)[1])
    assert [(m["code"], m["issues"], m["cases"]) for m in listed] == [(code, 2, 1)]
    status, _, err = run(demo_url, "chen.jie", "stationing", "list", "--month", "2026-13")
    assert status == 1 and "not a month" in err


def test_the_demo_hears_what_became_of_last_months_issues(context: Context) -> None:
    with context.db.read() as s:
        shown = meeting_detail(s, Territory(), "430199001002-2026-10", NOW)
    assert shown is not None and shown.previous == "430199001002-2026-09"
    assert [i.outcome for i in shown.issues] == [Outcome.OPEN, Outcome.CLOSED, Outcome.NO_CASE]
    assert [i.outcome for i in shown.previous_issues] == [Outcome.CLOSED, Outcome.OVERDUE]


def test_a_meeting_from_a_json_file(demo_url: str, tmp_path: Path) -> None:
    given = {
        "community": TAOYUAN,
        "convener": "S0009",
        "cadre": "S0010",
        "attendees": ["S0013"],
        "issues": ["Noise at night", "A loose drain cover"],
        "at": "2026-10-28T09:30",
        "residents": 12,
    }
    path = tmp_path / "meeting.json"
    path.write_text(json.dumps({**given, "issue": "typo"}), "utf-8")
    status, _, err = run(demo_url, "taoyuan", "stationing", "record", "--file", str(path))
    assert (status, err.strip()) == (1, "gridcenter: unknown fields: issue")
    both = ("stationing", "record", "--file", str(path), "--community", TAOYUAN)
    assert run(demo_url, "taoyuan", *both)[0] == 1
    path.write_text(json.dumps(given), "utf-8")
    status, out, err = run(demo_url, "taoyuan", "stationing", "record", "--file", str(path))
    assert (status, out.strip()) == (0, f"meeting {TAOYUAN}-2026-10 recorded with 2 issues"), err
    shown = json.loads(
        run(demo_url, "taoyuan", "stationing", "show", f"{TAOYUAN}-2026-10", "--json")[1]
    )
    assert shown["held_at"] == "2026-10-28T01:30:00+00:00" and shown["residents"] == 12
