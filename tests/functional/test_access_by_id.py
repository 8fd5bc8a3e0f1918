"""Reads by id pass the same territory and role rules as the lists; admin things are
admin-only; the last admin stays."""

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from gridcenter.clock import Clock
from gridcenter.config import os_login
from gridcenter.domain.access import Actor, Role
from gridcenter.domain.errors import Refused
from gridcenter.domain.loop import ClosedLoop
from gridcenter.services import accounts as account_service
from gridcenter.services import cases as case_service
from gridcenter.services.accounts import actor_for
from gridcenter.services.context import Context
from gridcenter.services.privacy import reveal_duty_phone
from gridcenter.services.sensors import ingest_readings
from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.conftest import NOW
from tests.functional.helpers import gridcenter_in_process
from tests.functional.test_cli import gridcenter


def alert_of_street(db: Database, street: str, same: bool) -> int:
    with db.read() as session:
        alert_id = session.scalar(
            select(tables.Alert.id)
            .join(tables.Street, tables.Street.id == tables.Alert.street_id)
            .where((tables.Street.name == street) if same else (tables.Street.name != street))
            .order_by(tables.Alert.id)
        )
    assert alert_id is not None
    return alert_id


def test_a_street_office_reads_only_its_own_alerts_by_id(demo_path: Path) -> None:
    url = f"sqlite:///{demo_path}"
    db = Database(url)
    own, other = (alert_of_street(db, "Xiangjiang Street", same) for same in (True, False))
    db.dispose()
    shown = gridcenter(url, "--operator", "xiangjiang", "alerts", "show", str(own))
    assert shown.returncode == 0, shown.stderr
    refused = gridcenter(url, "--operator", "xiangjiang", "alerts", "show", str(other))
    assert refused.returncode == 1 and refused.stdout == ""
    assert f"no alert {other} in the territory of xiangjiang" in refused.stderr


@pytest.mark.parametrize(
    ("login", "args"),
    [
        ("tang.wen", ("webhooks", "list")),
        ("liu.min", ("webhooks", "test", "1")),
        ("chen.jie", ("accounts", "list")),
        ("tang.wen", ("ingest", "status")),
    ],
)
def test_admin_things_are_refused_to_others(demo_path: Path, login: str, args: tuple[str]) -> None:
    url = f"sqlite:///{demo_path}"
    refused = gridcenter(url, "--operator", login, *args)
    assert refused.returncode == 1 and refused.stdout == ""
    assert "may not administer" in refused.stderr
    allowed = gridcenter(url, "--operator", "admin", *args)
    assert "may not" not in allowed.stderr  # an admin gets past the check


def test_the_last_admin_cannot_step_down(demo_path: Path, loop: ClosedLoop) -> None:
    db = Database(f"sqlite:///{demo_path}")
    admin = Context(db, loop, Clock(NOW), Actor("admin", Role.ADMIN))
    account_service.set_account(admin, os_login(), active=False)  # the tests' own admin
    with pytest.raises(Refused, match="admin is the last admin"):
        account_service.set_account(admin, "admin", role="supervisor")
    # Nor can another admin account be made the last one by demoting the first through it.
    account_service.set_account(admin, "chen.jie", role="admin")
    other = Context(db, loop, Clock(NOW), Actor("chen.jie", Role.ADMIN))
    account_service.set_account(other, "admin", active=False)
    with pytest.raises(Refused, match=r"chen\.jie is the last admin"):
        account_service.set_account(other, "chen.jie", role="viewer")
    with db.read() as session:
        active = session.scalar(
            select(tables.Account.active).where(tables.Account.login == "admin")
        )
    db.dispose()
    assert active is False  # with a second admin, the first could be disabled


def test_a_case_cannot_go_to_someone_of_another_street(demo_path: Path, loop: ClosedLoop) -> None:
    db = Database(f"sqlite:///{demo_path}")
    with db.read() as session:
        case = session.scalars(
            select(tables.Case).where(
                tables.Case.step == "dispatched",
                tables.Case.street_id == 1,
                tables.Case.level == "B",
            )
        ).first()
        stranger = session.scalar(
            select(tables.Staff.code).where(
                tables.Staff.street_id == 2, tables.Staff.department_id.is_(None)
            )
        )
        office = session.scalar(  # the case's own street office holds level-B cases
            select(tables.Staff.code).where(
                tables.Staff.street_id == 1, tables.Staff.role == "street_cadre"
            )
        )
    assert case is not None and stranger and office
    supervisor = Context(db, loop, Clock(NOW), Actor("chen.jie", Role.SUPERVISOR))
    with pytest.raises(Refused, match=f"works for Yuelu Hill Street; case {case.code} is in"):
        case_service.reassign(supervisor, case.code, to=stranger, reason="closer")
    done = case_service.reassign(supervisor, case.code, to=office, reason="their matter")
    db.dispose()
    assert done.code == case.code


def test_readings_are_heard_only_from_the_senders_territory(
    demo_path: Path, loop: ClosedLoop
) -> None:
    db = Database(f"sqlite:///{demo_path}")
    ctx = Context(db, loop, Clock(NOW), Actor("admin", Role.ADMIN))
    taoyuan = actor_for(db, "taoyuan", "local")  # one community of Xiangjiang Street
    with db.read() as session:
        inside, outside = (
            session.scalar(
                select(tables.Grid.code).where(
                    (tables.Grid.community_id == taoyuan.territory.community_id)
                    if mine
                    else (tables.Grid.street_id != 1)
                )
            )
            for mine in (True, False)
        )
    lines = [
        f'{{"grid": "{inside}", "metric": "water_level", "value": 0.3}}',
        f'{{"grid": "{outside}", "metric": "water_level", "value": 9.9}}',
    ]
    report = ingest_readings(ctx.as_job(), lines, taoyuan)
    db.dispose()
    assert report.stored == 1 and report.raised == 0
    assert report.rejected == [f"line 2: grid {outside} is outside the territory of taoyuan"]


def test_a_sensor_gateway_sends_readings_and_sees_nothing(demo_path: Path) -> None:
    url = f"sqlite:///{demo_path}"
    added = gridcenter(url, "--operator", "admin", "accounts", "add", "gw", "--role", "sensor")
    assert added.returncode == 0, added.stderr
    looked = gridcenter(url, "--operator", "gw", "case", "list")
    assert looked.returncode == 1 and looked.stdout == ""
    assert "gw (sensor) may not look at cases" in looked.stderr
    for args in (("alerts", "list"), ("audit",)):
        assert gridcenter(url, "--operator", "gw", *args).returncode == 1
    sent = gridcenter_in_process(
        "--operator",
        "gw",
        "readings",
        "ingest",
        env={**os.environ, "GRIDCENTER_DB": url, "GRIDCENTER_NOW": NOW.isoformat()},
        input='{"grid": "430199001003010", "metric": "water_level", "value": 0.2}\n',
    )
    assert sent.returncode == 0 and sent.stdout.startswith("1 readings stored"), sent.stderr


def test_reporter_names_are_shown_only_to_roles_that_may_reveal(demo_path: Path) -> None:
    url = f"sqlite:///{demo_path}"
    db = Database(url)
    with db.write() as session:
        case = session.scalars(
            select(tables.Case).where(
                tables.Case.step == "dispatched",
                tables.Case.street_id == 1,
                tables.Case.level == "B",
            )
        ).first()
        assert case is not None
        case.reporter = "Wang Fang"
        code = case.code
    db.dispose()
    shown = {
        login: json.loads(
            gridcenter(url, "--operator", login, "case", "show", code, "--json").stdout
        )
        for login in ("tang.wen", "chen.jie")
    }
    assert shown["tang.wen"]["reporter"] == "W. Fang"
    assert shown["chen.jie"]["reporter"] == "Wang Fang"


def test_a_duty_phone_is_revealed_to_allowed_roles_and_recorded(
    demo_path: Path, loop: ClosedLoop
) -> None:
    db = Database(f"sqlite:///{demo_path}")
    with db.read() as session:
        post = session.scalar(
            select(tables.DutyPost.code)
            .join(tables.DutyShift, tables.DutyShift.post_id == tables.DutyPost.id)
            .where(tables.DutyShift.starts_at <= NOW, tables.DutyShift.ends_at > NOW)
        )
    assert post is not None
    viewer = Context(db, loop, Clock(NOW), Actor("tang.wen", Role.VIEWER))
    with pytest.raises(Refused, match="may not reveal"):
        reveal_duty_phone(viewer, post)
    supervisor = Context(db, loop, Clock(NOW), Actor("chen.jie", Role.SUPERVISOR))
    name, phone = reveal_duty_phone(supervisor, post)
    with db.read() as session:
        recorded = session.scalar(
            select(tables.AuditEvent.subject_ref).where(
                tables.AuditEvent.action == "reveal", tables.AuditEvent.subject_kind == "post"
            )
        )
    db.dispose()
    assert name and "*" not in phone and len(phone) >= 7
    assert recorded == post
