"""A category's time limits: hours per step of the loop, and the share of a limit after
which a warning is raised."""

from dataclasses import dataclass, fields
from typing import ClassVar

from gridcenter.domain.errors import Refused

LONGEST_LIMIT_H = 24 * 90  # a quarter of a year: beyond it a limit is a typing error


@dataclass(frozen=True)
class LimitChange:
    """What is given of a category's limits; None keeps the stored value."""

    FIELDS: ClassVar[tuple[str, ...]] = (
        "file_h", "dispatch_h", "handle_h", "verify_h", "close_h", "warn_share",
    )  # fmt: skip

    file_h: float | None = None
    dispatch_h: float | None = None
    handle_h: float | None = None
    verify_h: float | None = None
    close_h: float | None = None
    warn_share: float | None = None


def apply_limits(current: dict[str, float], change: LimitChange) -> dict[str, float]:
    """The limits after `change`; a refusal for an hour count that is not positive or is
    over a quarter of a year, or a warning share outside (0, 1)."""
    result = dict(current)
    for field in fields(change):
        value = getattr(change, field.name)
        if value is None:
            continue
        if field.name == "warn_share":
            if not 0 < value < 1:
                raise Refused(f"a warning share is between 0 and 1, not {value:g}")
        elif not 0 < value <= LONGEST_LIMIT_H:
            step = field.name.removesuffix("_h")
            raise Refused(
                f"the {step} limit is more than 0 and at most {LONGEST_LIMIT_H} hours, "
                f"not {value:g}"
            )
        result[field.name] = float(value)
    return result
