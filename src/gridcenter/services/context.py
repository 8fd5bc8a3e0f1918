from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from gridcenter.clock import Clock
from gridcenter.domain.access import Actor, Role
from gridcenter.domain.authority import CaseRules
from gridcenter.domain.calendar import Timekeeper
from gridcenter.domain.loop import ClosedLoop
from gridcenter.store.database import Database
from gridcenter.store.seeding import read_calendar, read_case_rules


@dataclass(frozen=True)
class Context:
    """What every use case needs: the store, the rules, the clock and who is acting."""

    db: Database
    loop: ClosedLoop
    clock: Clock
    actor: Actor
    rules: CaseRules = field(default_factory=read_case_rules)  # the policy's, for cases

    def now(self) -> datetime:
        return self.clock.now()

    def as_job(self) -> "Context":
        """The same store and clock, acting as the scheduler: recorded as a job in history."""
        return replace(self, actor=Actor("scheduler", Role.ADMIN, channel="job"))

    @property
    def timezone(self) -> ZoneInfo:
        return self.loop.time.calendar.timezone


def make_loop() -> ClosedLoop:
    return ClosedLoop(Timekeeper(read_calendar()))
