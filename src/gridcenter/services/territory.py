"""Loading the district's territory from a GeoJSON file."""

from dataclasses import dataclass
from typing import Any

from gridcenter.domain.access import Action
from gridcenter.domain.changes import ChangeKind
from gridcenter.domain.errors import Refused
from gridcenter.domain.territory import Change, Gap, read_territory
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.history import append
from gridcenter.store.territory import load_territory


@dataclass(frozen=True)
class Imported:
    """What an import changed, and the gaps it found (unowned areas, not errors)."""

    changes: tuple[Change, ...]
    unchanged: int
    gaps: tuple[Gap, ...]

    def count(self, action: str, level: str) -> int:
        return sum(1 for c in self.changes if c.action == action and c.level == level)


def import_territory(ctx: Context, data: Any) -> Imported:
    """Check a parsed GeoJSON document as a whole, then load it in one transaction or not
    at all; every place added, changed or removed is recorded with who did it."""
    ctx.actor.require(Action.LOAD_TERRITORY)
    if not ctx.actor.territory.is_district:
        raise Refused(
            f"{ctx.actor.login} acts for one street or community; "
            "the territory is loaded for the whole district"
        )
    territory = read_territory(data)
    now = ctx.now()
    with ctx.db.write() as session:
        loaded = load_territory(session, territory)
        # One append for the whole import: a city's grids are thousands of history rows.
        append(
            session,
            "audit_event",
            (
                {
                    "at": now,
                    "actor": ctx.actor.signature,
                    "channel": ctx.actor.channel,
                    "action": f"territory_{change.action}",
                    "subject_kind": change.level,
                    "subject_ref": change.code,
                    "from_value": change.before,
                    "to_value": change.after,
                    "reason": "territory import",
                }
                for change in loaded.changes
            ),
        )
        if loaded.changes:
            session.add(
                tables.ChangeLog(at=now, kind=ChangeKind.TERRITORY, ref=territory.district.code)
            )
    return Imported(tuple(loaded.changes), loaded.unchanged, territory.gaps)
