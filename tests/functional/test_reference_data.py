"""`departments import/list` and `categories set` against a real store: whole files or
nothing, every change on the record, within role and territory."""

import json
from pathlib import Path

from sqlalchemy import select

from gridcenter.config import os_login
from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.functional.test_staff import acting, gridcenter, people_digest

HEADER = "code,name,level,street,phone,handles"


def write(folder: Path, *lines: str) -> str:
    path = folder / "departments.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_departments_import_replaces_responsibility_lists_on_the_record(
    demo_url: str, demo_db: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        HEADER,
        "ST01-LAW,Xiangjiang Law Enforcement Team,street,430199001,18768630586,"
        "URB-ENV-03@AB;URB-ORD-02",
        "D-NEW,District Housing Bureau,district,,0731-88886666,URB-ENV-03@C",
    )
    result = gridcenter(demo_url, "departments", "import", path, "--reason", "new lists")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "departments.csv: 1 added, 1 updated, 0 unchanged\n"
    listed = {
        d["code"]: d
        for d in json.loads(gridcenter(demo_url, "departments", "list", "--json").stdout)
    }
    assert listed["ST01-LAW"]["handles"] == ["URB-ENV-03@AB", "URB-ORD-02"]
    assert listed["D-NEW"] == {
        "code": "D-NEW",
        "name": "District Housing Bureau",
        "level": "district",
        "street": None,
        "phone": "073188886666",
        "handles": ["URB-ENV-03@C"],
    }
    with demo_db.read() as s:
        events = s.execute(
            select(tables.AuditEvent.action, tables.AuditEvent.subject_ref, tables.AuditEvent.actor)
            .where(tables.AuditEvent.subject_kind == "department")
            .order_by(tables.AuditEvent.id)
        ).all()
    assert [tuple(e) for e in events] == [
        ("department_set", "ST01-LAW", acting("chen.jie")),
        ("department_add", "D-NEW", acting("chen.jie")),
    ]


def test_a_bad_department_file_is_refused_whole(demo_path: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{demo_path}"
    db = Database(url)
    before = people_digest(db)
    path = write(
        tmp_path,
        HEADER,
        "D-NEW,District Housing Bureau,district,,,URB-ENV-03@C",
        "D-BAD,Bad,county,,,URB-ENV-03",
        "D-BAD2,Bad,city,,,NOPE",
    )
    result = gridcenter(url, "departments", "import", path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert [line.split(":")[2].strip() for line in lines[:-1]] == ["line 3", "line 4"]
    assert lines[-1] == "gridcenter: departments.csv refused, nothing loaded: 2 bad rows"
    street = write(tmp_path, HEADER, "D-NEW,District Housing Bureau,district,,,URB-ENV-03@C")
    refused = gridcenter(url, "departments", "import", street, operator="xiangjiang")
    assert "line 2: a district department is the district's to change" in refused.stderr
    operator = gridcenter(url, "departments", "import", street, operator="liu.min")
    assert "may not manage staff, departments" in operator.stderr
    assert people_digest(db) == before
    with db.read() as s:
        assert not s.scalar(select(tables.Department).where(tables.Department.code == "D-NEW"))
    listed = json.loads(gridcenter(url, "departments", "list", "--json", operator="yuelu").stdout)
    streets = {d["street"] for d in listed}
    assert streets == {None, "430199002"}
    db.dispose()


def test_categories_set_changes_limits_on_the_record(demo_path: Path) -> None:
    url = f"sqlite:///{demo_path}"
    supervisor = gridcenter(
        url, "categories", "set", "URB-ENV-03", "--handle", "30", "--reason", "x"
    )
    assert supervisor.returncode == 1
    assert "may not change the categories' time limits" in supervisor.stderr
    admin = os_login()
    bad = gridcenter(
        url, "categories", "set", "URB-ENV-03", "--warn-share", "1.5", "--reason", "x",
        operator=admin,
    )  # fmt: skip
    assert bad.returncode == 1 and "between 0 and 1" in bad.stderr
    done = gridcenter(
        url, "categories", "set", "URB-ENV-03", "--handle", "30", "--warn-share", "0.5",
        "--reason", "the district's new rule", operator=admin,
    )  # fmt: skip
    assert done.stdout == "category URB-ENV-03 changed\n", done.stderr
    listed = json.loads(gridcenter(url, "categories", "list", "--json").stdout)
    (line,) = [c for c in listed if c["code"] == "URB-ENV-03"]
    assert line["limits_h"]["handle"] == 30 and line["warn_share"] == 0.5
    db = Database(url)
    with db.read() as s:
        event = s.scalar(
            select(tables.AuditEvent).where(tables.AuditEvent.subject_kind == "category")
        )
    db.dispose()
    assert event is not None and event.reason == "the district's new rule"
    assert "handle_h 24" in (event.from_value or "") and "handle_h 30" in (event.to_value or "")
