"""A case's state as its history tells it: what `audit verify` holds the stored case to.

Each move of the closed loop leaves one event; replaying them in order gives the step,
the level and the version a case must have. A case edited behind gridcenter's back
(its row changed, its history not) no longer matches its replay."""

from collections.abc import Iterable
from dataclasses import dataclass

from gridcenter.domain.levels import Level
from gridcenter.domain.loop import ESCALATIONS, TO_INTAKE, Step

# The step each move leads to; moves that are not here keep the step.
_STEP_AFTER = {
    "report": Step.REPORTED,
    "file": Step.FILED,
    "dispatch": Step.DISPATCHED,
    TO_INTAKE: Step.FILED,
    "return": Step.FILED,
    "feed_back": Step.FED_BACK,
    "close": Step.CLOSED,
    "dismiss": Step.CLOSED,
    "merge": Step.CLOSED,
    "hand_over": Step.CLOSED,
}


@dataclass(frozen=True)
class HistoryEvent:
    action: str
    from_value: str | None
    to_value: str | None


@dataclass(frozen=True)
class Replayed:
    step: Step | None
    level: Level | None  # None: never filed nor moved, so still its category's default
    version: int


def replay(events: Iterable[HistoryEvent]) -> Replayed:
    step: Step | None = None
    level: Level | None = None
    version = 0
    for event in events:
        version += 1
        if event.action in _STEP_AFTER:
            step = _STEP_AFTER[event.action]
        elif event.action == "verify":
            step = Step.VERIFIED if event.to_value == "passed" else Step.DISPATCHED
        elif event.action == "reopen" and event.to_value:
            step = Step(event.to_value)
        if event.action == "file" and event.to_value and " level " in event.to_value:
            level = Level(event.to_value.rsplit(" level ", 1)[1])
        elif event.action in (*ESCALATIONS, "deescalate") and event.to_value:
            level = Level(event.to_value)
    return Replayed(step, level, version)


def mismatches(
    replayed: Replayed, *, step: str, level: str, version: int, default_level: str
) -> list[str]:
    """How a stored case differs from the replay of its history (empty: it matches)."""
    found = []
    if replayed.version != version:
        found.append(f"version {version}, but {replayed.version} events")
    if replayed.step is not None and replayed.step.value != step:
        found.append(f"step {step}, but its history ends {replayed.step.value}")
    expected = replayed.level.value if replayed.level else default_level
    if level != expected:
        found.append(f"level {level}, but its history gives {expected}")
    return found
