"""The command palette: find a case by code, title, category, grid or assignee, and every
dashboard action."""

import asyncio
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from gridcenter.console.keys import DASHBOARD_KEYS
from gridcenter.formatting import printable
from gridcenter.queries import dashboard
from gridcenter.queries.cases import CaseRow

if TYPE_CHECKING:
    from gridcenter.console.app import GridCenterApp


class CaseCommands(Provider):
    @property
    def console(self) -> "GridCenterApp":
        return cast("GridCenterApp", self.app)

    def _cases(self, text: str) -> list[CaseRow]:
        ctx = self.console.context
        with ctx.db.read() as session:
            return dashboard.find_cases(session, ctx.actor.territory, text)

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
        if len(text) >= 2:
            for row in await asyncio.to_thread(self._cases, text):
                shown = Content.assemble(
                    (row.code, "bold"), f"  {row.level}  ", Content(printable(row.title))
                )
                detail = f"{row.step.replace('_', ' ')} · {row.category} · {row.grid}"
                yield Hit(
                    1.0,
                    shown,
                    partial(self.console.open_case, row.code),
                    row.code,
                    # The palette reads a hit's help as markup: escape what people typed.
                    escape(printable(f"{detail} · {row.assignee or 'unassigned'}")),
                )
        for description, action in self._actions():
            score = matcher.match(description)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(description), partial(self.console.run_action, action)
                )
