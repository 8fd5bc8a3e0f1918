"""The stationing day's rules, without a store."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gridcenter.domain.errors import Refused
from gridcenter.domain.stationing import (
    MeetingRecord,
    Outcome,
    check_issue_number,
    check_meeting,
    check_month,
    month_of,
    outcome_of,
    previous_stationing,
    read_meeting_file,
    split_meeting_code,
)

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=ZONE)


def record(**changes: object) -> MeetingRecord:
    fields: dict[str, object] = {
        "community": " 430199001001 ",
        "convener": "S0009",
        "cadre": "S0010",
        "attendees": ("S0013", " S0013", "", "S0025"),
        "issues": (" Noise at night ",),
        "at": NOW - timedelta(hours=1),
        "residents": 12,
    } | changes
    return MeetingRecord(**fields)  # type: ignore[arg-type]


def test_a_meeting_is_trimmed_and_lists_each_attendee_once() -> None:
    checked = check_meeting(record(), NOW)
    assert checked.community == "430199001001"
    assert checked.attendees == ("S0013", "S0025")
    assert checked.issues == ("Noise at night",)


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"convener": " "}, "needs its convener"),
        ({"at": NOW + timedelta(minutes=1)}, "once it was held"),
        ({"issues": ("ok", "  ")}, "an issue is empty"),
        ({"issues": ("x" * 1001,)}, "issue 1 is 1001 characters"),
        ({"residents": -1}, "residents"),
    ],
)
def test_a_meeting_that_cannot_be_is_refused(changes: dict[str, object], refusal: str) -> None:
    with pytest.raises(Refused, match=refusal):
        check_meeting(record(**changes), NOW)


def test_a_meeting_is_named_by_its_community_and_month() -> None:
    late_evening = datetime(2026, 10, 31, 17, 0, tzinfo=ZoneInfo("UTC"))  # 1 Nov in Changsha
    assert month_of(late_evening, ZONE) == "2026-11"
    assert split_meeting_code("430199001001-2026-11") == ("430199001001", "2026-11")
    with pytest.raises(Refused, match="COMMUNITY-YYYY-MM"):
        split_meeting_code("430199001001-2026-13")
    with pytest.raises(Refused, match="not a month"):
        check_month("2026-1")
    assert previous_stationing(NOW, 28) == NOW.replace(month=10)


def test_what_became_of_an_issue_is_read_off_its_case() -> None:
    past, future = NOW - timedelta(hours=1), NOW + timedelta(hours=1)
    assert outcome_of(None, False, None, False, NOW) is Outcome.NO_CASE
    assert outcome_of("closed", False, past, False, NOW) is Outcome.CLOSED
    assert outcome_of("closed", True, past, False, NOW) is Outcome.DISMISSED
    assert outcome_of("dispatched", False, past, False, NOW) is Outcome.OVERDUE
    assert outcome_of("dispatched", False, past, True, NOW) is Outcome.OPEN  # parked
    assert outcome_of("filed", False, future, False, NOW) is Outcome.OPEN
    with pytest.raises(Refused, match="no issue was raised"):
        check_issue_number(1, 0, "M")
    with pytest.raises(Refused, match="its issues are 1 to 2"):
        check_issue_number(3, 2, "M")


def test_a_meeting_file_is_one_json_object_of_known_fields() -> None:
    text = (
        '{"community": "C1", "convener": "S1", "cadre": "S2", "attendees": ["S3"], '
        '"issues": ["Noise"], "residents": 4}'
    )
    read = read_meeting_file(text, lambda given: NOW)
    assert (read.community, read.attendees, read.issues, read.residents) == (
        "C1",
        ("S3",),
        ("Noise",),
        4,
    )
    for bad, refusal in [
        ("[]", "one JSON object"),
        ('{"issue": ["x"]}', "unknown fields: issue"),
        ('{"issues": "x"}', "list of texts"),
        ('{"residents": true}', "whole number"),
        ("{", "not JSON"),
    ]:
        with pytest.raises(Refused, match=refusal):
            read_meeting_file(bad, lambda given: NOW)
