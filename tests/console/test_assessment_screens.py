"""The assessment screen and the risk map, driven by keys over the demo store."""

from textual.pilot import Pilot
from textual.widgets import DataTable, Label

from gridcenter.console.app import GridCenterApp
from gridcenter.console.screens.assessment import AssessmentScreen
from gridcenter.console.screens.case_detail import CaseScreen
from gridcenter.console.screens.risk_map import RiskMap, RiskMapScreen
from tests.console.conftest import settle


def _cells(table: DataTable, row: int) -> list[str]:
    return [str(cell) for cell in table.get_row_at(row)]


async def _open_assessment(pilot: Pilot) -> AssessmentScreen:
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AssessmentScreen)
    return screen


async def test_drilling_from_the_district_to_a_case_and_back(app: GridCenterApp) -> None:
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open_assessment(pilot)
        assert screen.period.name == "2026-11"
        places = screen.query_one("#places", DataTable)
        assert [_cells(places, n)[0] for n in range(places.row_count)] == [
            "Xiangjiang Street",
            "Yuelu Hill Street",
            "Meixi Lake Street",
            "Wangyue Street",
        ]
        await pilot.press("enter")  # into Xiangjiang Street: its communities
        await settle(pilot)
        assert [p.name for p in screen.trail] == ["Yuehu District", "Xiangjiang Street"]
        assert _cells(places, 0)[0] == "Taoyuan Community"
        await pilot.press("enter", "enter")  # Taoyuan Community, then its first grid
        await settle(pilot)
        assert screen.place.kind == "grid"
        title = str(screen.query_one("#places-title", Label).render())
        assert title.startswith("Cases reported")
        codes = screen.showing_cases
        if codes:
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, CaseScreen)
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("backspace", "backspace", "backspace")
        await settle(pilot)
        assert [p.name for p in screen.trail] == ["Yuehu District"]


async def test_periods_move_and_change_kind(app: GridCenterApp) -> None:
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open_assessment(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.period.name == "2026-10"
        assert screen.result is not None and screen.result.period.name == "2026-10"
        headline = screen.query_one("#headline", DataTable)
        assert _cells(headline, 0)[0] == "Reported"
        assert int(_cells(headline, 0)[1]) == screen.result.whole.reported > 0
        await pilot.press("p")  # month -> quarter
        await settle(pilot)
        assert screen.period.name == "2026-Q4"
        # The dashboard's keys do nothing here: r does not open a reassign dialog.
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, AssessmentScreen)


async def test_the_cases_behind_a_headline_figure(app: GridCenterApp) -> None:
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open_assessment(pilot)
        screen.query_one("#headline", DataTable).focus()
        await pilot.press("down", "down", "down", "c")  # the on-time closure row
        await settle(pilot)
        title = str(screen.query_one("#places-title", Label).render())
        assert title.startswith("Cases closed late")
        assert screen.showing_cases
        await pilot.press("backspace")
        await settle(pilot)
        assert not screen.showing_cases


async def test_the_risk_map_moves_between_grids(app: GridCenterApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RiskMapScreen)
        board = screen.query_one(RiskMap)
        assert len(board.grids) == 257
        first = board.selected
        await pilot.press("right")
        assert board.selected is not None and first is not None
        assert board.selected.code > first.code
        await pilot.press("down")  # the next community, same column
        assert board.selected.community != first.community
        card = str(screen.query_one("#grid-card").render())
        assert board.selected.name in card
        scores = sorted(grid.risk.score for grid in board.grids)
        assert scores[-1] >= board.limits["severe"] > board.limits["high"]
