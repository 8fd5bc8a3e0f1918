"""The command palette: find a case by code, title, category, grid or assignee, and every
dashboard action."""

import asyncio
from functools import partial
from typing import Protocol

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from gridcenter.console.keys import DASHBOARD_KEYS
from gridcenter.formatting import printable
from gridcenter.queries.cases import CaseRow


class CaseFinder(Protocol):
    """The screen the palette is opened on: it finds cases, opens one and runs actions."""

    def find_cases(self, text: str) -> list[CaseRow]: ...

    def open_case(self, code: str) -> None: ...

    async def run_action(self, action: str) -> None: ...


class CaseCommands(Provider):
    @property
    def finder(self) -> CaseFinder:
        return self.screen  # type: ignore[return-value]  # a screen that lists this provider

    def _actions(self) -> list[Binding]:
        return [
            binding
            for binding in DASHBOARD_KEYS
            if binding.action not in ("next_pane", "previous_pane")
        ]

    async def discover(self) -> Hits:
        for binding in self._actions():
            yield DiscoveryHit(binding.description, partial(self.finder.run_action, binding.action))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        text = query.strip()
        if len(text) >= 2:
            for row in await asyncio.to_thread(self.finder.find_cases, text):
                shown = Content.assemble(
                    (row.code, "bold"), f"  {row.level}  ", Content(printable(row.title))
                )
                detail = f"{row.step.replace('_', ' ')} · {row.category} · {row.grid}"
                yield Hit(
                    1.0,
                    shown,
                    partial(self.finder.open_case, row.code),
                    row.code,
                    # The palette reads a hit's help as markup: escape what people typed.
                    escape(printable(f"{detail} · {row.assignee or 'unassigned'}")),
                )
        for binding in self._actions():
            score = matcher.match(binding.description)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(binding.description),
                    partial(self.finder.run_action, binding.action),
                )
