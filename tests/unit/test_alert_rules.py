"""Alert rules without a store: timers, roster gaps, periods and trends."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from gridcenter.domain.alerts import (
    Kind,
    OverduePolicy,
    Period,
    RiskFigures,
    Severity,
    TimerFacts,
    next_timer_check,
    risk_report,
    severity_of_trend,
    timer_alerts,
    trend,
    uncovered,
)
from gridcenter.domain.levels import Level

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
POLICY = OverduePolicy(supervise_at_share=1.5, auto_escalate=frozenset({Level.A}))


def facts(deadline_in_h: float, used: float, stage: int = 0, level: Level = Level.A) -> TimerFacts:
    deadline = NOW + timedelta(hours=deadline_in_h)
    return TimerFacts(
        case_id=7,
        code="261120-00007",
        title="Rubbish heap",
        level=level,
        step="dispatched",
        deadline=deadline,
        warn_at=deadline - timedelta(hours=1),
        used_share=used,
        stage=stage,
        street_id=1,
        community_id=2,
        grid_id=3,
    )


def test_nothing_before_the_warning_point() -> None:
    decision = timer_alerts(facts(2, 0.5), NOW, POLICY)
    assert decision.drafts == [] and decision.stage == 0 and not decision.escalate


def test_warning_once_past_the_warning_point() -> None:
    decision = timer_alerts(facts(0.5, 0.9), NOW, POLICY)
    assert [d.kind for d in decision.drafts] == [Kind.CASE_WARNING]
    assert decision.stage == 1
    again = timer_alerts(facts(0.5, 0.9, stage=1), NOW, POLICY)
    assert again.drafts == []


def test_overdue_skips_the_warning_and_keys_on_the_deadline() -> None:
    decision = timer_alerts(facts(-0.1, 1.05), NOW, POLICY)
    assert [d.kind for d in decision.drafts] == [Kind.OVERDUE]
    draft = decision.drafts[0]
    assert draft.severity is Severity.WARNING and draft.case_id == 7
    assert draft.dedup_key.startswith("case:7:dispatched:2026-11-20T09:54")


def test_supervision_and_escalation_past_the_grace() -> None:
    decision = timer_alerts(facts(-5, 1.6, stage=2), NOW, POLICY)
    assert [d.kind for d in decision.drafts] == [Kind.SUPERVISION]
    assert "level B" in decision.drafts[0].title
    assert decision.escalate and decision.stage == 3
    level_b = timer_alerts(facts(-5, 1.6, stage=2, level=Level.B), NOW, POLICY)
    assert not level_b.escalate
    assert timer_alerts(facts(-5, 1.6, stage=3), NOW, POLICY).drafts == []


def test_a_long_overdue_case_seen_first_time_gets_both() -> None:
    decision = timer_alerts(facts(-50, 4.0), NOW, POLICY)
    assert [d.kind for d in decision.drafts] == [Kind.OVERDUE, Kind.SUPERVISION]


def p(start_h: float, end_h: float) -> Period:
    return Period(NOW + timedelta(hours=start_h), NOW + timedelta(hours=end_h))


def test_next_timer_check_follows_the_stages() -> None:
    warn, deadline, supervise = NOW, NOW + timedelta(hours=1), NOW + timedelta(hours=3)
    assert next_timer_check(0, warn, deadline, None) == warn
    assert next_timer_check(0, None, deadline, None) == deadline
    assert next_timer_check(0, deadline + timedelta(1), deadline, None) == deadline
    assert next_timer_check(1, warn, deadline, supervise) == deadline
    assert next_timer_check(2, warn, deadline, supervise) == supervise
    assert next_timer_check(2, warn, deadline, warn) == deadline  # never before the deadline
    assert next_timer_check(2, warn, deadline, None) is None  # no limit: never supervised
    assert next_timer_check(3, warn, deadline, supervise) is None
    assert next_timer_check(0, warn, None, None) is None


def test_uncovered_finds_gaps_and_respects_closures() -> None:
    start, end = NOW, NOW + timedelta(hours=12)
    assert uncovered([p(-2, 10), p(10, 14)], [], start, end) == []
    assert uncovered([p(-2, 10)], [], start, end) == [p(10, 12)]
    assert uncovered([p(-2, 3), p(5, 14)], [], start, end) == [p(3, 5)]
    assert uncovered([p(-2, 3), p(5, 14)], [p(2, 6)], start, end) == []
    assert uncovered([], [], start, end) == [p(0, 12)]


def test_trend_and_report() -> None:
    assert trend(12, 10) == "up +20%"
    assert trend(10, 10) == "steady +0%"
    assert trend(3, 0) == "new"
    now = RiskFigures(
        30,
        {"hazard": 20, "dispute": 10},
        {"Gas smell": 9},
        {"Hexi 01": 5},
        {"sensor": 12},
        overdue=4,
        severe=6,
    )
    before = RiskFigures(20, {"hazard": 10}, {"Gas smell": 3}, {}, {}, overdue=1, severe=2)
    text = risk_report("Xiangjiang Street", "monthly 2026-11", now, before)
    assert "Cases: 30 (up +50%" in text
    assert "hazard" in text and "Gas smell" in text and "Hexi 01" in text and "sensor" in text
    assert severity_of_trend(now, before) is Severity.ALARM
    assert severity_of_trend(before, now) is Severity.INFO
