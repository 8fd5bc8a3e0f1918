"""The jobs' schedule and thresholds, from `seed/policy.toml`."""

import tomllib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from gridcenter.domain.alerts import OverduePolicy
from gridcenter.domain.fieldwork import FieldworkPolicy
from gridcenter.domain.levels import Level
from gridcenter.resources import data_dir


@dataclass(frozen=True)
class Policy:
    overdue: OverduePolicy
    fieldwork: FieldworkPolicy
    jobs: dict[str, dict[str, Any]]

    def grace(self, job: str) -> timedelta:
        return timedelta(minutes=self.jobs[job]["grace_minutes"])


def read_policy() -> Policy:
    data = tomllib.loads((data_dir("seed") / "policy.toml").read_text("utf-8"))
    overdue = data["overdue"]
    return Policy(
        overdue=OverduePolicy(
            supervise_at_share=overdue["supervise_at_share"],
            auto_escalate=frozenset(Level.parse(level) for level in overdue["auto_escalate"]),
        ),
        fieldwork=FieldworkPolicy(
            patrol_gap=timedelta(hours=data["fieldwork"]["patrol_gap_hours"]),
            visit_window=timedelta(days=data["fieldwork"]["visit_window_days"]),
            open_cases_limit=data["fieldwork"]["open_cases_limit"],
        ),
        jobs=data["jobs"],
    )
