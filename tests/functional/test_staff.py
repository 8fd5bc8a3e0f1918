"""`gridcenter staff ...` against a real store (in the test's process): whole files or nothing,
every change on the record, within the acting account's role and territory."""

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from gridcenter.config import os_login
from gridcenter.domain.access import Territory
from gridcenter.queries.dashboard import grid_places
from gridcenter.services.cases import find_assignee
from gridcenter.services.context import Context
from gridcenter.services.people import set_active
from gridcenter.store import tables
from gridcenter.store.database import Database
from gridcenter.store.history import verify
from tests.conftest import NOW
from tests.functional.helpers import gridcenter_in_process

GRID = "430199001001001"  # a grid of Xiangjiang Street
OTHER_GRID = "430199002001001"  # a grid of Yuelu Hill Street


def gridcenter(
    store: str, *args: str, operator: str = "chen.jie"
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GRIDCENTER_DB": store,
        "GRIDCENTER_NOW": NOW.isoformat(),
        "GRIDCENTER_OPERATOR": operator,
    }
    return gridcenter_in_process(*args, env=env)


def acting(login: str) -> str:
    """How the history names a demo account that the OS user running the tests acts as."""
    return f"{os_login()} acting as {login}"


def people_digest(db: Database) -> str:
    digest = hashlib.sha256()
    with db.engine.connect() as connection:
        for table in ("staff", "gridstaff", "audit_event"):
            for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2")):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def write(folder: Path, *lines: str) -> str:
    path = folder / "staff.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


HEADER = "code,name,role,unit,phone"


def test_import_adds_new_people_and_updates_known_ones_on_the_record(
    demo_url: str, demo_db: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        HEADER,
        f"N001,Wang Fang,grid_worker,{GRID};430199001001002,138 1234 5678",
        "S0009,Tian Danbo,street_cadre,430199001,13900001111",  # a new phone
        "S0010,Sun Qiangchao,street_cadre,430199001,13583489475",  # as it was
    )
    result = gridcenter(demo_url, "staff", "import", path, "--reason", "the autumn intake")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "staff.csv: 1 added, 1 updated, 1 unchanged\n"
    with demo_db.read() as s:
        person = s.scalar(select(tables.Staff).where(tables.Staff.code == "N001"))
        assert person is not None and person.phone == "13812345678"
        grids = s.scalars(
            select(tables.Grid.code)
            .join(tables.GridStaff, tables.GridStaff.grid_id == tables.Grid.id)
            .where(tables.GridStaff.staff_id == person.id)
        )
        assert sorted(grids) == [GRID, "430199001001002"]
        events = s.scalars(
            select(tables.AuditEvent).where(tables.AuditEvent.subject_kind == "staff")
        ).all()
    assert [(e.action, e.subject_ref, e.actor, e.reason) for e in events] == [
        ("staff_add", "N001", acting("chen.jie"), "the autumn intake"),
        ("staff_set", "S0009", acting("chen.jie"), "the autumn intake"),
    ]
    assert "139****1111" in (events[1].to_value or "") and "1111" not in (
        events[1].from_value or ""
    )
    listed = json.loads(gridcenter(demo_url, "staff", "list", "--json").stdout)
    assert {
        "code": "N001",
        "name": "Wang Fang",
        "role": "grid_worker",
        "unit": f"{GRID};430199001001002",
        "phone": "13812345678",
        "login": None,
        "active": True,
    } in listed


def test_an_import_replaces_grids_and_seals_every_change_into_the_chain(
    demo_url: str, demo_db: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        HEADER,
        "N001,Wang Fang,grid_worker,430199001001004,13812345678",
        "S0041,Luo Xuejun,grid_worker,430199001001002;430199001001003,15007784839",  # moved
        "N002,Li Na,grid_worker,430199001001005,13812345679",
    )
    result = gridcenter(demo_url, "staff", "import", path, "--reason", "a new grid plan")
    assert result.stdout == "staff.csv: 2 added, 1 updated, 0 unchanged\n", result.stderr
    with demo_db.read() as s:
        grids = s.execute(
            select(tables.Staff.code, tables.Grid.code)
            .join(tables.GridStaff, tables.GridStaff.staff_id == tables.Staff.id)
            .join(tables.Grid, tables.Grid.id == tables.GridStaff.grid_id)
            .where(tables.Staff.code.in_(["N001", "N002", "S0041"]))
        ).all()
        events = s.scalars(
            select(tables.AuditEvent.subject_ref)
            .where(tables.AuditEvent.reason == "a new grid plan")
            .order_by(tables.AuditEvent.id)
        ).all()
        checked, broken = verify(s)
    assert sorted(grids) == [
        ("N001", "430199001001004"),
        ("N002", "430199001001005"),
        ("S0041", "430199001001002"),
        ("S0041", "430199001001003"),
    ]
    assert events == ["N001", "S0041", "N002"]
    assert checked and broken == []


def test_a_bad_file_is_refused_whole_with_every_bad_line_named(
    demo_url: str, demo_db: Database, tmp_path: Path
) -> None:
    before = people_digest(demo_db)
    path = write(
        tmp_path,
        HEADER,
        f"N001,Wang Fang,grid_worker,{GRID},13812345678",
        f"N002,Li Lei,grid_boss,{GRID},13812345678",
        f"N001,Zhao Min,grid_worker,{GRID},13812345678",
        "N003,Qian Yu,grid_worker,NOWHERE,13812345678",
        f"N004,Sun Li,grid_worker,{GRID},555",
    )
    result = gridcenter(demo_url, "staff", "import", path)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert [line.split(":")[2].strip() for line in lines[:-1]] == [
        "line 3",
        "line 4",
        "line 5",
        "line 6",
    ]
    assert "grid_boss" in lines[0] and "already on line 2" in lines[1]
    assert "NOWHERE" in lines[2] and "not a phone number" in lines[3]
    assert lines[-1] == "gridcenter: staff.csv refused, nothing loaded: 4 bad rows"
    assert people_digest(demo_db) == before


def test_a_wrong_header_is_refused(demo_path: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "code,name,role,phone", "N1,Wang,grid_worker,13812345678")
    result = gridcenter(f"sqlite:///{demo_path}", "staff", "import", path)
    assert result.returncode == 1
    assert "line 1: the header must be code,name,role,unit,phone[,login]" in result.stderr


def test_refused_without_the_role_or_outside_the_territory(demo_path: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{demo_path}"
    db = Database(url)
    before = people_digest(db)
    path = write(tmp_path, HEADER, f"N001,Wang Fang,grid_worker,{GRID},13812345678")
    operator = gridcenter(url, "staff", "import", path, operator="liu.min")
    assert operator.returncode == 1
    assert "liu.min (operator) may not manage staff" in operator.stderr
    elsewhere = gridcenter(url, "staff", "import", path, operator="yuelu")
    assert elsewhere.returncode == 1
    assert f"line 2: grid {GRID} is outside your territory" in elsewhere.stderr
    their_own = gridcenter(url, "staff", "set", "S0009", "--name", "X", operator="yuelu")
    assert their_own.returncode == 1
    assert "staff S0009 is outside the territory of yuelu" in their_own.stderr
    assert people_digest(db) == before
    mine = gridcenter(url, "staff", "import", path, operator="xiangjiang")
    assert mine.returncode == 0, mine.stderr
    db.dispose()


def test_add_set_disable_one_person(demo_path: Path) -> None:
    url = f"sqlite:///{demo_path}"
    added = gridcenter(
        url, "staff", "add", "N001", "--name", "Wang Fang", "--role", "grid_chief",
        "--unit", "430199001001", "--phone", "13812345678", "--reason", "new chief",
        operator="xiangjiang",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    again = gridcenter(
        url, "staff", "add", "N001", "--name", "W", "--role", "grid_chief",
        "--unit", "430199001001", "--phone", "13812345678",
    )  # fmt: skip
    assert again.returncode == 1 and "exists already" in again.stderr
    moved = gridcenter(url, "staff", "set", "N001", "--unit", GRID, "--reason", "moved")
    assert moved.stdout == "staff N001 changed\n"
    bad = gridcenter(url, "staff", "set", "N001", "--role", "department_staff")
    assert bad.returncode == 1
    assert "a department_staff belongs to a department, not a grid" in bad.stderr
    gone = gridcenter(url, "staff", "disable", "N001", "--reason", "left for Shenzhen")
    assert gone.returncode == 0, gone.stderr
    db = Database(url)
    with db.read() as s:
        person = s.scalar(select(tables.Staff).where(tables.Staff.code == "N001"))
        assert person is not None and not person.active
        events = s.execute(
            select(tables.AuditEvent.action, tables.AuditEvent.reason, tables.AuditEvent.actor)
            .where(tables.AuditEvent.subject_ref == "N001")
            .order_by(tables.AuditEvent.id)
        ).all()
    db.dispose()
    assert [tuple(e) for e in events] == [
        ("staff_add", "new chief", acting("xiangjiang")),
        ("staff_set", "moved", acting("chen.jie")),
        ("staff_set", "left for Shenzhen", acting("chen.jie")),
    ]


@pytest.mark.parametrize(
    ("operator", "masked", "streets"),
    [("liu.min", True, None), ("chen.jie", False, None), ("xiangjiang", False, {"430199001"})],
)
def test_list_masks_phones_and_keeps_to_the_territory(
    demo_path: Path, operator: str, masked: bool, streets: set[str] | None
) -> None:
    url = f"sqlite:///{demo_path}"
    result = gridcenter(url, "staff", "list", "--json", operator=operator)
    assert result.returncode == 0, result.stderr
    people = json.loads(result.stdout)
    assert all(("*" in p["phone"]) is masked for p in people)
    units = {p["unit"][:9] for p in people if p["role"] in {"grid_worker", "street_cadre"}}
    if streets is not None:
        assert units == streets
        assert not any(p["role"] == "command_operator" for p in people)
    else:
        assert len(units) == 4
    table = gridcenter(url, "staff", "list", operator=operator).stdout.splitlines()
    assert table[0].split() == ["code", "name", "role", "unit", "phone", "login", "state"]


def test_a_grid_whose_only_worker_left_shows_unstaffed(context: Context) -> None:
    with context.db.read() as s:
        grid_id, staff_id = s.execute(
            select(tables.GridStaff.grid_id, func.min(tables.GridStaff.staff_id))
            .group_by(tables.GridStaff.grid_id)
            .having(func.count() == 1)
            .order_by(tables.GridStaff.grid_id)
        ).first()  # type: ignore[misc]
        code = s.get(tables.Staff, staff_id).code  # type: ignore[union-attr]

    def staffed() -> bool:
        with context.db.read() as s:
            places = grid_places(s, Territory())
        return next(place.staffed for place in places if place.grid_id == grid_id)

    assert staffed()
    set_active(context, code, False, "moved to another district")
    assert not staffed()


def test_someone_still_on_the_roster_is_not_disabled(demo_path: Path) -> None:
    url = f"sqlite:///{demo_path}"
    held = gridcenter(url, "staff", "disable", "S0009", "--reason", "left")
    assert held.returncode == 1
    assert "S0009 holds shifts" in held.stderr and "roster swap" in held.stderr


def test_a_new_phone_behind_the_same_mask_is_a_change_on_the_record(demo_path: Path) -> None:
    url = f"sqlite:///{demo_path}"
    added = gridcenter(
        url, "staff", "add", "N002", "--name", "Li Hua", "--role", "grid_worker",
        "--unit", GRID, "--phone", "13812345678", "--reason", "new worker",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    # 138****5678 both: a duty phone redirected must not pass as "unchanged".
    moved = gridcenter(
        url, "staff", "set", "N002", "--phone", "13899995678", "--reason", "new handset"
    )
    assert moved.stdout == "staff N002 changed\n"
    db = Database(url)
    with db.read() as s:
        phone = s.scalar(select(tables.Staff.phone).where(tables.Staff.code == "N002"))
        change = s.execute(
            select(tables.AuditEvent.from_value, tables.AuditEvent.to_value)
            .where(tables.AuditEvent.subject_ref == "N002")
            .order_by(tables.AuditEvent.id.desc())
        ).first()
    db.dispose()
    assert phone == "13899995678"
    assert change is not None and "138****5678 (a new number)" in change.to_value
    assert "13899995678" not in change.to_value  # the history keeps it masked


def test_a_code_typed_exactly_names_its_holder_whatever_else_looks_like_it(
    demo_path: Path,
) -> None:
    url = f"sqlite:///{demo_path}"
    twin = gridcenter(
        url, "staff", "add", "s0042", "--name", "S0043", "--role", "grid_worker",
        "--unit", GRID, "--phone", "13812340000", "--reason", "a look-alike",
    )  # fmt: skip
    assert twin.returncode == 0, twin.stderr
    db = Database(url)
    with db.read() as s:
        ids = dict(s.execute(select(tables.Staff.code, tables.Staff.id)).all())
        assert find_assignee(s, "S0042").id == ids["S0042"]
        assert find_assignee(s, "S0043").id == ids["S0043"]  # the code, not the twin's name
        assert find_assignee(s, "s0042").id == ids["s0042"]
    db.dispose()
