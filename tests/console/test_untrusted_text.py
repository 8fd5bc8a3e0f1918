"""Text that people typed or feeds sent is shown as written: never read as markup, never
drawn with its control characters."""

from pathlib import Path

from textual.widgets import Static

from gridcenter.console.app import GridCenterApp
from gridcenter.console.screens.case_detail import CaseScreen
from gridcenter.console.screens.history import HistoryScreen
from gridcenter.console.widgets.case_list import CaseList
from gridcenter.domain.loop import ClosedLoop
from gridcenter.services import cases as service
from tests.console.conftest import change_elsewhere, make_app, settle
from tests.console.test_dashboard_actions import text_of

REASON = "[/b] [b]x[/b] \x1b]52;c;cHduZWQ=\x07 \u202eok"


def assert_shown_literally(text: str) -> None:
    """Brackets as typed, escapes visible, no control character left for the terminal."""
    assert "[/b]" in text and "[b]x[/b]" in text, text
    assert "\\x1b]52;c;cHduZWQ=\\x07" in text and "\\u202eok" in text, text
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text


async def test_a_reason_with_markup_and_escapes_is_shown_literally(
    demo_path: Path, loop: ClosedLoop
) -> None:
    app: GridCenterApp = make_app(demo_path, loop)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        code = app.query_one("#queue", CaseList).selected.code  # type: ignore[union-attr]
        change_elsewhere(
            f"sqlite:///{demo_path}",
            loop,
            lambda ctx: service.escalate(ctx, code, reason=REASON),
        )
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        history = " ".join(" ".join(row) for row in app.screen.rows())
        assert_shown_literally(history)
        await pilot.press("escape")
        app.dashboard.open_case(code)
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        case_history = text_of(app.screen.query_one("#case-history", Static).content)
        assert_shown_literally(case_history)


async def test_a_typed_filter_is_shown_as_typed(demo_path: Path, loop: ClosedLoop) -> None:
    app: GridCenterApp = make_app(demo_path, loop)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        for key in ("left_square_bracket", "slash", "b", "right_square_bracket"):
            await pilot.press(key)
        await pilot.press("enter")
        await settle(pilot)
        label = app.query_one("#queue-filter", Static)
        assert "“[/b]”" in str(label.content)
