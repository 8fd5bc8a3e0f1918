"""Each job at a controlled time raises exactly the alerts it should, once."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from gridcenter.domain.loop import ESCALATIONS
from gridcenter.jobs.host import JobHost
from gridcenter.jobs.policy import Policy, read_policy
from gridcenter.jobs.registry import JobSpec, find_job
from gridcenter.jobs.runner import run_job
from gridcenter.services import cases as case_service
from gridcenter.services.context import Context
from gridcenter.services.sensors import ingest_readings
from gridcenter.store import tables
from tests.conftest import NOW, SHANGHAI


@pytest.fixture(scope="module")
def policy() -> Policy:
    return read_policy()


def run(context: Context, policy: Policy, name: str, at: datetime) -> str:
    outcome = run_job(context.as_job(), find_job(policy, name), at, policy, "test")
    assert outcome.ok, outcome.summary
    return outcome.summary


def alerts(context: Context, kind: str) -> list[tables.Alert]:
    with context.db.read() as s:
        return list(
            s.scalars(
                select(tables.Alert).where(
                    tables.Alert.kind == kind, ~tables.Alert.dedup_key.startswith("demo:")
                )
            )
        )


def test_sweep_raises_once_and_escalates_with_a_reason(context: Context, policy: Policy) -> None:
    with context.db.read() as s:  # counted before: an escalated case starts a fresh clock
        late = s.scalar(
            select(func.count())
            .select_from(tables.Case)
            .where(
                tables.Case.step != "closed",
                tables.Case.parked_at.is_(None),
                tables.Case.deadline <= NOW,
            )
        )
    summary = run(context, policy, "overdue-sweep", NOW)
    overdue = alerts(context, "overdue")
    warnings = alerts(context, "case_warning")
    supervision = alerts(context, "supervision")
    assert overdue and warnings and supervision
    with context.db.read() as s:
        escalations = list(
            s.scalars(select(tables.CaseEvent).where(tables.CaseEvent.actor == "scheduler"))
        )
    assert len(overdue) == late
    assert escalations and all(e.action in ESCALATIONS and e.channel == "job" for e in escalations)
    # A dispatched case leaves the grid worker who let it run over, for the street's intake.
    assert any(e.action == "escalate_to_intake" for e in escalations)
    assert all("overdue sweep" in (e.reason or "") for e in escalations)
    assert f"{len(escalations)} escalated" in summary
    again = run(context, policy, "overdue-sweep", NOW)
    assert again.startswith("0 cases checked, 0 alerts raised, 0 escalated")
    assert len(alerts(context, "overdue")) == len(overdue)


def test_an_overdue_case_is_looked_at_again_when_supervision_is_due(
    context: Context, policy: Policy
) -> None:
    run(context, policy, "overdue-sweep", NOW)
    with context.db.read() as s:
        code, due = s.execute(
            select(tables.Case.code, tables.Case.alert_due_at)
            .where(tables.Case.alert_stage == 2, tables.Case.parked_at.is_(None))
            .order_by(tables.Case.alert_due_at)
        ).first()

    def kinds() -> set[str]:
        with context.db.read() as s:
            return set(
                s.scalars(
                    select(tables.Alert.kind)
                    .join(tables.Case, tables.Case.id == tables.Alert.case_id)
                    .where(tables.Case.code == code)
                )
            )

    run(context, policy, "overdue-sweep", due - timedelta(seconds=1))
    assert "overdue" in kinds() and "supervision" not in kinds()
    run(context, policy, "overdue-sweep", due)
    assert "supervision" in kinds()


def test_moving_a_case_on_settles_its_timer_alerts(context: Context, policy: Policy) -> None:
    run(context, policy, "overdue-sweep", NOW)
    with context.db.read() as s:
        alert_id, code = s.execute(
            select(tables.Alert.id, tables.Case.code)
            .join(tables.Case, tables.Case.id == tables.Alert.case_id)
            .where(
                tables.Alert.kind == "overdue",
                tables.Alert.resolved_at.is_(None),
                tables.Case.step == "dispatched",
            )
            .order_by(tables.Alert.id)
        ).first()
    case_service.feed_back(context, code, result="Done on site")
    with context.db.read() as s:
        settled = s.get(tables.Alert, alert_id)
        stage = s.scalar(select(tables.Case.alert_stage).where(tables.Case.code == code))
    assert settled is not None and settled.resolved_at is not None
    assert stage == 0


def test_stationing_day_reminds_every_community_once(context: Context, policy: Policy) -> None:
    at = datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI)
    run(context, policy, "stationing-day", at)
    reminders = alerts(context, "stationing")
    with context.db.read() as s:
        communities = s.scalar(select(func.count()).select_from(tables.Community))
    assert len(reminders) == communities
    assert all("since 28 Oct" in a.title for a in reminders)
    assert "0 stationing reminders" in run(context, policy, "stationing-day", at)


def test_monthly_risk_warning_per_street_and_district(context: Context, policy: Policy) -> None:
    at = datetime(2026, 12, 1, 6, 0, tzinfo=SHANGHAI)
    run(context, policy, "risk-monthly", at)
    warnings = alerts(context, "risk")
    assert {a.subject_kind for a in warnings} == {"district", "street"}
    assert len(warnings) == 5
    district = next(a for a in warnings if a.subject_kind == "district")
    for heading in ("Types of risk", "Causes", "Where", "against the previous period"):
        assert heading in district.body
    assert "0 monthly" in run(context, policy, "risk-monthly", at)


def test_roster_gap_is_raised_and_a_planned_closure_settles_it(
    context: Context, policy: Policy
) -> None:
    run(context, policy, "roster-check", NOW)
    gaps = alerts(context, "roster_gap")
    assert (
        len(gaps) == 1 and "Wangyue Street" in gaps[0].title and "from Fri 20:00" in gaps[0].title
    )
    with context.db.write() as s:
        post = s.scalar(select(tables.DutyPost).where(tables.DutyPost.code == "DUTY-04"))
        assert post is not None and post.id is not None
        s.add(
            tables.PostClosure(
                post_id=post.id,
                starts_at=NOW.replace(hour=20),
                ends_at=NOW.replace(hour=20) + timedelta(hours=12),
                reason="Office closed; calls go to the district desk",
            )
        )
    run(context, policy, "roster-check", NOW + timedelta(minutes=5))
    with context.db.read() as s:
        settled = s.get(tables.Alert, gaps[0].id)
    assert settled is not None and settled.resolved_at is not None
    assert [a for a in alerts(context, "roster_gap") if a.resolved_at is None] == []


def test_handover_reminders_before_the_shift_change(context: Context, policy: Policy) -> None:
    run(context, policy, "roster-check", NOW.replace(hour=19, minute=40))
    handovers = alerts(context, "handover")
    assert len(handovers) == 5  # six posts change at 20:00, one has nobody coming
    assert all("20:00" in a.title for a in handovers)


def test_sensor_readings_raise_once_and_clear(context: Context) -> None:
    lines = [
        '{"grid": "430199001003010", "metric": "water_level", "value": 1.5}',
        '{"grid": "430199001003010", "metric": "water_level", "value": 1.7}',
        "not json",
        '{"grid": "nowhere", "metric": "noise", "value": 80}',
        '{"grid": "430199002004002", "metric": "noise", "value": "loud"}',
    ]
    report = ingest_readings(context.as_job(), lines)
    assert (report.stored, report.raised) == (2, 1)
    assert [r.split(":")[0] for r in report.rejected] == ["line 3", "line 4", "line 5"]
    below = ingest_readings(
        context.as_job(), ['{"grid": "430199001003010", "metric": "water_level", "value": 0.8}']
    )
    assert below.cleared == 1
    sensor = alerts(context, "sensor")
    assert len(sensor) == 1 and sensor[0].resolved_at is not None


def test_absurd_readings_are_set_aside_and_never_clear_an_alarm(context: Context) -> None:
    gauge = '{"grid": "430199001003010", "metric": "water_level", '
    raised = ingest_readings(context.as_job(), [gauge + '"value": 1.7}'])
    assert raised.raised == 1
    absurd = [
        gauge + '"value": NaN}',
        gauge + '"value": -Infinity}',
        gauge + '"value": Infinity}',
        gauge + '"value": 1e400}',
        gauge + '"value": ' + "9" * 400 + "}",
        gauge + '"value": 0.5, "at": "0001-01-01T00:00:00+00:00"}',
        gauge + '"value": 0.5, "at": "9999-12-31T23:59:59-14:00"}',
        gauge + '"value": 1.9}',  # a good line among them is kept
    ]
    report = ingest_readings(context.as_job(), absurd)
    assert report.stored == 1 and report.cleared == 0
    assert [line.split(":")[0] for line in report.rejected] == [f"line {n}" for n in range(1, 8)]
    sensor = alerts(context, "sensor")
    assert len(sensor) == 1 and sensor[0].resolved_at is None  # -Infinity cleared nothing


def test_a_missed_monthly_run_happens_once_within_grace(context: Context, policy: Policy) -> None:
    job = context.as_job()
    with context.db.write() as s:
        s.add(
            tables.JobRun(
                name="stationing-day",
                status="ok",
                scheduled_for=datetime(2026, 10, 28, 9, tzinfo=SHANGHAI),
            )
        )
    late = Context(
        job.db,
        job.loop,
        job.clock.__class__(datetime(2026, 11, 28, 13, tzinfo=SHANGHAI)),
        job.actor,
    )
    host = JobHost(late, policy=policy)
    host.catch_up(late)
    host.catch_up(late)
    reminders = alerts(context, "stationing")
    assert reminders and all(
        a.raised_at == datetime(2026, 11, 28, 9, tzinfo=SHANGHAI) for a in reminders
    )
    with context.db.read() as s:
        run_row = s.get(tables.JobRun, "stationing-day")
    assert run_row is not None and run_row.scheduled_for == datetime(
        2026, 11, 28, 9, tzinfo=SHANGHAI
    )


def test_a_run_missed_beyond_grace_is_reported(context: Context, policy: Policy) -> None:
    with context.db.write() as s:
        s.add(
            tables.JobRun(
                name="stationing-day",
                status="ok",
                scheduled_for=datetime(2026, 10, 28, 9, tzinfo=SHANGHAI),
            )
        )
    job = context.as_job()
    later = Context(
        job.db, job.loop, job.clock.__class__(datetime(2026, 12, 5, 9, tzinfo=SHANGHAI)), job.actor
    )
    JobHost(later, policy=policy).catch_up(later)
    assert alerts(context, "stationing") == []
    missed = alerts(context, "missed_job")
    assert len(missed) == 1 and "stationing-day" in missed[0].title


def test_a_failed_jobs_summary_carries_no_data_values(context: Context, policy: Policy) -> None:
    def leaks(ctx: Context, at: datetime, policy: Policy) -> str:
        raise ValueError("INSERT failed for reporter 13812345678 (Li Si)")

    spec = JobSpec("leaky", "a job whose error quotes a record", leaks, every_seconds=60)
    outcome = run_job(context.as_job(), spec, NOW, policy, "test-host")
    assert not outcome.ok
    assert outcome.summary.startswith("ValueError (") and "the log file" in outcome.summary
    with context.db.read() as s:
        stored = s.scalar(select(tables.JobRun.summary).where(tables.JobRun.name == "leaky"))
    assert stored is not None and "13812345678" not in stored and "Li Si" not in stored


def refuse_escalations(context: Context, refuse: bool) -> None:
    """A real failure in the middle of a sweep: the store refuses every escalation."""
    with context.db.write() as s:
        if context.db.is_sqlite:
            s.execute(
                text(
                    "CREATE TRIGGER no_escalation BEFORE INSERT ON case_event"
                    " WHEN NEW.action = 'escalate' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
                if refuse
                else text("DROP TRIGGER no_escalation")
            )
            return
        if refuse:
            s.execute(
                text(
                    "CREATE FUNCTION no_escalation() RETURNS trigger LANGUAGE plpgsql AS"
                    " $$ BEGIN RAISE EXCEPTION 'refused'; END $$"
                )
            )
            s.execute(
                text(
                    "CREATE TRIGGER no_escalation BEFORE INSERT ON case_event FOR EACH ROW"
                    " WHEN (NEW.action = 'escalate') EXECUTE FUNCTION no_escalation()"
                )
            )
        else:
            s.execute(text("DROP TRIGGER no_escalation ON case_event"))


def test_a_sweep_cut_off_before_its_escalations_leaves_them_owed(
    context: Context, policy: Policy
) -> None:
    sweep = find_job(policy, "overdue-sweep")
    refuse_escalations(context, True)
    assert not run_job(context.as_job(), sweep, NOW, policy, "test").ok
    refuse_escalations(context, False)
    assert run_job(context.as_job(), sweep, NOW, policy, "test").ok

    with context.db.read() as s:
        supervised = set(
            s.scalars(select(tables.Alert.case_id).where(tables.Alert.kind == "supervision"))
        )
        escalated = set(
            s.scalars(
                select(tables.CaseEvent.case_id).where(
                    tables.CaseEvent.actor == "scheduler", tables.CaseEvent.action == "escalate"
                )
            )
        )
        still_a = set(
            s.scalars(
                select(tables.Case.id).where(
                    tables.Case.id.in_(supervised - escalated), tables.Case.level == "A"
                )
            )
        )
    assert escalated, "the second sweep escalated nothing"
    assert still_a == set(), f"{len(still_a)} supervised grid cases were never escalated"
