"""`gridcenter roster ...` against a real store: whole files or nothing, no post held twice
and nobody on two posts at once, every change on the record, within role and territory."""

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.conftest import SHANGHAI
from tests.functional.test_staff import acting, gridcenter, people_digest

HEADER = "post,person,start,end"


def write(folder: Path, *lines: str) -> str:
    path = folder / "roster.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def shift_at(db: Database, post: str, start: datetime) -> tables.DutyShift:
    with db.read() as s:
        row = s.scalar(
            select(tables.DutyShift)
            .join(tables.DutyPost, tables.DutyPost.id == tables.DutyShift.post_id)
            .where(tables.DutyPost.code == post, tables.DutyShift.starts_at == start)
        )
    assert row is not None
    return row


def test_import_adds_and_replaces_shifts_on_the_record(
    demo_url: str, demo_db: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        HEADER,
        "DUTY-01,S0009,2026-12-05T08:00,2026-12-05T20:00",
        "DUTY-01,S0010,2026-12-05T20:00,2026-12-06T08:00",
        "DUTY-01,S0009,2026-11-21T08:00,2026-11-21T20:00",  # replaces the stored one
    )
    result = gridcenter(demo_url, "roster", "import", path, "--reason", "December plan")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "roster.csv: 2 added, 1 changed, 0 unchanged\n"
    listed = json.loads(
        gridcenter(demo_url, "roster", "list", "--date", "2026-12-05", "--json").stdout
    )
    mine = [(s["person"], s["start"], s["end"]) for s in listed if s["post"] == "DUTY-01"]
    assert mine == [
        ("S0009", "2026-12-05T08:00:00+08:00", "2026-12-05T20:00:00+08:00"),
        ("S0010", "2026-12-05T20:00:00+08:00", "2026-12-06T08:00:00+08:00"),
    ]
    replaced = shift_at(demo_db, "DUTY-01", datetime(2026, 11, 21, 8, tzinfo=SHANGHAI))
    with demo_db.read() as s:
        assert s.get(tables.Staff, replaced.staff_id).code == "S0009"  # type: ignore[union-attr]
        events = s.execute(
            select(
                tables.AuditEvent.action, tables.AuditEvent.actor, tables.AuditEvent.reason
            ).where(tables.AuditEvent.subject_kind == "shift")
        ).all()
    assert sorted(tuple(e) for e in events) == [
        ("shift_add", acting("chen.jie"), "December plan"),
        ("shift_add", acting("chen.jie"), "December plan"),
        ("shift_set", acting("chen.jie"), "December plan"),
    ]


def test_a_bad_roster_is_refused_whole_with_every_bad_line_named(
    demo_url: str, demo_db: Database, tmp_path: Path
) -> None:
    before = people_digest(demo_db)
    path = write(
        tmp_path,
        HEADER,
        "DUTY-01,S0009,2026-12-05T08:00,2026-12-05T20:00",  # 2: good
        "DUTY-99,S0009,2026-12-05T08:00,2026-12-05T20:00",  # 3: no such post
        "DUTY-01,S9999,2026-12-06T08:00,2026-12-06T20:00",  # 4: no such person
        "DUTY-01,S0010,tomorrow,2026-12-06T20:00",  # 5: not a time
        "DUTY-01,S0010,2026-12-07T20:00,2026-12-07T08:00",  # 6: ends before it starts
        "DUTY-01,S0010,2026-12-05T12:00,2026-12-05T22:00",  # 7: the post held twice
        "DUTY-02,S0009,2026-12-05T10:00,2026-12-05T12:00",  # 8: S0009 at two posts
        "DUTY-01,S0011,2026-11-20T09:00,2026-11-20T10:00",  # 9: overlaps a stored shift
    )
    result = gridcenter(demo_url, "roster", "import", path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert [line.split(":")[2].strip() for line in lines[:-1]] == [
        f"line {n}" for n in range(3, 10)
    ]
    said = "\n".join(lines)
    for words in (
        "no duty post 'DUTY-99'",
        "no staff 'S9999'",
        "'tomorrow' is not a time",
        "ends before it starts",
        "post DUTY-01 is held by S0009 then (line 2)",
        "S0009 is on duty at DUTY-01 then (line 2)",
        "post DUTY-01 is held by S0009 then (shift ",
    ):
        assert words in said
    assert lines[-1] == "gridcenter: roster.csv refused, nothing loaded: 7 bad rows"
    assert people_digest(demo_db) == before


def test_refused_without_the_role_or_outside_the_territory(demo_path: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{demo_path}"
    db = Database(url)
    before = people_digest(db)
    path = write(tmp_path, HEADER, "DUTY-01,S0009,2026-12-05T08:00,2026-12-05T20:00")
    operator = gridcenter(url, "roster", "import", path, operator="liu.min")
    assert operator.returncode == 1 and "may not manage staff" in operator.stderr
    elsewhere = gridcenter(url, "roster", "import", path, operator="yuelu")
    assert "line 2: post DUTY-01 is outside your territory" in elsewhere.stderr
    today = shift_at(db, "DUTY-01", datetime(2026, 11, 20, 8, tzinfo=SHANGHAI))
    swap = gridcenter(
        url, "roster", "swap", str(today.id), "--to", "S0011", "--reason", "ill", operator="yuelu"
    )
    assert swap.returncode == 1
    assert "post DUTY-01 is outside the territory of yuelu" in swap.stderr
    assert people_digest(db) == before
    assert gridcenter(url, "roster", "import", path, operator="xiangjiang").returncode == 0
    db.dispose()


def test_swap_add_and_posts(demo_path: Path) -> None:
    url = f"sqlite:///{demo_path}"
    db = Database(url)
    today = shift_at(db, "DUTY-01", datetime(2026, 11, 20, 8, tzinfo=SHANGHAI))
    swapped = gridcenter(
        url, "roster", "swap", str(today.id), "--to", "S0011", "--reason", "Tian is ill",
        operator="xiangjiang",
    )  # fmt: skip
    assert swapped.returncode == 0, swapped.stderr
    over = shift_at(db, "DUTY-01", datetime(2026, 11, 19, 20, tzinfo=SHANGHAI))
    past = gridcenter(url, "roster", "swap", str(over.id), "--to", "S0011", "--reason", "x")
    assert past.returncode == 1 and "is over" in past.stderr
    post = gridcenter(
        url, "roster", "post", "DUTY-01N", "--name", "Xiangjiang night desk",
        "--place", "430199001", operator="xiangjiang",
    )  # fmt: skip
    assert post.stdout == "post DUTY-01N added\n", post.stderr
    added = gridcenter(
        url, "roster", "add", "--post", "DUTY-01N", "--person", "S0012",
        "--start", "2026-11-20T20:00", "--end", "2026-11-21T08:00", operator="xiangjiang",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    clash = gridcenter(
        url, "roster", "add", "--post", "DUTY-01N", "--person", "S0013",
        "--start", "2026-11-21T06:00", "--end", "2026-11-21T09:00",
    )  # fmt: skip
    assert clash.returncode == 1 and "post DUTY-01N is held by S0012" in clash.stderr
    table = gridcenter(url, "roster", "list", operator="xiangjiang").stdout
    assert "Chen Lanxiu" in table and "DUTY-01N" in table and "CMD-DESK" not in table
    with db.read() as s:
        actions = s.scalars(
            select(tables.AuditEvent.action)
            .where(tables.AuditEvent.subject_kind.in_(("shift", "post")))
            .order_by(tables.AuditEvent.id)
        ).all()
    db.dispose()
    assert actions == ["shift_swap", "post_add", "shift_add"]
