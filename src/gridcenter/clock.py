"""The one source of "now": the system clock, or a frozen one for tests and scripts."""

from datetime import UTC, datetime


class Clock:
    def __init__(self, frozen: datetime | None = None) -> None:
        if frozen is not None and frozen.tzinfo is None:
            raise ValueError("a frozen clock needs a timezone-aware time")
        self.frozen = frozen

    def now(self) -> datetime:
        return self.frozen if self.frozen is not None else datetime.now(UTC)
