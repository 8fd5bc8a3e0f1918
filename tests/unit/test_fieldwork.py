"""Field records as a field app sends them, and the figures they give, without a store."""

from datetime import UTC, datetime, timedelta

import pytest

from gridcenter.domain.fieldwork import (
    Patrol,
    Visit,
    parse_field_record,
    patrol_gap,
    visit_rate,
)

PATROL = (
    '{"id": "p1", "type": "patrol", "staff": "S1", "grid": "G1", '
    '"start": "2026-12-04T08:00:00+08:00", "end": "2026-12-04T10:30:00+08:00", '
    '"track": [[28.15, 112.85, "2026-12-04T08:00:00+08:00"]]}'
)
NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
VISIT = (
    '{"id": "v1", "type": "visit", "staff": "S1", "grid": "G1", "household": "H-12", '
    '"at": "2026-12-04T09:00:00Z", "note": " alone ", "needs": [" a stair light "]}'
)


def test_a_patrol_and_a_visit_are_read_in_utc() -> None:
    patrol = parse_field_record(PATROL, NOW)
    assert isinstance(patrol, Patrol)
    assert patrol.start == datetime(2026, 12, 4, 0, 0, tzinfo=UTC) and patrol.hours == 2.5
    assert patrol.track[0][:2] == (28.15, 112.85)
    visit = parse_field_record(VISIT.encode(), NOW)  # as read from a file: bytes
    assert isinstance(visit, Visit)
    assert (visit.household, visit.note, visit.needs) == ("H-12", "alone", ("a stair light",))


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "expected an object"),
        (PATROL.replace('"type": "patrol"', '"type": "walk"'), "'walk' is not a valid type"),
        (PATROL.replace('"staff": "S1", ', ""), "staff must be a non-empty text"),
        (PATROL.replace('+08:00", "track', '", "track'), "needs a time zone"),
        (PATROL.replace("10:30:00", "07:30:00"), "ends after it starts"),
        (PATROL.replace("2026-12-04T10:30", "2026-12-06T10:30"), "longer than 24 hours"),
        (PATROL.replace("[28.15, 112.85,", "[128.15, 112.85,"), "not a place on Earth"),
        (PATROL.replace("[28.15, 112.85,", "[NaN, 112.85,"), "NaN is not a number"),
        (VISIT.replace('"household": "H-12", ', ""), "household must be a non-empty text"),
        (VISIT.replace('[" a stair light "]', "[3]"), "needs must be a list of texts"),
        (PATROL.replace('"p1"', '"p\\ud800"'), "id holds an invalid character"),
        (VISIT.replace('" alone "', '"\\udfff"'), "note holds an invalid character"),
        (PATROL.replace("[28.15, 112.85,", "[" + "1" * 401 + ", 112.85,"), "no numeric latitude"),
        (PATROL.replace("[28.15,", "[" + "9" * 5000 + ","), r"not JSON \(a number too long\)"),
        (PATROL.replace("2026-12-04T", "2026-12-05T"), "in the future"),
        (b'{"id": "caf\xe9"}', "not UTF-8 text"),
        ("x" * 1_000_001, "longer than 1,000,000 bytes"),
    ],
)
def test_a_bad_line_says_what_is_wrong(line: str | bytes, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_field_record(line, NOW)


def test_the_visit_rate_counts_households_and_has_none_without_any() -> None:
    assert visit_rate(97, 100) == 0.97
    assert visit_rate(120, 100) == 1.0
    assert visit_rate(3, 0) is None


def test_a_grid_is_unpatrolled_past_the_gap_or_never_patrolled() -> None:
    now = datetime(2026, 12, 4, 12, tzinfo=UTC)
    gap = timedelta(hours=48)
    assert patrol_gap(None, now, gap)
    assert patrol_gap(now - timedelta(hours=49), now, gap)
    assert not patrol_gap(now - timedelta(hours=47), now, gap)
