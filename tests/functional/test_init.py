"""From an empty store to a district of one's own: `init`, then the territory, staff and
roster, each from a file; the console on the new store says what to load next."""

import json
from pathlib import Path

from sqlalchemy import func, select

from gridcenter.config import os_login
from gridcenter.resources import data_dir
from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.functional.test_staff import gridcenter


def test_init_makes_an_empty_store_with_the_reference_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    me = os_login()
    made = gridcenter(url, "init", operator=me)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"new store with 34 categories and {me} as its admin")
    again = gridcenter(url, "init", operator=me)
    assert again.returncode == 1 and "exists already" in again.stderr
    db = Database(url)
    with db.read() as s:
        for table in (tables.District, tables.Grid, tables.Staff, tables.Case, tables.DutyShift):
            assert s.scalar(select(func.count()).select_from(table)) == 0
        admin = s.scalar(select(tables.Account).where(tables.Account.login == me))
        assert admin is not None and admin.role == "admin"
    db.dispose()
    categories = json.loads(gridcenter(url, "categories", "list", "--json", operator=me).stdout)
    assert len(categories) == 34 and all(c["limits_h"]["handle"] > 0 for c in categories)

    # Then the district's own data, each file whole or not at all.
    territory = gridcenter(
        url, "territory", "import", str(data_dir("seed") / "territory.geojson"), operator=me
    )
    assert territory.returncode == 0, territory.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,name,role,unit,phone\n"
        "S1,Wang Fang,grid_worker,430199001001001,13812345678\n"
        "S2,Li Lei,grid_worker,430199009999999,13812345678\n"
        "S3,Zhao Min,grid_worker,430199001001002,999\n",
        encoding="utf-8",
    )
    refused = gridcenter(url, "staff", "import", str(bad), operator=me)
    assert refused.returncode == 1
    assert "line 3:" in refused.stderr and "line 4:" in refused.stderr
    assert json.loads(gridcenter(url, "staff", "list", "--json", operator=me).stdout) == []
    good = tmp_path / "staff.csv"
    good.write_text(
        "code,name,role,unit,phone\n"
        "S1,Wang Fang,grid_worker,430199001001001,13812345678\n"
        "S2,Li Lei,street_cadre,430199001,13812345679\n",
        encoding="utf-8",
    )
    assert gridcenter(url, "staff", "import", str(good), operator=me).returncode == 0
    post = gridcenter(
        url, "roster", "post", "DUTY-01", "--name", "Xiangjiang duty", "--place", "430199001",
        operator=me,
    )  # fmt: skip
    assert post.returncode == 0, post.stderr
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "post,person,start,end\nDUTY-01,S2,2026-11-20T08:00,2026-11-20T20:00\n", encoding="utf-8"
    )
    assert gridcenter(url, "roster", "import", str(roster), operator=me).returncode == 0
    shifts = json.loads(
        gridcenter(url, "roster", "list", "--date", "2026-11-20", "--json", operator=me).stdout
    )
    assert [(s["post"], s["person"]) for s in shifts] == [("DUTY-01", "S2")]

    # Cases reported by hand land in the imported grids, a patrol credited to its worker.
    at = gridcenter(url, "case", "report", "--title", "Blocked drain", "--at", "28.152,112.856",
                    "--json", operator=me)  # fmt: skip
    assert at.returncode == 0, at.stderr
    assert json.loads(at.stdout)["grid"] == "Taoyuan 02"
    patrol = gridcenter(
        url, "case", "report", "--title", "Broken lamp", "--channel", "patrol",
        "--reporter", "S1", "--grid", "430199001001001", "--json", operator=me,
    )  # fmt: skip
    assert patrol.returncode == 0, patrol.stderr
    db = Database(url)
    with db.read() as s:
        case = s.scalar(select(tables.Case).where(tables.Case.title == "Broken lamp"))
        worker = s.scalar(select(tables.Staff.id).where(tables.Staff.code == "S1"))
    db.dispose()
    assert case is not None and case.reporter_staff_id == worker
