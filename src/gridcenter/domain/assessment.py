"""The figures leaders read and people are assessed by, worked out from plain counts.

The store counts; this module decides what the counts mean. For a period
[start, end) and a territory:

- reported: cases collected in the period (any source); invalid: of those,
  reports dismissed at filing (not a case).
- filed, dispatched: file and dispatch actions taken in the period.
- closed: valid cases closed in the period.
- completion rate: of the valid cases reported in the period, the share closed
  by the period's end ("closed 20,750 of 21,824 work orders").
- due: the cases that had to be finished in the period: those closed in it, and
  those still open at its end whose step had run past its deadline.
  on time: closed in the period with no step past its original deadline (the one
  before any extension: an extension is a figure of its own, never an excuse).
  on-time closure rate = on time / due; when nothing is due there is no rate.
- extended: of the cases closed in the period, those with a step extended;
  extension share = extended / closed. late requests: extensions asked for in the
  period after the deadline, refused (the audit trail keeps them).
- overdue: open at the period's end with the step past its deadline (a parked
  case's clock is stopped, so it is not overdue).
- overrun multiple: for steps that ran past their original deadline (ended in the
  period or still running at its end), time taken over time allowed, on average.
- parked share: of the time the steps that finished in the period took, the share
  their clocks were stopped (parked).
- rework rate: failed verifications over all verifications in the period.
- satisfaction rate: satisfied over rated closings (not rated ones left out).
"""

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum, StrEnum

LATE_EXTENSION = "late_extension_refused"  # the audit trail's word for a refused late request
PATROL_BAR = 4  # a grid worker is expected to file more than 4 patrol reports a month


@dataclass
class Tally:
    """What the store counted for one group: the whole territory, a street, a person, ..."""

    reported: int = 0
    invalid: int = 0
    filed: int = 0
    dispatched: int = 0
    closed: int = 0
    reported_closed: int = 0  # reported in the period and closed by its end
    due: int = 0
    on_time: int = 0
    overdue: int = 0
    overrun_steps: int = 0
    overrun_sum: float = 0.0  # sum of the overrun multiples of those steps
    verified: int = 0
    rework: int = 0
    extensions: int = 0
    extended: int = 0  # closed cases with a step extended
    late_requests: int = 0  # extensions asked for after the deadline, refused
    parked: int = 0
    step_s: float = 0.0  # wall-clock time taken by the steps that finished
    parked_s: float = 0.0  # of which parked
    reopened: int = 0
    rated: int = 0
    satisfied: int = 0
    by_source: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> int:
        return self.reported - self.invalid

    @property
    def completion_rate(self) -> float | None:
        return rate(self.reported_closed, self.valid)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.due)

    @property
    def extension_share(self) -> float | None:
        return rate(self.extended, self.closed)

    @property
    def parked_share(self) -> float | None:
        return self.parked_s / self.step_s if self.step_s > 0 else None

    @property
    def rework_rate(self) -> float | None:
        return rate(self.rework, self.verified)

    @property
    def satisfaction_rate(self) -> float | None:
        return rate(self.satisfied, self.rated)

    @property
    def overrun_multiple(self) -> float | None:
        return self.overrun_sum / self.overrun_steps if self.overrun_steps else None


def rate(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to measure (never a made-up 100%)."""
    return part / whole if whole else None


def nearest_rank(count: int, share: float) -> int:
    """Which value (1-based, in ascending order) is the `share` percentile of `count`
    values by nearest rank: the smallest with `share` of the values at or below it."""
    return max(1, math.ceil(share * count))


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile of values."""
    if not values:
        return None
    return sorted(values)[nearest_rank(len(values), share) - 1]


class Behind(StrEnum):
    """The cases behind a figure, listed when someone drills down to them."""

    REPORTED = "reported"
    CLOSED = "closed"
    LATE = "late"  # closed with a step past its deadline
    INVALID = "invalid"
    OPEN = "open"  # reported in the period and not closed

    @property
    def shown(self) -> str:
        """As a list of them is titled: "Cases closed late"."""
        return _BEHIND_SHOWN.get(self, self.value)


_BEHIND_SHOWN = {Behind.LATE: "closed late", Behind.OPEN: "not closed"}


@dataclass(frozen=True)
class StepTime:
    step: str
    count: int
    mean_s: float | None
    p90_s: float | None


@dataclass(frozen=True)
class Worker:
    """A grid worker's patrol reports in the period."""

    name: str
    reports: int
    invalid: int
    months: float

    @property
    def valid(self) -> int:
        return self.reports - self.invalid

    @property
    def per_month(self) -> float:
        return self.reports / self.months if self.months else 0.0

    @property
    def meets_bar(self) -> bool:
        return self.per_month > PATROL_BAR


@dataclass(frozen=True)
class Dispatcher:
    """A dispatcher's dispatches and how many went to the right owner the first time."""

    name: str
    dispatches: int
    right_first_time: int  # neither reassigned nor returned afterwards
    returned: int = 0  # sent back by the holder it went to
    off_list: int = 0  # holders the rules refused, chosen anyway by this person's override

    @property
    def right_rate(self) -> float | None:
        return rate(self.right_first_time, self.dispatches)


@dataclass(frozen=True)
class DepartmentDuty:
    """A department's handling steps that fell due in the period, and cases it sent back."""

    name: str
    due: int
    on_time: int
    returned: int

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.due)


class Better(Enum):
    HIGHER = "higher"
    LOWER = "lower"


@dataclass(frozen=True)
class Measure:
    """One figure that a ranked table is sorted by, and what it is measured over."""

    key: str
    title: str
    value: Callable[[Tally], float | None]
    base: Callable[[Tally], int]  # how many cases stand behind the figure
    better: Better
    percent: bool = True


MEASURES = (
    Measure(
        "completion",
        "Completion rate",
        lambda t: t.completion_rate,
        lambda t: t.valid,
        Better.HIGHER,
    ),
    Measure("on_time", "On-time closure", lambda t: t.on_time_rate, lambda t: t.due, Better.HIGHER),
    Measure(
        "satisfaction",
        "Satisfaction",
        lambda t: t.satisfaction_rate,
        lambda t: t.rated,
        Better.HIGHER,
    ),
    Measure("rework", "Rework rate", lambda t: t.rework_rate, lambda t: t.verified, Better.LOWER),
    Measure(
        "overdue",
        "Overdue at end",
        lambda t: float(t.overdue),
        lambda t: t.valid + t.overdue,
        Better.LOWER,
        percent=False,
    ),
)
MEASURE = {measure.key: measure for measure in MEASURES}


@dataclass(frozen=True)
class Ranked:
    label: str
    value: float
    base: int


def ranked(groups: dict[str, Tally], measure: Measure, *, least: int = 3) -> list[Ranked]:
    """Groups best first; a group with fewer than `least` cases behind the figure is left
    out, so that one case closed on time does not top the table with 100%."""
    rows = []
    for label, tally in groups.items():
        value, base = measure.value(tally), measure.base(tally)
        if value is not None and base >= least:
            rows.append(Ranked(label, value, base))
    higher_first = measure.better is Better.HIGHER
    rows.sort(key=lambda row: (-row.value if higher_first else row.value, -row.base, row.label))
    return rows


def best_and_worst(rows: list[Ranked], n: int = 5) -> tuple[list[Ranked], list[Ranked]]:
    """The n best and the n worst (worst first); a short table is split in two halves,
    so that no row shows in both lists."""
    best = rows[: min(n, (len(rows) + 1) // 2)]
    worst = list(reversed(rows[len(best) :]))[:n]
    return best, worst


# -- the risk map ----------------------------------------------------------------

RISK_WEIGHTS = {"open": 1, "overdue": 3, "alerts": 2, "rework": 2, "repeats": 2}
BANDS = ("none", "low", "elevated", "high", "severe")
# Shares of the grids with any risk that fall in each band above "low", hottest last.
_BAND_SHARES = (("elevated", 0.30), ("high", 0.15), ("severe", 0.05))


@dataclass(frozen=True)
class GridRisk:
    """What makes a grid risky now: open and overdue cases, open alerts, rework in the
    period, and repeat reports (more than one case of a category from the same grid)."""

    open: int = 0
    overdue: int = 0
    alerts: int = 0
    rework: int = 0
    repeats: int = 0

    @property
    def score(self) -> int:
        return sum(weight * getattr(self, name) for name, weight in RISK_WEIGHTS.items())


def band_limits(scores: Iterable[int]) -> dict[str, int]:
    """The lowest score of each band, relative to the territory in view, so that the
    hottest grids stand out whatever the size of the city."""
    positive = sorted(score for score in scores if score > 0)
    limits = {"none": 0, "low": 1}
    floor = 1
    for band, share in _BAND_SHARES:
        if positive:
            index = min(len(positive) - 1, math.floor(len(positive) * (1 - share)))
            floor = max(floor + 1, positive[index])
        else:
            floor += 1
        limits[band] = floor
    return limits


def band_of(score: int, limits: dict[str, int]) -> str:
    band = "none"
    for name in BANDS:
        if score >= limits[name]:
            band = name
    return band
