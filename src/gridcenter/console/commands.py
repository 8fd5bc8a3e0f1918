"""The command palette: jump to a case by code, and every dashboard action."""

import asyncio
from functools import partial
from typing import TYPE_CHECKING, cast

from sqlalchemy import select
from textual.command import DiscoveryHit, Hit, Hits, Provider

from gridcenter.console.keys import DASHBOARD_KEYS
from gridcenter.queries.scope import in_territory
from gridcenter.store import tables

if TYPE_CHECKING:
    from gridcenter.console.app import GridCenterApp


class CaseCommands(Provider):
    @property
    def console(self) -> "GridCenterApp":
        return cast("GridCenterApp", self.app)

    def _codes(self, prefix: str) -> list[tuple[str, str]]:
        ctx = self.console.context
        territory = ctx.actor.territory
        with ctx.db.read() as session:
            return list(
                session.execute(
                    select(tables.Case.code, tables.Case.title)
                    .where(
                        tables.Case.code.startswith(prefix),
                        in_territory(territory, tables.Case.street_id, tables.Case.community_id),
                    )
                    .order_by(tables.Case.code.desc())
                    .limit(10)
                ).tuples()
            )

    def _actions(self) -> list[tuple[str, str]]:
        return [
            (binding.description, binding.action)
            for binding in DASHBOARD_KEYS
            if binding.action not in ("next_pane", "previous_pane")
        ]

    async def discover(self) -> Hits:
        for description, action in self._actions():
            yield DiscoveryHit(description, partial(self.console.run_action, action))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        text = query.strip()
        if len(text) >= 2 and text[0].isdigit():
            for code, title in await asyncio.to_thread(self._codes, text):
                yield Hit(100, f"Open case {code}", partial(self.console.open_case, code), title)
        for description, action in self._actions():
            score = matcher.match(description)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(description), partial(self.console.run_action, action)
                )
